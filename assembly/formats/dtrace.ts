// DTrace stack aggregations: `@[stack()] = count()`, `ustack()`, `jstack()`,
// as printed by printa() (and by the implicit printa at exit).
//
//                  genunix`kmem_cpu_reload+0x20      <- frames, leaf first, indented
//                  unix`sys_syscall+0x17a
//                    1                               <- the count ends the record
//
// The rules are the corpus contract (../shared/corpus/README.md, "DTrace"):
// a count line ends a record; blank lines never do (they separate the kernel
// and user halves of a `stack(), ustack()` key); chatter (the CPU/ID header,
// probe-firing lines, `dtrace:` messages, prompts) is ignored wherever it
// appears; every other indented line is a frame, named by stackcollapse.pl's
// rules with its defects fixed.

import { isBlank, isDigit, skipBlanks, lastIndexOf, trimCR, skipDigits, findNewline } from "../util/scan";
import { isCountLine, countLineUnits } from "../tables/counts";
import { hashBytes, bytesEqual, shortMask, SHORT_NAME } from "../util/hash";
import { allocBytes, freeBytes } from "../util/memory";
import { LineCache } from "../tables/line-cache";
import { RecordTable, wholeRecords } from "../tables/record-table";
import { nameFrame, namedIds, trimLeafOffset } from "./dtrace-frames";
import { Format, eachRecordOrLine } from "./format";
import {
  stackPush, stackLen, foldLeafFirstEntry, foldEntry, ignoreLine, dropRecord, countLine, countLines,
} from "../tables/session";
import { malformedLine } from "../tables/notes";
import { snapshotAt, snapshotTime, isMarkerLine, markerSet } from "../tables/snapshots";
import { parseTimestamp } from "../util/timestamp";

// Each distinct frame line is named once (tables/line-cache.ts).
let cache: LineCache = changetype<LineCache>(0);
// The line-cache entry of the previous frame line of this record (0: none), for successor prediction.
let prevLine: usize = 0;

/** Keep `+0x1a` offsets on every frame but the leaf (stackcollapse.pl's $includeoffset, fixed). */
let includeOffset = false;

/** End of input, after its last line: a record left without a count is dropped. */
function endDtrace(): void {
  if (stackLen > 0) dropRecord();
}

/** One line of DTrace output: a frame, a count ending the record, or chatter. */
function dtraceLine(start: usize, end: usize): void {
  end = trimCR(start, end);
  const p = skipBlanks(start, end);
  if (p == end) return; // blank lines never end a record
  const c = <u32>load<u8>(p);
  if (isDigit(c) || c == 0x2d) {
    if (isCountLine(p, end)) { // a count line (rule 1)
      countRecord(countLineUnits(p, end));
      return;
    }
    if (p > start && isProbeLine(p, end)) { // a snapshot starts (tables/snapshots.ts), unless a --snapshot-marker says where
      ignoreLine();
      if (!markerSet) snapshotAt(start, probeTime, NaN);
      else if (probeTime == probeTime) snapshotTime(start, probeTime);
      return;
    }
  }
  if (p == start) { // rule 4: frames are always indented
    if (isMessage(start, end)) { ignoreLine(); return; } // rule 3: DTrace's own output, skipped wherever it is
    if (isMarkerLine(start, end)) { // --snapshot-marker: a line the script printed where a snapshot starts
      ignoreLine();
      snapshotAt(start, NaN, NaN);
      return;
    }
    // A script's `printf("%Y\n", walltimestamp)`: the time of the snapshot, or in -q output its start.
    const t = isDigit(c) ? parseTimestamp(start, end) : NaN;
    if (t == t) {
      ignoreLine();
      snapshotTime(start, t);
      return;
    }
    malformedLine(); // a prompt, ^C, a script's other printf: reported by line
    return;
  }
  frameLine(p, end);
}

/** The count line of a record: its collected frames are counted `n` (units) times. Returns the stack-table entry (0: none). */
function countRecord(n: i64): usize {
  if (includeOffset && stackLen > 0) trimLeafOffset();
  prevLine = 0;
  return foldLeafFirstEntry(n);
}

// ---- whole records seen before ---------------------------------------------
//
// A multi-snapshot capture prints each stack, byte for byte, in every
// snapshot (1.1 M records of 50,000 stacks in a 1 GB one). At a record's
// start, the record table (tables/record-table.ts) gives the records seen
// before that began with the same first line; each line of the input is
// checked against the line-cache entry that record had there, exactly as
// frameLine() would look the line up, and then for the count line. A match
// is counted at once; a record not seen before is read line by line as usual
// and remembered. Anything else (chatter inside a record, a record cut by the
// end of the buffer) is left to the line handler.

