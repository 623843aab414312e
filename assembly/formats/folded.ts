// Folded stacks, the format this tool also writes: `root;...;leaf count`,
// and the two-count form of differential input: `root;...;leaf before after`.
//
// Lines are read as flamegraph.pl reads them (/^(.*)\s+?(\d+(?:\.\d*)?)$/,
// twice for two counts), so a blank leaf frame keeps its blank. Unlike it,
// `#` comment lines are skipped (Austin writes `# key: value` headers) and a
// negative count is accepted (DTrace `sum()` aggregations fold to them).
// A one-count line among two-count ones counts in both columns (session.ts
// becomeTwoCount), as flamegraph.pl draws it: as wide as its count, unchanged.

import { isBlank, isDigit, trimCR } from "../util/scan";
import { SHORT_NAME } from "../util/hash";
import { frameTable, ignoreLine, inputLine, stackPushReversed, foldLeafFirst, foldLeafFirstTwo } from "../tables/session";
import { malformedLine } from "../tables/notes";
import { allocBytes, growBytes, freeBytes, copyBytes } from "../util/memory";
import { Format, eachLine } from "./format";
import { decimalUnits, checkedMul, unitsPerCount } from "../tables/counts";
import { stackEntryCount, vouchEntries } from "../tables/stack-table";

// Strict mode (flamefold diff): a line without a count is an error naming it,
// instead of an ignored line (difffolded.pl would print a bogus " 0 0" stack).
let strict = false;

// Where the trailing count of [start, end) begins, or `end` when there is none.
// A count is `-?\d+(\.\d*)?` preceded by a blank.
function countStart(start: usize, end: usize): usize {
  let q = end;
  while (q > start && isDigit(load<u8>(q - 1))) q--;
  if (q < end && q > start && load<u8>(q - 1) == 0x2e) { // fraction: digits before the '.'
    const dot = q - 1;
    q = dot;
    while (q > start && isDigit(load<u8>(q - 1))) q--;
    if (q == dot) return end;
  } else if (q == end) {
    // "12." : a trailing '.' after digits
    if (q > start && load<u8>(q - 1) == 0x2e) {
      q--;
      const dot = q;
      while (q > start && isDigit(load<u8>(q - 1))) q--;
      if (q == dot) return end;
    } else {
      return end;
    }
  }
  if (q > start && load<u8>(q - 1) == 0x2d) q--;
  if (q == start || !isSpace(load<u8>(q - 1))) return end;
  return q;
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  return isBlank(c) || c == 0x0d || c == 0x0a || c == 0x0b || c == 0x0c;
}

/** One folded line: `stack count` or `stack before after`. */
function foldedLine(start: usize, end: usize): void {
  end = trimCR(start, end);
  if (end == start) return;
  if (load<u8>(start) == 0x23) { ignoreLine(); return; } // '#' comment
  const c1 = countStart(start, end);
  if (c1 == end) {
    if (strict) throw new Error("line " + (<i64>inputLine()).toString() + " no count at the end of the line (expected 'frame;...;frame COUNT')");
    malformedLine(); // reported by line; `#` comments above are not
    return;
  }
  const stackEnd = c1 - 1; // \s+? takes exactly one blank
  const n = decimalUnits(c1, end);
  const c2 = countStart(start, stackEnd);
  if (c2 != stackEnd) {
    // The first count read may raise the scale (counts.ts): the second, read before it, is in the old units.
    const scaleBefore = unitsPerCount;
    const before = decimalUnits(c2, stackEnd);
    const after = checkedMul(n, unitsPerCount / scaleBefore, "a count is too large");
    collectStack(start, c2 - 1 - start);
    foldLeafFirstTwo(before, after);
    return;
  }
  const before = stackEntryCount();
  collectStack(start, stackEnd - start);
  foldLeafFirst(n);
  if (linesInOrder) vouchEntries(before);
}

// Whether every stack so far came in flamegraph.pl's order of whole stacks
// (output/stacks.ts compareEntryNames: frame by frame from the root, by the
// bytes of each name followed by ';'). A sorted file's lines come so, unless a
// stack ends at a name that a later line's name extends by a byte below ';'
// ("a;foo 5" before "a;foo!x 1": ';' sorts after '!'). While they do, the
// one-count stacks' table entries are vouched for in that order
// (stack-table.ts vouchEntries), and a layout need not check it.
let linesInOrder = true;

