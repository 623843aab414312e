// Linux `perf script` output (tools/perf/builtin-script.c), perf 3.x to 6.x:
//
//   java 12345 [003] 1234567.123456:     250000 cycles:u:     <- event line: COMM, TID or PID/TID,
//   \t    7f3a8c029d90 foo+0x80 (/usr/lib/libc.so.6)          CPU, time, period, event name
//   \t    55d6c0a01095 _start+0x25 (/tmp/f)                  <- frames, leaf first: PC SYM+OFF (DSO)
//                                                            <- an empty line ends the record
//
// The rules are the corpus contract (../shared/corpus/README.md, "perf
// rules", cited as "rule N"): stackcollapse-perf.pl's semantics with its
// defects, and inferno's, fixed. A frame line is named once: the line cache
// maps its text after the PC (which differs per process for the same
// instruction) to the frame ids it gives.

import { isBlank, isDigit, skipBlanks, skipDigits, digitsValue } from "../util/scan";
import { hashBytes, bytesEqual } from "../util/hash";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { LineCache } from "../tables/line-cache";
import { eventsOnly, eventSelectedOrFirst, countEvent, countMatched } from "../tables/events";
import { frameTable, stackPush, foldLeafFirst, setRecordTime, inputLine } from "../tables/session";
import { malformedLine } from "../tables/notes";
import { demangleRustLegacy } from "./demangle";
import { Format, eachLine } from "./format";

// Options: the root name (rule 10), annotations (rule 9.10), addresses of unknown frames (rule 9.6).
let withPid = false;
let withTid = false;
let kernelMarks = false;
let jitMarks = false;
let allMarks = false;
let withAddrs = false;

// The record being read.
let inRecord = false;
let folding = false; // it is of the event folded (and not only listing events)
let count: f64 = 1; // its period (rule 6)
let root: u32 = 0; // the frame id of its root name
let java = false; // COMM starts with "java" (rule 9.9)
let prevLine: usize = 0; // line-cache entry of its previous frame line (0: none), for successor prediction

let cache: LineCache = changetype<LineCache>(0);

// The root name of the last event line, by the bytes it was made from (COMM to the TID word):
// consecutive samples of one thread make the same one.
let rootKey: usize = 0;
let rootKeyLen: usize = 0;
let rootKeyCap: usize = 0;

// A frame line's cache key, when it is not the line's own bytes.
let keyBuf: usize = 0;
let keyCap: usize = 0;

// Scratch for naming a frame line: the demangled symbol, one piece, piece bounds, the ids.
let scratch: usize = 0;
let scratchCap: usize = 0;
let ids: usize = 0;
let bounds: usize = 0;
let idsCap: u32 = 0;

// Java processes fold `Ljava/lang/Thread;` as `java/lang/Thread:` (rule 9.9), so the same frame
// line names differently under a COMM that starts with "java". Lines are cached with the other
// naming; javaIds maps a frame id to its Java twin (id + 1; 0 until looked at).
let javaIds: usize = 0;
let javaCap: u32 = 0;

const UNKNOWN = "[unknown]";
let unknownBytes: usize = 0; // UNKNOWN as bytes, for an empty SYM (rule 9.1)

function perfInit(): void {
  cache = new LineCache();
  rootKeyCap = 256;
  rootKey = allocBytes(rootKeyCap);
  keyCap = 512;
  keyBuf = allocBytes(keyCap);
  ensureScratch(256);
  javaCap = 1024;
  javaIds = allocBytes(<usize>javaCap << 2);
  unknownBytes = allocBytes(9);
  for (let i = 0; i < 9; i++) store<u8>(unknownBytes + i, <u8>UNKNOWN.charCodeAt(i));
}

function ensureScratch(len: usize): void {
  const need = (len << 1) + 128;
  if (need <= scratchCap) return;
  freeBytes(scratch);
  freeBytes(ids);
  freeBytes(bounds);
  scratchCap = need;
  scratch = allocBytes(need);
  idsCap = <u32>(len >> 1) + 4; // at most one piece per "->" (2 bytes each) plus one
  ids = allocBytes(<usize>idsCap << 2);
  bounds = allocBytes(<usize>idsCap << 3);
}

