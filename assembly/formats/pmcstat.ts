// FreeBSD `pmcstat -R log -G out` callgraphs (usr.sbin/pmcstat/pmcpl_callgraph.c):
//
//   @ CPU_CLK_UNHALTED.THREAD_P [10867 samples]      <- one section per PMC (per CPU)
//                                                    <- blank lines close every open node
//   07.86%  [854]      __mtx_lock_sleep @ /boot/kernel/kernel   <- depth 0: the sampled function
//    48.95%  [418]       vm_page_alloc               <- depth 1: its caller, and so on
//     99.76%  [417]        vm_page_grab
//
// The text tree is inverted: each top-level entry is a leaf and its children
// are callers, so a stack is the open path read backwards. A node's count can
// exceed the sum of its children's (the chain ended there: frame-pointer walk
// stopped, `-z` depth, unmapped frame); that remainder is a stack of its own,
// folded when the node closes. Only the open path is held, never the tree.
//
// The depth is read from the name column, not the leading blanks (a copy with
// mangled indentation still comes out right): after `]` pmcstat prints
// 1 + max(0, 12 - len(" [N] ")) + depth blanks. The image (` @ /path`) is
// printed only when it changes from the previous printed line, so it is
// carried along for the kernel marks.

import { isDigit, isBlank, skipBlanks, trimCR, skipDigits } from "../util/scan";
import { digitsInteger, leadingInteger, leadingEnd, wholeUnits, checkedAdd } from "../tables/counts";
import { eventsOnly, eventFilterOn, eventSelected, countEvent, countMatched, oneEvent } from "../tables/events";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { frameTable, stackPush, foldLeafFirst } from "../tables/session";
import { malformedLine } from "../tables/notes";
import { ByteTable } from "../tables/byte-table";
import { bytesEqual } from "../util/hash";
import { wholeRecords, collideRecords } from "../tables/record-table";
import { Format, eachLine } from "./format";

/** Mark frames of images under /boot/ with `_[k]`, as the Linux collapsers mark kernel frames. */
let kernelMarks = false;

// The open path: level 0 is the sampled function, level d its d-th caller.
let pathFrames: usize = 0; // u32 frame id per level
let pathCounts: usize = 0; // i64 per level (whole counts)
let pathChildSums: usize = 0; // i64 per level: counts of its children so far
let pathCap: u32 = 0;
let open: u32 = 0; // levels open

let skipping = false; // inside a section another event's (or before any header, when filtering)
let kernelImage = false; // the image last printed is under /boot/

// Scratch for frame names that need rewriting (';', kernel mark).
let scratch: usize = 0;
let scratchCap: usize = 0;

// The frame of a printed name, through a small direct-mapped cache in front
// of the frame table: a capture's sections name the same few thousand
// functions again and again, and a slot found by a multiply of the name's
// first and last eight bytes, checked against the name's bytes, costs less
// than hashing the whole name and probing the table. A slot: u32 frame id,
// u32 the address of its name in the frame table (which never moves it),
// u32 the name's length.
const NAME_SLOTS_BITS: u32 = 12;
const NAME_SLOT: usize = 12;
let nameSlots: usize = 0;
let nameSlotsTable: ByteTable = changetype<ByteTable>(0); // the frame table whose ids they hold

function pmcstatInit(): void {
  pathCap = 64;
  pathFrames = allocBytes(<usize>pathCap << 2);
  pathCounts = allocBytes(<usize>pathCap << 3);
  pathChildSums = allocBytes(<usize>pathCap << 3);
  scratchCap = 256;
  scratch = allocBytes(scratchCap);
}

/** Start of one input: no section yet (so nothing is folded before a header when filtering). */
function beginPmcstat(): void {
  open = 0;
  kernelImage = false;
  skipping = eventFilterOn() || eventsOnly;
}

/** End of input, after its last line: every node still open closes. */
function endPmcstat(): void {
  closeTo(0);
  beginPmcstat();
}

/** One line of pmcstat -G output: a section header, a call-graph node, or a blank closing the entry. */
function pmcstatLine(start: usize, end: usize): void {
  end = trimCR(start, end);
  if (start == end) { closeTo(0); return; }
  const c = <u32>load<u8>(start);
  if (c == 0x40) { headerLine(start, end); return; } // '@'
  if (skipping) return;
  if (!nodeLine(start, end) && !untabbedNodeLine(start, end)) {
    if (skipBlanks(start, end) == end) closeTo(0); // a line of blanks is a blank line
    else malformedLine(); // an elision (`[...]`), a node without its parent: reported by line
  }
}

