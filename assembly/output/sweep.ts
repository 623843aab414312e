// A flame graph's frames in one sweep over the stacks (output/stacks.ts:
// from the stack table, the call tree read leaf first or, for a flame chart,
// the record log; the call tree read root first is summed by
// output/tree-sweep.ts into the same reduced tree): in an order where equal prefixes are adjacent, the sweep gives every
// prefix its total and keeps only the frames wide enough to draw and their
// direct children. A profile of a million frames comes down to a tree of the
// few thousand drawn and their siblings.
//
// In input order (a flame chart) a stack merges only with the stack before
// it, as flamegraph.pl's do, and its counts are a run of its leaf's own
// samples: a GAP_FRAME child, never drawn, that keeps its place in time
// among the leaf's children.

import { growBytes, growRaw, freeBytes, allocRaw, allocBytes } from "../util/memory";
import { NO_FRAME } from "../tables/call-tree";
import { BlockArray, blockLog } from "../tables/blocks";
import { sortIds } from "../util/sort";
import { inRuns } from "../util/runs";
import { stacksOrder, stackFirst, stackSecond, stackPath, path, stacksInTable, stacksInTree, siblingOrder } from "./stacks";
import { sweepTree } from "./tree-sweep";
import { groupsBegin, groupEnd, groupTotal, groupBaseTotal, groupsEnd } from "./groups";

/** A flame chart's run of a frame's own samples: a child that is never drawn (see GAP_FRAME in src/render/placement.ts). */
export const GAP_FRAME: u32 = 0xfffffffe;

let twoCounts = false; // widths come from the second count; the first is then the "base"

// A frame being totalled (open) or done (a record): frame u32, depth or mark
// u32, then i64s (units, tables/counts.ts): total and own count of the width
// column, and of the base.
const ITEM: usize = 40;
const FRAME: usize = 0;
const DEPTH: usize = 4; // records: the depth; open frames: records written when it opened
const TOTAL: usize = 8;
const SELF: usize = 16;
const BASE_TOTAL: usize = 24;
const BASE_SELF: usize = 32;
const MERGED: u32 = 0x80000000; // a record's depth field: a run of merged pruned children (mergePruned)

let open: usize = 0; // one item per depth of the path being swept (0: the root)
let openCap: u32 = 0;
let openPruned: usize = 0; // u32 per depth: prunedCount when the frame opened
let lastKid: usize = 0; // u32 per depth: 1 + the record of the frame's last kept child (0: none yet), when merging
// Closed frames, children before parents (post-order): kept frames, and the
// pruned children of kept frames (a pruned frame's own descendants are dropped).
let records: usize = 0;
let recordCount: u32 = 0;
let recordCap: u32 = 0;
let prevKid: usize = 0; // u32 per record of a kept frame, when merging: 1 + the record of the kept sibling before it (0: none)

// @ts-ignore: decorator
@inline function openAt(depth: u32): usize { return open + <usize>depth * ITEM; }

function openFrame(depth: u32, frame: u32): void {
  if (depth >= openCap) {
    const n = max<u32>(64, depth << 1);
    open = growBytes(open, <usize>openCap * ITEM, <usize>n * ITEM);
    openPruned = growBytes(openPruned, <usize>openCap << 2, <usize>n << 2);
    lastKid = growBytes(lastKid, <usize>openCap << 2, <usize>n << 2);
    openCap = n;
  }
  const o = openAt(depth);
  store<u32>(o + FRAME, frame);
  store<u32>(o + DEPTH, recordCount);
  store<u32>(openPruned + (<usize>depth << 2), prunedCount);
  store<u32>(lastKid + (<usize>depth << 2), 0);
  memory.fill(o + TOTAL, 0, ITEM - TOTAL);
}

// @ts-ignore: decorator
@inline function addTo(p: usize, v: i64): void { store<i64>(p, load<i64>(p) + v); }

