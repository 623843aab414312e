// What one collapse accumulates, shared by every format parser: the frame
// table, the stack being read, the stack table (and past its budget the call
// tree) it is counted into, and the totals (the count columns' sums are in
// column-sums.ts).

import { ByteTable } from "./byte-table";
import { allocBytes, growBytes } from "../util/memory";
import { ROOT, walkChild, treeWalkDone, nodeCount, addSelf, addSelf2, treeInit, stackCount, rescaleTree, treeSlotsRelease, copyTreeFirstToSecond } from "./call-tree";
import { blockLog } from "./blocks";
import {
  stackCacheInit, stackFind, stackRemember, stackAdd, stacksPending, stacksFlushed, stackEntryCount, stackEntryNode,
  setStackEntryNode, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, needsWide, takeStackCount, NO_NODE,
  stackEntryIdAt, rescaleStackTable, stackTableClosed, closeStackTable, dropStackTable, copyStackFirstToSecond,
} from "./stack-table";
import { recordOrder, logRecord, NODE_REF, rescaleLog, copyLogFirstToSecond } from "./record-log";
import { samplesTotal, samples2Total, addToColumnSum, rescaleColumnSums, copyFirstColumnSums, addColumnSums } from "./column-sums";
import { mix64 } from "../util/hash";
import { recordInWindow } from "./snapshots";
import { batchStack, walkBatch, addCountTo, COUNT_FIRST, COUNT_SECOND, COUNT_BOTH } from "./tree-batch";

export let frameTable: ByteTable = changetype<ByteTable>(0);

// Totals reported to the caller.
export let lineNo: f64 = 0; // lines consumed so far (1-based number of the current line)
export let ignoredLines: f64 = 0;
export let droppedRecords: f64 = 0;
export let records: f64 = 0;
/** Set when any record carried a second count (two-column folded input). */
export let hasSecondCount: bool = false;
/** lineNo when the current input began: errors name lines within their own input. */
export let inputLineBase: f64 = 0;
/**
 * When the record being read was sampled, in seconds as the capture prints
 * it (perf's `1451578.300150:`); NaN when it has none. A time window
 * (tables/snapshots.ts) reads it.
 */
export let recordTime: f64 = NaN;

// Differential sessions (flamefold diff) fold two one-count profiles into the two
// count columns of one tree: COLUMN_BEFORE/COLUMN_AFTER route every count of the
// current input; COLUMN_MIXED (the default) is ordinary input, where two-count
// folded lines fill both columns themselves.
export const COLUMN_MIXED: i32 = 0;
export const COLUMN_BEFORE: i32 = 1;
export const COLUMN_AFTER: i32 = 2;
let countColumn: i32 = COLUMN_MIXED;

export function setCountColumn(column: i32): void {
  countColumn = column;
  if (column != COLUMN_MIXED) hasSecondCount = true; // both columns are printed, even when one is empty
}

// Ordinary input that mixes one-count and two-count records is read as
// flamegraph.pl draws it: a one-count record is as wide as its count and
// unchanged, i.e. the same count in both columns. So once a two-count record
// arrives, the counts already stored are copied into the second column and
// later one-count records go to both.
let bothColumns = false;

/** The session holds two-count records from now on (a record, or another session's, had two counts). */
export function becomeTwoCount(): void {
  if (hasSecondCount) return;
  walkBatch(); // the batched stacks' counts are copied too
  hasSecondCount = true;
  if (countColumn != COLUMN_MIXED) return;
  bothColumns = true;
  copyFirstColumnSums(); // the second column held nothing until now
  copyStackFirstToSecond();
  copyTreeFirstToSecond();
  copyLogFirstToSecond();
}

/** Whether a one-count record of this session counts in both columns (see becomeTwoCount). */
export function oneCountInBoth(): bool { return bothColumns; }

/** Lines counted so far in the current input: the 1-based number of the line being read, once counted. */
export function inputLine(): f64 { return lineNo - inputLineBase; }

