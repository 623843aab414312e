// Preparing a flame graph's layout in the core: every frame's total (its own
// count plus its children's), then the frames wide enough to draw, each with
// its list of children in drawing order. A large profile has a million frames
// of which a few thousand are drawn; doing these passes here spares
// JavaScript a copy of them. Positions are decided in src/render/layout.ts.
//
// The frames come from one of two places:
// - the stack table, when every stack is still there (the common case): one
//   sweep over its sorted stacks (assembly/sweep.ts) yields only the frames
//   wide enough and their children. Reversed stacks and two-count
//   (differential) input are laid out this way too.
// - the call tree otherwise (stacks past the table's budget, procstat), for
//   one-count graphs; the caller lays out the rest from a copy of the tree.
// Either way the result is a tree whose parents come before their children.

import { allocBytes, freeBytes } from "../util/memory";
import { nodeCount, parentsPtr, framesPtr, selfsPtr, stackCount } from "../tables/call-tree";
import { flushStacks, frameTable } from "../tables/session";
import { stackEntryCount, stackEntryCountValue } from "../tables/stack-table";
import { sortIds } from "../util/sort";
import { compareBytes } from "../util/hash";
import {
  sweepStacks, sweptParents, sweptFrames, sweptSelfs, sweptTotals, sweptBaseSelfs, sweptBaseTotals,
} from "./sweep";

// How this layout reads the stacks, and where its tree is.
let fromTable = false;
let reversed = false;
let twoCounts = false;
let treeCount: u32 = 0;
let treeParents: usize = 0; // u32 per node
let treeFrames: usize = 0; // u32 per node
let treeSelfs: usize = 0; // f64 per node: own count of the width column
let treeTotals: usize = 0; // f64 per node: total of the width column
let treeBaseSelfs: usize = 0; // f64 per node, two-count input: the first column's own count
let treeBaseTotals: usize = 0;

let totals: usize = 0; // f64 per node of the call tree
let keptIndex: usize = 0; // u32 per node: 1 + index among the kept frames, 0 when pruned
let offsets: usize = 0; // u32 per kept frame + 1: its children are list[offsets[k] .. offsets[k+1])
let list: usize = 0; // u32 per child of a kept frame (pruned children included)
let totalsCap: u32 = 0;
let keptCap: u32 = 0;
let offsetsCap: u32 = 0;
let listCap: u32 = 0;
let listLength: u32 = 0;
let negatives: u32 = 0;
let samples: f64 = 0;
let maxDelta: f64 = 1;

/**
 * Starts a layout of the stacks, leaf first when `reverse`, widths from the
 * second count when `two`: computes the sum of the width column's counts (a
 * negative count counts as zero, and is counted). False when the core cannot
 * lay this one out (reversed or two-count stacks not all in the stack table).
 */
export function layoutBegin(reverse: bool, two: bool): bool {
  fromTable = stackCount() == 0;
  if (!fromTable && (reverse || two)) return false;
  reversed = reverse;
  twoCounts = two;
  negatives = 0;
  samples = 0;
  maxDelta = 1;
  if (fromTable) {
    for (let e: u32 = 0, n = stackEntryCount(); e < n; e++) {
      const first = stackEntryCountValue(e, false);
      const second = stackEntryCountValue(e, true);
      const v = two ? second : first;
      if (v < 0) negatives++;
      else samples += v;
      if (two) maxDelta = max(maxDelta, abs(second - first));
    }
    return true;
  }
  flushStacks();
  const n = nodeCount();
  treeCount = n;
  treeParents = parentsPtr();
  treeFrames = framesPtr();
  treeSelfs = selfsPtr();
  treeBaseSelfs = 0;
  treeBaseTotals = 0;
  if (n > totalsCap) {
    freeBytes(totals);
    totalsCap = n;
    totals = allocBytes(<usize>n << 3);
  }
  treeTotals = totals;
  memory.fill(totals, 0, <usize>n << 3);
  for (let i = n; i-- > 0;) {
    const v = load<f64>(treeSelfs + (<usize>i << 3));
    if (v < 0) negatives++;
    const t = load<f64>(totals + (<usize>i << 3)) + (v > 0 ? v : 0);
    store<f64>(totals + (<usize>i << 3), t);
    if (i > 0) {
      const p = totals + (<usize>load<u32>(treeParents + (<usize>i << 2)) << 3);
      store<f64>(p, load<f64>(p) + t);
    }
  }
  samples = load<f64>(totals);
  return true;
}

