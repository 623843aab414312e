// A flame graph's frames straight from the stack table, without the call
// tree: the stacks are sorted so that equal prefixes are adjacent, then one
// sweep gives every prefix its total and keeps only the frames wide enough to
// draw and their direct children. A profile of a million frames comes down to
// a tree of the few thousand drawn and their siblings.

import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { NO_FRAME } from "../tables/call-tree";
import { stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue } from "../tables/stack-table";
import { sortIds } from "../util/sort";

// How the stacks are read: leaf first (--reverse), and whether widths come
// from the second count (two-count input; the first is then the "base").
let reversed = false;
let twoCounts = false;

// The i-th frame of an entry's stack in drawing order (root first, or leaf first when reversed).
// @ts-ignore: decorator
@inline function pathFrame(seq: usize, wide: bool, len: u32, i: u32): u32 {
  return seqFrame(seq, wide, reversed ? i : len - 1 - i);
}

// Orders entries by their frame ids in drawing order. Any order of frames
// does: it only has to bring equal prefixes together (siblings are put in
// name order later, by the layout).
function compareIdPaths(a: u32, b: u32): i32 {
  const pa = stackEntrySeq(a), la = stackEntryLen(a), wa = stackEntryWide(a);
  const pb = stackEntrySeq(b), lb = stackEntryLen(b), wb = stackEntryWide(b);
  const n = min(la, lb);
  for (let i: u32 = 0; i < n; i++) {
    const fa = pathFrame(pa, wa, la, i);
    const fb = pathFrame(pb, wb, lb, i);
    if (fa != fb) return fa < fb ? -1 : 1;
  }
  return <i32>la - <i32>lb;
}

// A frame being totalled (open) or done (a record): frame u32, depth or mark
// u32, then f64s: total and own count of the width column, and of the base.
const ITEM: usize = 40;
const FRAME: usize = 0;
const DEPTH: usize = 4; // records: the depth; open frames: records written when it opened
const TOTAL: usize = 8;
const SELF: usize = 16;
const BASE_TOTAL: usize = 24;
const BASE_SELF: usize = 32;

let open: usize = 0; // one item per depth of the path being swept (0: the root)
let openCap: u32 = 0;
// Closed frames, children before parents (post-order): kept frames, and the
// pruned children of kept frames (a pruned frame's own descendants are dropped).
let records: usize = 0;
let recordCount: u32 = 0;
let recordCap: u32 = 0;

// @ts-ignore: decorator
@inline function openAt(depth: u32): usize { return open + <usize>depth * ITEM; }

function openFrame(depth: u32, frame: u32): void {
  if (depth >= openCap) {
    const n = max<u32>(64, depth << 1);
    open = growBytes(open, <usize>openCap * ITEM, <usize>n * ITEM);
    openCap = n;
  }
  const o = openAt(depth);
  store<u32>(o + FRAME, frame);
  store<u32>(o + DEPTH, recordCount);
  memory.fill(o + TOTAL, 0, ITEM - TOTAL);
}

// @ts-ignore: decorator
@inline function addTo(p: usize, v: f64): void { store<f64>(p, load<f64>(p) + v); }

// Closes the frame open at `depth`: its totals go to its parent, and it is
// recorded; when narrower than `min`, without its descendants.
function closeFrame(depth: u32, min: f64): void {
  const o = openAt(depth);
  const total = load<f64>(o + TOTAL);
  if (total < min) recordCount = load<u32>(o + DEPTH);
  if (recordCount == recordCap) {
    const n = max<u32>(1024, recordCap << 1);
    records = growBytes(records, <usize>recordCap * ITEM, <usize>n * ITEM);
    recordCap = n;
  }
  const r = records + <usize>recordCount * ITEM;
  recordCount++;
  memory.copy(r, o, ITEM);
  store<u32>(r + DEPTH, depth);
  if (depth > 0) {
    const parent = openAt(depth - 1);
    addTo(parent + TOTAL, total);
    addTo(parent + BASE_TOTAL, load<f64>(o + BASE_TOTAL));
  }
}