// `@ NAME [N samples]`: NAME is printed unchecked (it can be any bytes), so it
// is whatever lies between "@ " and the last " [".
function headerLine(start: usize, end: usize): void {
  const SUFFIX: usize = 9; // " samples]"
  if (end - start < 2 + 2 + 1 + SUFFIX || load<u8>(start + 1) != 0x20 ||
      load<u64>(end - SUFFIX) != 0x73656c706d617320 || load<u8>(end - 1) != 0x5d) { // " samples" "]"
    malformedLine();
    return;
  }
  let q = end - SUFFIX;
  while (q > start + 2 && isDigit(load<u8>(q - 1))) q--;
  if (q == end - SUFFIX || q < start + 4 || load<u16>(q - 2) != 0x5b20) { malformedLine(); return; } // " ["
  const n = digitsInteger(q, end - SUFFIX); // past 2^63-1: the error naming the line
  closeTo(0);
  const name = start + 2;
  const nameLen = q - 2 - name;
  countEvent(name, nameLen, n, 1);
  if (eventsOnly) { skipping = true; return; }
  skipping = !eventSelected(name, nameLen);
  if (eventFilterOn() && !skipping) countMatched();
}

// One node: ` *\d+\.\d+%  \[\d+\] +NAME( @ IMAGE)?`. Returns false when the
// line is not one (the caller counts it as ignored).
function nodeLine(start: usize, end: usize): bool {
  let q = skipSpaces(start, end);
  // the percentage: digits '.' digits '%'
  let d = q;
  q = skipDigits(q, end);
  if (q == d || q == end || load<u8>(q) != 0x2e) return false;
  d = ++q;
  q = skipDigits(q, end);
  if (q == d || q + 4 > end) return false;
  // "%  [" exactly
  if (load<u32>(q) != 0x5b202025) return false;
  q += 4;
  // the count, read as its digits are skipped (past 2^63-1: the error naming the line)
  d = q;
  const count = leadingInteger(q, end);
  q = leadingEnd;
  const digits = <i32>(q - d);
  if (digits == 0 || q == end || load<u8>(q) != 0x5d) return false; // ']'
  q++;
  const gapStart = q;
  q = skipSpaces(q, end);
  const name = q;
  if (q == gapStart || q == end || isBlank(load<u8>(q))) return false;
  const depth = <i32>(name - gapStart) - 1 - max<i32>(0, 8 - digits);
  if (depth < 0) return false;
  let semicolon = false;
  while (true) {
    q = nameStop(q, end);
    if (q == end || load<u8>(q) != 0x3b) break;
    semicolon = true;
    q++;
  }
  const nameEnd = q;
  if (q < end) {
    // " @ IMAGE" (the image may hold anything, blanks included)
    if (q + 3 > end || load<u8>(q) != 0x20 || load<u8>(q + 1) != 0x40 || load<u8>(q + 2) != 0x20) return false;
    kernelImage = q + 9 <= end && load<u32>(q + 3) == 0x6f6f622f && load<u16>(q + 7) == 0x2f74; // "/boot/"
  } else if (depth == 0) {
    kernelImage = false; // pmcstat prints the image on every top-level entry; none is known
  }
  if (<u32>depth > open) return false; // no parent (lines elided above it)
  closeTo(<u32>depth);
  openNode(<u32>depth, frameOf(name, nameEnd - name, semicolon), count);
  return true;
}

// A copy through `unexpand` (an editor's tabs) has tabs for runs of blanks, in
// the indentation or also in the gap before the name (`unexpand -a`): the line
// is read as it would print, tabs expanded to 8-column stops.
let untabbed: usize = 0;
let untabbedCap: usize = 0;

/** nodeLine() of the line with its tabs expanded, if it has any; false otherwise. */
function untabbedNodeLine(start: usize, end: usize): bool {
  let tabs = 0;
  for (let q = start; q < end; q++) if (load<u8>(q) == 0x09) tabs++;
  if (tabs == 0) return false;
  const need = (end - start) + <usize>tabs * 7; // allocBytes leaves the slack skipSpaces reads into
  if (need > untabbedCap) {
    freeBytes(untabbed);
    untabbedCap = need;
    untabbed = allocBytes(need);
  }
  let n: usize = 0;
  for (let q = start; q < end; q++) {
    const c = load<u8>(q);
    if (c != 0x09) { store<u8>(untabbed + n++, c); continue; }
    do store<u8>(untabbed + n++, 0x20); while ((n & 7) != 0);
  }
  return nodeLine(untabbed, untabbed + n);
}

// The indentation and the gap before the name are the bulk of a deep line's
// bytes: skip them sixteen at a time. Reading past `end` is safe (the input
// window carries SLACK bytes) and the result is clamped to it.
function skipSpaces(p: usize, end: usize): usize {
  const sp = i8x16.splat(0x20);
  while (p < end) {
    const m = ~i8x16.bitmask(i8x16.eq(v128.load(p), sp)) & 0xffff;
    if (m != 0) return min(p + <usize>ctz<u32>(m), end);
    p += 16;
  }
  return end;
}

