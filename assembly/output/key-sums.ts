// Sums for `flamefold top`: per key (a frame, or the frames one line of the
// report stands for: a module, names that differ only in bytes that are not
// UTF-8), its self count (stacks that end in it) and its total (stacks it is
// on, counted once per stack even when it recurses), of one count column.
// A stack whose count is negative counts as zero (a flame graph draws it so)
// and is only counted. Sums are exact i64s: no sum of counts >= 0 passes the
// column's sum of positive counts, which the fold keeps below 2^63
// (tables/column-sums.ts). The stacks are read in their structure's own order
// (output/stacks.ts): no sort, no text.

import { allocBytes, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";
import { stacksBegin, stackId, stackPath, stackFirst, stackSecond, path } from "./stacks";
import { inRuns } from "../util/runs";

let keys: usize = 0; // u32 per frame: its key (keySumsKeys), or 0: each frame is its own key
let sums: usize = 0; // per key: i64 self, i64 total
let stamps: usize = 0; // u32 per key: 1 + the last stack that counted it; 0 when no stack did
let keyCount: u32 = 0;
let stacks: u32 = 0;
let negatives: u32 = 0;
let samples: i64 = 0;

/** A u32 per frame, each its own key at first, for the caller to map frames onto others' keys; the next keySums() reads and frees it. */
export function keySumsKeys(): usize {
  freeBytes(keys);
  keys = allocBytes(<usize>frameTable.count << 2);
  for (let i: u32 = 0; i < frameTable.count; i++) store<u32>(keys + (<usize>i << 2), i);
  return keys;
}

/** Sums every stack's count of the second column (`second`) or the first, per key. */
export function keySums(second: bool): void {
  freeBytes(sums);
  freeBytes(stamps);
  keyCount = frameTable.count; // keys are frame ids (one frame of each shared key stands for it)
  sums = allocBytes(<usize>keyCount << 4);
  stamps = allocBytes(<usize>keyCount << 2);
  negatives = 0;
  samples = 0;
  secondColumn = second;
  stacks = stacksBegin(false);
  inRuns(stacks, sumRun); // in order: stackId() walks the tree's stacks forward
  freeBytes(keys);
  keys = 0;
}

let secondColumn = false;

// Stacks [lo, hi) into the sums.
function sumRun(lo: u32, hi: u32): void {
  for (let i = lo; i < hi; i++) {
    const id = stackId(i);
    const count = secondColumn ? stackSecond(id) : stackFirst(id);
    if (count < 0) {
      negatives++;
      continue;
    }
    samples += count;
    const len = stackPath(id, false); // root first
    for (let j: u32 = 0; j < len; j++) {
      let k = load<u32>(path + (<usize>j << 2));
      if (keys != 0) k = load<u32>(keys + (<usize>k << 2));
      const s = sums + (<usize>k << 4);
      if (j == len - 1) store<i64>(s, load<i64>(s) + count);
      const stamp = stamps + (<usize>k << 2);
      if (load<u32>(stamp) == i + 1) continue; // already on this stack
      store<u32>(stamp, i + 1);
      store<i64>(s, load<i64>(s, 8) + count, 8);
    }
  }
}

/** Per key, i64 self and i64 total. */
export function keySumsPtr(): usize { return sums; }
/** Per key, u32: 0 when no stack (of a count >= 0) had it. */
export function keySumsStamps(): usize { return stamps; }
export function keySumsCount(): u32 { return keyCount; }
export function keySumsStacks(): u32 { return stacks; }
export function keySumsNegatives(): u32 { return negatives; }
export function keySumsSamples(): i64 { return samples; }
