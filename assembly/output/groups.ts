// Whole subtrees of a sweep (output/sweep.ts) measured before they are swept.
// In the sweep's order the stacks under one frame are a run: the stacks after
// the frame's first one that share at least its depth in frames. With how many
// frames each stack shares with the one before it, and running sums of the
// counts, a frame's total is known as it opens; one too narrow to draw is
// closed at once with that total, and the stacks under it are never read. A
// profile of a million frames, a few thousand of them drawn, is then swept in
// about as many steps as it has stacks and drawn frames.
//
// For the stack table's entries, whose paths can be compared pairwise
// (stacks.ts stacksSharedFrames); its memory is bounded by the table's.

import { allocRaw, freeBytes } from "../util/memory";
import { stackFirst, stackSecond, stacksSharedFrames } from "./stacks";
import { inRuns } from "../util/runs";
import { at32, at64 } from "../util/columns";

// u32 per position k in 0..count: the frames stack k shares with stack k - 1 (0 at 0 and at count).
let shared: usize = 0;
// u32 per position: the first position after it that shares fewer frames (count when none).
let fewer: usize = 0;
// i64 per position 0..count: the positive counts of the stacks before it, of the width column and of the first.
let sums: usize = 0;
let baseSums: usize = 0;

/** Measures the `n` stacks in `order` (u32 ids), widths from the second count when `two`. */
export function groupsBegin(order: usize, n: u32, two: bool): void {
  groupsEnd();
  shared = allocRaw((<usize>n + 1) << 2);
  fewer = allocRaw((<usize>n + 1) << 2);
  sums = allocRaw((<usize>n + 1) << 3);
  baseSums = allocRaw((<usize>n + 1) << 3);
  measureOrder = order;
  measureTwo = two;
  measureTotal = 0;
  measureBase = 0;
  inRuns(n, measureRun);
  const total = measureTotal, base = measureBase;
  store<u32>(at32(shared, n), 0);
  store<i64>(at64(sums, n), total);
  store<i64>(at64(baseSums, n), base);
  // Next smaller to the right, by jumps over runs already linked: linear.
  store<u32>(at32(fewer, n), n);
  for (let k = <i32>n - 1; k >= 0; k--) {
    const v = load<u32>(at32(shared, <u32>k));
    let j = <u32>k + 1;
    while (j < n && load<u32>(at32(shared, j)) >= v) j = load<u32>(at32(fewer, j));
    store<u32>(at32(fewer, <u32>k), j);
  }
}

// What groupsBegin() measures with, and its running sums, from one run of stacks to the next (util/runs.ts).
let measureOrder: usize = 0;
let measureTwo = false;
let measureTotal: i64 = 0;
let measureBase: i64 = 0;

// Positions [lo, hi): the frames each shares with the one before, and the sums before it.
function measureRun(lo: u32, hi: u32): void {
  const order = measureOrder, two = measureTwo;
  let total = measureTotal, base = measureBase;
  for (let k = lo; k < hi; k++) {
    const s = load<u32>(at32(order, k));
    store<u32>(at32(shared, k), k == 0 ? 0 : stacksSharedFrames(load<u32>(at32(order, k - 1)), s));
    store<i64>(at64(sums, k), total);
    store<i64>(at64(baseSums, k), base);
    const first = stackFirst(s);
    const v = two ? stackSecond(s) : first;
    if (v > 0) total += v;
    if (first > 0) base += first;
  }
  measureTotal = total;
  measureBase = base;
}

/** The end of the run of stacks under the frame at `depth` (>= 1) of stack `i`: the first after it sharing fewer frames. */
export function groupEnd(i: u32, depth: u32): u32 {
  let k = i + 1;
  // Every stack between k and fewer[k] shares at least as many frames as k does.
  while (load<u32>(at32(shared, k)) >= depth) k = load<u32>(at32(fewer, k));
  return k;
}

/** The width column's positive counts of stacks [i, end). */
export function groupTotal(i: u32, end: u32): i64 {
  return load<i64>(at64(sums, end)) - load<i64>(at64(sums, i));
}

/** The first column's positive counts of stacks [i, end). */
export function groupBaseTotal(i: u32, end: u32): i64 {
  return load<i64>(at64(baseSums, end)) - load<i64>(at64(baseSums, i));
}

export function groupsEnd(): void {
  freeBytes(shared);
  freeBytes(fewer);
  freeBytes(sums);
  freeBytes(baseSums);
  shared = fewer = sums = baseSums = 0;
}
