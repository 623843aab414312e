// The folded order of stack-table entries: stackcollapse.pl sorts its keys,
// "root;...;leaf", bytewise; the comparators here give that order without
// building the strings.
//
// Sorting a table's entries compares neighbours that share most of their
// frames (W1: 50,000 stacks about 22 frames deep), so a comparison sort that
// walks two stacks from the root each time spends most of its time on frames
// already known to be equal. sortEntries() is a multikey quicksort
// (Bentley & Sedgewick, "Fast algorithms for sorting and searching strings"):
// entries are partitioned by their frame at one depth, and the entries that
// share it go on to the next depth, so each frame of a common prefix is read
// about once per partition pass, never compared again. Frames are compared
// by rank: each frame, followed by ';' or by the end of the line, is ranked
// once among all such (rankSymbols), so a frame comparison is two loads.

import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { sortIds, isSorted } from "../util/sort";
import { compareBytes } from "../util/hash";
import { frameTable } from "../tables/session";
import { stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame } from "../tables/stack-table";
import { frameTextOrder } from "./stacks";

// Orders two sibling frames fx, fy as parts of stack keys: after the name
// comes ';' and the next frame, or the end of the key (aEnds / bEnds), which
// sorts before every byte.
export function compareFrames(fx: u32, aEnds: bool, fy: u32, bEnds: bool): i32 {
  return frameTextOrder(fx, aEnds, fy, bEnds, -1);
}

/** Bytewise order of the stacks of table entries a and b (sequences stored leaf first). */
export function compareEntries(a: u32, b: u32): i32 {
  if (a == b) return 0;
  const pa = stackEntrySeq(a), la = stackEntryLen(a), wa = stackEntryWide(a);
  const pb = stackEntrySeq(b), lb = stackEntryLen(b), wb = stackEntryWide(b);
  const n = min(la, lb);
  for (let i: u32 = 0; i < n; i++) {
    const fa = seqFrame(pa, wa, la - 1 - i);
    const fb = seqFrame(pb, wb, lb - 1 - i);
    if (fa != fb) return compareFrames(fa, i == la - 1, fb, i == lb - 1);
  }
  return la < lb ? -1 : 1; // one is a prefix of the other: the shorter sorts first
}

// A symbol is a frame in a key with what follows it: frame << 1 | 1 when the
// key ends there, frame << 1 when ';' follows. `ranks` holds 1 + each
// symbol's place in compareFrames' order (0: past a key's end, first of all).
let ranks: usize = 0;

function compareNames(x: u32, y: u32): i32 {
  return compareBytes(frameTable.ptr(x), frameTable.len(x), frameTable.ptr(y), frameTable.len(y));
}

// Whether h's name is g's and then a byte below ';', so h's symbols sort before g followed by ';'.
function extendsBelowSemicolon(g: u32, h: u32): bool {
  const lg = frameTable.len(g);
  const ph = frameTable.ptr(h);
  return frameTable.len(h) > lg && load<u8>(ph + lg) < 0x3b && compareBytes(frameTable.ptr(g), lg, ph, lg) == 0;
}

/**
 * Ranks the symbols from one sort of the frames by name (a name before the
 * names it begins): a frame followed by the end of a key sorts where its name
 * does, as the end sorts before every byte; followed by ';', it sorts after
 * the names that extend its own by a byte below ';' (names have no ';'),
 * which come right after it. So a walk of the names in order keeps a stack of
 * frames whose ';' symbol is still to come, each name extending the one
 * below it that way, and ranks a ';' symbol when a name that does not extend
 * it so comes by.
 */
function rankSymbols(): void {
  const n = frameTable.count;
  const byName = allocBytes(<usize>n << 2);
  for (let f: u32 = 0; f < n; f++) store<u32>(byName + (<usize>f << 2), f);
  sortIds(byName, n, compareNames);
  ranks = allocBytes(<usize>n << 3);
  const open = byName; // the stack reuses the list's front: it never holds more frames than were read
  let depth: u32 = 0;
  let next: u32 = 1;
  for (let i: u32 = 0; i < n; i++) {
    const h = load<u32>(byName + (<usize>i << 2));
    while (depth > 0 && !extendsBelowSemicolon(load<u32>(open + (<usize>(depth - 1) << 2)), h)) {
      depth--;
      store<u32>(ranks + (<usize>load<u32>(open + (<usize>depth << 2)) << 3), next++);
    }
    store<u32>(ranks + (<usize>h << 3), next++, 4);
    store<u32>(open + (<usize>depth << 2), h);
    depth++;
  }
  while (depth > 0) {
    depth--;
    store<u32>(ranks + (<usize>load<u32>(open + (<usize>depth << 2)) << 3), next++);
  }
  freeBytes(byName);
}

// The rank of entry e's symbol at depth d from the root (0 past its end).
// @ts-ignore: decorator
@inline function symbolAt(e: u32, d: u32): u32 {
  const len = stackEntryLen(e);
  if (d >= len) return 0;
  const f = seqFrame(stackEntrySeq(e), stackEntryWide(e), len - 1 - d);
  return load<u32>(ranks + (<usize>((f << 1) | <u32>(d == len - 1)) << 2));
}