// Closes the frame open at `depth`: its totals go to its parent, and it is
// recorded; when narrower than `min` (units), without its descendants. When
// merging pruned frames, a pruned frame is not recorded but set aside with
// its parent's other pruned children, which become records when the parent
// closes (mergePruned).
function closeFrame(depth: u32, min: f64): void {
  const o = openAt(depth);
  const total = load<i64>(o + TOTAL);
  if (<f64>total < min) {
    recordCount = load<u32>(o + DEPTH);
    if (mergingPruned && depth > 0) {
      prunedCount = load<u32>(openPruned + (<usize>depth << 2)); // its own pruned children go with it
      setAside(o);
      addToParent(o, depth);
      return;
    }
  } else if (mergingPruned) {
    mergePruned(depth);
  }
  const index = recordCount;
  const r = newRecord();
  memory.copy(r, o, ITEM);
  store<u32>(r + DEPTH, depth);
  if (mergingPruned && depth > 0) { // a kept child of its parent (a pruned one returned above): linked to the one before
    const at = lastKid + (<usize>(depth - 1) << 2);
    store<u32>(prevKid + (<usize>index << 2), load<u32>(at));
    store<u32>(at, index + 1);
  }
  addToParent(o, depth);
}

// A record at the end of `records`, to be written.
function newRecord(): usize {
  if (recordCount == recordCap) {
    const n = max<u32>(1024, recordCap << 1);
    // Raw: a record is read only once written.
    records = growRaw(records, <usize>n * ITEM);
    prevKid = growRaw(prevKid, <usize>n << 2);
    recordCap = n;
  }
  return records + <usize>(recordCount++) * ITEM;
}

// The totals of the frame closing at `depth` (item `o`) go to its parent.
function addToParent(o: usize, depth: u32): void {
  const total = load<i64>(o + TOTAL);
  if (depth > 0) {
    const parent = openAt(depth - 1);
    addTo(parent + TOTAL, total);
    addTo(parent + BASE_TOTAL, load<i64>(o + BASE_TOTAL));
  }
}

// Merging pruned frames (when the layout's sums are exact: output/layout.ts
// layoutKeep; tree-sweep.ts does the same for the call tree): a pruned child
// is never drawn, only its width moves the siblings after it, so the pruned
// children between two kept siblings (in drawing order) may be one child
// carrying their summed totals, in the name of one of them: the layout's sort
// of the children then puts it in its place. Merged as
// each kept frame closes, they cost one item each only while their parent is
// open, not a record each: a profile of millions of distinct leaves under a
// few drawn frames keeps a few records.
let mergingPruned = false;
// Items set aside: the pruned children of the open frames, by depth; a
// million leaves under one frame are a million items until it closes, so
// they are kept short (one count: frame, depth, total and own count, the
// first PRUNED_ONE bytes of an item; the base columns are the same) in
// blocks that never move.
let pruned: BlockArray | null = null;
let prunedCount: u32 = 0;
const PRUNED_ONE: u32 = 24;
const PRUNED_LOG: u32 = 14;
let kids: usize = 0; // scratch: u32 record index per kept child of the frame closing
let gapTotals: usize = 0; // scratch: per gap between them, i64 total and base total
let gapReps: usize = 0; // scratch: per gap, u32 item + 1 of its first pruned child (0: none)
let kidsCap: u32 = 0;

// Sets a pruned frame's item aside among its parent's pruned children.
function setAside(o: usize): void {
  const p = pruned!;
  memory.copy(p.room(prunedCount++), o, p.size);
}

// The total of the base column of a set-aside item.
// @ts-ignore: decorator
@inline function prunedBaseTotal(item: usize): i64 {
  return load<i64>(item + (twoCounts ? BASE_TOTAL : TOTAL));
}

// A frame ends a stack when it has an own count in either column (flamegraph.pl's
// sorted lines put a blank after its name, else ';').
// @ts-ignore: decorator
@inline function endsAt(item: usize): bool {
  return load<i64>(item + SELF) != 0 || (twoCounts && load<i64>(item + BASE_SELF) != 0);
}

// @ts-ignore: decorator
@inline function recordAt(i: u32): usize { return records + <usize>i * ITEM; }