let records: RecordTable = changetype<RecordTable>(0);
let lineRefs: usize = 0; // u32 per line of the record being learnt: its line-cache entry (0: blank)
let lineSpans: usize = 0; // u64 per line of the record being learnt: where its text starts (low half) and ends
let lineCap: u32 = 0;

/** Doubles the room for a learnt record's lines (lineRefs, lineSpans), keeping the spans found so far. */
function growLineScratch(): void {
  const cap = max<u32>(64, lineCap << 1);
  freeBytes(lineRefs);
  lineRefs = allocBytes(<usize>cap << 2);
  const spans = allocBytes(<usize>cap << 3);
  if (lineCap > 0) memory.copy(spans, lineSpans, <usize>lineCap << 3);
  freeBytes(lineSpans);
  lineSpans = spans;
  lineCap = cap;
}

/** Where a frame line's cache key [p, key) ends: the offset cut unless includeOffset (s/\+[^+]*$//). */
// @ts-ignore: decorator
@inline function keyEnd(p: usize, end: usize): usize {
  if (includeOffset) return end;
  const plus = lastIndexOf(p, end, 0x2b);
  return plus >= 0 ? <usize>plus : end;
}

// What a wholeRecord() match found: its count line (read once the lines are
// counted, so that an overflow names it), and where the record ends.
let matchedCount: usize = 0;
let matchedCountEnd: usize = 0;
let matchedEnd: usize = 0;

/**
 * Reads the record starting at `p` (blank lines before it are skipped) whole,
 * when it is complete in [p, end) and made of frame lines and a count line.
 * Returns where reading goes on: past the record, past the blank lines when
 * the record is left to the line handler, or `p` when nothing was read.
 */
function wholeRecord(p: usize, end: usize): usize {
  let nl = findNewline(p, end);
  while (nl < end && skipBlanks(p, trimCR(p, nl)) == trimCR(p, nl)) { // blank lines before the record
    countLine();
    p = nl + 1;
    nl = findNewline(p, end);
  }
  if (nl == end || !isBlank(load<u8>(p))) return p; // cut by the buffer's end; unindented
  const tag = <u32>includeOffset;
  const h = records.keyHash(hashBytes(p, nl - p), tag);
  for (let r = records.first(h); r != 0; r = records.next()) {
    if (records.tagOf(r) == tag && sameRecord(r, p, end)) {
      countLines(records.lineCount(r) + 1);
      foldEntry(records.stackOf(r), countLineUnits(matchedCount, matchedCountEnd));
      prevLine = 0;
      return matchedEnd;
    }
  }
  return learnRecord(p, end, h, tag);
}

/**
 * Whether the record at `p` names the frames record-table entry `r`
 * remembers, then has a count line. A frame line matches when frameLine()
 * would look it up by the same key: indented, the key's bytes, its end where
 * keyEnd() puts it.
 */
function sameRecord(r: usize, p: usize, end: usize): bool {
  const lines = records.lineCount(r);
  for (let i: u32 = 0; i < lines; i++) {
    // Past its first lines (records that begin alike part there), the record
    // is likely this one: what the rest will read is read ahead (RecordTable.touch).
    if (i == TOUCH_AFTER) touchSink ^= records.touch(r);
    const ref = records.lineRef(r, i);
    p = ref == 0 ? blankLineEnd(p, end) : frameLineEnd(ref, p, end);
    if (p == 0) return false;
  }
  const nl = findNewline(p, end);
  if (nl == end) return false;
  const le = trimCR(p, nl);
  const b = skipBlanks(p, le);
  if (b == le || !isDigit(load<u8>(b)) && load<u8>(b) != 0x2d) return false;
  matchedCount = b;
  matchedCountEnd = le;
  matchedEnd = nl + 1;
  return isCountLine(b, le);
}

const TOUCH_AFTER: u32 = 2;
let touchSink: u32 = 0;

/** Where the next line starts, if the line at `p` is blank (whole in [p, end)); else 0. */
function blankLineEnd(p: usize, end: usize): usize {
  const nl = findNewline(p, end);
  if (nl == end) return 0;
  const le = trimCR(p, nl);
  return skipBlanks(p, le) < le ? 0 : nl + 1;
}

/**
 * Where the next line starts, if the line at `p` is a frame line (whole in
 * [p, end)) that frameLine() would look up as line-cache entry `ref`; else 0.
 * Each line is read once: the key's bytes are compared where the indentation
 * ends, and only the rest (the offset) is scanned for the newline. A key
 * shorter than 32 bytes is compared as two masked vectors, and an offset
 * shorter than 16 bytes is checked in the 16 bytes after the key (a '+'
 * first and no other, then the newline), with no loop over bytes whose count
 * the branch predictor cannot know.
 */