// Whether the stack text [start, start+len), whose first `same` bytes are the
// previous line's, comes in that order after it: the two compared as if each
// ended with ';' (a stack before the stacks it is the start of).
function afterPrevious(start: usize, len: usize, same: usize): bool {
  if (prevLen == 0) return true; // the first stack (an empty one stops the vouching)
  if (same < len && same < prevLen) return load<u8>(prevBytes + same) < load<u8>(start + same);
  if (len >= prevLen) return len == prevLen || load<u8>(start + prevLen) >= 0x3b;
  return load<u8>(prevBytes + len) < 0x3b;
}

// Folded files are usually sorted, so a line shares its first frames with the
// line before: their ids are taken from the previous line's (found by one
// byte compare) instead of being looked up again frame by frame.
let prevBytes: usize = 0; // the previous line's stack text
let prevLen: usize = 0;
let prevCap: usize = 0;
let pathFrames: usize = 0; // u32 per frame of the previous line: its id
let pathEnds: usize = 0; // u32 per frame: where it ends in the text (';' or the end)
let pathLen: u32 = 0;
let pathCap: u32 = 0;

function commonPrefix(a: usize, b: usize, n: usize): usize {
  let i: usize = 0;
  while (i + 8 <= n && load<u64>(a + i) == load<u64>(b + i)) i += 8;
  while (i < n && load<u8>(a + i) == load<u8>(b + i)) i++;
  return i;
}

// @ts-ignore: decorator
@inline function pathPush(frame: u32, end: usize): void {
  if (pathLen == pathCap) pathGrow();
  store<u32>(pathFrames + (<usize>pathLen << 2), frame);
  store<u32>(pathEnds + (<usize>pathLen << 2), <u32>end);
  pathLen++;
}

function pathGrow(): void {
  const cap = max<u32>(64, pathCap << 1);
  pathFrames = growBytes(pathFrames, <usize>pathLen << 2, <usize>cap << 2);
  pathEnds = growBytes(pathEnds, <usize>pathLen << 2, <usize>cap << 2);
  pathCap = cap;
}

/**
 * Collects the frames of the stack text [start, start+len) (split at ';'; an
 * empty text has none) leaf first, as the session's stack is kept.
 */
function collectStack(start: usize, len: usize): void {
  if (len == 0) {
    pathLen = 0;
    prevLen = 0;
    linesInOrder = false;
    return;
  }
  // Frames the previous line had, ending at the same place, with the same bytes before.
  const same = commonPrefix(start, prevBytes, min(len, prevLen));
  if (linesInOrder) linesInOrder = afterPrevious(start, len, same);
  let shared: u32 = 0;
  while (shared < pathLen) {
    const e = <usize>load<u32>(pathEnds + (<usize>shared << 2));
    if (e > same || (e < len && load<u8>(start + e) != 0x3b)) break; // not the same bytes, or no boundary here
    shared++;
  }
  pathLen = shared;
  const f = shared > 0 ? <usize>load<u32>(pathEnds + (<usize>(shared - 1) << 2)) + 1 : 0;
  if (f <= len) pushNames(start, f, len);
  stackPushReversed(pathFrames, pathLen);
  if (len > prevCap) {
    freeBytes(prevBytes);
    prevCap = max<usize>(len, prevCap << 1);
    prevBytes = allocBytes(prevCap);
  }
  copyBytes(prevBytes, start, len); // not a call out of wasm for each line (util/memory.ts)
  prevLen = len;
}

// A set of bytes eachMarked() finds, and what it does at each.
@unmanaged
abstract class ByteSet {
  /** 0xff in each lane of the 16 bytes `v` that is in the set. */
  abstract marks(v: v128): v128;
  abstract has(c: u32): bool;
  abstract at(q: usize): void;
}

