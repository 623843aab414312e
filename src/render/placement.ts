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

import { ROOT_FRAME, type ExactPlaced, type PlacedFrames } from '../api/collapse.js';

export { ROOT_FRAME };

export interface LayoutOptions {
  /** Smallest frame drawn: `pixels` wide at `plotWidth`, or `percent` of the total. */
  minWidth: { value: number; percent: boolean };
  /** Width of the plot area in pixels (image width less padding). */
  plotWidth: number;
  /** Total to scale against instead of the sum of the counts (flamegraph.pl --total), when larger. */
  total?: number;
}

/** Frames laid out in samples, in drawing order (depth-first, root first): the core's placed frames and the scale. */
export interface Layout extends PlacedFrames {
  /** What 100% is: `samples`, or a larger --total. */
  scale: number;
}

/** Layout's counts exactly, by frame: units of 10^-scale. */
export type ExactLayout = ExactPlaced;

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
 * in samples as a function of the sum of the counts, and returns frames of
 * its own, which get the scale.
 */
export function placeLayout(placed: (minimum: (samples: number) => number) => PlacedFrames, options: LayoutOptions): Layout {
  const p = placed((samples) => minimumSamples(options, scaleOf(options, samples)));
  // Added, not spread into a copy: a spread would read every getter (the names' views, made only when read).
  return Object.assign(p, { scale: scaleOf(options, p.samples) });
}
