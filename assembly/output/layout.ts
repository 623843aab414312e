// Preparing a flame graph's layout in the core: every frame's total (its own
// count plus its children's), then the frames wide enough to draw, each with
// its list of children in drawing order. A large profile has a million frames
// of which a few thousand are drawn; doing these passes here spares
// JavaScript a copy of them. Positions are decided in src/render/placement.ts.
//
// Every graph (plain, reversed, two-count, flame chart) is one sweep over the
// stacks (output/sweep.ts), wherever they are kept (output/stacks.ts). The
// result is a tree whose parents come before their children.

import { unitsPerCount, unitsToF64, countScale } from "../tables/counts";
import { allocBytes, freeBytes } from "../util/memory";
import { recordOrder } from "../tables/record-log";
import { columnSums } from "../tables/column-sums";
import { sortIds } from "../util/sort";
import { inRuns } from "../util/runs";
import { stacksBegin, stackId, stackFirst, stackSecond, siblingOrder } from "./stacks";
import {
  sweepStacks, sweptCount, sweptParents, sweptFrames, sweptSelfs, sweptTotals, sweptBaseSelfs, sweptBaseTotals, GAP_FRAME,
  sweptMerged, sweptLaterFirst,
} from "./sweep";

// How this layout reads the stacks.
let reversed = false;
let twoCounts = false;
let inputOrder = false;
let stacks: u32 = 0;

let keptIndex: usize = 0; // u32 per node: 1 + index among the kept frames, 0 when pruned
let offsets: usize = 0; // u32 per kept frame + 1: its children are list[offsets[k] .. offsets[k+1])
let list: usize = 0; // u32 per child of a kept frame (pruned children included)
let keptCap: u32 = 0;
let offsetsCap: u32 = 0;
let listCap: u32 = 0;
let listLength: u32 = 0;
let negatives: u32 = 0;
let samples: i64 = 0; // units (tables/counts.ts)
let maxDelta: i64 = 0; // units
// Every count a whole number and every sum below 2^53: the doubles JS places are exact in any order.
let exactSums = true;
const EXACT_LIMIT: i64 = 9007199254740992; // 2^53

/**
 * Starts a layout of the stacks, leaf first when `reverse`, widths from the
 * second count when `two`, in input order when `order` (a flame chart):
 * computes the sum of the width column's counts (a negative count counts as
 * zero, and is counted). False when input order is asked of a session that
 * did not log its records.
 */
export function layoutBegin(reverse: bool, two: bool, order: bool): bool {
  if (order && !recordOrder) return false;
  reversed = reverse;
  twoCounts = two;
  inputOrder = order;
  negatives = 0;
  samples = 0;
  maxDelta = unitsPerCount; // 1
  exactSums = countScale == 0;
  stacks = stacksBegin(order);
  // With no negative count in a one-count graph's column, no stack is negative and the sum is the
  // column's, which every count joins as it arrives (tables/column-sums.ts): no pass over the stacks.
  if (!two && columnSums(1) == 0) samples = columnSums(0);
  else inRuns(stacks, sumRun);
  if (samples >= EXACT_LIMIT) exactSums = false;
  return true;
}

// Stacks [lo, hi) summed into layoutBegin()'s totals.
function sumRun(lo: u32, hi: u32): void {
  const two = twoCounts;
  let n = negatives, sum = samples, delta = maxDelta;
  for (let i = lo; i < hi; i++) {
    const s = stackId(i);
    const first = stackFirst(s);
    const second = stackSecond(s);
    const v = two ? second : first;
    if (v < 0) n++;
    else sum += v;
    if (two) {
      const d = second - first; // within the column sums' bounds (tables/session.ts)
      delta = max(delta, d < 0 ? -d : d);
    }
  }
  negatives = n;
  samples = sum;
  maxDelta = delta;
}

/**
 * The frames at least `min` wide (a parent is never narrower than its
 * child, so they form a subtree from the root) and their children, in
 * flamegraph.pl's order. Returns how many are kept.
 */
