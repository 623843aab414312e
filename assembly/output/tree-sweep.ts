// The sweep (output/sweep.ts) of the stacks kept in the call tree, root
// first: the tree already is what the sweep makes of sorted stacks, every
// prefix once. A node's total is its own count plus its children's totals,
// summed in one pass from the last node to the first (a child is made after
// its parent); a node is kept when its parent is and its total is at least
// `min`. The reduced tree is the kept nodes and their children, as the
// sweep's: with exact sums, the pruned children between two kept siblings
// (in drawing order) are one child carrying their summed totals.
//
// Every node is on some stack's path (a walk into the tree always ends in
// a count: tables/session.ts), so the sweep would meet every one. No order
// of the stacks, no paths, no pruned children held: passes over the nodes in
// their order. Only a node with children needs its total stored (a
// leaf's is its own count), so a profile of millions of distinct leaves costs
// a few bits per node, where a depth-first sweep held the order, the children
// index, the depths and every pruned child of an open frame (about 140 MB at
// 5 M nodes), and an i64 per node would still be 40 MB.

import { allocBytes, allocRaw, freeBytes } from "../util/memory";
import { at32, at64 } from "../util/columns";
import { sortIds } from "../util/sort";
import { inRuns, inRunsBack } from "../util/runs";
import {
  nodeCount, nodeAddress, nodeRecordParent, nodeRecordFrame, nodeRecordSelf, nodeSelf2, nodeFrame, nodeSelf,
} from "../tables/call-tree";
import { siblingOrder } from "./stacks";
import { sweptRoom, setSwept } from "./sweep";

let two = false; // widths from the second count; the first is the base
let parents: usize = 0; // a bit per node: it has children
let parentRanks: usize = 0; // u32 per 32 nodes: the nodes with children before them
let totals: usize = 0; // i64 per node with children (units): its total of the width column (negative counts as zero)
let baseTotals: usize = 0; // i64 per node with children, two-count input: of the first column
let kept: usize = 0; // a bit per node: kept (drawn if wide enough, its children listed)
let keptRanks: usize = 0; // u32 per 32 nodes: the kept nodes before them
let keptNodes: usize = 0; // u32 per kept node, in node order: its index in the reduced tree
let keptLen: u32 = 0;
let kidStart: usize = 0; // u32 per kept node + 1: its kept children are kids[kidStart[k] .. kidStart[k + 1])
let kids: usize = 0; // u32 node ids, each list in drawing order
let minUnits: f64 = 0; // the narrowest frame kept
let prunedLen: u32 = 0; // pruned children of kept nodes
let gapTotals: usize = 0; // merging: i64 total and base total per gap between kept siblings
let gapReps: usize = 0; // merging: u32 per gap, its first pruned child + 1 (0: none)
let written: u32 = 0; // nodes of the reduced tree written

// @ts-ignore: decorator
@inline function bit(a: usize, x: u32): bool { return (load<u32>(a + (<usize>(x >>> 5) << 2)) & (1 << (x & 31))) != 0; }
// @ts-ignore: decorator
@inline function setBit(a: usize, x: u32): void {
  const w = a + (<usize>(x >>> 5) << 2);
  store<u32>(w, load<u32>(w) | (1 << (x & 31)));
}

// How many nodes before x have their bit set in `bits`, with `ranks` the counts before each word.
// @ts-ignore: decorator
@inline function rank(bits: usize, ranks: usize, x: u32): u32 {
  return load<u32>(at32(ranks, x >>> 5)) + <u32>popcnt(load<u32>(at32(bits, x >>> 5)) & ((<u32>1 << (x & 31)) - 1));
}

// A new array of the bits set in `bits` (n of them) before each of its words.
function ranksOf(bits: usize, n: u32): usize {
  const words = (n + 31) >>> 5;
  const ranks = allocRaw(<usize>words << 2);
  let k: u32 = 0;
  for (let w: u32 = 0; w < words; w++) {
    store<u32>(at32(ranks, w), k);
    k += <u32>popcnt(load<u32>(at32(bits, w)));
  }
  return ranks;
}

// The index in the reduced tree of kept node x: how many kept nodes come before it.
// @ts-ignore: decorator
@inline function rankOf(x: u32): u32 { return rank(kept, keptRanks, x); }

// The node's own count in the width column.
// @ts-ignore: decorator
@inline function widthSelf(x: u32): i64 { return two ? nodeSelf2(x) : nodeSelf(x); }

// The node's total of the width column (`base`: of the first): stored for a node with
// children, its own positive count for a leaf.
// @ts-ignore: decorator
@inline function totalOf(x: u32, base: bool): i64 {
  if (bit(parents, x)) return load<i64>(at64(base ? baseTotals : totals, rank(parents, parentRanks, x)));
  const v = base ? nodeSelf(x) : widthSelf(x);
  return v > 0 ? v : 0;
}

// A stack ends at the node when it has an own count in either column (as the sweep's endsAt).
function endsAt(x: u32): bool { return widthSelf(x) != 0 || (two && nodeSelf(x) != 0); }

