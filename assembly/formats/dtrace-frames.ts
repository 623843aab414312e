// How a DTrace frame line is named (formats/dtrace.ts reads the lines):
// stackcollapse.pl's rules with its defects fixed. The offset is cut (unless
// includeOffset), C++ argument lists trimmed, Rust legacy hashes dropped,
// `caller->callee` inlines split, ';' made ':'.

import { lastIndexOf, indexOf } from "../util/scan";
import { NameScratch } from "../util/name-scratch";
import { demangleRustLegacy } from "./demangle";
import { frameTable, leafFrame, replaceLeafFrame } from "../tables/session";

// Scratch space for naming one frame line: demangled text, one part, its ids.
const room = new NameScratch();
/** Where nameFrame() writes the ids of the frames it named (valid until the next call). */
export function namedIds(): usize { return room.ids; }

/**
 * Names the frame text [p, p+len) (offset already cut unless includeOffset):
 * trims a C++ argument list, demangles Rust, splits `caller->callee` inline
 * frames. Writes the frame ids to `namedIds()` in push order (callee first, since
 * records are read leaf first) and returns how many.
 */
export function nameFrame(p: usize, len: usize, includeOffset: bool): u32 {
  room.ensure(len, 64);
  const out = room.bytes + len + 32; // the demangled text lives here; parts are built at `room.bytes`
  let n = len;
  // C++: s/(::.*)[(<].*/$1/ cuts at the last '(' or '<' after the first "::".
  const scope = findScope(p, n);
  if (scope >= 0) {
    let q = p + n;
    while (q > <usize>scope + 2) {
      q--;
      const b = load<u8>(q);
      if (b == 0x28 || b == 0x3c) { n = q - p; break; }
    }
  }
  // Rust legacy symbols after the module: mod`func::h<hash>[+off]
  let src = p;
  const tick = indexOf(p, p + n, 0x60);
  if (tick >= 0) {
    const f = <usize>tick + 1;
    let fend = p + n;
    if (includeOffset) {
      const plus = lastIndexOf(f, fend, 0x2b);
      if (plus >= 0) fend = <usize>plus;
    }
    const head = f - p;
    const m = demangleRustLegacy(f, fend - f, out + head);
    if (m >= 0) {
      memory.copy(out, p, head);
      const tail = p + n - fend;
      memory.copy(out + head + <usize>m, fend, tail);
      src = out;
      n = head + <usize>m + tail;
    }
  }
  if (n == 0) { // stackcollapse.pl names an empty frame "-"
    store<u8>(out, 0x2d);
    src = out;
    n = 1;
  }
  return splitInlines(src, n);
}

function findScope(p: usize, n: usize): isize {
  for (let q = p; q + 1 < p + n; q++) {
    if (load<u16>(q) == 0x3a3a) return <isize>q;
  }
  return -1;
}

// "caller->callee" is an inlined call: `caller;callee_[i]`. The C++ name
// `operator->` is not a split point. Like Perl's split, trailing empty parts go.
function splitInlines(src: usize, n: usize): u32 {
  const end = src + n;
  // Collect part boundaries first, so empty trailing parts can be dropped.
  let count: u32 = 0;
  let partStart = src;
  let q = src;
  let lastNonEmpty: i32 = -1;
  while (true) {
    const arrow = findArrow(src, q, end);
    const partEnd = arrow >= 0 ? <usize>arrow : end;
    store<u32>(room.bounds + (<usize>count << 3), <u32>(partStart - src));
    store<u32>(room.bounds + (<usize>count << 3) + 4, <u32>(partEnd - src));
    if (partEnd > partStart) lastNonEmpty = <i32>count;
    count++;
    if (arrow < 0) break;
    partStart = partEnd + 2;
    q = partStart;
  }
  const parts = <u32>(lastNonEmpty + 1);
  // Push order is the reverse of call order: the callee is nearer the leaf.
  for (let i: u32 = 0; i < parts; i++) {
    const s = src + load<u32>(room.bounds + (<usize>i << 3));
    const e = src + load<u32>(room.bounds + (<usize>i << 3) + 4);
    store<u32>(room.ids + (<usize>(parts - 1 - i) << 2), namePart(s, e, i > 0));
  }
  return parts;
}

function findArrow(src: usize, q: usize, end: usize): isize {
  for (; q + 1 < end; q++) {
    if (load<u16>(q) == 0x3e2d) { // "->"
      if (q >= src + 8 && load<u64>(q - 8) == 0x726f74617265706f) continue; // "operator->"
      return <isize>q;
    }
  }
  return -1;
}

// One part of a frame: ';' would split a folded stack, so it becomes ':';
// a JVM class descriptor `Ljava/lang/Thread;` loses its `L` (but not a module
// such as ``Lzma`...``); inlined callees get the `_[i]` annotation.
function namePart(s: usize, e: usize, inlined: bool): u32 {
  if (e - s >= 2 && load<u8>(s) == 0x4c && indexOf(s, e, 0x2f) >= 0 && indexOf(s, e, 0x60) < 0) s++;
  let o = room.bytes;
  for (let q = s; q < e; q++) {
    const b = load<u8>(q);
    store<u8>(o++, b == 0x3b ? 0x3a : b);
  }
  if (inlined) {
    store<u32>(o, 0x5d695b5f); // "_[i]"
    o += 4;
  }
  return frameTable.intern(room.bytes, o - room.bytes);
}

// stackcollapse.pl's $includeoffset keeps offsets but cuts the leaf's; unlike
// it, a leaf printed without an offset keeps its name (FlameGraph issue #202).
export function trimLeafOffset(): void {
  const leaf = leafFrame();
  const p = frameTable.ptr(leaf);
  const len = frameTable.len(leaf);
  const plus = lastIndexOf(p, p + len, 0x2b);
  if (plus < 0) return;
  room.ensure(len, 64);
  const n = <usize>plus - p;
  memory.copy(room.bytes, p, n);
  replaceLeafFrame(frameTable.intern(room.bytes, n));
}
