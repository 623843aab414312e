// The records in input order, for flame charts: the stack table and the call
// tree merge every record of a stack into one count, which drops the order a
// flame chart draws. When the session keeps it (setRecordOrder), each record
// also appends (its stack, its counts) here; a record of the same stack as the
// record before it adds to that item instead, as flamegraph.pl's flame chart
// continues the same run. A stack is named by its stack-table entry, or by
// its call-tree node when it did not fit the table's budget (the budget only
// fills, so a stack that once did not fit never will): a distinct stack has
// exactly one of the two, so equal references mean equal stacks.

import { growBytes } from "../util/memory";
import { scaleArray } from "./counts";

/** Set on a reference that is a call-tree node; otherwise it is a stack-table entry id. */
export const NODE_REF: u32 = 0x80000000;

/** Whether records are logged. */
export let recordOrder = false;

let refs: usize = 0; // u32 per item
let counts: usize = 0; // i64 per item: the first count (units, tables/counts.ts)
let counts2: usize = 0; // i64 per item below counts2Cap: the second count, once some record has one
let count: u32 = 0;
let cap: u32 = 0;
let counts2Cap: u32 = 0;

export function setRecordOrder(on: bool): void { recordOrder = on; }

/** Logs a record of the stack `ref` with counts `c1` and `c2`. */
export function logRecord(ref: u32, c1: i64, c2: i64): void {
  if (count == 0 || load<u32>(refs + (<usize>(count - 1) << 2)) != ref) {
    if (count == cap) {
      const n = max<u32>(1024, cap << 1);
      refs = growBytes(refs, <usize>cap << 2, <usize>n << 2);
      counts = growBytes(counts, <usize>cap << 3, <usize>n << 3);
      cap = n;
    }
    store<u32>(refs + (<usize>count << 2), ref); // its counts are zero: growBytes zeroes what it adds
    count++;
  }
  const i = count - 1;
  const p = counts + (<usize>i << 3);
  store<i64>(p, load<i64>(p) + c1);
  if (c2 != 0) {
    const q = secondAt(i);
    store<i64>(q, load<i64>(q) + c2);
  }
}

// Where item i's second count is: only two-count input needs the column (growBytes zeroes the new part).
function secondAt(i: u32): usize {
  if (i >= counts2Cap) {
    counts2 = growBytes(counts2, <usize>counts2Cap << 3, <usize>cap << 3);
    counts2Cap = cap;
  }
  return counts2 + (<usize>i << 3);
}

/** Sets every item's second count to its first (the session became two-count: session.ts). */
export function copyLogFirstToSecond(): void {
  for (let i: u32 = 0; i < count; i++) {
    const v = logFirst(i);
    if (v != 0) store<i64>(secondAt(i), v);
  }
}

export function logCount(): u32 { return count; }
export function logRef(i: u32): u32 { return load<u32>(refs + (<usize>i << 2)); }
export function logFirst(i: u32): i64 { return load<i64>(counts + (<usize>i << 3)); }
export function logSecond(i: u32): i64 { return i < counts2Cap ? load<i64>(counts2 + (<usize>i << 3)) : 0; }

/** Multiplies every count by `factor` (the scale of the counts grew: tables/counts.ts). */
export function rescaleLog(factor: i64): void {
  scaleArray(counts, <usize>count, factor);
  scaleArray(counts2, <usize>min(count, counts2Cap), factor);
}