/** Calls `set.at(q)` at each byte of [p, end) in the set, in order: sixteen bytes a step, then the bytes left. */
// @ts-ignore: decorator
@inline function eachMarked<S extends ByteSet>(set: S, p: usize, end: usize): void {
  let q = p;
  for (; q + 16 <= end; q += 16) {
    for (let m = i8x16.bitmask(set.marks(v128.load(q))); m != 0; m &= m - 1) set.at(q + <usize>ctz<u32>(m));
  }
  for (; q < end; q++) if (set.has(<u32>load<u8>(q))) set.at(q);
}

// Puts the frames of the stack text at `start` from byte `from` (where a frame
// starts) to `len` on the path, each ending at a ';' or at the text's end. A
// name is read as the 32 bytes from its start: its end is the first ';' among
// them (or the text's end, if that comes first), and a name shorter than 32
// bytes is hashed and compared from them (ByteTable.internShort), with no loop
// over its bytes, whose length the branch predictor cannot know; a longer one
// is looked up as any. (The reads past the line stay within the input's SLACK.)
function pushNames(start: usize, from: usize, len: usize): void {
  const end = start + len;
  let q = start + from;
  while (true) {
    const lo = v128.load(q), hi = v128.load(q, 16);
    const semi = i8x16.splat(0x3b);
    const marks = <u32>i8x16.bitmask(i8x16.eq(lo, semi)) | (<u32>i8x16.bitmask(i8x16.eq(hi, semi)) << 16);
    let n = min<usize>(<usize>ctz<u32>(marks), end - q); // 32 when no ';' is among them
    let frame: u32;
    if (n < SHORT_NAME && touchedCount == 0) frame = frameTable.internShort(q, n, lo, hi);
    else {
      if (n >= SHORT_NAME) n = nameEnd(q + SHORT_NAME, end) - q;
      frame = touchedCount == 0 ? frameTable.intern(q, n) : internTouched(q, n);
    }
    q += n;
    pathPush(frame, q - start);
    if (q == end) return;
    q++; // past the ';'
  }
}

// The first ';' in [p, end), or `end`.
function nameEnd(p: usize, end: usize): usize {
  for (; p + 16 <= end; p += 16) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(p), i8x16.splat(0x3b)));
    if (m != 0) return p + <usize>ctz<u32>(m);
  }
  for (; p < end; p++) if (load<u8>(p) == 0x3b) return p;
  return end;
}

// Names are looked up a window of lines at a time: the frame-table slot of
// each name of the window is read first (frameTable.touch), so that with
// millions of distinct names (a miss each: one cache miss per new name) the
// misses overlap instead of coming one after the other, and the lookups then
// find the slots in cache. Until the slots outgrow the cache, lines are read
// without it: there is no miss to overlap, and a name would be hashed twice. A touch only reads: a name it splits wrongly (a
// two-count line's leaf) costs one wasted read, never a wrong result.
const WINDOW: usize = 4096; // bytes of whole lines

// Where a window starting at `p` ends: after the last newline within WINDOW
// bytes, else after the next one (a long line), else `p` (no whole line).
function windowEnd(p: usize, end: usize): usize {
  let q = min(end, p + WINDOW);
  while (q > p && load<u8>(q - 1) != 0x0a) q--;
  if (q > p) return q;
  q = p + WINDOW;
  while (q < end && load<u8>(q) != 0x0a) q++;
  return q < end ? q + 1 : p;
}

// Touches each name of the whole lines [p, end): the frames before each ';',
// and the last frame, which ends at the line's last blank (before the count).
// The slots are found first, then read in a loop of loads alone: a read in
// the same loop as the hashing would wait behind it, the misses one at a time.
// Each name's place, length and hash are kept (`touched`), so that the
// lookups that follow (internTouched) do not hash the names again.
const TOUCH_MAX: u32 = 1024;
const TOUCHED: usize = 16; // bytes a touched name takes: u32 slot address, start, length, hash
let touched: usize = 0;
let touchSink: u32 = 0;
function touchNames(p: usize, end: usize): void {
  if (touched == 0) touched = allocBytes(<usize>TOUCH_MAX * TOUCHED);
  touchCount = 0;
  touchFrom = p;
  touchBlank = 0;
  eachMarked<NameEnds>(nameEnds, p, end);
  let sink: u32 = 0;
  for (let i: u32 = 0; i < touchCount; i++) {
    const at = <usize>load<u32>(touched + <usize>i * TOUCHED);
    if (at != 0) sink ^= load<u32>(at);
  }
  touchSink ^= sink;
  touchedCount = touchCount;
  touchedNext = 0;
  touchedKind = frameTable.hashKind();
}