function itemOrder(a: usize, b: usize): i32 {
  return siblingOrder(load<u32>(a + FRAME), endsAt(a), load<u32>(b + FRAME), endsAt(b));
}

function recordOrder(a: u32, b: u32): i32 { return itemOrder(recordAt(a), recordAt(b)); }

// The kept frame at `depth` closes: its pruned children (set aside since it
// opened) become one record per run between its kept children (linked from
// lastKid), in the first one's name: its place among them is the run's.
function mergePruned(depth: u32): void {
  const from = load<u32>(openPruned + (<usize>depth << 2));
  if (prunedCount == from) return;
  let nk: u32 = 0;
  for (let k = load<u32>(lastKid + (<usize>depth << 2)); k != 0; k = load<u32>(prevKid + (<usize>(k - 1) << 2))) nk++;
  if (nk + 1 > kidsCap) {
    freeBytes(kids);
    freeBytes(gapTotals);
    freeBytes(gapReps);
    kidsCap = max<u32>(nk + 1, kidsCap << 1);
    kids = allocBytes(<usize>kidsCap << 2);
    gapTotals = allocBytes(<usize>kidsCap << 4);
    gapReps = allocBytes(<usize>kidsCap << 2);
  }
  let i: u32 = 0;
  for (let k = load<u32>(lastKid + (<usize>depth << 2)); k != 0; k = load<u32>(prevKid + (<usize>(k - 1) << 2))) {
    store<u32>(kids + (<usize>(i++) << 2), k - 1);
  }
  sortIds(kids, nk, recordOrder);
  memory.fill(gapTotals, 0, <usize>(nk + 1) << 4);
  memory.fill(gapReps, 0, <usize>(nk + 1) << 2);
  for (let c = from; c < prunedCount; c++) {
    const item = pruned!.at(c);
    let lo: u32 = 0, hi = nk; // the gap: how many kept siblings sort before it
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (itemOrder(recordAt(load<u32>(kids + (<usize>mid << 2))), item) < 0) lo = mid + 1;
      else hi = mid;
    }
    const g = gapTotals + (<usize>lo << 4);
    addTo(g, load<i64>(item + TOTAL));
    addTo(g + 8, prunedBaseTotal(item));
    if (load<u32>(gapReps + (<usize>lo << 2)) == 0) store<u32>(gapReps + (<usize>lo << 2), c + 1);
  }
  for (let gap: u32 = 0; gap <= nk; gap++) {
    const rep = load<u32>(gapReps + (<usize>gap << 2));
    if (rep == 0) continue;
    const r = newRecord();
    const item = pruned!.at(rep - 1);
    memory.copy(r, item, pruned!.size);
    store<i64>(r + BASE_SELF, load<i64>(item + (twoCounts ? BASE_SELF : SELF)));
    store<u32>(r + DEPTH, (depth + 1) | MERGED);
    store<i64>(r + TOTAL, load<i64>(gapTotals + (<usize>gap << 4)));
    store<i64>(r + BASE_TOTAL, load<i64>(gapTotals + (<usize>gap << 4) + 8));
  }
  prunedCount = from;
}

// The reduced tree, parents before children (node 0 is the root).
export let sweptCount: u32 = 0;
export let sweptParents: usize = 0; // u32 per node
export let sweptFrames: usize = 0; // u32 per node
export let sweptSelfs: usize = 0; // i64 per node (units): own count of the width column
export let sweptTotals: usize = 0; // i64 per node (units): total of the width column (negative counts as zero)
export let sweptBaseSelfs: usize = 0; // i64 per node (units): two-count input's first column
export let sweptBaseTotals: usize = 0;
/** u8 per node: 1 for a run of merged pruned children (mergePruned), never drawn even when its sum is wide enough. */
export let sweptMerged: usize = 0;
/** Whether a node's children come in the tree in the reverse of the order the stacks were swept in (time order in a flame chart). */
export let sweptLaterFirst = false;

