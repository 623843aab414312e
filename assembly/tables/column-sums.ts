// The sums of a session's counts, per count column: the positive and the
// negative ones apart (in units, tables/counts.ts), each checked as a record
// arrives. They bound every other sum of counts, so those need no check.

import { checkedAdd, checkedMul, setMerging } from "./counts";

let positive1: i64 = 0;
let negative1: i64 = 0;
let positive2: i64 = 0;
let negative2: i64 = 0;

/** The sum of the first column's counts, in units (tables/counts.ts). */
export function samplesTotal(): i64 { return positive1 + negative1; }
/** The sum of the second column's counts, in units. */
export function samples2Total(): i64 { return positive2 + negative2; }
/** The column sums, positive and negative, for another session to add (exchange). */
export function columnSums(i: i32): i64 {
  return i == 0 ? positive1 : i == 1 ? negative1 : i == 2 ? positive2 : negative2;
}

/** A record's count `n` (units) into the sums of its column (`second`), checked. */
// @ts-ignore: decorator
@inline export function addToColumnSum(n: i64, second: bool): void {
  if (second) {
    if (n >= 0) positive2 = checkedAdd(positive2, n);
    else negative2 = checkedAdd(negative2, n);
  } else if (n >= 0) positive1 = checkedAdd(positive1, n);
  else negative1 = checkedAdd(negative1, n);
}

/** The scale of the counts grows by `factor`: every sum is multiplied, checked (`what`, `k`: the overflow error's words). */
export function rescaleColumnSums(factor: i64, what: string, k: i32): void {
  positive1 = checkedMul(positive1, factor, what, k);
  negative1 = checkedMul(negative1, factor, what, k);
  positive2 = checkedMul(positive2, factor, what, k);
  negative2 = checkedMul(negative2, factor, what, k);
}

/** The second column becomes a copy of the first (it held nothing until now). */
export function copyFirstColumnSums(): void {
  positive2 = positive1;
  negative2 = negative1;
}

/** diff -n: the first column's new sums, after its counts were rescaled. */
export function setFirstColumnSums(positive: i64, negative: i64): void {
  positive1 = positive;
  negative1 = negative;
}

/** Adds another session's sums (parallel collapse merges its workers' sessions into one), in this session's units. */
export function addColumnSums(p1: i64, n1: i64, p2: i64, n2: i64): void {
  positive1 = mergedSum(positive1, p1);
  negative1 = mergedSum(negative1, n1);
  positive2 = mergedSum(positive2, p2);
  negative2 = mergedSum(negative2, n2);
}

// Sums of parts read in parallel: each part checked its own by line; their sum
// has no one line to name (the caller names the input).
function mergedSum(a: i64, b: i64): i64 {
  setMerging(true);
  const r = checkedAdd(a, b);
  setMerging(false);
  return r;
}
