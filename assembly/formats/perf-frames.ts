// How a perf frame line reads and what it is named (the corpus contract's
// perf rules 8 and 9; perf.ts reads the lines and caches the names): the
// `(DSO)` group that ends the line, the offset before it, and the SYM's
// frames: `[unknown]` after its DSO, Rust demangled, `a->b` inlines split,
// argument lists cut, kernel and JIT marks, Java's `L` dropped.

import { isBlank, isDigit, skipBlanks, skipDigits } from "../util/scan";
import { allocBytes, growBytes } from "../util/memory";
import { NameScratch } from "../util/name-scratch";
import { frameTable } from "../tables/session";
import { LineCache } from "../tables/line-cache";
import { bytesEqual } from "../util/hash";
import { wordEnd } from "./perf-event";
import { demangleRustLegacy } from "./demangle";
import { internFrameName } from "./frame-names";

// Options: annotations (rule 9.10) and addresses of unknown frames (rule 9.6).
let kernelMarks = false;
let jitMarks = false;
let withAddrs = false;

/** Sets the naming options: `_[k]` on kernel frames, `_[j]` on JIT frames, `[DSO <PC>]` for unknown ones. */
export function frameNamingOptions(kernel: bool, jit: bool, addrs: bool): void {
  kernelMarks = kernel;
  jitMarks = jit;
  withAddrs = addrs;
}

const UNKNOWN = "[unknown]";
/** UNKNOWN as bytes, for an empty SYM (rule 9.1). */
export let unknownBytes: usize = 0;

// Scratch for naming a frame line: the demangled symbol, one piece, piece bounds, the ids.
const room = new NameScratch();
/** Where nameFrame() writes the ids of the frames it named (valid until the next call). */
export function namedIds(): usize { return room.ids; }

// Java processes fold `Ljava/lang/Thread;` as `java/lang/Thread:` (rule 9.9), so the same frame
// line names differently under a COMM that starts with "java". Lines are cached with the other
// naming; javaIds maps a frame id to its Java twin (id + 1; 0 until looked at).
let javaIds: usize = 0;
let javaCap: u32 = 0;

export function frameNamesInit(): void {
  room.ensure(256, 128);
  javaCap = 1024;
  javaIds = allocBytes(<usize>javaCap << 2);
  unknownBytes = allocBytes(9);
  for (let i = 0; i < 9; i++) store<u8>(unknownBytes + i, <u8>UNKNOWN.charCodeAt(i));
}

/**
 * Where the DSO group `(...)` that ends [sym, end) starts, parentheses matched
 * from the right (a DSO may hold blanks and parentheses: `(/x/My App/a.so (deleted))`);
 * -1 when the line does not end in one preceded by a blank (rule 8).
 */
export function dsoGroup(sym: usize, end: usize): isize {
  if (load<u8>(end - 1) != 0x29) return -1;
  let q = lastParenthesis(sym, end - 1);
  if (q < 0) return -1;
  if (load<u8>(q) != 0x28) { // a DSO with parentheses inside: match them one by one
    let depth = 1;
    q = <isize>end - 1;
    while (depth > 0 && q > <isize>sym) {
      q--;
      const c = load<u8>(q);
      if (c == 0x29) depth++;
      else if (c == 0x28) depth--;
    }
    if (depth > 0) return -1;
  }
  return q == <isize>sym || isBlank(load<u8>(q - 1)) ? q : -1;
}

/** The last '(' or ')' in [p, e), or -1; sixteen bytes at a time from the end (DSO paths run long). */
function lastParenthesis(p: usize, e: usize): isize {
  const open = i8x16.splat(0x28);
  const close = i8x16.splat(0x29);
  while (e > p) {
    const base = e - 16; // bytes before p may be read (buffers are preceded by others); their bits are dropped
    const v = v128.load(base);
    let m = <u32>i8x16.bitmask(v128.or(i8x16.eq(v, open), i8x16.eq(v, close)));
    if (e - p < 16) m &= ~((<u32>1 << (16 - <u32>(e - p))) - 1);
    if (m != 0) return <isize>(base + 31 - <usize>clz<u32>(m));
    e = base;
  }
  return -1;
}