function beginPerf(): void {
  inRecord = false;
  prevLine = 0;
  rootKeyLen = 0;
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0d;
}

/** One line of `perf script` output, without its newline. */
function perfLine(start: usize, end: usize): void {
  while (end > start && isSpace(load<u8>(end - 1))) end--; // rule 1: trailing blanks, tabs and \r go
  if (end == start) { // rule 2: an empty line ends the record
    if (inRecord) endRecord();
    return;
  }
  if (load<u8>(start) == 0x23) return; // rule 1: `#` lines (the --header block), wherever they are
  if (inRecord) {
    if (folding) frameLine(start, end);
    return;
  }
  eventLine(start, end);
}

/** End of input: the last record counts even without an empty line after it (rule 2). */
function endPerf(): void {
  if (inRecord) endRecord();
  beginPerf();
}

// A record that keeps no frame still counts, as its root name alone (rule 11).
function endRecord(): void {
  if (folding) {
    stackPush(root);
    foldLeafFirst(count);
  }
  inRecord = false;
  prevLine = 0;
}

// The end of the word (blank-separated) starting at p.
function wordEnd(p: usize, end: usize): usize {
  while (p < end && !isBlank(load<u8>(p))) p++;
  return p;
}

// A TID (digits) or PID/TID (digits/digits) word: the position of its '/', `e` when it has none, 0 when it is neither.
function tidWord(p: usize, e: usize): usize {
  const d = skipDigits(p, e);
  if (d == p) return 0;
  if (d == e) return e;
  if (load<u8>(d) != 0x2f || d + 1 == e) return 0;
  return skipDigits(d + 1, e) == e ? d : 0;
}

// `[digits]`, the CPU.
function isCpuWord(p: usize, e: usize): bool {
  return e - p >= 3 && load<u8>(p) == 0x5b && load<u8>(e - 1) == 0x5d && skipDigits(p + 1, e - 1) == e - 1;
}

const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// `digits:` or `digits.digits:`, the time: its value in seconds, or -1 when the word is not one.
function timeWord(p: usize, e: usize): f64 {
  if (e - p < 2 || load<u8>(e - 1) != 0x3a) return -1;
  const d = skipDigits(p, e - 1);
  if (d == p) return -1;
  if (d == e - 1) return digitsValue(p, d);
  if (load<u8>(d) != 0x2e) return -1;
  const f = skipDigits(d + 1, e - 1);
  if (f == d + 1 || f != e - 1) return -1;
  const decimals = f - d - 1;
  if (d - p > 15 || decimals > 15) return digitsValue(p, d) + digitsValue(d + 1, f) / Math.pow(10, <f64>decimals);
  // perf prints microseconds or nanoseconds: both parts fit 64-bit integers, converted once
  let whole: u64 = 0;
  for (let q = p; q < d; q++) whole = whole * 10 + <u64>(load<u8>(q) - 0x30);
  let part: u64 = 0;
  for (let q = d + 1; q < f; q++) part = part * 10 + <u64>(load<u8>(q) - 0x30);
  return <f64>whole + <f64>part / unchecked(POW10[<i32>decimals]);
}

// The largest count a double holds exactly: a larger period would be silently rounded.
const EXACT_MAX: f64 = 9007199254740992;

/**
 * An event line (rules 3 to 7): `COMM TID|PID/TID [CPU] TIME: [PERIOD] EVENT: [REST]`,
 * every field after the TID optional.
 */