/**
 * Sweeps the `n` stacks begun by stacksBegin() into the reduced tree of the
 * frames at least `min` wide (in units, as a double) and their children; `reverse` reads stacks leaf
 * first, `two` takes widths from the second count, `inputOrder` sweeps the
 * record log as it is (a flame chart); `merge` merges the pruned children
 * between two kept siblings into one (mergePruned). Returns the tree's node count.
 */
export function sweepStacks(n: u32, min: f64, reverse: bool, two: bool, inputOrder: bool, merge: bool): u32 {
  twoCounts = two;
  // The call tree read root first is already the merged prefixes: summed, not swept.
  if (!inputOrder && !reverse && stacksInTree()) {
    sweptLaterFirst = false;
    return sweepTree(min, two, merge);
  }
  mergingPruned = merge && !inputOrder;
  const order = stacksOrder(reverse);
  // A frame too narrow to draw is known as it opens, and the stacks under it are skipped (output/groups.ts).
  const measured = !inputOrder && stacksInTable();
  if (measured) groupsBegin(order, n, two);
  recordCount = 0;
  prunedCount = 0;
  const itemSize = two ? <u32>ITEM : PRUNED_ONE;
  if (pruned == null || pruned!.size != itemSize) { // blocks are kept from one sweep to the next of the same kind
    if (pruned != null) pruned!.free();
    pruned = new BlockArray(itemSize, blockLog() < PRUNED_LOG ? blockLog() : PRUNED_LOG); // tests make blocks small (tableBlockLog)
  }
  openFrame(0, NO_FRAME);
  sweepDepth = 0;
  sweepNext = 0;
  sweepOrder = order;
  sweepMin = min;
  sweepReverse = reverse;
  sweepInputOrder = inputOrder;
  sweepMeasured = measured;
  inRuns(n, sweepRun);
  while (sweepDepth > 0) closeFrame(sweepDepth--, min);
  closeFrame(0, min);
  if (measured) groupsEnd();
  freeBytes(order);
  toTree();
  return sweptCount;
}

// What sweepStacks() sweeps with, and where it is, from one run of stacks to the next (util/runs.ts).
let sweepOrder: usize = 0; // u32 stack ids in the sweep's order
let sweepMin: f64 = 0;
let sweepReverse = false;
let sweepInputOrder = false;
let sweepMeasured = false; // narrow groups are closed at once (narrowGroup)
let sweepDepth: u32 = 0; // of the deepest open frame
let sweepNext: u32 = 0; // the next stack to sweep: a narrow group's run may end past a run's end

// Sweeps stacks [lo, hi) of the order (from sweepNext, when a narrow group skipped past lo).
function sweepRun(lo: u32, hi: u32): void {
  const order = sweepOrder, min = sweepMin, reverse = sweepReverse, inputOrder = sweepInputOrder, measured = sweepMeasured;
  const two = twoCounts;
  let depth = sweepDepth;
  let i = max(lo, sweepNext);
  for (; i < hi; i++) {
    const s = load<u32>(order + (<usize>i << 2));
    const first = stackFirst(s);
    const second = stackSecond(s);
    // A reversed stack with no count is not drawn, as before the sweep read the tree (the call
    // tree's reversal could not tell it from a frame where no stack ends).
    if (reverse && !inputOrder && first == 0 && second == 0) continue;
    const len = stackPath(s, reverse);
    // Keep the open frames this stack shares, close the rest, open its own.
    let shared: u32 = 0;
    while (shared < depth && shared < len && load<u32>(openAt(shared + 1) + FRAME) == load<u32>(path + (<usize>shared << 2))) shared++;
    while (depth > shared) closeFrame(depth--, min);
    let skipTo: u32 = 0;
    while (depth < len) {
      openFrame(depth + 1, load<u32>(path + (<usize>depth << 2)));
      depth++;
      if (measured && (skipTo = narrowGroup(i, depth, depth == len, first, two ? second : first, min)) != 0) break;
    }
    if (skipTo != 0) {
      i = skipTo - 1;
      continue;
    }
    let o = openAt(depth);
    if (inputOrder) {
      openFrame(depth + 1, GAP_FRAME);
      o = openAt(depth + 1);
    }
    const v = two ? second : first;
    addTo(o + SELF, v);
    if (v > 0) addTo(o + TOTAL, v);
    addTo(o + BASE_SELF, first);
    if (first > 0) addTo(o + BASE_TOTAL, first);
    if (inputOrder) closeFrame(depth + 1, min);
  }
  sweepDepth = depth;
  sweepNext = i;
}

