// Per-frame sums for `flamefold compare`: for each frame, of each count
// column, its self count (the stacks that end in it) and its total (the
// stacks it is on, counted once per stack even when it recurses). Read from
// the stacks wherever they are kept (output/stacks.ts), as the layout reads them.

import { allocBytes, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";
import { stacksBegin, stackId, stackPath, stackFirst, stackSecond, path } from "./stacks";

let sums: usize = 0; // i64 × 4 per frame (units, tables/counts.ts): self, total of the first column, then of the second
let stamps: usize = 0; // u32 per frame: 1 + the last stack that counted it in its totals
let sumsFrames: u32 = 0;

/** Computes the sums of every stack. */
export function frameSums(): void {
  freeBytes(sums);
  freeBytes(stamps);
  const frames = frameTable.count;
  sumsFrames = frames;
  sums = allocBytes(<usize>frames << 5);
  stamps = allocBytes(<usize>frames << 2);
  for (let i: u32 = 0, n = stacksBegin(false); i < n; i++) {
    const id = stackId(i);
    const len = stackPath(id, true); // leaf first
    if (len == 0) continue; // counted in the profile's total only
    const c1 = stackFirst(id), c2 = stackSecond(id);
    const leaf = sums + (<usize>load<u32>(path) << 5);
    store<i64>(leaf, load<i64>(leaf) + c1);
    store<i64>(leaf, load<i64>(leaf, 16) + c2, 16);
    for (let k: u32 = 0; k < len; k++) {
      const f = load<u32>(path + (<usize>k << 2));
      const stamp = stamps + (<usize>f << 2);
      if (load<u32>(stamp) == i + 1) continue; // already on this stack
      store<u32>(stamp, i + 1);
      const s = sums + (<usize>f << 5);
      store<i64>(s, load<i64>(s, 8) + c1, 8);
      store<i64>(s, load<i64>(s, 24) + c2, 24);
    }
  }
}

/** The sums, four i64 per frame (self and total of the first column, then of the second). */
export function frameSumsPtr(): usize { return sums; }
export function frameSumsCount(): u32 { return sumsFrames; }