export function layoutKeep(min: f64): u32 {
  const minUnits = min * <f64>unitsPerCount;
  // With exact sums the sweep merges the pruned children between two kept siblings (in
  // drawing order) into one, named by one of them: sorting the children places it there.
  sweepStacks(stacks, minUnits, reversed, twoCounts, inputOrder, !inputOrder && exactSums);
  const kept = keep(minUnits);
  // A flame chart keeps time order, in which keep() lists the children; a graph sorts them (the sweep of
  // sorted stacks lists them in order already: the sort then only checks it).
  if (inputOrder) return kept;
  for (let k: u32 = 0; k < kept; k++) {
    const from = load<u32>(offsets + (<usize>k << 2));
    const n = load<u32>(offsets + (<usize>(k + 1) << 2)) - from;
    sortIds(list + (<usize>from << 2), n, compareSiblings);
  }
  return kept;
}

// Siblings in flamegraph.pl's order (output/stacks.ts, siblingOrder).
function compareSiblings(a: u32, b: u32): i32 {
  const d = siblingOrder(load<u32>(sweptFrames + (<usize>a << 2)), endsAt(a), load<u32>(sweptFrames + (<usize>b << 2)), endsAt(b));
  return d != 0 ? d : <i32>a - <i32>b;
}

// Some stack ends at the node when it has a count (in either column).
function endsAt(node: u32): bool {
  return load<i64>(sweptSelfs + (<usize>node << 3)) != 0
    || (sweptBaseSelfs != 0 && load<i64>(sweptBaseSelfs + (<usize>node << 3)) != 0);
}

// Numbers the frames at least `min` wide and lists the children of each.
function keep(min: f64): u32 {
  const n = sweptCount;
  const parents = sweptParents;
  if (n > keptCap) {
    freeBytes(keptIndex);
    keptCap = n;
    keptIndex = allocBytes(<usize>n << 2);
  }
  memory.fill(keptIndex, 0, <usize>n << 2);
  listLength = 0;
  const totals = sweptTotals;
  if (n == 0 || <f64>load<i64>(totals) < min) return 0;
  // First pass: number the kept frames (few, next to the million nodes a big tree may have).
  store<u32>(keptIndex, 1);
  let kept: u32 = 1;
  for (let i: u32 = 1; i < n; i++) {
    if (load<u32>(keptIndex + (<usize>load<u32>(parents + (<usize>i << 2)) << 2)) == 0) continue;
    if (<f64>load<i64>(totals + (<usize>i << 3)) >= min && load<u32>(sweptFrames + (<usize>i << 2)) != GAP_FRAME && load<u8>(sweptMerged + <usize>i) == 0) {
      store<u32>(keptIndex + (<usize>i << 2), ++kept);
    }
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
  // Third pass: place each child; offsets[k + 1] runs to the end of frame k's children. They are
  // listed in the order the stacks were swept: the last node first when the tree has them later first.
  const down = sweptLaterFirst;
  for (let j: u32 = 1; j < n; j++) {
    const i = down ? n - j : j;
    const k = load<u32>(keptIndex + (<usize>load<u32>(parents + (<usize>i << 2)) << 2));
    if (k == 0) continue;
    const c = offsets + (<usize>k << 2);
    const slot = load<u32>(c);
    store<u32>(list + (<usize>slot << 2), i);
    store<u32>(c, slot + 1);
  }
  return kept;
}

/** The sum of the width column's counts (a negative one counting as zero), in units. */
export function layoutSamples(): i64 { return samples; }
export function layoutNegatives(): u32 { return negatives; }
/** Two-count input: the largest change between a stack's two counts, at least 1 (flamegraph.pl's colour scale). */
export function layoutMaxDelta(): f64 { return unitsToF64(maxDelta); }
/** Nodes of the tree laid out (the frames wide enough and their children). */
export function layoutNodeCount(): u32 { return sweptCount; }
export function layoutFramesPtr(): usize { return sweptFrames; }
export function layoutSelfsPtr(): usize { return sweptSelfs; }
export function layoutTotalsPtr(): usize { return sweptTotals; }
/** Two-count input: the first column's own counts and totals by node (0 otherwise). */
export function layoutBaseSelfsPtr(): usize { return sweptBaseSelfs; }
export function layoutBaseTotalsPtr(): usize { return sweptBaseTotals; }
export function layoutKeptIndexPtr(): usize { return keptIndex; }
export function layoutOffsetsPtr(): usize { return offsets; }
export function layoutListPtr(): usize { return list; }
export function layoutListLength(): u32 { return listLength; }