function keptOrder(a: u32, b: u32): i32 { return siblingOrder(nodeFrame(a), endsAt(a), nodeFrame(b), endsAt(b)); }

/**
 * The reduced tree (sweep.ts sweptRoom/setSwept) of the frames at least `min`
 * wide (units) and their children, widths from the second count when `wide2`,
 * the pruned children between kept siblings merged when `merge`. Returns its node count.
 */
export function sweepTree(min: f64, wide2: bool, merge: bool): u32 {
  two = wide2;
  minUnits = min;
  const n = nodeCount();
  const words = (n + 31) >>> 5;
  parents = allocBytes(<usize>words << 2);
  inRuns(n, markParents);
  parentRanks = ranksOf(parents, n);
  const inner = rank(parents, parentRanks, n - 1) + (bit(parents, n - 1) ? 1 : 0);
  totals = allocBytes(<usize>inner << 3);
  baseTotals = two ? allocBytes(<usize>inner << 3) : 0;
  kept = allocBytes(<usize>words << 2);
  inRunsBack(n, sumTotals);
  if (<f64>totalOf(0, false) < min) { // nothing drawn: the root alone, as the sweep records it
    sweptRoom(1, two);
    writeKept(0, 0);
    written = 1;
  } else {
    keepWide(n);
    listKeptChildren();
    if (merge) mergePruned(n);
    else writePruned(n);
  }
  freeBytes(parents);
  freeBytes(parentRanks);
  freeBytes(totals);
  freeBytes(baseTotals);
  freeBytes(kept);
  freeBytes(keptRanks);
  freeBytes(keptNodes);
  freeBytes(kidStart);
  freeBytes(kids);
  parents = parentRanks = totals = baseTotals = kept = keptRanks = keptNodes = kidStart = kids = 0;
  return written;
}

function markParents(lo: u32, hi: u32): void {
  for (let x = max<u32>(lo, 1); x < hi; x++) setBit(parents, nodeRecordParent(nodeAddress(x)));
}

// Totals from the last node to the first: a node's are complete when it is reached.
function sumTotals(lo: u32, hi: u32): void {
  for (let x = hi; x-- > lo;) {
    const p = nodeAddress(x);
    const first = nodeRecordSelf(p);
    let total: i64, base: i64 = 0;
    if (bit(parents, x)) { // its children's totals are in: its own count joins them
      const r = rank(parents, parentRanks, x);
      const v = two ? nodeSelf2(x) : first;
      total = load<i64>(at64(totals, r)) + (v > 0 ? v : 0);
      store<i64>(at64(totals, r), total);
      if (two) {
        base = load<i64>(at64(baseTotals, r)) + (first > 0 ? first : 0);
        store<i64>(at64(baseTotals, r), base);
      }
    } else {
      total = totalOf(x, false);
      if (two) base = totalOf(x, true);
    }
    if (x == 0) break;
    const parent = nodeRecordParent(p);
    const r = rank(parents, parentRanks, parent);
    store<i64>(at64(totals, r), load<i64>(at64(totals, r)) + total);
    if (two) store<i64>(at64(baseTotals, r), load<i64>(at64(baseTotals, r)) + base);
  }
}

// Marks the kept nodes (the root is) and counts the pruned children of kept
// nodes, then lists the kept nodes in node order, numbered.
function keepWide(n: u32): void {
  setBit(kept, 0);
  keptLen = 1;
  prunedLen = 0;
  inRuns(n, keepRun);
  keptRanks = ranksOf(kept, n);
  keptNodes = allocRaw(<usize>keptLen << 2);
  for (let w: u32 = 0, k: u32 = 0; k < keptLen; w++) {
    for (let bits = load<u32>(at32(kept, w)); bits != 0; bits &= bits - 1) store<u32>(at32(keptNodes, k++), (w << 5) + ctz(bits));
  }
}

function keepRun(lo: u32, hi: u32): void {
  for (let x = max<u32>(lo, 1); x < hi; x++) {
    if (!bit(kept, nodeParentOf(x))) continue;
    if (<f64>totalOf(x, false) >= minUnits) {
      setBit(kept, x);
      keptLen++;
    } else {
      prunedLen++;
    }
  }
}

// Every kept node's kept children, sorted into drawing order (a counting
// sort on their parents' index, as call-tree.ts indexChildren, then each list by name).
function listKeptChildren(): void {
  kidStart = allocBytes((<usize>keptLen + 1) << 2);
  kids = allocRaw(<usize>keptLen << 2);
  for (let k: u32 = 1; k < keptLen; k++) {
    const c = at32(kidStart, rankOf(nodeParentOf(load<u32>(at32(keptNodes, k)))));
    store<u32>(c, load<u32>(c) + 1);
  }
  // Counts to the end of each list; placed from the back, each end moves to its start.
  for (let k: u32 = 1; k <= keptLen; k++) store<u32>(at32(kidStart, k), load<u32>(at32(kidStart, k)) + load<u32>(at32(kidStart, k - 1)));
  for (let k = keptLen; k-- > 1;) {
    const x = load<u32>(at32(keptNodes, k));
    const c = at32(kidStart, rankOf(nodeParentOf(x)));
    const i = load<u32>(c) - 1;
    store<u32>(c, i);
    store<u32>(at32(kids, i), x);
  }
  for (let k: u32 = 0; k < keptLen; k++) {
    const from = load<u32>(at32(kidStart, k));
    sortIds(at32(kids, from), load<u32>(at32(kidStart, k + 1)) - from, keptOrder);
  }
}