/**
 * The line being read is the input's last and had no newline: the input may
 * have been cut there (a format whose lines end in a known way can tell).
 */
export let lineUnterminated = false;
export function setLineUnterminated(on: bool): void { lineUnterminated = on; }
export function beginInputLines(): void {
  inputLineBase = lineNo;
  lineUnterminated = false; // an input that failed in its last line left it set
}
export function setRecordTime(t: f64): void { recordTime = t; }

// The columns a record's count goes to now (tables/tree-batch.ts COUNT_*), and into their totals, checked.
// @ts-ignore: decorator
@inline function countColumns(): u8 {
  return countColumn == COLUMN_AFTER ? COUNT_SECOND : bothColumns ? COUNT_BOTH : COUNT_FIRST;
}
// @ts-ignore: decorator
@inline function totalIn(columns: u8, n: i64): void {
  if (columns != COUNT_SECOND) addToColumnSum(n, false);
  if (columns != COUNT_FIRST) addToColumnSum(n, true);
}

/**
 * The scale of the counts grows by `factor` (tables/counts.ts): the column
 * sums are checked (the overflow error names the line whose count raised the
 * scale), then every stored count is multiplied.
 */
export function rescaleSession(factor: i64, k: i32): void {
  walkBatch(); // its counts are in the old units
  const what = "a count with " + k.toString() + " decimals makes the sum of the counts too large";
  rescaleColumnSums(factor, what, k);
  rescaleStackTable(factor);
  rescaleTree(factor);
  rescaleLog(factor);
}

/**
 * flamefold diff -n: scales the first column to the second's total, truncating
 * as difffolded.pl's int() does (`scale` rewrites the counts; see output/stacks.ts).
 */
export function normalizeFirstColumn(scale: (num: i64, den: i64) => void): void {
  const first = samplesTotal();
  if (first == samples2Total() || first == 0) return;
  scale(samples2Total(), first);
}

// The frames of the record being read, in input order.
let stackBuf: usize = 0;
let stackCap: u32 = 0;
export let stackLen: u32 = 0;
let stackHash: u64 = 0; // running hash of the collected frame ids, for the stack cache
let stackOr: u32 = 0; // the collected frame ids OR-ed: whether the table stores them in 16 bits

export function sessionInit(): void {
  frameTable = new ByteTable(12);
  stackCap = 256;
  stackBuf = allocBytes(<usize>stackCap << 2);
  treeInit(blockLog());
  stackCacheInit();
}

// @ts-ignore: decorator
@inline export function countLine(): void { lineNo += 1; }
/** Counts `n` lines read at once (a whole record folded without its lines being handled one by one). */
// @ts-ignore: decorator
@inline export function countLines(n: u32): void { lineNo += <f64>n; }
// @ts-ignore: decorator
@inline export function ignoreLine(): void { ignoredLines += 1; }
export function dropRecord(): void { droppedRecords += 1; }

export function stackPush(frame: u32): void {
  if (stackLen == stackCap) stackRoom(1);
  store<u32>(stackBuf + (<usize>stackLen << 2), frame);
  stackLen++;
  stackHash = stackHashStep(stackHash, frame);
  stackOr |= frame;
}

// Makes room for `n` more collected frames: the capacity doubles until they fit.
function stackRoom(n: u32): void {
  let cap = stackCap << 1;
  while (cap < stackLen + n) cap <<= 1;
  stackBuf = growBytes(stackBuf, <usize>stackLen << 2, <usize>cap << 2);
  stackCap = cap;
}

// The running hash of the collected frames, one frame further.
// @ts-ignore: decorator
@inline function stackHashStep(h: u64, frame: u32): u64 {
  return rotl<u64>((h ^ <u64>frame) * 0x9e3779b97f4a7c15, 29);
}

/**
 * stackPush() of the `n` frames (u32 each) at `frames`, from the last to the first: a path
 * kept root first, collected leaf first in one call (a folded line's 25 frames, a million for
 * a large file, are not 25 calls each growing and hashing on its own).
 */
