// Per-frame sums for `flamefold compare`, straight from the stack table: for
// each frame, of each count column, its self count (the stacks that end in
// it) and its total (the stacks it is on, counted once per stack even when it
// recurses).

import { allocBytes, freeBytes } from "../util/memory";
import { stackCount } from "../tables/call-tree";
import { frameTable } from "../tables/session";
import { stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue } from "../tables/stack-table";

let sums: usize = 0; // f64 × 4 per frame: self, total of the first column, then of the second
let stamps: usize = 0; // u32 per frame: 1 + the last entry that counted it in its totals
let sumsFrames: u32 = 0;

/** Computes the sums; false when some stacks are only in the call tree (the caller sums the tree). */
export function frameSums(): bool {
  if (stackCount() != 0) return false;
  freeBytes(sums);
  freeBytes(stamps);
  const frames = frameTable.count;
  sumsFrames = frames;
  sums = allocBytes(<usize>frames << 5);
  stamps = allocBytes(<usize>frames << 2);
  for (let e: u32 = 0, n = stackEntryCount(); e < n; e++) {
    const seq = stackEntrySeq(e), len = stackEntryLen(e), wide = stackEntryWide(e);
    if (len == 0) continue; // counted in the profile's total only
    const c1 = stackEntryCountValue(e, false), c2 = stackEntryCountValue(e, true);
    const leaf = sums + (<usize>seqFrame(seq, wide, 0) << 5); // sequences are leaf first
    store<f64>(leaf, load<f64>(leaf) + c1);
    store<f64>(leaf, load<f64>(leaf, 16) + c2, 16);
    for (let i: u32 = 0; i < len; i++) {
      const f = seqFrame(seq, wide, i);
      const stamp = stamps + (<usize>f << 2);
      if (load<u32>(stamp) == e + 1) continue; // already on this stack
      store<u32>(stamp, e + 1);
      const s = sums + (<usize>f << 5);
      store<f64>(s, load<f64>(s, 8) + c1, 8);
      store<f64>(s, load<f64>(s, 24) + c2, 24);
    }
  }
  return true;
}

/** The sums, four f64 per frame (self and total of the first column, then of the second). */
export function frameSumsPtr(): usize { return sums; }
export function frameSumsCount(): u32 { return sumsFrames; }