/**
 * The frames at least `min` wide (a parent is never narrower than its
 * child, so they form a subtree from the root) and their children, in
 * flamegraph.pl's order. Returns how many are kept.
 */
export function layoutKeep(min: f64): u32 {
  if (fromTable) {
    treeCount = sweepStacks(min, reversed, twoCounts);
    treeParents = sweptParents;
    treeFrames = sweptFrames;
    treeSelfs = sweptSelfs;
    treeTotals = sweptTotals;
    treeBaseSelfs = sweptBaseSelfs;
    treeBaseTotals = sweptBaseTotals;
  }
  const kept = keep(min);
  for (let k: u32 = 0; k < kept; k++) {
    const from = load<u32>(offsets + (<usize>k << 2));
    sortIds(list + (<usize>from << 2), load<u32>(offsets + (<usize>(k + 1) << 2)) - from, compareSiblings);
  }
  return kept;
}

// flamegraph.pl orders frames by sorting whole folded lines, so siblings go
// in the byte order of their names each followed by what follows it in its
// first line: a blank when some stack ends at the frame, else ';'.
function compareSiblings(a: u32, b: u32): i32 {
  const fa = load<u32>(treeFrames + (<usize>a << 2)), fb = load<u32>(treeFrames + (<usize>b << 2));
  const pa = frameTable.ptr(fa), la = frameTable.len(fa);
  const pb = frameTable.ptr(fb), lb = frameTable.len(fb);
  const n = min(la, lb);
  const d = compareBytes(pa, n, pb, n);
  if (d != 0) return d;
  const ta = la > n ? <i32>load<u8>(pa + n) : terminator(a);
  const tb = lb > n ? <i32>load<u8>(pb + n) : terminator(b);
  if (ta != tb) return ta - tb;
  return la != lb ? <i32>la - <i32>lb : <i32>a - <i32>b; // the shorter key is a prefix of the longer
}

// Some stack ends at the node when it has a count (in either column).
function terminator(node: u32): i32 {
  const ends = load<f64>(treeSelfs + (<usize>node << 3)) != 0
    || (treeBaseSelfs != 0 && load<f64>(treeBaseSelfs + (<usize>node << 3)) != 0);
  return ends ? 0x20 : 0x3b;
}

// Numbers the frames at least `min` wide and lists the children of each.
function keep(min: f64): u32 {
  const n = treeCount;
  const parents = treeParents;
  if (n > keptCap) {
    freeBytes(keptIndex);
    keptCap = n;
    keptIndex = allocBytes(<usize>n << 2);
  }
  memory.fill(keptIndex, 0, <usize>n << 2);
  listLength = 0;
  const totals = treeTotals;
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

export function layoutSamples(): f64 { return samples; }
export function layoutNegatives(): u32 { return negatives; }
/** Two-count input: the largest change between a stack's two counts, at least 1 (flamegraph.pl's colour scale). */
export function layoutMaxDelta(): f64 { return maxDelta; }
/** Nodes of the tree laid out: the call tree's, or the reduced tree's. */
export function layoutNodeCount(): u32 { return treeCount; }
export function layoutFramesPtr(): usize { return treeFrames; }
export function layoutSelfsPtr(): usize { return treeSelfs; }
export function layoutTotalsPtr(): usize { return treeTotals; }
/** Two-count input: the first column's own counts and totals by node (0 otherwise). */
export function layoutBaseSelfsPtr(): usize { return treeBaseSelfs; }
export function layoutBaseTotalsPtr(): usize { return treeBaseTotals; }
export function layoutKeptIndexPtr(): usize { return keptIndex; }
export function layoutOffsetsPtr(): usize { return offsets; }
export function layoutListPtr(): usize { return list; }
export function layoutListLength(): u32 { return listLength; }
