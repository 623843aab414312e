// Linux `perf script` output (tools/perf/builtin-script.c), perf 3.x to 6.x:
//
//   java 12345 [003] 1234567.123456:     250000 cycles:u:     <- event line: COMM, TID or PID/TID,
//   \t    7f3a8c029d90 foo+0x80 (/usr/lib/libc.so.6)          CPU, time, period, event name
//   \t    55d6c0a01095 _start+0x25 (/tmp/f)                  <- frames, leaf first: PC SYM+OFF (DSO)
//                                                            <- an empty line ends the record
//
// The rules are the corpus contract (../shared/corpus/README.md, "perf
// rules", cited as "rule N"): stackcollapse-perf.pl's semantics with its
// defects, and inferno's, fixed. How a frame line reads and what it is
// named is perf-frames.ts; here each distinct one is named once: the line
// cache maps its SYM without the offset and its DSO (not its PC, which
// differs per process for the same instruction) to the frame ids they give.

import { isBlank, skipBlanks, skipDigits, digitsValue } from "../util/scan";
import { hashBytes, bytesEqual } from "../util/hash";
import { allocBytes, freeBytes } from "../util/memory";
import { LineCache } from "../tables/line-cache";
import { eventsOnly, eventSelectedOrFirst, countEvent, countMatched } from "../tables/events";
import { frameTable, stackPush, foldLeafFirst, setRecordTime, inputLine } from "../tables/session";
import { snapshotAt } from "../tables/snapshots";
import { malformedLine } from "../tables/notes";
import { Format, eachLine } from "./format";
import {
  frameNamesInit, frameNamingOptions, dsoGroup, nextBlank, cutOffset, nameFrame, javaTwin, namedIds, unknownBytes,
} from "./perf-frames";

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

// A frame line's cache key, when it is not the line's own bytes (and a root name being made).
let keyBuf: usize = 0;
let keyCap: usize = 0;

/**
 * perf's snapshots: FlameScope's cells (rows of 20 ms in columns of a second),
 * so the timeline and windows by index see the same time slices.
 */
const SNAPSHOT_SECONDS: f64 = 0.02;

function perfInit(): void {
  cache = new LineCache();
  rootKeyCap = 256;
  rootKey = allocBytes(rootKeyCap);
  keyCap = 512;
  keyBuf = allocBytes(keyCap);
  frameNamesInit();
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
  // Samples carry their own time: a snapshot is a bucket of SNAPSHOT_SECONDS (tables/snapshots.ts).
  if (time == time) snapshotAt(start, time, Math.floor(time / SNAPSHOT_SECONDS));
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
  if (keyLen + 8 > keyCap) { // the name is built where frame keys are (not in use between records)
    freeBytes(keyBuf);
    keyCap = keyLen + 256;
    keyBuf = allocBytes(keyCap);
  }
  let o = keyBuf;
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
  return frameTable.intern(keyBuf, o - keyBuf);
}

// Rule 8's shape, for the text after an event word: `PC SYM (DSO)`.
function isFrameLine(p: usize, end: usize): bool {
  const sym = skipBlanks(wordEnd(p, end), end);
  return sym < end && dsoGroup(sym, end) >= 0;
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
      e = cache.add(k1, l1, k2, l2, h, namedIds, n);
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
    frameNamingOptions(kernelMarks || allMarks, jitMarks || allMarks, withAddrs);
  }
  begin(): void { beginPerf(); }
  line(start: usize, end: usize): void { perfLine(start, end); }
  lines(p: usize, end: usize): usize { return eachLine<PerfFormat>(this, p, end); }
  end(): void { endPerf(); }
  foldsOneEvent(): bool { return true; }
}
