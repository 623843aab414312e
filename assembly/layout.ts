// Preparing the call tree for a flame graph's layout, in place: every node's
// total (its own count plus its children's), then the frames wide enough to
// draw, each with its list of children. A large tree has a million nodes of
// which a few thousand are drawn; doing these passes here spares JavaScript
// a copy of the tree and its slow first (unoptimised) loops over it. The
// sibling order and positions are decided in src/render/layout.ts.

import { allocBytes, freeBytes } from "./memory";
import { nodeCount, parentsPtr, selfsPtr, selfs2Ptr } from "./calltree";
import { flushStacks } from "./session";

let totals: usize = 0; // f64 per node
let keptIndex: usize = 0; // u32 per node: 1 + index among the kept frames, 0 when pruned
let offsets: usize = 0; // u32 per kept frame + 1: its children are list[offsets[k] .. offsets[k+1])
let list: usize = 0; // u32 per child of a kept frame (pruned children included)
let cap: u32 = 0; // nodes totals and keptIndex hold
let offsetsCap: u32 = 0;
let listCap: u32 = 0;
let listLength: u32 = 0;
let negatives: u32 = 0;

function reserve(n: u32): void {
  if (n <= cap) return;
  freeBytes(totals);
  freeBytes(keptIndex);
  cap = n;
  totals = allocBytes(<usize>n << 3);
  keptIndex = allocBytes(<usize>n << 2);
}

/**
 * Totals of every node from one count column (the second for two-count
 * input); a negative count counts as zero (and is counted). Returns the
 * root's total: the sum of all counts.
 */
export function layoutTotals(second: bool): f64 {
  flushStacks();
  const n = nodeCount();
  reserve(n);
  memory.fill(totals, 0, <usize>n << 3);
  const own = second ? selfs2Ptr() : selfsPtr();
  const parents = parentsPtr();
  negatives = 0;
  if (own == 0) return 0;
  for (let i = n; i-- > 0;) {
    const v = load<f64>(own + (<usize>i << 3));
    if (v < 0) negatives++;
    const t = load<f64>(totals + (<usize>i << 3)) + (v > 0 ? v : 0);
    store<f64>(totals + (<usize>i << 3), t);
    if (i > 0) {
      const p = totals + (<usize>load<u32>(parents + (<usize>i << 2)) << 3);
      store<f64>(p, load<f64>(p) + t);
    }
  }
  return load<f64>(totals);
}

/**
 * The frames at least `min` wide (a parent is never narrower than its
 * child, so they form a subtree from the root) and their children, in node
 * order. Returns how many are kept.
 */
export function layoutKeep(min: f64): u32 {
  const n = nodeCount();
  const parents = parentsPtr();
  memory.fill(keptIndex, 0, <usize>n << 2);
  listLength = 0;
  if (n == 0 || load<f64>(totals) < min) return 0;
  // First pass: number the kept frames (few, next to the million nodes a big tree may have).
  store<u32>(keptIndex, 1);
  let kept: u32 = 1;
  for (let i: u32 = 1; i < n; i++) {
    if (load<u32>(keptIndex + (<usize>load<u32>(parents + (<usize>i << 2)) << 2)) == 0) continue;
    if (load<f64>(totals + (<usize>i << 3)) >= min) store<u32>(keptIndex + (<usize>i << 2), ++kept);
  }
  if (kept + 1 > offsetsCap) {
    freeBytes(offsets);
    offsetsCap = kept + 1;
    offsets = allocBytes(<usize>offsetsCap << 2);
  }
  memory.fill(offsets, 0, (<usize>kept + 1) << 2);
  // Second pass: count the children of each kept frame (offsets[k] counts those of kept frame k - 1).
  for (let i: u32 = 1; i < n; i++) {
    const k = load<u32>(keptIndex + (<usize>load<u32>(parents + (<usize>i << 2)) << 2));
    if (k == 0) continue;
    const c = offsets + (<usize>k << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  // Counts to start offsets (offsets[k] now counts the children of kept frame k - 1).
  let at: u32 = 0;
  for (let k: u32 = 0; k < kept; k++) {
    const c = load<u32>(offsets + (<usize>(k + 1) << 2));
    store<u32>(offsets + (<usize>(k + 1) << 2), at);
    at += c;
  }
  listLength = at;
  if (at > listCap) {
    freeBytes(list);
    listCap = at;
    list = allocBytes(<usize>at << 2);
  }
  // Third pass: place each child; offsets[k + 1] runs to the end of frame k's children.
  for (let i: u32 = 1; i < n; i++) {
    const k = load<u32>(keptIndex + (<usize>load<u32>(parents + (<usize>i << 2)) << 2));
    if (k == 0) continue;
    const c = offsets + (<usize>k << 2);
    const slot = load<u32>(c);
    store<u32>(list + (<usize>slot << 2), i);
    store<u32>(c, slot + 1);
  }
  return kept;
}

export function layoutNegatives(): u32 { return negatives; }
export function layoutTotalsPtr(): usize { return totals; }
export function layoutKeptIndexPtr(): usize { return keptIndex; }
export function layoutOffsetsPtr(): usize { return offsets; }
export function layoutListPtr(): usize { return list; }
export function layoutListLength(): u32 { return listLength; }