// @ts-ignore: decorator
@inline function frameLineEnd(ref: usize, p: usize, end: usize): usize {
  const b = skipBlanks(p, end); // a newline is no blank: b stays in this line
  const len = cache.keyLength(ref);
  const key = b + len;
  if (b == p || key >= end || !keyIs(cache.keyAt(ref), b, len)) return 0;
  // The 16 bytes after the key (reads past `end` stay within the input's SLACK; a newline there is not taken).
  const rest = v128.load(key);
  const newlines = <u32>i8x16.bitmask(i8x16.eq(rest, i8x16.splat(0x0a)));
  let nl = key + <usize>ctz<u32>(newlines); // key + 32 when there is none
  let le: usize;
  if (newlines != 0 && nl < end && !includeOffset) {
    le = trimCR(b, nl);
    if (key < le) { // the offset [key, le): a '+' first, and no other
      if ((<u32>i8x16.bitmask(i8x16.eq(rest, i8x16.splat(0x2b))) & ((<u32>1 << <u32>(le - key)) - 1)) != 1) return 0;
    } else if (key > le || lastIndexOf(b, key, 0x2b) >= 0) return 0; // no offset: no '+' anywhere
  } else {
    nl = findNewline(key, end); // the key, a line's, holds no newline
    if (nl == end) return 0;
    le = trimCR(b, nl);
    if (key > le || !keyEndsAt(b, key, le)) return 0;
  }
  if (b == le) return 0;
  const c = <u32>load<u8>(b);
  if ((isDigit(c) || c == 0x2d) && isCountOrProbe(b, le)) return 0;
  return nl + 1;
}

/** Whether the `len` bytes at `k` (a line-cache key: its entry carries SLACK) are those at `b` (the input's, which does too). */
// @ts-ignore: decorator
@inline function keyIs(k: usize, b: usize, len: usize): bool {
  if (len >= SHORT_NAME) return bytesEqual(k, b, len);
  const m = shortMask(len);
  const differ = v128.or(
    v128.and(v128.xor(v128.load(k), v128.load(b)), v128.load(m)),
    v128.and(v128.xor(v128.load(k, 16), v128.load(b, 16)), v128.load(m, 16)));
  return !v128.any_true(differ);
}

/** keyEnd(b, le) == key, for a key [b, key) of the line [b, le): scanning only what follows the key when it can. */
// @ts-ignore: decorator
@inline function keyEndsAt(b: usize, key: usize, le: usize): bool {
  if (includeOffset) return key == le;
  if (key == le) return lastIndexOf(b, key, 0x2b) < 0; // no offset: no '+' anywhere
  return load<u8>(key) == 0x2b && lastIndexOf(key + 1, le, 0x2b) < 0; // the last '+' starts the offset
}

/** Whether an indented line [b, le) starting with its first non-blank would not be a frame line. */
function isCountOrProbe(b: usize, le: usize): bool {
  const c = <u32>load<u8>(b);
  if (!isDigit(c) && c != 0x2d) return false;
  return isCountLine(b, le) || isProbeLine(b, le);
}

/**
 * A record not seen before: read line by line as the line handler would,
 * noting each line's cache entry, and remembered under hash `h`. Returns `p`
 * (nothing read) unless all of it, up to its count line, is in [p, end) and
 * it holds frame and blank lines only.
 */
function learnRecord(p: usize, end: usize, h: u32, tag: u32): usize {
  // First, where it ends, and that it is a plain record: where each line's
  // text starts and ends is kept, so that it is scanned once.
  let q = p;
  let frames: u32 = 0;
  let lines: u32 = 0;
  let nl: usize;
  while (true) {
    nl = findNewline(q, end);
    if (nl == end) return p;
    const le = trimCR(q, nl);
    const b = skipBlanks(q, le);
    if (b < le) {
      const c = <u32>load<u8>(b);
      const digit = isDigit(c) || c == 0x2d;
      if (digit && isCountLine(b, le)) break; // the count line
      if (b == q || digit && isProbeLine(b, le)) return p; // unindented, or a probe line (isCountOrProbe)
      frames++;
    }
    if (lines == lineCap) growLineScratch();
    store<u64>(lineSpans + (<usize>lines << 3), <u64>b | (<u64>le << 32));
    lines++;
    q = nl + 1;
  }
  if (frames == 0) return p;
  for (let i: u32 = 0; i < lines; i++) {
    const span = load<u64>(lineSpans + (<usize>i << 3));
    const b = <usize><u32>span;
    const le = <usize>(span >> 32);
    countLine();
    let ref: usize = 0;
    if (b < le) {
      frameLineUnguessed(b, le);
      ref = prevLine;
    }
    store<u32>(lineRefs + (<usize>i << 2), <u32>ref);
  }
  countLine();
  const le = trimCR(q, nl);
  const stack = countRecord(countLineUnits(skipBlanks(q, le), le));
  records.add(h, lines, tag, stack, lineRefs);
  return nl + 1;
}

