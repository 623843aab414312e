// FreeBSD `procstat -k` / `-kk` kernel stacks (one snapshot, or many from a
// sampling loop: the off-CPU flame graph method), and the KSTACK column
// counted by `sort | uniq -c`.
//
//   PID    TID COMM             TDNAME           KSTACK                       <- header, once per snapshot
//     0 100023 kernel           firmware taskq   mi_switch+0xbe sleepq_wait+0x2c _sleep+0x1f1 ...
//   "%5d %6d %-Ws %-Ws %-29s"   KSTACK is leaf first, each frame followed by one blank
//
//   1212 mi_switch sleepq_catch_signals ... fast_syscall_common   <- `uniq -c`: count, then KSTACK
//
// The rules are the corpus contract (../shared/corpus/README.md, "procstat"):
// W (the COMM and TDNAME width) is 16 on older releases and 19 on current
// ones; `%-Ws` pads but never truncates, so a longer COMM pushes the rest of
// the row right. KSTACK is split on blanks, `+0x1a` / `+0` offsets are cut,
// the frames are reversed (root first), `<running>`-style states stay one
// frame, and each row counts 1.
//
// Where the contract is silent: PID and TID are read as numbers, not columns
// (a 7-digit TID also pushes the row right); TDNAME runs on like COMM when a
// value is longer than W; COMM and TDNAME lose their padding, and ';' in any
// name becomes ':' (it would split the folded stack); a row with no KSTACK is
// ignored; headers may change W mid-input (captures concatenated from two
// releases); without a header W comes from the rows (widthOfRow).

import { isBlank, isDigit, skipBlanks, lastIndexOf, skipDigits } from "../util/scan";
import { digitsInteger, wholeUnits, unitsPerCount } from "../tables/counts";
import { bytesEqual } from "../util/hash";
import { ByteTable } from "../tables/byte-table";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { frameTable, ignoreLine, lineUnterminated, stackPush, foldLeafFirstEntry, foldEntry } from "../tables/session";
import { snapshotAt } from "../tables/snapshots";
import { malformedLine } from "../tables/notes";
import { Format, eachLine } from "./format";
import { internFrameName, trimBlanksRight } from "./frame-names";

/** `--by-thread`: put `COMM;TDNAME;` above each stack. */
let byThread = false;

// Per input. Once a header or a row has been seen, the input is procstat's own
// table and a "count KSTACK" line in it is noise (a prompt, a log line), not a
// `uniq -c` line.
let sawTable = false;
let headerWidth: i32 = 0; // W from this input's last header; 0 until one is seen
let rowWidth: i32 = 0; // W inferred from header-less rows; 0 until a row told it
let rowsEndBlank: i32 = 0; // the rows so far each ended with a blank, as procstat prints them: 1 yes, -1 no, 0 none yet

function beginProcstat(): void {
  sawTable = false;
  headerWidth = 0;
  rowWidth = 0;
  rowsEndBlank = 0;
}

/** One line of procstat -k output: a header, a thread's row, or a uniq -c count. */
function procstatLine(start: usize, end: usize): void {
  const printedEnd = end;
  end = trimBlanksRight(start, end); // procstat pads KSTACK to 29 columns; CRLF files end in '\r'
  const p = skipBlanks(start, end);
  if (p == end) return;
  if (!isDigit(load<u8>(p))) {
    if (headerLine(p, end)) snapshotAt(start, NaN, NaN); // each header starts a snapshot (tables/snapshots.ts)
    else malformedLine();
    return;
  }
  // "%5d %6d COMM..." (a row) or "count KSTACK" (uniq -c): the second field tells.
  const firstEnd = skipDigits(p, end);
  if (firstEnd == end || !isBlank(load<u8>(firstEnd))) { malformedLine(); return; }
  const second = skipBlanks(firstEnd, end);
  const secondEnd = skipDigits(second, end);
  if (secondEnd > second) { // two numbers: PID and TID
    if (secondEnd == end) { malformedLine(); return; }
    sawTable = true;
    if (lineUnterminated && printedEnd == end && looksCut(secondEnd + 1, end)) { malformedLine(); return; }
    const endsBlank = end < printedEnd && isBlank(load<u8>(end));
    rowsEndBlank = endsBlank && rowsEndBlank >= 0 ? 1 : -1;
    row(secondEnd + 1, end); // "%6d " TID: COMM starts after exactly one blank
    return;
  }
  if (sawTable) { malformedLine(); return; }
  // `uniq -c` of the KSTACK column: there are no thread names, so --by-thread
  // has nothing to put above these stacks.
  foldStack(second, end, wholeUnits(digitsInteger(p, firstEnd)));
}