export function stackPushReversed(frames: usize, n: u32): void {
  if (stackLen + n > stackCap) stackRoom(n);
  let to = stackBuf + (<usize>stackLen << 2);
  let h = stackHash;
  let or = stackOr;
  for (let i = n; i > 0; i--) {
    const frame = load<u32>(frames + (<usize>(i - 1) << 2));
    store<u32>(to, frame);
    to += 4;
    h = stackHashStep(h, frame);
    or |= frame;
  }
  stackLen += n;
  stackHash = h;
  stackOr = or;
}

/** Walks the stacks batched for the tree (tables/tree-batch.ts): at the end of every call that feeds input. */
export function foldBatched(): void { walkBatch(); }

export function stackClear(): void {
  stackLen = 0;
  stackHash = 0;
  stackOr = 0;
}

// Walks the collected (leaf-first) frames into the tree, creating nodes as
// needed, after the stacks batched before them (nodes are made in input order).
function walkCollected(): u32 {
  walkBatch();
  let node = ROOT;
  const made = nodeCount();
  for (let i = <i32>stackLen - 1; i >= 0; i--) node = walkChild(node, load<u32>(stackBuf + (<usize>i << 2)), made);
  treeWalkDone();
  return node;
}

// Walks a stack-table entry's (leaf-first) sequence into the tree.
function walkEntry(e: u32): u32 {
  const seq = stackEntrySeq(e), wide = stackEntryWide(e);
  let node = ROOT;
  const made = nodeCount();
  for (let i = <i32>stackEntryLen(e) - 1; i >= 0; i--) node = walkChild(node, seqFrame(seq, wide, <u32>i), made);
  treeWalkDone();
  return node;
}

// Some format kept a stack-table entry's address (foldLeafFirstEntry), or the
// record log names entries: the entries must outlive the table's closing.
let entriesHeld = false;

// The stack table's entry for the collected frames, made if new; 0 once the
// table's budget is spent: the table is then closed, and every stack from
// then on goes to the tree. Its entries' stacks and counts join the tree then,
// and their memory is freed, unless they are held (entriesHeld): then their
// counts join the tree when it is read.
function collectedEntry(): usize {
  if (stackTableClosed) return 0;
  const h = mix64(stackHash ^ <u64>stackLen);
  const wide = needsWide(stackOr);
  const e = stackFind(stackBuf, stackLen, wide, h);
  if (e != 0) return e;
  const made = stackRemember(stackBuf, stackLen, wide, h);
  if (made == 0) closeStacks();
  return made;
}

/** Closes the stack table: its stacks go to the tree, and unless entries are held, they join it now and the table's memory is freed. */
export function closeStacks(): void {
  closeStackTable();
  if (!entriesHeld && !recordOrder) {
    flushStacks();
    dropStackTable();
  }
}

/**
 * Folds the collected frames, read last to first (leaf-first input such as
 * DTrace's), with `n` samples. The count goes to the stack table; the tree is
 * only walked for stacks beyond the table's budget.
 */
export function foldLeafFirst(n: i64): void {
  foldCollected(n);
}

/**
 * foldLeafFirst() that returns the stack-table entry the stack went to (0 past
 * the table's budget): a format that recognises a record's raw text again
 * (procstat's rows) counts it with foldEntry() without collecting its frames.
 */
export function foldLeafFirstEntry(n: i64): usize {
  entriesHeld = true;
  return foldCollected(n);
}

// foldLeafFirst(), returning the entry the stack went to (0: none).
function foldCollected(n: i64): usize {
  if (!recordInWindow()) { stackClear(); return 0; } // outside the --window asked for
  const e = collectedEntry();
  if (e != 0) foldEntry(e, n);
  else {
    const columns = countColumns();
    totalIn(columns, n);
    if (recordOrder) { // the log names the node now
      const node = walkCollected();
      addCountTo(node, n, columns);
      logInColumns(node | NODE_REF, n, columns);
    } else {
      batchStack(stackBuf, stackLen, n, columns); // tables/tree-batch.ts
    }
    records += 1;
  }
  stackClear();
  return e;
}