// @ts-ignore: decorator
@inline function nodeParentOf(x: u32): u32 { return nodeRecordParent(nodeAddress(x)); }

// A pruned child of a kept node: not kept, its parent kept.
// @ts-ignore: decorator
@inline function prunedChild(x: u32): bool { return !bit(kept, x) && bit(kept, nodeParentOf(x)); }

// Writes kept node x as node `index` of the reduced tree.
function writeKept(x: u32, index: u32): void {
  const p = nodeAddress(x);
  const first = nodeRecordSelf(p);
  setSwept(index, x == 0 ? 0 : rankOf(nodeRecordParent(p)), nodeRecordFrame(p), two ? nodeSelf2(x) : first,
    totalOf(x, false), first, two ? totalOf(x, true) : 0, false);
}

// The reduced tree's first nodes: the kept ones, in node order (parents before children).
function writeAllKept(children: u32): void {
  sweptRoom(keptLen + children, two);
  for (let k: u32 = 0; k < keptLen; k++) writeKept(load<u32>(at32(keptNodes, k)), k);
  written = keptLen;
}

// A pruned child of kept node `parentIndex`: with totals of its own, or of the run it stands for.
function writeChild(x: u32, parentIndex: u32, total: i64, baseTotal: i64, merged: bool): void {
  const first = nodeSelf(x);
  setSwept(written++, parentIndex, nodeFrame(x), two ? nodeSelf2(x) : first, total, first, baseTotal, merged);
}

// The reduced tree with each pruned child of a kept node: the kept nodes, then those children.
function writePruned(n: u32): void {
  writeAllKept(prunedLen);
  inRuns(n, writePrunedRun);
}

function writePrunedRun(lo: u32, hi: u32): void {
  for (let x = max<u32>(lo, 1); x < hi; x++) {
    if (prunedChild(x)) writeChild(x, rankOf(nodeParentOf(x)), totalOf(x, false), two ? totalOf(x, true) : 0, false);
  }
}

// The reduced tree with the pruned children of each kept node merged, one
// child per run between two kept ones in drawing order (found by a binary
// search among the kept ones), in the name of the run's first: the layout's
// sort puts it where the run goes. Kept node k's gaps are
// kidStart[k] + k .. kidStart[k + 1] + k.
function mergePruned(n: u32): void {
  const gaps = load<u32>(at32(kidStart, keptLen)) + keptLen;
  gapTotals = allocBytes(<usize>gaps << 4);
  gapReps = allocBytes(<usize>gaps << 2);
  prunedLen = 0; // now: the runs
  inRuns(n, mergeRun);
  writeAllKept(prunedLen);
  for (let k: u32 = 0; k < keptLen; k++) {
    for (let g = load<u32>(at32(kidStart, k)) + k, end = load<u32>(at32(kidStart, k + 1)) + k; g <= end; g++) {
      const rep = load<u32>(at32(gapReps, g));
      if (rep == 0) continue;
      const t = gapTotals + (<usize>g << 4);
      writeChild(rep - 1, k, load<i64>(t), load<i64>(t, 8), true);
    }
  }
  freeBytes(gapTotals);
  freeBytes(gapReps);
  gapTotals = gapReps = 0;
}

function mergeRun(lo: u32, hi: u32): void {
  for (let x = max<u32>(lo, 1); x < hi; x++) {
    if (!prunedChild(x)) continue;
    const k = rankOf(nodeParentOf(x));
    const from = load<u32>(at32(kidStart, k));
    let first: u32 = 0, last = load<u32>(at32(kidStart, k + 1)) - from; // the gap: how many kept siblings sort before x
    if (last != 0) {
      const frame = nodeFrame(x), ends = endsAt(x);
      while (first < last) {
        const mid = (first + last) >> 1;
        const kid = load<u32>(at32(kids, from + mid));
        if (siblingOrder(nodeFrame(kid), endsAt(kid), frame, ends) < 0) first = mid + 1;
        else last = mid;
      }
    }
    const g = from + k + first;
    const t = gapTotals + (<usize>g << 4);
    store<i64>(t, load<i64>(t) + totalOf(x, false));
    if (two) store<i64>(t, load<i64>(t, 8) + totalOf(x, true), 8);
    if (load<u32>(at32(gapReps, g)) == 0) {
      store<u32>(at32(gapReps, g), x + 1);
      prunedLen++;
    }
  }
}