/** The first blank at or after p (or end): where the PC ends. Sixteen bytes at a time. */
export function nextBlank(p: usize, end: usize): usize {
  const space = i8x16.splat(0x20);
  const tab = i8x16.splat(0x09);
  while (p < end) {
    const v = v128.load(p);
    const m = i8x16.bitmask(v128.or(i8x16.eq(v, space), i8x16.eq(v, tab)));
    if (m != 0) return min(p + <usize>ctz<u32>(m), end);
    p += 16;
  }
  return end;
}

// The name a frame gets in a Java process: one leading `L` goes from a name with a '/' (rule 9.9).
export function javaTwin(id: u32): u32 {
  if (id >= javaCap) {
    let cap = javaCap << 1;
    while (cap <= id) cap <<= 1;
    javaIds = growBytes(javaIds, <usize>javaCap << 2, <usize>cap << 2);
    javaCap = cap;
  }
  const slot = javaIds + (<usize>id << 2);
  let twin = load<u32>(slot);
  if (twin == 0) {
    const p = frameTable.ptr(id);
    const len = <usize>frameTable.len(id);
    twin = len > 0 && load<u8>(p) == 0x4c && find(p, p + len, 0x2f) ? frameTable.intern(p + 1, len - 1) + 1 : id + 1;
    store<u32>(slot, twin);
  }
  return twin - 1;
}

function find(p: usize, e: usize, c: u8): bool {
  for (; p < e; p++) if (load<u8>(p) == c) return true;
  return false;
}

function endsWith(p: usize, e: usize, s: string): bool {
  const n = <usize>s.length;
  if (e - p < n) return false;
  for (let i: usize = 0; i < n; i++) if (load<u8>(e - n + i) != <u8>s.charCodeAt(<i32>i)) return false;
  return true;
}

function startsWith(p: usize, e: usize, s: string): bool {
  const n = <usize>s.length;
  if (e - p < n) return false;
  for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) != <u8>s.charCodeAt(<i32>i)) return false;
  return true;
}

/**
 * Names a frame line from its SYM [sym, se) (rules 9.1 and 9.2 applied) and
 * DSO [ds, de) (rules 9.3 to 9.10): writes its frame ids to `namedIds()` in push
 * order (leaf first) and returns how many (0: a SYM that names no frame).
 */
export function nameFrame(sym: usize, se: usize, ds: usize, de: usize, pc: usize, pcEnd: usize): u32 {
  if (endsWith(ds, de, " (deleted)")) de -= 10; // rule 8
  room.ensure((se - sym) + (de - ds) + (pcEnd - pc) + 64, 128);
  if (se > sym && load<u8>(sym) == 0x28) return 0; // rule 9.3
  const demangled = room.bytes + (room.cap >> 1);
  const m = demangleRustLegacy(sym, se - sym, demangled); // rule 9.4
  if (m >= 0) {
    sym = demangled;
    se = demangled + <usize>m;
  }
  const kernel = kernelMarks && isKernelDso(ds, de);
  const jit = jitMarks && isJitDso(ds, de);
  // Rule 9.5: pieces between the `->` that do not follow `operator`, in call order.
  let pieces: u32 = 0;
  let s = sym;
  let q = sym;
  while (true) {
    while (q + 1 < se && !(load<u16>(q) == 0x3e2d && !(q >= sym + 8 && load<u64>(q - 8) == 0x726f74617265706f))) q++;
    const arrow = q + 1 < se;
    const pe = arrow ? q : se;
    store<u32>(room.bounds + (<usize>pieces << 3), <u32>(s - sym));
    store<u32>(room.bounds + (<usize>pieces << 3) + 4, <u32>(pe - sym));
    pieces++;
    if (!arrow) break;
    s = q = pe + 2;
  }
  for (let i: u32 = 0; i < pieces; i++) {
    const a = sym + load<u32>(room.bounds + (<usize>i << 3));
    const b = sym + load<u32>(room.bounds + (<usize>i << 3) + 4);
    store<u32>(room.ids + (<usize>(pieces - 1 - i) << 2), namePiece(a, b, i > 0, ds, de, pc, pcEnd, kernel, jit));
  }
  return pieces;
}

