// The flame graph's geometry in samples, from the frames the core prepared
// (CollapseResult.layoutViews: totals, pruning and sibling order done in wasm).
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

import { GAP_FRAME, ROOT_FRAME, type LayoutViews } from '../api/collapse.js';

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
function scaleOf(options: LayoutOptions, samples: number): number {
  return options.total !== undefined && options.total > samples ? options.total : samples;
}

/**
 * Lays out the frames the core prepared: `views` is given the minimum width
 * in samples as a function of the sum of the counts.
 */
export function layoutViews(views: (minimum: (samples: number) => number) => LayoutViews, options: LayoutOptions): Layout {
  const v = views((samples) => minimumSamples(options, scaleOf(options, samples)));
  const { frame, self: own, total, keptIndex, keptCount, offsets, list } = v;
  const firstSelf = v.base ? v.base.self : v.self;
  const layout = emptyLayout(keptCount, v, scaleOf(options, v.samples));
  if (keptCount === 0) return layout;
  const names = layout.names as Uint8Array[];
  const nameIds = new Int32Array(v.nameCount).fill(-1); // the core's frame id → name id (-1: none yet)
  const base = v.base ? { value: new Float64Array(keptCount), self: new Float64Array(keptCount) } : undefined;
  if (base) layout.base = base;
  const ev = v.exact;
  const exact: ExactLayout | undefined = ev && {
    value: new BigInt64Array(keptCount),
    self: new BigInt64Array(keptCount),
    ...(ev.base && { base: { value: new BigInt64Array(keptCount), self: new BigInt64Array(keptCount) } }),
    samples: ev.samples,
    scale: ev.scale,
  };
  if (exact) layout.exact = exact;
  const exactFirstSelf = ev && (ev.base ? ev.base.self : ev.self);

  // Depth-first, with a running sum of samples as flamegraph.pl's `$time` over its sorted lines:
  // a frame starts at the sum so far, adds its own samples first, then its children's; its width
  // is the sum at its end less the sum at its start (so fractional counts round as there).
  const stackNode = new Uint32Array(keptCount);
  const stackOut = new Uint32Array(keptCount);
  const stackNext = new Uint32Array(keptCount);
  let sp = 0;
  let out = 0;
  let time = 0;
  let maxDepth = 0;
  const enter = (node: number, depth: number): void => {
    const selfValue = own[node]! > 0 ? own[node]! : 0;
    let f = ROOT_FRAME;
    if (node !== 0) {
      const id = frame[node]!;
      const known = nameIds[id]!;
      if (known >= 0) f = known;
      else {
        f = names.length;
        nameIds[id] = f;
        names.push(v.name(id).slice()); // copied: the layout outlives the views
      }
    }
    layout.frame[out] = f;
    layout.depth[out] = depth;
    layout.start[out] = time;
    layout.self[out] = selfValue;
    if (base) {
      base.value[out] = v.base!.total[node]!;
      base.self[out] = firstSelf[node]!;
    }
    if (exact) {
      // A kept frame's total is its value: one stack at most ends at a node, so its own count clamps as the sweep's.
      exact.value[out] = ev!.total[node]!;
      exact.self[out] = ev!.self[node]! > 0n ? ev!.self[node]! : 0n;
      if (exact.base) {
        exact.base.value[out] = ev!.base!.total[node]!;
        exact.base.self[out] = exactFirstSelf![node]!;
      }
    }
    if (depth > maxDepth) maxDepth = depth;
    time += selfValue;
    stackNode[sp] = node;
    stackOut[sp] = out++;
    stackNext[sp++] = offsets[keptIndex[node]! - 1]!;
  };
  enter(0, 0);
  while (sp > 0) {
    const top = sp - 1;
    const node = stackNode[top]!;
    const next = stackNext[top]!;
    if (next < offsets[keptIndex[node]!]!) {
      stackNext[top] = next + 1;
      const child = list[next]!;
      if (keptIndex[child]) {
        enter(child, sp);
      } else {
        time += total[child]!;
        if (frame[child] === GAP_FRAME) {
          const at = stackOut[top]!;
          layout.self[at]! += total[child]!;
          if (base) base.self[at]! += firstSelf[child]!;
          if (exact) {
            exact.self[at]! += ev!.total[child]!;
            if (exact.base) exact.base.self[at]! += exactFirstSelf![child]!;
          }
        }
      }
    } else {
      const i = stackOut[top]!;
      layout.value[i] = time - layout.start[i]!;
      sp--;
    }
  }
  layout.count = out;
  layout.maxDepth = maxDepth;
  return layout;
}

function emptyLayout(count: number, v: LayoutViews, scale: number): Layout {
  return {
    count: 0,
    frame: new Uint32Array(count),
    depth: new Uint32Array(count),
    start: new Float64Array(count),
    value: new Float64Array(count),
    self: new Float64Array(count),
    names: [],
    samples: v.samples,
    scale,
    maxDepth: 0,
    negativeStacks: v.negatives,
    twoCounts: v.base !== undefined,
    maxDelta: v.maxDelta,
  };
}
