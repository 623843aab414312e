// The flame graph's placement in JavaScript, over the views the core prepared
// (CollapseResult.layoutViews) or views made from a tree by hand
// (layout-oracle.ts oracleViews): the oracle of the core's own placement
// (assembly/output/placement.ts), which the SVG writer uses. Same rules, an
// independent walk: frames, depths, and the doubles summed in the same order.

import { GAP_FRAME, ROOT_FRAME, type LayoutViews } from '../../src/api/collapse.js';
import { minimumSamples, scaleOf, type ExactLayout, type Layout, type LayoutOptions } from '../../src/render/placement.js';

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
  const nameIds = new Map<number, number>(); // the core's frame id → name id
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
      const known = nameIds.get(id);
      if (known !== undefined) f = known;
      else {
        f = names.length;
        nameIds.set(id, f);
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