// The first blank or ';' at or after p (or end): where a symbol name stops, or needs rewriting.
function nameStop(p: usize, end: usize): usize {
  const sp = i8x16.splat(0x20);
  const tab = i8x16.splat(0x09);
  const semi = i8x16.splat(0x3b);
  while (p < end) {
    const v = v128.load(p);
    const m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, sp), i8x16.eq(v, tab)), i8x16.eq(v, semi)));
    if (m != 0) return min(p + <usize>ctz<u32>(m), end);
    p += 16;
  }
  return end;
}

function frameOf(p: usize, len: usize, semicolon: bool): u32 {
  const mark = kernelMarks && kernelImage;
  if (!semicolon && !mark) return plainFrame(p, len);
  if (len + 4 > scratchCap) {
    scratchCap = len + 64;
    scratch = growBytes(scratch, 0, scratchCap);
  }
  for (let i: usize = 0; i < len; i++) {
    const b = load<u8>(p + i);
    store<u8>(scratch + i, b == 0x3b ? 0x3a : b); // ';' would split the folded stack
  }
  let n = len;
  if (mark) {
    store<u32>(scratch + n, 0x5d6b5b5f); // "_[k]"
    n += 4;
  }
  return frameTable.intern(scratch, n);
}

// The frame of the name [p, p+len) as printed (no rewriting), through the name slots.
function plainFrame(p: usize, len: usize): u32 {
  if (!wholeRecords) return frameTable.intern(p, len); // tests: the frame table alone, the oracle
  if (nameSlotsTable != frameTable) { // the first name, or a new session's frame table: the slots named others' frames
    freeBytes(nameSlots);
    nameSlots = allocBytes(NAME_SLOT << NAME_SLOTS_BITS);
    nameSlotsTable = frameTable;
  }
  // The first and the last eight bytes (a shorter name is its bytes alone: what follows it varies).
  const first = len >= 8 ? load<u64>(p) : load<u64>(p) & ((<u64>1 << (<u64>len << 3)) - 1);
  const last = len >= 8 ? load<u64>(p + len - 8) : first;
  const key = (first * 0x9e3779b97f4a7c15) ^ (last * 0xc2b2ae3d27d4eb4f) ^ <u64>len;
  const slot = nameSlots + NAME_SLOT * (collideRecords ? 0 : <usize>(key >> (64 - NAME_SLOTS_BITS)));
  if (load<u32>(slot, 8) == <u32>len && bytesEqual(<usize>load<u32>(slot, 4), p, len)) return load<u32>(slot);
  const frame = frameTable.intern(p, len);
  store<u32>(slot, frame);
  store<u32>(slot, <u32>frameTable.ptr(frame), 4);
  store<u32>(slot, <u32>len, 8);
  return frame;
}

function openNode(level: u32, frame: u32, count: i64): void {
  if (level == pathCap) {
    pathFrames = growBytes(pathFrames, <usize>pathCap << 2, <usize>pathCap << 3);
    pathCounts = growBytes(pathCounts, <usize>pathCap << 3, <usize>pathCap << 4);
    pathChildSums = growBytes(pathChildSums, <usize>pathCap << 3, <usize>pathCap << 4);
    pathCap <<= 1;
  }
  store<u32>(pathFrames + (<usize>level << 2), frame);
  store<i64>(pathCounts + (<usize>level << 3), count);
  store<i64>(pathChildSums + (<usize>level << 3), 0);
  if (level > 0) {
    const s = pathChildSums + (<usize>(level - 1) << 3);
    store<i64>(s, checkedAdd(load<i64>(s), count));
  }
  open = level + 1;
}

// Closes the open levels >= `level`, deepest first. A node's samples not
// accounted for by its children end at that node: the stack from the
// outermost caller (this level) down to the sampled function (level 0).
function closeTo(level: u32): void {
  while (open > level) {
    const top = open - 1;
    const rest = load<i64>(pathCounts + (<usize>top << 3)) - load<i64>(pathChildSums + (<usize>top << 3)); // both >= 0: no overflow
    if (rest > 0) {
      for (let i: u32 = 0; i <= top; i++) stackPush(load<u32>(pathFrames + (<usize>i << 2)));
      foldLeafFirst(wholeUnits(rest));
    }
    open = top;
  }
}

/** The pmcstat format (formats/format.ts). Events and their filter are in tables/events.ts. */
export class PmcstatFormat extends Format {
  constructor() {
    super();
    pmcstatInit();
  }
  name(): string { return "pmcstat"; }
  optionNames(): string { return "kernelMarks"; }
  setOption(index: i32, value: i32): void { if (index == 0) kernelMarks = value != 0; }
  begin(): void { beginPmcstat(); }
  line(start: usize, end: usize): void { pmcstatLine(start, end); }
  lines(p: usize, end: usize): usize { return eachLine<PmcstatFormat>(this, p, end); }
  end(): void { endPmcstat(); }
  /** Every event is folded, but one under the oneEvent session option (a flame graph). */
  foldsOneEvent(): bool { return oneEvent; }
}
