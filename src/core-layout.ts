// A session's flame graph layout as the core prepares it (assembly/output/layout.ts:
// totals, the frames wide enough to draw, sibling order) and places it
// (output/placement.ts): CoreSession.layoutViews() and placedFrames() (src/core.ts),
// kept apart from core.ts for its length; they read the same session's exports.

import type { CoreExports, ExactViews, LayoutViews, PlacedFrames } from './core-types.js';
import { numbersOf, unitsToNumber } from './counts.js';

/** A frame name's bytes by frame id (CoreSession.names()): asked for after the calls that may grow memory. */
type Names = () => (frame: number) => Uint8Array;

/**
 * How the stacks are read: `minimum` gives the width from the sum of the counts; leaf first when
 * `reverse`, in input order when `inputOrder` (a flame chart), widths from the second count when `twoCounts`.
 */
interface Reading {
  minimum: (samples: number) => number;
  reverse: boolean;
  twoCounts: boolean;
  inputOrder: boolean;
}

/** The frames prepared (CoreSession.layoutViews), as views of wasm memory; undefined for input order when records were not logged. */
export function layoutViewsOf(c: CoreExports, names: Names, reading: Reading): LayoutViews | undefined {
  const { twoCounts } = reading;
  const kept = keepFrames(c, reading);
  if (!kept) return undefined;
  const { keptCount, samples, exact } = kept;
  const n = c.layoutNodeCount();
  const buf = c.memory.buffer; // read after the calls: memory may have grown
  const units = (ptr: number): BigInt64Array => new BigInt64Array(buf, ptr, n);
  const exactViews: ExactViews = {
    self: units(c.layoutSelfsPtr()),
    total: units(c.layoutTotalsPtr()),
    ...(twoCounts && { base: { self: units(c.layoutBaseSelfsPtr()), total: units(c.layoutBaseTotalsPtr()) } }),
    ...exact,
  };
  const numbers = (values: BigInt64Array): Float64Array => numbersOf(values, exact.scale);
  return {
    frame: new Uint32Array(buf, c.layoutFramesPtr(), n),
    self: numbers(exactViews.self),
    total: numbers(exactViews.total),
    keptIndex: new Uint32Array(buf, c.layoutKeptIndexPtr(), n),
    keptCount,
    offsets: new Uint32Array(buf, c.layoutOffsetsPtr(), keptCount + 1),
    list: new Uint32Array(buf, c.layoutListPtr(), c.layoutListLength()),
    ...(exactViews.base && { base: { self: numbers(exactViews.base.self), total: numbers(exactViews.base.total) } }),
    ...(!kept.exactInDoubles && { exact: exactViews }),
    samples,
    negatives: c.layoutNegatives(),
    maxDelta: c.layoutMaxDelta(),
    name: names(),
    nameCount: c.statFrames(),
  };
}

/** layoutViewsOf()'s frames placed by the core, in drawing order (copies). */
export function placedFramesOf(c: CoreExports, reading: Reading): PlacedFrames | undefined {
  const { twoCounts } = reading;
  const kept = keepFrames(c, reading);
  if (!kept) return undefined;
  const { keptCount: n } = kept;
  const exactInDoubles = kept.exactInDoubles || n === 0; // and nothing drawn: no columns of counts
  const nameCount = c.placeFrames(n, twoCounts ? 1 : 0, exactInDoubles ? 0 : 1);
  const nameSums = c.placeNameSums();
  const nameBlock = c.placeNameBytes();
  const buf = c.memory.buffer; // read after the calls: memory may have grown
  const u32 = (ptr: number): Uint32Array => new Uint32Array(buf, ptr, n).slice();
  const f64 = (ptr: number): Float64Array => new Float64Array(buf, ptr, n).slice();
  const i64 = (ptr: number): BigInt64Array => new BigInt64Array(buf, ptr, n).slice();
  // The names drawn in one copy. A view of each is made only when `names` is read: the SVG writer
  // reads the block whole when it is ASCII (W2: 3,366 views, about 0.5 ms and 300 KB of garbage).
  const offsets = new Uint32Array(buf, nameBlock, nameCount + 1).slice();
  const bytes = new Uint8Array(buf, nameBlock + offsets.byteLength, offsets[nameCount]).slice();
  let drawnNames: Uint8Array[] | undefined;
  const placed: PlacedFrames = {
    count: n,
    frame: u32(c.placeFramesPtr()),
    depth: u32(c.placeDepthsPtr()),
    start: f64(c.placeStartsPtr()),
    value: f64(c.placeValuesPtr()),
    self: f64(c.placeSelfsPtr()),
    ...(twoCounts && n > 0 && { base: { value: f64(c.placeBaseValuesPtr()), self: f64(c.placeBaseSelfsPtr()) } }),
    ...(!exactInDoubles && {
      exact: {
        value: i64(c.placeExactValuesPtr()),
        self: i64(c.placeExactSelfsPtr()),
        ...(twoCounts && { base: { value: i64(c.placeExactBaseValuesPtr()), self: i64(c.placeExactBaseSelfsPtr()) } }),
        ...kept.exact,
      },
    }),
    get names(): Uint8Array[] {
      if (!drawnNames) {
        drawnNames = new Array<Uint8Array>(nameCount);
        for (let k = 0; k < nameCount; k++) drawnNames[k] = bytes.subarray(offsets[k], offsets[k + 1]);
      }
      return drawnNames;
    },
    nameBlock: { bytes, offsets },
    nameSums: new Float64Array(buf, nameSums, nameCount).slice(),
    maxDepth: c.placeMaxDepth(),
    samples: kept.samples,
    twoCounts,
    negativeStacks: c.layoutNegatives(),
    maxDelta: c.layoutMaxDelta(),
  };
  c.placeFree();
  return placed;
}

// The layout's first steps (output/layout.ts): the sum of the counts, then the frames kept. Undefined as layoutViewsOf().
function keepFrames(c: CoreExports, { minimum, reverse, twoCounts, inputOrder }: Reading) {
  if (!c.layoutBegin(reverse ? 1 : 0, twoCounts ? 1 : 0, inputOrder ? 1 : 0)) return undefined;
  const exact = { samples: c.layoutSamples(), scale: c.statCountScale() };
  const samples = unitsToNumber(exact.samples, exact.scale);
  const keptCount = c.layoutKeep(minimum(samples));
  return { keptCount, samples, exact, exactInDoubles: c.statCountsExactInDoubles() !== 0 };
}