// Entries a and b, which share their first d frames, by their symbols from depth d.
function compareFrom(a: u32, b: u32, d: u32): i32 {
  while (true) {
    const x = symbolAt(a, d), y = symbolAt(b, d);
    if (x != y) return x < y ? -1 : 1;
    if (x == 0) return 0;
    d++;
  }
}

// Ranges [lo, hi) of the order still to sort from depth d: u32 triples.
let work: usize = 0;
let workLen: u32 = 0;
let workCap: u32 = 0;

function pushWork(lo: u32, hi: u32, d: u32): void {
  if (hi - lo < 2) return;
  if (workLen + 3 > workCap) {
    const cap = max<u32>(workLen + 3, max<u32>(96, workCap << 1));
    work = growBytes(work, <usize>workLen << 2, <usize>cap << 2);
    workCap = cap;
  }
  store<u32>(work + (<usize>workLen << 2), lo);
  store<u32>(work + (<usize>workLen << 2), hi, 4);
  store<u32>(work + (<usize>workLen << 2), d, 8);
  workLen += 3;
}

// @ts-ignore: decorator
@inline function swap(order: usize, keys: usize, i: u32, j: u32): void {
  const pi = <usize>i << 2, pj = <usize>j << 2;
  const e = load<u32>(order + pi), k = load<u32>(keys + pi);
  store<u32>(order + pi, load<u32>(order + pj)); store<u32>(keys + pi, load<u32>(keys + pj));
  store<u32>(order + pj, e); store<u32>(keys + pj, k);
}

// Below this many entries a range is sorted by insertion.
const SMALL: u32 = 12;

function insertionFrom(order: usize, lo: u32, hi: u32, d: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = load<u32>(order + (<usize>i << 2));
    let j = i;
    while (j > lo && compareFrom(load<u32>(order + (<usize>(j - 1) << 2)), v, d) > 0) {
      store<u32>(order + (<usize>j << 2), load<u32>(order + (<usize>(j - 1) << 2)));
      j--;
    }
    store<u32>(order + (<usize>j << 2), v);
  }
}

// Sorts [lo, hi) of the order from depth d, pushing the ranges it leaves for later. A
// function of its own, called once per range: V8 runs a wasm function's first calls in
// its baseline code (Liftoff) and its optimised code only from a later call, so the
// partitioning loop written inside sortEntries(), one call per sort, never left Liftoff.
function sortRange(order: usize, keys: usize, lo: u32, hi: u32, d: u32): void {
  while (hi - lo > SMALL) {
    for (let i = lo; i < hi; i++) store<u32>(keys + (<usize>i << 2), symbolAt(load<u32>(order + (<usize>i << 2)), d));
    // The pivot: the median of the first, middle and last keys.
    const a = load<u32>(keys + (<usize>lo << 2)), b = load<u32>(keys + (<usize>(lo + ((hi - lo) >> 1)) << 2)), c = load<u32>(keys + (<usize>(hi - 1) << 2));
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    // Three ways: [lo, lt) below the pivot, [lt, gt) equal, [gt, hi) above.
    let lt = lo, i = lo, gt = hi;
    while (i < gt) {
      const k = load<u32>(keys + (<usize>i << 2));
      if (k < pivot) swap(order, keys, lt++, i++);
      else if (k > pivot) swap(order, keys, i, --gt);
      else i++;
    }
    pushWork(lo, lt, d);
    pushWork(gt, hi, d);
    // The entries sharing the pivot's frame go on to the next depth; those past their end (0) are one stack.
    lo = lt;
    hi = gt;
    if (pivot == 0) break;
    d++;
  }
  if (hi - lo > 1) insertionFrom(order, lo, hi, d);
}

/**
 * Sorts the `n` stack-table entries at `order` (u32 each) into folded order,
 * as sortIds(order, n, compareEntries) would: entries are distinct stacks,
 * so the order is the same whatever sorts them.
 */
export function sortEntries(order: usize, n: u32): void {
  // A sorted input's stacks: n - 1 comparisons. More frames than stacks: their ranks (8 bytes
  // each) would take more memory than the 4 bytes per entry the merge sort's buffer does, twice over.
  if (n <= SMALL || frameTable.count > n || isSorted(order, n, compareEntries)) {
    sortIds(order, n, compareEntries);
    return;
  }
  rankSymbols();
  const keys = allocBytes(<usize>n << 2);
  workLen = 0;
  pushWork(0, n, 0);
  while (workLen > 0) {
    workLen -= 3;
    sortRange(order, keys, load<u32>(work + (<usize>workLen << 2)), load<u32>(work + (<usize>workLen << 2), 4), load<u32>(work + (<usize>workLen << 2), 8));
  }
  freeBytes(keys);
  freeBytes(ranks);
  ranks = 0;
}