// The last row of an input that ends without a newline, and stops mid-word: was
// the file cut there, its last frame a piece of a name (`gta`; handmade case in
// test/formats/procstat-quirks.test.ts)? Yes when the rows before it ended with
// a blank, as procstat prints them, or when its last word lacks the `+0x..`
// offset the word before it has (-kk). A copy that lost its trailing blanks
// and final newline (poudriere-750) still reads whole.
function looksCut(p: usize, end: usize): bool {
  if (rowsEndBlank > 0) return true;
  const last = wordStart(p, end);
  if (last <= p) return false;
  const prevEnd = trimBlanksRight(p, last);
  if (prevEnd <= p) return false;
  return offsetStart(last, end) == end && offsetStart(wordStart(p, prevEnd), prevEnd) < prevEnd;
}

/** Where the word ending at `end` starts (after the last blank before it, or p). */
function wordStart(p: usize, end: usize): usize {
  let q = end;
  while (q > p && !isBlank(load<u8>(q - 1))) q--;
  return q;
}

// "  PID    TID COMM             TDNAME           KSTACK": W is the distance
// from COMM to TDNAME less the separating blank. Later snapshots' headers are
// skipped the same way (and may change W, as in captures concatenated from two
// releases).
function headerLine(p: usize, end: usize): bool {
  if (end - p < 3 || load<u8>(p) != 0x50 || load<u8>(p, 1) != 0x49 || load<u8>(p, 2) != 0x44) return false; // "PID"
  const comm = find(p, end, 0x4d4d4f43, 4); // "COMM"
  const tdname = find(p, end, 0x454d414e4454, 6); // "TDNAME"
  if (comm < 0 || tdname <= comm + 4) return false;
  headerWidth = <i32>(tdname - comm - 1);
  sawTable = true;
  ignoreLine(); // a header: read, nothing to fold
  return true;
}

/** A row from its COMM column (just after "%6d " TID) to its trimmed end. */
function row(comm: usize, end: usize): void {
  const w = headerWidth > 0 ? headerWidth : widthOfRow(comm, end);
  const commEnd = fieldEnd(comm, end, w);
  if (commEnd >= end) { malformedLine(); return; }
  const tdname = commEnd + 1;
  const tdnameEnd = fieldEnd(tdname, end, w);
  if (tdnameEnd >= end) { malformedLine(); return; }
  if (!laidOut(comm, commEnd, tdname, tdnameEnd, w)) { malformedLine(); return; }
  const kstack = skipBlanks(tdnameEnd + 1, end);
  if (kstack == end) { malformedLine(); return; } // no stack at all: nothing to count
  if (byThread) foldThreadRow(comm, commEnd, tdname, tdnameEnd, kstack, end, w);
  else foldStack(kstack, end, 1);
}

// Without a header W must come from the rows. In a row of width W, COMM ends
// at W columns (or runs on to the next blank when longer), then one blank,
// then TDNAME, whose first character is never a blank, W columns and a blank,
// then KSTACK, whose first character is never a blank either. Reading a
// 19-column row as 16 columns puts a blank at the start of TDNAME (COMM's
// padding), or, for a 19-character COMM, a blank at the start of KSTACK
// (TDNAME's padding); reading a 16-column row as 19 columns lands inside
// TDNAME or KSTACK text. So usually exactly one width fits, and it is kept
// for the rows that follow; a row that fits both (a 16-column row whose
// TDNAME has a blank that lines up) keeps the width already decided, or
// takes 19 (current releases) while nothing has decided it yet.
function widthOfRow(comm: usize, end: usize): i32 {
  if (rowWidth != 0 && fits(comm, end, rowWidth)) return rowWidth;
  const f19 = fits(comm, end, 19);
  const f16 = fits(comm, end, 16);
  if (f19 != f16) {
    rowWidth = f19 ? 19 : 16;
    return rowWidth;
  }
  return rowWidth != 0 ? rowWidth : 19;
}

function fits(comm: usize, end: usize, w: i32): bool {
  const commEnd = fieldEnd(comm, end, w);
  const tdname = commEnd + 1;
  if (tdname >= end || isBlank(load<u8>(tdname))) return false;
  const sep = tdname + <usize>w;
  return sep + 1 < end && isBlank(load<u8>(sep)) && !isBlank(load<u8>(sep + 1));
}

