// The flame graph's geometry in samples, from the frames the core prepared
// and placed (CollapseResult.placedFrames: totals, pruning, sibling order and
// placement done in wasm, assembly/output/placement.ts; its JavaScript twin,
// over the views JS reads, is the tests' oracle: test/support/placement-oracle.ts).
//
// A frame is a node of the merged stacks: frames are merged by (parent, name),
// so a frame is never split into two boxes (flamegraph.pl sorts whole folded
// lines, so `b` is drawn twice when a sibling `b.x` sorts between its lines).
// Siblings come in flamegraph.pl's line order (or in time order in a flame
// chart). Within a frame, its own samples come first (left), then its
// children, as in flamegraph.pl; in a flame chart its own samples are runs
// between its children (GAP_FRAME children). Geometry is in doubles, as
// flamegraph.pl's; the counts a title prints come from the exact ones
// (Layout.exact), so they stay exact past 2^53 and for fractions.

import { ROOT_FRAME, type PlacedFrames } from '../api/collapse.js';

export { ROOT_FRAME };

export interface LayoutOptions {
  /** Smallest frame drawn: `pixels` wide at `plotWidth`, or `percent` of the total. */
  minWidth: { value: number; percent: boolean };
  /** Width of the plot area in pixels (image width less padding). */
  plotWidth: number;
  /** Total to scale against instead of the sum of the counts (flamegraph.pl --total), when larger. */
  total?: number;
}

/** Frames laid out in samples, in drawing order (depth-first, root first). Arrays are indexed by frame. */
export interface Layout {
  /** Frames kept. */
  count: number;
  /**
   * Name id of each frame (ROOT_FRAME for the root): an index into `names`. Ids are
   * numbered in drawing order, so a profile of millions of names costs only those drawn.
   */
  frame: Uint32Array;
  depth: Uint32Array;
  /** Left edge, in samples from the left of the graph. */
  start: Float64Array;
  /** Width in samples: the frame's total (its own samples plus its children's). */
  value: Float64Array;
  /** The frame's own samples. */
  self: Float64Array;
  /** Two-count input: the first column's total and own samples ("before"); widths use the second column. */
  base?: { value: Float64Array; self: Float64Array };
  /**
   * `value`, `self` and `samples` (and base's) exactly, in units of
   * 10^-scale (src/counts.ts): what titles print. Absent when the views came
   * without them (doubles exact, or test oracles).
   */
  exact?: ExactLayout;
  /** Raw names of the frames drawn, by name id. */
  names: readonly Uint8Array[];
  /** Sum of all counts. */
  samples: number;
  /** What 100% is: `samples`, or a larger --total. */
  scale: number;
  /** Deepest depth drawn (the root is depth 0). */
  maxDepth: number;
  /** Stacks whose negative count was drawn as zero. */
  negativeStacks: number;
  /** Whether the input carried two counts per stack. */
  twoCounts: boolean;
  /** Two-count input: the largest |second − first| of any stack, at least 1 (flamegraph.pl's colour scale). */
  maxDelta: number;
}

/** Layout's counts exactly, by frame: units of 10^-scale. */
export interface ExactLayout {
  value: BigInt64Array;
  self: BigInt64Array;
  base?: { value: BigInt64Array; self: BigInt64Array };
  samples: bigint;
  scale: number;
}

/** The minimum width of a frame in samples. */
export function minimumSamples(options: LayoutOptions, scale: number): number {
  const { value, percent } = options.minWidth;
  return percent ? (scale * value) / 100 : (value * scale) / options.plotWidth;
}

/** The scale (what 100% is) for a sum of counts. */
export function scaleOf(options: LayoutOptions, samples: number): number {
  return options.total !== undefined && options.total > samples ? options.total : samples;
}

/**
 * Lays out the frames the core placed: `placed` is given the minimum width
 * in samples as a function of the sum of the counts.
 */
export function placeLayout(placed: (minimum: (samples: number) => number) => PlacedFrames, options: LayoutOptions): Layout {
  const p = placed((samples) => minimumSamples(options, scaleOf(options, samples)));
  return {
    count: p.count,
    frame: p.frame,
    depth: p.depth,
    start: p.start,
    value: p.value,
    self: p.self,
    ...(p.base && { base: p.base }),
    ...(p.exact && { exact: p.exact }),
    names: p.names,
    samples: p.samples,
    scale: scaleOf(options, p.samples),
    maxDepth: p.maxDepth,
    negativeStacks: p.negatives,
    twoCounts: p.twoCounts,
    maxDelta: p.maxDelta,
  };
}