// Rule 9.2: a trailing `+0x` and one or more hex digits.
export function cutOffset(p: usize, e: usize): usize {
  const q = hexRunStart(p, e);
  if (q == e || q - p < 3 || load<u8>(q - 1) != 0x78 || load<u8>(q - 2) != 0x30 || load<u8>(q - 3) != 0x2b) return e;
  return q - 3;
}

/** Where the run of hex digits that ends at `e` starts (at p or later); sixteen bytes at a time, from the end. */
function hexRunStart(p: usize, e: usize): usize {
  while (e > p) {
    const base = e - 16; // bytes before p may be read (buffers are preceded by others); they count as stops
    const v = v128.load(base);
    const digit = i8x16.lt_u(i8x16.sub(v, i8x16.splat(0x30)), i8x16.splat(10));
    const letter = i8x16.lt_u(i8x16.sub(v128.or(v, i8x16.splat(0x20)), i8x16.splat(0x61)), i8x16.splat(6));
    let stops = ~<u32>i8x16.bitmask(v128.or(digit, letter)) & 0xffff;
    if (e - p < 16) stops |= (<u32>1 << (16 - <u32>(e - p))) - 1;
    if (stops != 0) return base + 32 - <usize>clz<u32>(stops);
    e = base;
  }
  return p;
}

/** One piece of a frame line (rules 9.6 to 9.10), interned. */
function namePiece(a: usize, b: usize, inlined: bool, ds: usize, de: usize, pc: usize, pcEnd: usize, kernel: bool, jit: bool): u32 {
  const out = room.bytes;
  let o = out;
  if (b - a == 9 && memory.compare(a, unknownBytes, 9) == 0) { // rule 9.6: `[unknown]` is named after its DSO
    store<u8>(o++, 0x5b);
    if (de - ds == 9 && memory.compare(ds, unknownBytes, 9) == 0) {
      memory.copy(o, unknownBytes + 1, 7); // "unknown"
      o += 7;
    } else {
      let base = de;
      while (base > ds && load<u8>(base - 1) != 0x2f) base--;
      memory.copy(o, base, de - base);
      o += de - base;
    }
    if (withAddrs) {
      store<u16>(o, 0x3c20); // " <"
      memory.copy(o + 2, pc, pcEnd - pc);
      o += 2 + (pcEnd - pc);
      store<u8>(o++, 0x3e); // '>'
    }
    store<u8>(o++, 0x5d);
  } else {
    memory.copy(o, a, b - a);
    o += b - a;
  }
  o = cutArguments(out, o); // rule 9.8 (9.7, ';' as ':', when interned: no rule between looks at either)
  // Rule 9.10 (rule 9.9, Java's `L`, is javaTwin's).
  if (inlined) {
    if (!contains(out, o, 0x5d695b5f)) { store<u32>(o, 0x5d695b5f); o += 4; } // "_[i]"
  } else if (kernel) {
    store<u32>(o, 0x5d6b5b5f); // "_[k]"
    o += 4;
  } else if (jit && !contains(out, o, 0x5d6a5b5f)) {
    store<u32>(o, 0x5d6a5b5f); // "_[j]"
    o += 4;
  }
  return internFrameName(out, o - out);
}

function contains(p: usize, e: usize, word: u32): bool {
  for (; p + 4 <= e; p++) if (load<u32>(p) == word) return true;
  return false;
}

/**
 * Rule 9.8: the argument list goes, from the first `(` outside every `<>`,
 * `{}`, `[]` and `()` pair; `operator<<` and the like are no brackets, and
 * Go's `.(*T)` and C++'s `(anonymous namespace)` are no argument lists.
 */
