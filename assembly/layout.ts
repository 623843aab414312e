// Preparing a flame graph's layout in the core: every frame's total (its own
// count plus its children's), then the frames wide enough to draw, each with
// its list of children in drawing order. A large profile has a million frames
// of which a few thousand are drawn; doing these passes here spares
// JavaScript a copy of them. Positions are decided in src/render/layout.ts.
//
// The frames come from one of two places:
// - the stack table, when every stack is still there (the common case): its
//   stacks are sorted so that equal prefixes are adjacent, and one sweep
//   yields each prefix's total and keeps only the frames wide enough to draw
//   and their immediate children. The call tree is never built, which saves
//   its tens of bytes per node.
// - the call tree otherwise (stacks past the table's budget, procstat).
// Either way the result is a tree whose parents come before their children.

import { allocBytes, growBytes, freeBytes } from "./memory";
import { nodeCount, parentsPtr, framesPtr, selfsPtr, selfs2Ptr, stackCount, NO_FRAME } from "./calltree";
import { flushStacks } from "./session";
import { stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue } from "./stackcache";
import { sortIds } from "./sort";
import { frameTable } from "./session";

// The tree being laid out: the call tree's arrays, or the sweep's reduced tree.
let fromTable = false;
let treeCount: u32 = 0;
let treeParents: usize = 0; // u32 per node
let treeFrames: usize = 0; // u32 per node
let treeSelfs: usize = 0; // f64 per node: own count of the width column
// The reduced tree's own arrays (the call tree's are never freed here).
let sweptParents: usize = 0;
let sweptFrames: usize = 0;
let sweptSelfs: usize = 0;

let totals: usize = 0; // f64 per node
let keptIndex: usize = 0; // u32 per node: 1 + index among the kept frames, 0 when pruned
let offsets: usize = 0; // u32 per kept frame + 1: its children are list[offsets[k] .. offsets[k+1])
let list: usize = 0; // u32 per child of a kept frame (pruned children included)
let cap: u32 = 0; // nodes totals and keptIndex hold
let offsetsCap: u32 = 0;
let listCap: u32 = 0;
let listLength: u32 = 0;
let negatives: u32 = 0;
let samples: f64 = 0;

function reserve(n: u32): void {
  if (n <= cap) return;
  freeBytes(totals);
  freeBytes(keptIndex);
  cap = n;
  totals = allocBytes(<usize>n << 3);
  keptIndex = allocBytes(<usize>n << 2);
}

/**
 * The sum of all counts of one column (the second for two-count input); a
 * negative count counts as zero (and is counted). Call before layoutKeep.
 */
export function layoutTotals(second: bool): f64 {
  fromTable = !second && stackCount() == 0;
  negatives = 0;
  samples = 0;
  if (fromTable) {
    for (let e: u32 = 0, n = stackEntryCount(); e < n; e++) {
      const v = stackEntryCountValue(e, false);
      if (v < 0) negatives++;
      else samples += v;
    }
    return samples;
  }
  flushStacks();
  const n = nodeCount();
  treeCount = n;
  treeParents = parentsPtr();
  treeFrames = framesPtr();
  treeSelfs = second ? selfs2Ptr() : selfsPtr();
  reserve(n);
  memory.fill(totals, 0, <usize>n << 3);
  if (treeSelfs == 0) return 0;
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
  return samples;
}

/**
 * The frames at least `min` wide (a parent is never narrower than its
 * child, so they form a subtree from the root) and their children, in
 * flamegraph.pl's order. Returns how many are kept.
 */
export function layoutKeep(min: f64): u32 {
  if (fromTable) sweepTable(min);
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
  for (let i: u32 = 0; i < n; i++) {
    const d = <i32>load<u8>(pa + i) - <i32>load<u8>(pb + i);
    if (d != 0) return d;
  }
  const ta = la > n ? <i32>load<u8>(pa + n) : terminator(a);
  const tb = lb > n ? <i32>load<u8>(pb + n) : terminator(b);
  if (ta != tb) return ta - tb;
  return la != lb ? <i32>la - <i32>lb : <i32>a - <i32>b; // the shorter key is a prefix of the longer
}

// @ts-ignore: decorator
@inline function terminator(node: u32): i32 {
  return load<f64>(treeSelfs + (<usize>node << 3)) != 0 ? 0x20 : 0x3b;
}

// Root-first order of two entries' frame ids (sequences are stored leaf
// first). Any order of frames will do: it only has to bring equal prefixes
// together; siblings are put in name order later, by the layout.
function compareIdPaths(a: u32, b: u32): i32 {
  const pa = stackEntrySeq(a), la = stackEntryLen(a), wa = stackEntryWide(a);
  const pb = stackEntrySeq(b), lb = stackEntryLen(b), wb = stackEntryWide(b);
  const n = min(la, lb);
  for (let i: u32 = 0; i < n; i++) {
    const fa = seqFrame(pa, wa, la - 1 - i);
    const fb = seqFrame(pb, wb, lb - 1 - i);
    if (fa != fb) return fa < fb ? -1 : 1;
  }
  return <i32>la - <i32>lb;
}

// The sweep's open path, one level per depth (0: the root).
let openFrame: usize = 0; // u32
let openMark: u32 = 0; // u32 per depth, at openMarks: records written when the frame was opened
let openMarks: usize = 0;
let openTotal: usize = 0; // f64
let openSelf: usize = 0; // f64
let openCap: u32 = 0;

// Closed frames, children before parents (post-order): kept frames, and the
// pruned children of kept frames (a pruned frame's own descendants are dropped).
let recFrame: usize = 0; // u32
let recDepth: usize = 0; // u32
let recTotal: usize = 0; // f64
let recSelf: usize = 0; // f64
let recCount: u32 = 0;
let recCap: u32 = 0;