// The frame just opened at `depth` by stack i (`ends`: the stack ends there, with counts
// `first` and `v` in the width column), when the stacks under it (i and the run after it)
// total less than `min`: it gets all their counts at once, as it would have one by one, and
// the run's end is returned, for the sweep to go on from; else 0.
function narrowGroup(i: u32, depth: u32, ends: bool, first: i64, v: i64, min: f64): u32 {
  const end = groupEnd(i, depth);
  const total = groupTotal(i, end);
  if (<f64>total >= min) return 0;
  const o = openAt(depth);
  store<i64>(o + TOTAL, total);
  store<i64>(o + BASE_TOTAL, groupBaseTotal(i, end));
  if (ends) { // stack i ends here (the run's only one: a path is one stack, and sorts first among those under it)
    store<i64>(o + SELF, v);
    store<i64>(o + BASE_SELF, first);
  }
  return end;
}

// Records in reverse order are parents before children, the root first; a
// record's parent is the last one seen at the depth above it. A node's
// children then come in the reverse of the sweep's order (sweptLaterFirst).
function toTree(): void {
  sweptLaterFirst = true;
  const r = recordCount;
  sweptRoom(r, twoCounts);
  // The open items are reused: their frame field holds the latest node at each depth.
  for (let j: u32 = 0; j < r; j++) {
    const rec = records + <usize>(r - 1 - j) * ITEM;
    const d = load<u32>(rec + DEPTH) & ~MERGED;
    store<u32>(openAt(d) + FRAME, j);
    setSwept(j, d > 0 ? load<u32>(openAt(d - 1) + FRAME) : 0, load<u32>(rec + FRAME), load<i64>(rec + SELF), load<i64>(rec + TOTAL),
      load<i64>(rec + BASE_SELF), load<i64>(rec + BASE_TOTAL), (load<u32>(rec + DEPTH) & MERGED) != 0);
  }
}

/** Makes the reduced tree's arrays for `r` nodes (base columns when `two`), each node to be set by setSwept(). */
export function sweptRoom(r: u32, two: bool): void {
  freeBytes(sweptParents);
  freeBytes(sweptFrames);
  freeBytes(sweptSelfs);
  freeBytes(sweptTotals);
  freeBytes(sweptBaseSelfs);
  freeBytes(sweptBaseTotals);
  freeBytes(sweptMerged);
  // Raw: every element is written by setSwept().
  sweptParents = allocRaw(<usize>r << 2);
  sweptFrames = allocRaw(<usize>r << 2);
  sweptSelfs = allocRaw(<usize>r << 3);
  sweptTotals = allocRaw(<usize>r << 3);
  sweptBaseSelfs = two ? allocRaw(<usize>r << 3) : 0;
  sweptBaseTotals = two ? allocRaw(<usize>r << 3) : 0;
  sweptMerged = allocRaw(<usize>r);
  sweptCount = r;
}

/** Node `j` of the reduced tree: its parent node, frame, counts (units) and whether it is a run of merged pruned children. */
export function setSwept(j: u32, parent: u32, frame: u32, self: i64, total: i64, baseSelf: i64, baseTotal: i64, merged: bool): void {
  store<u32>(sweptParents + (<usize>j << 2), parent);
  store<u32>(sweptFrames + (<usize>j << 2), frame);
  store<i64>(sweptSelfs + (<usize>j << 3), self);
  store<i64>(sweptTotals + (<usize>j << 3), total);
  if (sweptBaseSelfs != 0) {
    store<i64>(sweptBaseSelfs + (<usize>j << 3), baseSelf);
    store<i64>(sweptBaseTotals + (<usize>j << 3), baseTotal);
  }
  store<u8>(sweptMerged + <usize>j, merged ? 1 : 0);
}
