// A flame graph's frames in one sweep over the stacks (output/stacks.ts:
// from the stack table, the call tree or, for a flame chart, the record
// log): in an order where equal prefixes are adjacent, the sweep gives every
// prefix its total and keeps only the frames wide enough to draw and their
// direct children. A profile of a million frames comes down to a tree of the
// few thousand drawn and their siblings.
//
// In input order (a flame chart) a stack merges only with the stack before
// it, as flamegraph.pl's do, and its counts are a run of its leaf's own
// samples: a GAP_FRAME child, never drawn, that keeps its place in time
// among the leaf's children.

import { growBytes, growRaw, freeBytes, allocRaw } from "../util/memory";
import { NO_FRAME } from "../tables/call-tree";
import { stacksOrder, stacksEnd, stackFirst, stackSecond, stackPath, path } from "./stacks";

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
@inline function addTo(p: usize, v: i64): void { store<i64>(p, load<i64>(p) + v); }

// Closes the frame open at `depth`: its totals go to its parent, and it is
// recorded; when narrower than `min` (units), without its descendants.
function closeFrame(depth: u32, min: f64): void {
  const o = openAt(depth);
  const total = load<i64>(o + TOTAL);
  if (<f64>total < min) recordCount = load<u32>(o + DEPTH);
  if (recordCount == recordCap) {
    const n = max<u32>(1024, recordCap << 1);
    // Raw: a record is read only once written, and a profile of millions of pruned frames
    // would otherwise make the whole doubled capacity resident.
    records = growRaw(records, <usize>n * ITEM);
    recordCap = n;
  }
  const r = records + <usize>recordCount * ITEM;
  recordCount++;
  memory.copy(r, o, ITEM);
  store<u32>(r + DEPTH, depth);
  if (depth > 0) {
    const parent = openAt(depth - 1);
    addTo(parent + TOTAL, total);
    addTo(parent + BASE_TOTAL, load<i64>(o + BASE_TOTAL));
  }
}

// The reduced tree, parents before children (node 0 is the root).
export let sweptCount: u32 = 0;
export let sweptParents: usize = 0; // u32 per node
export let sweptFrames: usize = 0; // u32 per node
export let sweptSelfs: usize = 0; // i64 per node (units): own count of the width column
export let sweptTotals: usize = 0; // i64 per node (units): total of the width column (negative counts as zero)
export let sweptBaseSelfs: usize = 0; // i64 per node (units): two-count input's first column
export let sweptBaseTotals: usize = 0;

/**
 * Sweeps the `n` stacks begun by stacksBegin() into the reduced tree of the
 * frames at least `min` wide (in units, as a double) and their children; `reverse` reads stacks leaf
 * first, `two` takes widths from the second count, `inputOrder` sweeps the
 * record log as it is (a flame chart). Returns the tree's node count.
 */
export function sweepStacks(n: u32, min: f64, reverse: bool, two: bool, inputOrder: bool): u32 {
  twoCounts = two;
  const order = stacksOrder(reverse);
  recordCount = 0;
  openFrame(0, NO_FRAME);
  let depth: u32 = 0; // of the deepest open frame
  for (let i: u32 = 0; i < n; i++) {
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
    while (depth < len) {
      openFrame(depth + 1, load<u32>(path + (<usize>depth << 2)));
      depth++;
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
  while (depth > 0) closeFrame(depth--, min);
  closeFrame(0, min);
  freeBytes(order);
  stacksEnd();
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
  // Raw: every element is written below.
  sweptParents = allocRaw(<usize>r << 2);
  sweptFrames = allocRaw(<usize>r << 2);
  sweptSelfs = allocRaw(<usize>r << 3);
  sweptTotals = allocRaw(<usize>r << 3);
  sweptBaseSelfs = twoCounts ? allocRaw(<usize>r << 3) : 0;
  sweptBaseTotals = twoCounts ? allocRaw(<usize>r << 3) : 0;
  // The open items are reused: their frame field holds the latest node at each depth.
  for (let j: u32 = 0; j < r; j++) {
    const rec = records + <usize>(r - 1 - j) * ITEM;
    const d = load<u32>(rec + DEPTH);
    store<u32>(openAt(d) + FRAME, j);
    store<u32>(sweptParents + (<usize>j << 2), d > 0 ? load<u32>(openAt(d - 1) + FRAME) : 0);
    store<u32>(sweptFrames + (<usize>j << 2), load<u32>(rec + FRAME));
    store<i64>(sweptSelfs + (<usize>j << 3), load<i64>(rec + SELF));
    store<i64>(sweptTotals + (<usize>j << 3), load<i64>(rec + TOTAL));
    if (twoCounts) {
      store<i64>(sweptBaseSelfs + (<usize>j << 3), load<i64>(rec + BASE_SELF));
      store<i64>(sweptBaseTotals + (<usize>j << 3), load<i64>(rec + BASE_TOTAL));
    }
  }
  sweptCount = r;
}