function openReserve(depth: u32): void {
  if (depth < openCap) return;
  const n = max<u32>(64, depth << 1);
  openFrame = growBytes(openFrame, <usize>openCap << 2, <usize>n << 2);
  openMarks = growBytes(openMarks, <usize>openCap << 2, <usize>n << 2);
  openTotal = growBytes(openTotal, <usize>openCap << 3, <usize>n << 3);
  openSelf = growBytes(openSelf, <usize>openCap << 3, <usize>n << 3);
  openCap = n;
}

function open(depth: u32, frame: u32): void {
  openReserve(depth);
  store<u32>(openFrame + (<usize>depth << 2), frame);
  store<u32>(openMarks + (<usize>depth << 2), recCount);
  store<f64>(openTotal + (<usize>depth << 3), 0);
  store<f64>(openSelf + (<usize>depth << 3), 0);
}

// Closes the frame open at `depth`: its total goes to its parent, and it is
// recorded; when narrower than `min`, without its descendants.
function close(depth: u32, min: f64): void {
  const t = load<f64>(openTotal + (<usize>depth << 3));
  if (t < min) recCount = load<u32>(openMarks + (<usize>depth << 2));
  if (recCount == recCap) {
    const n = max<u32>(1024, recCap << 1);
    recFrame = growBytes(recFrame, <usize>recCap << 2, <usize>n << 2);
    recDepth = growBytes(recDepth, <usize>recCap << 2, <usize>n << 2);
    recTotal = growBytes(recTotal, <usize>recCap << 3, <usize>n << 3);
    recSelf = growBytes(recSelf, <usize>recCap << 3, <usize>n << 3);
    recCap = n;
  }
  const r = <usize>recCount;
  recCount++;
  store<u32>(recFrame + (r << 2), load<u32>(openFrame + (<usize>depth << 2)));
  store<u32>(recDepth + (r << 2), depth);
  store<f64>(recTotal + (r << 3), t);
  store<f64>(recSelf + (r << 3), load<f64>(openSelf + (<usize>depth << 3)));
  if (depth > 0) {
    const p = openTotal + (<usize>(depth - 1) << 3);
    store<f64>(p, load<f64>(p) + t);
  }
}

/** The reduced tree of the stack table's stacks: the frames at least `min` wide and their children. */
function sweepTable(min: f64): void {
  const n = stackEntryCount();
  const order = allocBytes(<usize>n << 2);
  for (let e: u32 = 0; e < n; e++) store<u32>(order + (<usize>e << 2), e);
  sortIds(order, n, compareIdPaths);
  recCount = 0;
  open(0, NO_FRAME);
  let depth: u32 = 0; // of the deepest open frame
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(order + (<usize>i << 2));
    const seq = stackEntrySeq(e), len = stackEntryLen(e), wide = stackEntryWide(e);
    // Keep the open frames this stack shares, close the rest, open its own.
    let shared: u32 = 0;
    while (shared < depth && shared < len
      && load<u32>(openFrame + (<usize>(shared + 1) << 2)) == seqFrame(seq, wide, len - 1 - shared)) shared++;
    while (depth > shared) close(depth--, min);
    while (depth < len) {
      depth++;
      open(depth, seqFrame(seq, wide, len - depth));
    }
    const v = stackEntryCountValue(e, false);
    const s = openSelf + (<usize>depth << 3);
    store<f64>(s, load<f64>(s) + v);
    if (v > 0) {
      const t = openTotal + (<usize>depth << 3);
      store<f64>(t, load<f64>(t) + v);
    }
  }
  while (depth > 0) close(depth--, min);
  close(0, min);
  freeBytes(order);

  // Records in reverse: parents before children, the root first. A record's
  // parent is the last one seen at the depth above it.
  const r = recCount;
  freeBytes(sweptParents);
  freeBytes(sweptFrames);
  freeBytes(sweptSelfs);
  treeParents = sweptParents = allocBytes(<usize>r << 2);
  treeFrames = sweptFrames = allocBytes(<usize>r << 2);
  treeSelfs = sweptSelfs = allocBytes(<usize>r << 3);
  reserve(r);
  const lastAt = openFrame; // reused: the latest node id at each depth
  for (let j: u32 = 0; j < r; j++) {
    const k = <usize>(r - 1 - j);
    const d = load<u32>(recDepth + (k << 2));
    store<u32>(lastAt + (<usize>d << 2), j);
    store<u32>(treeParents + (<usize>j << 2), d > 0 ? load<u32>(lastAt + (<usize>(d - 1) << 2)) : 0);
    store<u32>(treeFrames + (<usize>j << 2), load<u32>(recFrame + (k << 2)));
    store<f64>(treeSelfs + (<usize>j << 3), load<f64>(recSelf + (k << 3)));
    store<f64>(totals + (<usize>j << 3), load<f64>(recTotal + (k << 3)));
  }
  treeCount = r;
}

// Numbers the frames at least `min` wide and lists the children of each.
function keep(min: f64): u32 {
  const n = treeCount;
  const parents = treeParents;
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
/** Nodes of the tree laid out: the call tree's, or the reduced tree's. */
export function layoutNodeCount(): u32 { return treeCount; }
export function layoutFramesPtr(): usize { return treeFrames; }
export function layoutSelfsPtr(): usize { return treeSelfs; }
export function layoutTotalsPtr(): usize { return totals; }
export function layoutKeptIndexPtr(): usize { return keptIndex; }
export function layoutOffsetsPtr(): usize { return offsets; }
export function layoutListPtr(): usize { return list; }
export function layoutListLength(): u32 { return listLength; }