// The reduced tree, parents before children (node 0 is the root).
export let sweptCount: u32 = 0;
export let sweptParents: usize = 0; // u32 per node
export let sweptFrames: usize = 0; // u32 per node
export let sweptSelfs: usize = 0; // f64 per node: own count of the width column
export let sweptTotals: usize = 0; // f64 per node: total of the width column (negative counts as zero)
export let sweptBaseSelfs: usize = 0; // f64 per node: two-count input's first column
export let sweptBaseTotals: usize = 0;

/**
 * Sweeps the stack table into the reduced tree of the frames at least `min`
 * wide and their children; `reverse` reads stacks leaf first, `two` takes
 * widths from the second count. Returns the tree's node count.
 */
export function sweepStacks(min: f64, reverse: bool, two: bool): u32 {
  reversed = reverse;
  twoCounts = two;
  const n = stackEntryCount();
  const order = allocBytes(<usize>n << 2);
  for (let e: u32 = 0; e < n; e++) store<u32>(order + (<usize>e << 2), e);
  sortIds(order, n, compareIdPaths);
  recordCount = 0;
  openFrame(0, NO_FRAME);
  let depth: u32 = 0; // of the deepest open frame
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(order + (<usize>i << 2));
    const first = stackEntryCountValue(e, false);
    const second = stackEntryCountValue(e, true);
    // A reversed stack with no count is not drawn (as the call tree's reversal skips it).
    if (reverse && first == 0 && second == 0) continue;
    const seq = stackEntrySeq(e), len = stackEntryLen(e), wide = stackEntryWide(e);
    // Keep the open frames this stack shares, close the rest, open its own.
    let shared: u32 = 0;
    while (shared < depth && shared < len && load<u32>(openAt(shared + 1) + FRAME) == pathFrame(seq, wide, len, shared)) shared++;
    while (depth > shared) closeFrame(depth--, min);
    while (depth < len) {
      openFrame(depth + 1, pathFrame(seq, wide, len, depth));
      depth++;
    }
    const o = openAt(depth);
    const v = two ? second : first;
    addTo(o + SELF, v);
    if (v > 0) addTo(o + TOTAL, v);
    addTo(o + BASE_SELF, first);
    if (first > 0) addTo(o + BASE_TOTAL, first);
  }
  while (depth > 0) closeFrame(depth--, min);
  closeFrame(0, min);
  freeBytes(order);
  toTree();
  return sweptCount;
}

// Records in reverse order are parents before children, the root first; a
// record's parent is the last one seen at the depth above it.
function toTree(): void {
  const r = recordCount;
  freeBytes(sweptParents);
  freeBytes(sweptFrames);
  freeBytes(sweptSelfs);
  freeBytes(sweptTotals);
  freeBytes(sweptBaseSelfs);
  freeBytes(sweptBaseTotals);
  sweptParents = allocBytes(<usize>r << 2);
  sweptFrames = allocBytes(<usize>r << 2);
  sweptSelfs = allocBytes(<usize>r << 3);
  sweptTotals = allocBytes(<usize>r << 3);
  sweptBaseSelfs = twoCounts ? allocBytes(<usize>r << 3) : 0;
  sweptBaseTotals = twoCounts ? allocBytes(<usize>r << 3) : 0;
  // The open items are reused: their frame field holds the latest node at each depth.
  for (let j: u32 = 0; j < r; j++) {
    const rec = records + <usize>(r - 1 - j) * ITEM;
    const d = load<u32>(rec + DEPTH);
    store<u32>(openAt(d) + FRAME, j);
    store<u32>(sweptParents + (<usize>j << 2), d > 0 ? load<u32>(openAt(d - 1) + FRAME) : 0);
    store<u32>(sweptFrames + (<usize>j << 2), load<u32>(rec + FRAME));
    store<f64>(sweptSelfs + (<usize>j << 3), load<f64>(rec + SELF));
    store<f64>(sweptTotals + (<usize>j << 3), load<f64>(rec + TOTAL));
    if (twoCounts) {
      store<f64>(sweptBaseSelfs + (<usize>j << 3), load<f64>(rec + BASE_SELF));
      store<f64>(sweptBaseTotals + (<usize>j << 3), load<f64>(rec + BASE_TOTAL));
    }
  }
  sweptCount = r;
}