// Whether COMM and TDNAME are as printf lays them out ("%-Ws %-Ws "): each
// starts with a non-blank, and a value longer than W runs on to the next blank,
// so it holds no padding. A row a copy has damaged (a blank of the padding
// lost or added, columns squeezed) would otherwise put frames into the names
// or a name into the stack, losing the leaf (handmade cases in
// test/formats/procstat-quirks.test.ts): such a row is not read.
function laidOut(comm: usize, commEnd: usize, tdname: usize, tdnameEnd: usize, w: i32): bool {
  if (isBlank(load<u8>(comm)) || isBlank(load<u8>(tdname))) return false;
  // COMM is an executable's name, without blanks: run on past W, it has none before W either.
  if (commEnd > comm + <usize>w && blankIn(comm, comm + <usize>w)) return false;
  // A thread name may hold a blank ("firmware taskq"), but run on past W, never two in a row.
  return tdnameEnd <= tdname + <usize>w || !twoBlanksIn(tdname, tdnameEnd);
}

function blankIn(p: usize, end: usize): bool {
  for (let q = p; q < end; q++) if (isBlank(load<u8>(q))) return true;
  return false;
}

function twoBlanksIn(p: usize, end: usize): bool {
  for (let q = p; q + 1 < end; q++) if (isBlank(load<u8>(q)) && isBlank(load<u8>(q + 1))) return true;
  return false;
}

// `%-Ws` of a field starting at p: it ends after W columns, or at the next
// blank when the value was longer than W (printf pads, never truncates).
// Returns the position of the separating blank (`end` when the line stops first).
function fieldEnd(p: usize, end: usize, w: i32): usize {
  let q = p + <usize>w;
  if (q >= end) return end;
  while (q < end && !isBlank(load<u8>(q))) q++;
  return q;
}

// ---- KSTACK → stack-table entry, through caches of raw texts ---------------
//
// A thread usually sleeps where it slept in the last snapshot, so most rows
// repeat a KSTACK text seen before: one hash and one compare find its entry.
// And a sampling loop prints the threads in the same order every time, so a
// row's text is usually the one that followed the previous row's text last
// time: checking that guess is one compare, without hashing the text (about
// 150 bytes, a long dependent chain of multiplies: the bulk of a row's cost).

/** Raw text → the stack-table entry it folded to. Bounded: past its budget it stops learning. */
@unmanaged
class EntryCache {
  table: ByteTable;
  entries: usize; // u32 per text: its stack-table entry
  successors: usize; // u32 per text: id + 1 of the text that followed it last time (0: none yet)
  cap: u32;
  last: i32 = -1; // id of the text of the row before (-1: not in the table)
  // The text lookup() last missed, for remember(): its hash, and the text before it.
  missHash: u32 = 0;
  missLast: i32 = -1;

  constructor() {
    this.table = new ByteTable(12);
    this.cap = 1 << 11;
    this.entries = allocBytes(<usize>this.cap << 2);
    this.successors = allocBytes(<usize>this.cap << 2);
  }

  /** The entry remembered for [p, p+len), or 0 (then remember() may follow). */
  lookup(p: usize, len: usize): usize {
    const last = this.last;
    if (last >= 0) {
      const guess = load<u32>(this.successors + (<usize>last << 2));
      if (guess != 0 && this.table.len(guess - 1) == <u32>len && bytesEqual(this.table.ptr(guess - 1), p, len)) {
        this.last = <i32>guess - 1;
        return <usize>load<u32>(this.entries + (<usize>(guess - 1) << 2));
      }
    }
    const h = this.table.hash(p, len);
    const e = this.table.find(p, len, h);
    if (e < 0) {
      this.missHash = h;
      this.missLast = last;
      this.last = -1; // unless remember() adds it
      return 0;
    }
    this.follows(last, e);
    return <usize>load<u32>(this.entries + (<usize>e << 2));
  }

  /**
   * Remembers the entry of the text lookup() just missed (0, a stack past
   * the table's budget, is not remembered).
   */
  remember(p: usize, len: usize, entry: usize): void {
    if (entry == 0 || this.table.arenaUsed + len > CACHE_BUDGET) return;
    const e = this.table.add(p, len, this.missHash);
    if (e >= this.cap) {
      this.entries = growBytes(this.entries, <usize>this.cap << 2, <usize>this.cap << 3);
      this.successors = growBytes(this.successors, <usize>this.cap << 2, <usize>this.cap << 3);
      this.cap <<= 1;
    }
    store<u32>(this.entries + (<usize>e << 2), <u32>entry);
    store<u32>(this.successors + (<usize>e << 2), 0);
    this.follows(this.missLast, <i32>e);
  }