// DTrace's own unindented output (rule 3): "dtrace: ..." messages and the
// "CPU     ID                    FUNCTION:NAME" header.
function isMessage(p: usize, end: usize): bool {
  if (end - p >= 7 && load<u32>(p) == 0x61727464 && load<u16>(p + 4) == 0x6563 && load<u8>(p + 6) == 0x3a) return true; // "dtrace:"
  if (end - p < 3 || load<u16>(p) != 0x5043 || load<u8>(p + 2) != 0x55) return false; // "CPU"
  let q = skipBlanks(p + 3, end);
  if (q == p + 3 || end - q < 2 || load<u16>(q) != 0x4449) return false; // "ID"
  const id = q + 2;
  q = skipBlanks(id, end);
  const rest = end - q;
  return q > id && rest >= 13 && load<u64>(q) == 0x4e4f4954434e5546 && load<u32>(q + 8) == 0x4d414e3a && load<u8>(q + 12) == 0x45 && // "FUNCTION" ":NAM" "E"
    skipBlanks(q + 13, end) == end;
}

// The time a probe-firing line printed after its name (NaN: none).
let probeTime: f64 = NaN;

// A probe-firing line, printed before each printa() snapshot:
// "  3  64091                        :tick-1s " (CPU, probe ID, FUNCTION:NAME),
// with what the clause printed on the same line when that is a timestamp
// (`printf("%Y", walltimestamp)` without a newline): sets probeTime.
function isProbeLine(p: usize, end: usize): bool {
  let q = skipDigits(p, end);
  if (q == p || q == end || !isBlank(load<u8>(q))) return false;
  const id = skipBlanks(q, end);
  q = skipDigits(id, end);
  if (q == id || q == end || !isBlank(load<u8>(q))) return false;
  q = skipBlanks(q, end);
  let colon = false;
  while (q < end && !isBlank(load<u8>(q))) {
    const b = load<u8>(q);
    if (b == 0x3a) colon = true;
    else if (b == 0x60) return false; // "module`func" is a frame
    q++;
  }
  if (!colon) return false;
  const rest = skipBlanks(q, end);
  probeTime = rest == end ? NaN : parseTimestamp(rest, end);
  return rest == end || probeTime == probeTime;
}

function frameLine(p: usize, end: usize): void {
  const len = keyEnd(p, end) - p;
  let e = cache.predicted(prevLine, p, len, 0, 0);
  if (e == 0) e = lookUpLine(p, len);
  pushLine(e);
}

/**
 * frameLine() without the guess of the line from the one before: in a record
 * not seen before (learnRecord) the guess is often wrong, and checking it
 * costs a read at random (W1's first 40 MB: learning cheaper without it).
 */
function frameLineUnguessed(p: usize, end: usize): void {
  pushLine(lookUpLine(p, keyEnd(p, end) - p));
}

/** The line-cache entry of key [p, p+len), named and added if new; remembered as prevLine's successor. */
// @ts-ignore: decorator
@inline function lookUpLine(p: usize, len: usize): usize {
  const h = hashBytes(p, len);
  let e = cache.find(p, len, 0, 0, h);
  if (e == 0) {
    const n = nameFrame(p, len, includeOffset);
    e = cache.add(p, len, 0, 0, h, namedIds(), n);
  }
  cache.follows(prevLine, e);
  return e;
}

/** Collects the frames of line-cache entry `e`, the record's latest line. */
// @ts-ignore: decorator
@inline function pushLine(e: usize): void {
  prevLine = e;
  const n = cache.idCount(e);
  if (n == 1) {
    stackPush(cache.firstId(e));
  } else {
    for (let i: u32 = 0; i < n; i++) stackPush(cache.idAt(e, i));
  }
}

/** The DTrace format (formats/format.ts). */
export class DtraceFormat extends Format {
  constructor() {
    super();
    cache = new LineCache();
    records = new RecordTable(cache);
  }
  name(): string { return "dtrace"; }
  optionNames(): string { return "includeOffset"; }
  setOption(index: i32, value: i32): void { if (index == 0) includeOffset = value != 0; }
  line(start: usize, end: usize): void { dtraceLine(start, end); }
  /** Reads the record at `p` whole when it can (eachRecordOrLine). */
  wholeRecord(p: usize, end: usize): usize { return stackLen == 0 && wholeRecords ? wholeRecord(p, end) : p; }
  lines(p: usize, end: usize): usize { return eachRecordOrLine<DtraceFormat>(this, p, end); }
  end(): void { endDtrace(); }
}