function eventLine(start: usize, end: usize): void {
  const comm = skipBlanks(start, end);
  // Rule 3: the TID is the first word after the first that is digits or digits/digits.
  let w = comm;
  let q = wordEnd(w, end);
  let slash: usize = 0;
  while (true) {
    w = skipBlanks(q, end);
    if (w == end) { // no such word: not an event line, and outside a record nothing else is
      malformedLine();
      return;
    }
    q = wordEnd(w, end);
    slash = tidWord(w, q);
    if (slash != 0) break;
  }
  const tid = w;
  const tidEnd = q;
  let commEnd = tid;
  while (commEnd > comm && isBlank(load<u8>(commEnd - 1))) commEnd--;
  // Rule 4: CPU and time words, then maybe a period before the event word.
  let time: f64 = NaN;
  while (true) {
    w = skipBlanks(q, end);
    if (w == end) break;
    q = wordEnd(w, end);
    if (isCpuWord(w, q)) continue;
    const t = timeWord(w, q);
    if (t < 0) break;
    time = t;
  }
  let period: f64 = 1;
  if (w < end && skipDigits(w, q) == q) {
    const w2 = skipBlanks(q, end);
    const q2 = wordEnd(w2, end);
    if (w2 < end && load<u8>(q2 - 1) == 0x3a) {
      period = digitsValue(w, q);
      if (period > EXACT_MAX) {
        throw new Error("line " + (<i64>inputLine()).toString() + " a period too large to count exactly (over 2^53)");
      }
      w = w2;
      q = q2;
    }
  }
  const named = w < end && load<u8>(q - 1) == 0x3a;
  inRecord = true;
  prevLine = 0;
  count = period;
  setRecordTime(time);
  // Rule 5: the first event seen (or the one asked for) is folded; records without a name are kept.
  if (named) {
    countEvent(w, q - 1 - w, 1, 1);
    folding = !eventsOnly && eventSelectedOrFirst(w, q - 1 - w);
    if (folding) countMatched();
  } else {
    folding = !eventsOnly;
  }
  if (folding) {
    root = rootFrame(comm, commEnd, tid, slash, tidEnd);
    java = commEnd - comm >= 4 && load<u32>(comm) == 0x6176616a; // "java"
  }
  // Rule 7: a sample without a callchain carries its one frame on the event line.
  if (named) {
    const rest = skipBlanks(q, end);
    if (rest < end && isFrameLine(rest, end)) {
      if (folding) frameLine(rest, end);
      endRecord();
    }
  }
}

// The root frame (rule 10): COMM with blanks as '_', then -PID or -PID/TID as asked
// (PID `?` when only a TID is printed). Made again only when the event line's bytes differ.
function rootFrame(comm: usize, commEnd: usize, tid: usize, slash: usize, tidEnd: usize): u32 {
  const keyLen = tidEnd - comm;
  if (keyLen == rootKeyLen && bytesEqual(rootKey, comm, keyLen)) return root;
  if (keyLen > rootKeyCap) {
    freeBytes(rootKey);
    rootKeyCap = keyLen + 64;
    rootKey = allocBytes(rootKeyCap);
  }
  memory.copy(rootKey, comm, keyLen);
  rootKeyLen = keyLen;
  ensureScratch(keyLen + 8);
  let o = scratch;
  for (let p = comm; p < commEnd; p++) {
    const c = load<u8>(p);
    store<u8>(o++, isBlank(c) ? 0x5f : c);
  }
  if (withPid || withTid) {
    store<u8>(o++, 0x2d); // '-'
    if (slash < tidEnd) { // PID/TID
      const n = withTid ? tidEnd - tid : slash - tid;
      memory.copy(o, tid, n);
      o += n;
    } else {
      store<u8>(o++, 0x3f); // '?'
      if (withTid) {
        store<u8>(o++, 0x2f);
        memory.copy(o, tid, tidEnd - tid);
        o += tidEnd - tid;
      }
    }
  }
  return frameTable.intern(scratch, o - scratch);
}

// Rule 8's shape, for the text after an event word: `PC SYM (DSO)`.
function isFrameLine(p: usize, end: usize): bool {
  const sym = skipBlanks(wordEnd(p, end), end);
  return sym < end && dsoGroup(sym, end) >= 0;
}

/**
 * Where the DSO group `(...)` that ends [sym, end) starts, parentheses matched
 * from the right (a DSO may hold blanks and parentheses: `(/x/My App/a.so (deleted))`);
 * -1 when the line does not end in one preceded by a blank (rule 8).
 */