// The names touched last (touchNames), while the lines they are in are read
// (0: none, for lines read otherwise): the next one to look at, and the
// frame table's hash kind they were hashed under.
let touchedCount: u32 = 0;
let touchedNext: u32 = 0;
let touchedKind: usize = 0;

/**
 * frameTable.intern() of the name [q, q+n), with the hash touchNames() kept
 * when it touched that same name: the same place and length. Names are
 * looked up in the order they were touched, some of them skipped (the first
 * frames a line shares with the line before); a touched name that is not
 * looked up as it was split (a two-count line's last, touched with its
 * first count) is hashed again.
 */
function internTouched(q: usize, n: usize): u32 {
  let i = touchedNext;
  while (i < touchedCount && <usize>load<u32>(touched + <usize>i * TOUCHED, 4) < q) i++;
  touchedNext = i;
  if (i < touchedCount && frameTable.hashKind() == touchedKind) {
    const t = touched + <usize>i * TOUCHED;
    if (<usize>load<u32>(t, 4) == q && <usize>load<u32>(t, 8) == n) {
      touchedNext = i + 1;
      return frameTable.internHashed(q, n, load<u32>(t, 12));
    }
  }
  return frameTable.intern(q, n);
}

// touchNames() at a byte that ends a name or may: the name's slot is listed.
let touchCount: u32 = 0;
let touchFrom: usize = 0; // where the name being scanned starts
let touchBlank: usize = 0; // the last blank seen
@final @unmanaged
class NameEnds extends ByteSet {
  // The bytes that end names (';', '\n') or may end the last one (a blank).
  // @ts-ignore: decorator
  @inline marks(v: v128): v128 {
    return v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x3b)), i8x16.eq(v, i8x16.splat(0x0a))), v128.or(i8x16.eq(v, i8x16.splat(0x20)), i8x16.eq(v, i8x16.splat(0x09))));
  }
  // @ts-ignore: decorator
  @inline has(c: u32): bool { return c == 0x3b || c == 0x0a || c == 0x20 || c == 0x09; }
  // @ts-ignore: decorator
  @inline at(q: usize): void {
    const c = load<u8>(q);
    let nameEnd: usize;
    if (c == 0x3b) nameEnd = q;
    else if (c == 0x0a) nameEnd = touchBlank > touchFrom ? touchBlank : touchFrom; // the last frame ends before the count
    else {
      touchBlank = q;
      return;
    }
    if (nameEnd > touchFrom && touchCount < TOUCH_MAX) {
      const len = nameEnd - touchFrom;
      const h = frameTable.hash(touchFrom, len);
      const t = touched + <usize>(touchCount++) * TOUCHED;
      store<u32>(t, <u32>frameTable.slotAt(h));
      store<u32>(t, <u32>touchFrom, 4);
      store<u32>(t, <u32>len, 8);
      store<u32>(t, h, 12);
    }
    touchFrom = q + 1;
  }
}
const nameEnds = new NameEnds();

/** The folded format (formats/format.ts). */
export class FoldedFormat extends Format {
  name(): string { return "folded"; }
  optionNames(): string { return "strict"; }
  setOption(index: i32, value: i32): void { if (index == 0) strict = value != 0; }
  line(start: usize, end: usize): void { foldedLine(start, end); }
  lines(p: usize, end: usize): usize {
    if (!frameTable.touchPays()) return eachLine<FoldedFormat>(this, p, end); // the touches would find it in cache
    while (true) { // a window of lines at a time, their names touched first
      const w = windowEnd(p, end);
      if (w == p) break;
      touchNames(p, w);
      p = eachLine<FoldedFormat>(this, p, w);
    }
    touchedCount = 0; // the touched names' places name bytes of this buffer only while it is read
    return eachLine<FoldedFormat>(this, p, end); // a line not yet whole
  }
}