  // Text `e` came after text `last` (-1: a text not in the table): the guess for the row after `last` next time.
  private follows(last: i32, e: i32): void {
    if (last >= 0) store<u32>(this.successors + (<usize>last << 2), <u32>e + 1);
    this.last = e;
  }
}

const CACHE_BUDGET: usize = 64 << 20; // bytes of remembered text per cache
let stackCache: EntryCache = changetype<EntryCache>(0); // KSTACK text → entry
let rowCache: EntryCache = changetype<EntryCache>(0); // by thread: row text after TID → entry
let rowCacheWidth: i32 = -1;

/** Counts `n` samples of the stack KSTACK [p, end) names. */
function foldStack(p: usize, end: usize, n: i64): void {
  if (changetype<usize>(stackCache) == 0) stackCache = new EntryCache();
  const len = end - p;
  const found = stackCache.lookup(p, len);
  if (found != 0) { foldEntry(found, n); return; }
  collectFrames(p, end);
  stackCache.remember(p, len, foldLeafFirstEntry(n));
}

/** Counts one sample of a whole row (COMM, TDNAME, KSTACK) for --by-thread: COMM;TDNAME above the stack. */
function foldThreadRow(comm: usize, commEnd: usize, tdname: usize, tdnameEnd: usize, kstack: usize, end: usize, w: i32): void {
  // COMM and TDNAME are where W puts them, so the same bytes mean another row under another W.
  if (rowCacheWidth != w) {
    rowCache = new EntryCache();
    rowCacheWidth = w;
  }
  const len = end - comm;
  const found = rowCache.lookup(comm, len);
  if (found != 0) { foldEntry(found, unitsPerCount); return; }
  collectFrames(kstack, end);
  stackPush(nameField(tdname, tdnameEnd));
  stackPush(nameField(comm, commEnd));
  rowCache.remember(comm, len, foldLeafFirstEntry(unitsPerCount));
}

/** Collects the frames of KSTACK [p, end) (leaf first, blank separated, as the stack is collected). */
function collectFrames(p: usize, end: usize): void {
  while (true) {
    p = skipBlanks(p, end);
    if (p == end) break;
    let q = p;
    while (q < end && !isBlank(load<u8>(q))) q++;
    stackPush(nameField(p, offsetStart(p, q)));
    p = q;
  }
}

// One KSTACK word: `func`, `func+0x1a` (-kk), `??+0` (an unresolved symbol:
// "%s+%#lx" prints offset 0 as `+0`), or a state such as `<running>`. The
// offset is the last '+' followed by `0x` and hex digits, or by decimal digits
// (both possibly cut short by the 1024-byte trace buffer). A word that is
// nothing but an offset keeps its text rather than become an empty frame.
function offsetStart(p: usize, end: usize): usize {
  const plus = lastIndexOf(p, end, 0x2b);
  if (plus <= <isize>p) return end;
  let q = <usize>plus + 1;
  if (end - q >= 2 && load<u8>(q) == 0x30 && (load<u8>(q + 1) | 0x20) == 0x78) {
    q += 2;
    while (q < end && isHex(load<u8>(q))) q++;
  } else {
    q = skipDigits(q, end);
  }
  return q == end ? <usize>plus : end;
}

// @ts-ignore: decorator
@inline function isHex(c: u32): bool {
  return isDigit(c) || (c | 0x20) - 0x61 < 6;
}

/** Interns [p, end) less trailing blanks (COMM/TDNAME padding), with ';' written as ':'. */
function nameField(p: usize, end: usize): u32 {
  end = trimBlanksRight(p, end);
  return internFrameName(p, end - p);
}

// ---- small scanners ---------------------------------------------------------

/** Position of the `len`-byte word `word` (little-endian) in [p, end), or -1. */
function find(p: usize, end: usize, word: u64, len: usize): isize {
  const mask: u64 = len >= 8 ? <u64>-1 : (<u64>1 << (<u64>len << 3)) - 1;
  for (let q = p; q + len <= end; q++) {
    if ((load<u64>(q) & mask) == word) return <isize>q;
  }
  return -1;
}

/** The procstat format (formats/format.ts). */
export class ProcstatFormat extends Format {
  name(): string { return "procstat"; }
  optionNames(): string { return "byThread"; }
  setOption(index: i32, value: i32): void { if (index == 0) byThread = value != 0; }
  begin(): void { beginProcstat(); }
  line(start: usize, end: usize): void { procstatLine(start, end); }
  lines(p: usize, end: usize): usize { return eachLine<ProcstatFormat>(this, p, end); }
}