/** Counts `n` more samples of the stack of a stack-table entry. */
export function foldEntry(e: usize, n: i64): void {
  if (!recordInWindow()) return; // outside the --window asked for
  const columns = countColumns();
  totalIn(columns, n);
  if (columns != COUNT_SECOND) stackAdd(e, n, false);
  if (columns != COUNT_FIRST) stackAdd(e, n, true);
  if (recordOrder) logInColumns(stackEntryIdAt(e), n, columns);
  records += 1;
}

// Logs a one-count record in input order (flame charts), in its columns (COUNT_*).
function logInColumns(ref: u32, n: i64, columns: u8): void {
  logRecord(ref, columns != COUNT_SECOND ? n : 0, columns != COUNT_FIRST ? n : 0);
}

/** Moves the stack table's counts into the call tree; every reader of the tree calls this first. */
export function flushStacks(): void {
  walkBatch();
  if (!stacksPending) return;
  const n = stackEntryCount();
  for (let e: u32 = 0; e < n; e++) {
    let node = stackEntryNode(e);
    if (node == NO_NODE) {
      node = walkEntry(e);
      setStackEntryNode(e, node);
      addSelf(node, 0); // the stack ended here, even if its counts are zero
    }
    const c1 = takeStackCount(e, false);
    const c2 = takeStackCount(e, true);
    if (c1 != 0) addSelf(node, c1);
    if (c2 != 0) addSelf2(node, c2);
  }
  stacksFlushed();
}

/**
 * Frees the hash slots of the call tree and the frame table while they are
 * only read (names and nodes are then found by id alone): the readers' own
 * arrays reuse that memory. Input read afterwards makes them again.
 */
export function releaseSlots(): void {
  treeSlotsRelease();
  frameTable.releaseSlots();
}

/** Folds the collected (leaf-first) frames with both counts of a two-count folded line. */
export function foldLeafFirstTwo(n: i64, n2: i64): void {
  if (countColumn != COLUMN_MIXED) {
    throw new Error("line " + (<i64>inputLine()).toString() + " two counts on the line: diff and compare take one-count profiles");
  }
  if (!recordInWindow()) { stackClear(); return; } // outside the --window asked for
  becomeTwoCount();
  addToColumnSum(n, false);
  addToColumnSum(n2, true);
  const ref = foldBoth(n, n2);
  if (recordOrder) logRecord(ref, n, n2);
  records += 1;
}

/** The frame nearest the leaf among those collected leaf first. */
export function leafFrame(): u32 { return load<u32>(stackBuf); }
export function replaceLeafFrame(frame: u32): void {
  store<u32>(stackBuf, frame);
  // The running hash covered the old leaf: recompute it, so equal stacks meet in the table.
  const n = stackLen;
  stackClear();
  for (let i: u32 = 0; i < n; i++) stackPush(load<u32>(stackBuf + (<usize>i << 2)));
}

/**
 * Adds another session's totals (parallel collapse merges its workers'
 * sessions into one); its column sums are in this session's units.
 */
export function addTotals(lines: f64, ignored: f64, dropped: f64, p1: i64, n1: i64, p2: i64, n2: i64, recs: f64): void {
  lineNo += lines;
  ignoredLines += ignored;
  droppedRecords += dropped;
  addColumnSums(p1, n1, p2, n2);
  records += recs;
}

/**
 * Folds the collected (leaf-first) frames with a count in each column (the
 * second may be zero); the totals are the caller's (an imported stack's come
 * separately). Returns the stack as the record log names it.
 */
export function foldBoth(c1: i64, c2: i64): u32 {
  const e = collectedEntry();
  let ref: u32;
  if (e != 0) {
    stackAdd(e, c1, false);
    stackAdd(e, c2, true);
    ref = stackEntryIdAt(e);
  } else {
    const node = walkCollected();
    addSelf(node, c1);
    if (c2 != 0) addSelf2(node, c2);
    ref = node | NODE_REF;
  }
  stackClear();
  return ref;
}