function cutArguments(p: usize, e: usize): usize {
  let depth = 0;
  for (let q = p; q < e; q++) {
    if (q >= p + 8 && load<u64>(q - 8) == 0x726f74617265706f) { // "operator"
      const skip = operatorLength(q, e);
      if (skip > 0) {
        q += skip - 1;
        continue;
      }
    }
    const c = load<u8>(q);
    if (c == 0x3c || c == 0x7b || c == 0x5b) depth++; // < { [
    else if (c == 0x3e || c == 0x7d || c == 0x5d || c == 0x29) { // > } ] )
      if (depth > 0) depth--;
    } else if (c == 0x28) {
      if (depth == 0 && !(q > p && load<u8>(q - 1) == 0x2e) && !startsWith(q, e, "(anonymous namespace)")) return q;
      depth++;
    }
  }
  return e;
}

// The length of the operator name's symbol at q (`<=>`, `<<`, `>>`, `<=`, `>=`, `->`, `<`, `>`), or 0.
function operatorLength(q: usize, e: usize): usize {
  const c = load<u8>(q);
  if (c != 0x3c && c != 0x3e && c != 0x2d) return 0;
  const d: u8 = q + 1 < e ? load<u8>(q + 1) : 0;
  if (c == 0x2d) return d == 0x3e ? 2 : 0; // "->"
  if (c == 0x3c && d == 0x3d && q + 2 < e && load<u8>(q + 2) == 0x3e) return 3; // "<=>"
  if (d == c || d == 0x3d) return 2; // "<<" ">>" "<=" ">="
  return 1;
}

// Rule 9.10: kernel DSOs: `[...]` but `[unknown]`, `.ko` modules, vmlinux images (`vmlinux-5.4.14-x`).
function isKernelDso(p: usize, e: usize): bool {
  if (e > p && load<u8>(p) == 0x5b) return !(e - p == 9 && memory.compare(p, unknownBytes, 9) == 0);
  if (endsWith(p, e, ".ko")) return true;
  // the last "vmlinux", followed only by letters, digits, '.', '_' and '-'
  let q = e;
  while (q > p) {
    const c = <u32>load<u8>(q - 1);
    if (!(isDigit(c) || (c | 0x20) - 0x61 < 26 || c == 0x2e || c == 0x5f || c == 0x2d)) break;
    q--;
  }
  for (let v = q; v + 7 <= e; v++) if (startsWith(v, e, "vmlinux")) return true;
  return false;
}

// Rule 9.10: JIT DSOs: a perf map `/tmp/perf-PID.map`, or a jitdump `.../jitted-PID-N.so`.
function isJitDso(p: usize, e: usize): bool {
  if (startsWith(p, e, "/tmp/perf-") && endsWith(p, e, ".map")) {
    const d = p + 10;
    return e - 4 > d && skipDigits(d, e - 4) == e - 4;
  }
  if (!endsWith(p, e, ".so")) return false;
  for (let q = p; q + 8 <= e; q++) if (startsWith(q, e, "/jitted-")) return true;
  return false;
}

// Rule 8's shape, for the text after an event word: `PC SYM (DSO)`.
export function isFrameLine(p: usize, end: usize): bool {
  const sym = skipBlanks(wordEnd(p, end), end);
  return sym < end && dsoGroup(sym, end) >= 0;
}

/**
 * Whether the frame line whose SYM starts at `sym` has the key of `cache`'s
 * entry `e` (its cut SYM, then ` (DSO)`): it reads as the key's first part, an offset
 * or nothing, then the second part. That is the key the line would get, so no
 * parsing is needed: the DSO group matched from the right of the same suffix
 * is the same group, and cutting the offset (rule 9.2) leaves the first part;
 * without an offset, the first part must be a SYM that rule 9.2 and the
 * trimming leave alone (non-empty, no trailing blank, no offset of its own).
 */
export function readsAs(cache: LineCache, e: usize, sym: usize, end: usize): bool {
  const k = cache.keyAt(e);
  const l1 = cache.keySplit(e);
  const l2 = cache.keyLength(e) - l1;
  if (end - sym < l1 + l2 || !bytesEqual(sym, k, l1) || !bytesEqual(end - l2, k + l1, l2)) return false;
  const m = sym + l1;
  const me = end - l2;
  if (m == me) return l1 > 0 && !isBlank(load<u8>(k + l1 - 1)) && cutOffset(k, k + l1) == k + l1;
  return me - m >= 4 && cutOffset(m, me) == m;
}