function dsoGroup(sym: usize, end: usize): isize {
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
function nextBlank(p: usize, end: usize): usize {
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

/**
 * A frame line inside a record (rule 8): its frames pushed, or reported when
 * it is not one. It is named from its SYM without the offset and its DSO
 * (and its PC with --addrs), so the line cache keys on those: the cut SYM,
 * then a blank and the DSO group, in two parts that skip the offset.
 */
function frameLine(p: usize, end: usize): void {
  const pc = skipBlanks(p, end);
  const pcEnd = nextBlank(pc, end);
  const sym = skipBlanks(pcEnd, end);
  if (!withAddrs) { // most lines are the one that followed the previous line last time: check it without parsing
    const guess = cache.successor(prevLine);
    if (guess != 0 && readsAs(guess, sym, end)) {
      pushFrames(guess);
      return;
    }
  }
  const open = sym < end ? dsoGroup(sym, end) : -1;
  if (open < 0) { // one word, or no `(DSO)` at the end
    malformedLine();
    prevLine = 0;
    return;
  }
  const group = <usize>open;
  let symEnd = group;
  while (symEnd > sym && isBlank(load<u8>(symEnd - 1))) symEnd--;
  // Rule 9.1 first (an empty SYM is `[unknown]`: perf 3.x printed an unresolved symbol as nothing), then 9.2.
  let name = sym;
  let nameEnd = symEnd;
  if (symEnd == sym) {
    name = unknownBytes;
    nameEnd = name + 9;
  } else {
    nameEnd = cutOffset(sym, symEnd);
  }
  // The key: [PC and blanks, with --addrs] the cut SYM, then ` (DSO)`, read in place when it can be.
  let k1 = sym;
  let l1 = nameEnd - sym;
  let k2 = group - 1;
  const l2 = end - k2;
  const copyName = withAddrs || name != sym; // the PC only names `[unknown]` frames with --addrs
  const copyGroup = load<u8>(k2) != 0x20; // a tab before the group: the key reads a blank
  if (copyName || copyGroup) {
    const from = withAddrs ? pc : sym;
    if ((sym - from) + (nameEnd - name) + l2 > keyCap) {
      freeBytes(keyBuf);
      keyCap = (sym - from) + (nameEnd - name) + l2 + 256;
      keyBuf = allocBytes(keyCap);
    }
    if (copyName) {
      memory.copy(keyBuf, from, sym - from);
      memory.copy(keyBuf + (sym - from), name, nameEnd - name);
      k1 = keyBuf;
      l1 = (sym - from) + (nameEnd - name);
    }
    if (copyGroup) {
      const at = copyName ? keyBuf + l1 : keyBuf;
      store<u8>(at, 0x20);
      memory.copy(at + 1, group, end - group);
      k2 = at;
    }
  }
  let e = withAddrs ? cache.predicted(prevLine, k1, l1, k2, l2) : 0;
  if (e == 0) {
    const h = hashBytes(k1, l1) * 0x9e3779b1 + hashBytes(k2, l2);
    e = cache.find(k1, l1, k2, l2, h);
    if (e == 0) {
      const n = nameFrame(name, nameEnd, group + 1, end - 1, pc, pcEnd);
      e = cache.add(k1, l1, k2, l2, h, ids, n);
    }
    cache.follows(prevLine, e);
  }
  pushFrames(e);
}

/**
 * Whether the frame line whose SYM starts at `sym` has the key of entry `e`
 * (its cut SYM, then ` (DSO)`): it reads as the key's first part, an offset
 * or nothing, then the second part. That is the key the line would get, so no
 * parsing is needed: the DSO group matched from the right of the same suffix
 * is the same group, and cutting the offset (rule 9.2) leaves the first part;
 * without an offset, the first part must be a SYM that rule 9.2 and the
 * trimming leave alone (non-empty, no trailing blank, no offset of its own).
 */
function readsAs(e: usize, sym: usize, end: usize): bool {
  const k = cache.keyAt(e);
  const l1 = cache.keySplit(e);
  const l2 = cache.keyLength(e) - l1;
  if (end - sym < l1 + l2 || !bytesEqual(sym, k, l1) || !bytesEqual(end - l2, k + l1, l2)) return false;
  const m = sym + l1;
  const me = end - l2;
  if (m == me) return l1 > 0 && !isBlank(load<u8>(k + l1 - 1)) && cutOffset(k, k + l1) == k + l1;
  return me - m >= 4 && cutOffset(m, me) == m;
}

/** Pushes the frames of a frame line's entry, the Java twins in a Java process (rule 9.9). */
function pushFrames(e: usize): void {
  prevLine = e;
  const n = cache.idCount(e);
  if (n == 1) {
    const id = cache.firstId(e);
    stackPush(java ? javaTwin(id) : id);
  } else {
    for (let i: u32 = 0; i < n; i++) {
      const id = cache.idAt(e, i);
      stackPush(java ? javaTwin(id) : id);
    }
  }
}

// The name a frame gets in a Java process: one leading `L` goes from a name with a '/' (rule 9.9).
function javaTwin(id: u32): u32 {
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
 * DSO [ds, de) (rules 9.3 to 9.10): writes its frame ids to `ids` in push
 * order (leaf first) and returns how many (0: a SYM that names no frame).
 */
function nameFrame(sym: usize, se: usize, ds: usize, de: usize, pc: usize, pcEnd: usize): u32 {
  if (endsWith(ds, de, " (deleted)")) de -= 10; // rule 8
  ensureScratch((se - sym) + (de - ds) + (pcEnd - pc) + 64);
  if (se > sym && load<u8>(sym) == 0x28) return 0; // rule 9.3
  const demangled = scratch + (scratchCap >> 1);
  const m = demangleRustLegacy(sym, se - sym, demangled); // rule 9.4
  if (m >= 0) {
    sym = demangled;
    se = demangled + <usize>m;
  }
  const kernel = (kernelMarks || allMarks) && isKernelDso(ds, de);
  const jit = (jitMarks || allMarks) && isJitDso(ds, de);
  // Rule 9.5: pieces between the `->` that do not follow `operator`, in call order.
  let pieces: u32 = 0;
  let s = sym;
  let q = sym;
  while (true) {
    while (q + 1 < se && !(load<u16>(q) == 0x3e2d && !(q >= sym + 8 && load<u64>(q - 8) == 0x726f74617265706f))) q++;
    const arrow = q + 1 < se;
    const pe = arrow ? q : se;
    store<u32>(bounds + (<usize>pieces << 3), <u32>(s - sym));
    store<u32>(bounds + (<usize>pieces << 3) + 4, <u32>(pe - sym));
    pieces++;
    if (!arrow) break;
    s = q = pe + 2;
  }
  for (let i: u32 = 0; i < pieces; i++) {
    const a = sym + load<u32>(bounds + (<usize>i << 3));
    const b = sym + load<u32>(bounds + (<usize>i << 3) + 4);
    store<u32>(ids + (<usize>(pieces - 1 - i) << 2), namePiece(a, b, i > 0, ds, de, pc, pcEnd, kernel, jit));
  }
  return pieces;
}

// Rule 9.2: a trailing `+0x` and one or more hex digits.
function cutOffset(p: usize, e: usize): usize {
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
  const out = scratch;
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
  for (let q = out; q < o; q++) if (load<u8>(q) == 0x3b) store<u8>(q, 0x3a); // rule 9.7: ';' splits folded stacks
  o = cutArguments(out, o); // rule 9.8
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
  return frameTable.intern(out, o - out);
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

/** The `perf script` format (formats/format.ts). Events and their filter are in tables/events.ts. */
export class PerfFormat extends Format {
  constructor() {
    super();
    perfInit();
  }
  name(): string { return "perf"; }
  optionNames(): string { return "includePid includeTid kernelMarks jitMarks allMarks includeAddrs"; }
  setOption(index: i32, value: i32): void {
    const on = value != 0;
    if (index == 0) withPid = on;
    else if (index == 1) withTid = on;
    else if (index == 2) kernelMarks = on;
    else if (index == 3) jitMarks = on;
    else if (index == 4) allMarks = on;
    else if (index == 5) withAddrs = on;
  }
  begin(): void { beginPerf(); }
  line(start: usize, end: usize): void { perfLine(start, end); }
  lines(p: usize, end: usize): usize { return eachLine<PerfFormat>(this, p, end); }
  end(): void { endPerf(); }
  foldsOneEvent(): bool { return true; }
}
