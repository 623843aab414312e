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

import { isBlank, skipBlanks, skipDigits, findNewline, trimEndSpace } from "../util/scan";
import { digitsInteger, wholeUnits } from "../tables/counts";
import { hashBytes } from "../util/hash";
import { allocBytes, freeBytes } from "../util/memory";
import { LineCache } from "../tables/line-cache";
import { RecordTable, wholeRecords } from "../tables/record-table";
import { eventsOnly, eventSelectedOrFirst, countEvent, countMatched } from "../tables/events";
import {
  frameTable, stackPush, stackLen, foldLeafFirstEntry, foldEntry, setRecordTime, inputLine, countLine, countLines,
} from "../tables/session";
import { snapshotAt } from "../tables/snapshots";
import { malformedLine } from "../tables/notes";
import { Format, eachRecordOrLine } from "./format";
import { wordEnd, tidWord, isCpuWord, timeWord, rootFrame, rootNamesInit, forgetRootName } from "./perf-event";
import {
  frameNamesInit, frameNamingOptions, dsoGroup, nextBlank, cutOffset, nameFrame, javaTwin, namedIds, unknownBytes, isFrameLine, readsAs,
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
let count: i64 = 1; // its period (rule 6), a whole count
let root: u32 = 0; // the frame id of its root name
let java = false; // COMM starts with "java" (rule 9.9)
let prevLine: usize = 0; // line-cache entry of its previous frame line (0: none), for successor prediction

let cache: LineCache = changetype<LineCache>(0);

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
  records = new RecordTable(cache);
  rootNamesInit();
  keyCap = 512;
  keyBuf = allocBytes(keyCap);
  frameNamesInit();
}

function beginPerf(): void {
  inRecord = false;
  prevLine = 0;
  forgetRootName();
}

/** One line of `perf script` output, without its newline. */
function perfLine(start: usize, end: usize): void {
  end = trimEndSpace(start, end); // rule 1: trailing blanks, tabs and \r go
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
// Returns the stack-table entry it was counted in (0: none).
function endRecord(): usize {
  let e: usize = 0;
  if (folding) {
    stackPush(root);
    e = foldLeafFirstEntry(wholeUnits(count));
  }
  inRecord = false;
  prevLine = 0;
  return e;
}

// ---- whole frame blocks seen before -----------------------------------------
//
// A thread's hot stacks come back sample after sample with the same frame
// lines, byte for byte; only the event line (time, period) differs. After
// an event line, the record table (tables/record-table.ts) gives the frame
// blocks seen before under the same root name that began with the same
// line; each line of the input is checked against the line-cache entry that
// block had there, as frameLine() checks its guess (readsAs()), up to the
// empty line, and the stack is counted at once. A block not seen before is
// read line by line and remembered. With --addrs, or when the block is cut
// by the end of the buffer, the line handler reads it.

let records: RecordTable = changetype<RecordTable>(0);
let lineRefs: usize = 0; // u32 per line of the block being learnt: its line-cache entry
let lineCap: u32 = 0;

/**
 * Reads the frame block starting at `p` (the line after an event line) and
 * the empty line ending it whole, when it can; returns where reading goes
 * on, `p` when it read nothing.
 */
function wholeBlock(p: usize, end: usize): usize {
  const nl = findNewline(p, end);
  if (nl == end) return p;
  const tag = (root << 1) | <u32>java;
  const h = records.keyHash(hashBytes(p, nl - p), tag);
  for (let r = records.first(h); r != 0; r = records.next()) {
    if (records.tagOf(r) == tag) {
      const q = sameBlock(r, p, end);
      if (q != 0) {
        countLines(records.lineCount(r) + 1);
        foldEntry(records.stackOf(r), wholeUnits(count));
        inRecord = false;
        prevLine = 0;
        return q;
      }
    }
  }
  return learnBlock(p, end, h, tag);
}

/** Past the empty line, if the block at `p` names the frames of record-table entry `r`; else 0. */
function sameBlock(r: usize, p: usize, end: usize): usize {
  const lines = records.lineCount(r);
  for (let i: u32 = 0; i < lines; i++) {
    const nl = findNewline(p, end);
    if (nl == end) return 0;
    const le = trimEndSpace(p, nl);
    if (le == p || load<u8>(p) == 0x23) return 0; // the end of the block, or a `#` line (rule 1)
    const sym = skipBlanks(nextBlank(skipBlanks(p, le), le), le);
    if (!readsAs(cache, records.lineRef(r, i), sym, le)) return 0;
    p = nl + 1;
  }
  const nl = findNewline(p, end);
  return nl < end && trimEndSpace(p, nl) == p ? nl + 1 : 0;
}

/** Reads a block not seen before line by line and remembers it; `p` when it is not whole in [p, end). */
function learnBlock(p: usize, end: usize, h: u32, tag: u32): usize {
  let lines: u32 = 0;
  let q = p;
  while (true) { // where it ends, and that it has frame lines only
    const nl = findNewline(q, end);
    if (nl == end) return p;
    const le = trimEndSpace(q, nl);
    if (le == q) break;
    if (load<u8>(q) == 0x23) return p;
    lines++;
    q = nl + 1;
  }
  if (lines > lineCap) {
    lineCap = max<u32>(lines, lineCap << 1);
    freeBytes(lineRefs);
    lineRefs = allocBytes(<usize>lineCap << 2);
  }
  let remember = true; // every line a frame
  for (let i: u32 = 0; i < lines; i++) {
    const nl = findNewline(p, end);
    countLine();
    perfLine(p, nl);
    if (prevLine == 0) remember = false;
    store<u32>(lineRefs + (<usize>i << 2), <u32>prevLine);
    p = nl + 1;
  }
  countLine();
  const e = endRecord();
  if (remember && lines > 0) records.add(h, lines, tag, e, lineRefs);
  return findNewline(p, end) + 1;
}

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
  let period: i64 = 1;
  if (w < end && skipDigits(w, q) == q) {
    const w2 = skipBlanks(q, end);
    const q2 = wordEnd(w2, end);
    if (w2 < end && load<u8>(q2 - 1) == 0x3a) {
      period = digitsInteger(w, q); // exact; past 2^63-1, the error naming the line
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
    root = rootFrame(comm, commEnd, tid, slash, tidEnd, withPid, withTid);
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
    if (guess != 0 && readsAs(cache, guess, sym, end)) {
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
      e = cache.add(k1, l1, k2, l2, h, namedIds(), n);
    }
    cache.follows(prevLine, e);
  }
  pushFrames(e);
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
  /** Reads a frame block at `p` whole when it can (eachRecordOrLine). */
  wholeRecord(p: usize, end: usize): usize {
    return inRecord && folding && stackLen == 0 && prevLine == 0 && !withAddrs && wholeRecords ? wholeBlock(p, end) : p;
  }
  lines(p: usize, end: usize): usize { return eachRecordOrLine<PerfFormat>(this, p, end); }
  end(): void { endPerf(); }
  foldsOneEvent(): bool { return true; }
}
