// The flame graph's geometry in samples, computed from the call tree.
//
// A frame is a tree node: frames are merged by (parent, name), so a frame is
// never split into two boxes (flamegraph.pl sorts whole folded lines, so `b`
// is drawn twice when a sibling `b.x` sorts between its lines). Siblings are
// ordered as flamegraph.pl's line sort orders them: bytewise by name, where
// the name is followed by the character that follows it in its first folded
// line — a blank when some stack ends at the frame, else `;`. Within a frame,
// its own samples come first (left), then its children, as in flamegraph.pl.
// Frames narrower than the minimum width are pruned before anything is drawn;
// counts are f64 throughout, so fractional counts stay exact.

import type { LayoutViews, TreeArrays } from '../core.js';

/** Frame id of the root node (it has no name of its own). */
export const ROOT_FRAME = 0xffffffff;
/**
 * Frame id of a flame chart's own-samples run: a child that is never drawn but
 * takes its place among its siblings, adding to its parent's own samples (in a
 * flame chart a frame's own samples fall between its children, in time order).
 */
export const GAP_FRAME = 0xfffffffe;

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
  /** Frame-name id of each frame (ROOT_FRAME for the root); an index into `names`. */
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
  /** Raw frame names by frame-name id (those of the frames drawn; others may be missing). */
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

/** The call tree as the layout needs it (the collapse result's tree, or one derived from it). */
export interface LayoutTree extends TreeArrays {
  twoCounts: boolean;
  /** Children are already in drawing order (a flame chart's input order): do not sort them by name. */
  ordered?: boolean;
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
 * A call tree reduced to what the layout walks: every node's total, and the
 * frames at least the minimum width (`keptIndex` 1-based, 0 when pruned) with
 * their children. Made in JavaScript from a tree, or by the core in place.
 */
interface PrunedTree {
  frame: Uint32Array;
  /** Own counts of the width column, and of the first column (the same array for one count). */
  own: Float64Array;
  self: Float64Array;
  /** Second column's own counts (two-count input), for "does a stack end here". */
  self2: Float64Array | undefined;
  total: Float64Array;
  keptIndex: Uint32Array;
  keptCount: number;
  offsets: Uint32Array;
  list: Uint32Array;
  name(frame: number): Uint8Array;
  nameCount: number;
  samples: number;
  negativeStacks: number;
  twoCounts: boolean;
  ordered: boolean;
  /** Two-count input: first-column totals by node, and the largest change of any stack. */
  baseTotal?: Float64Array;
  maxDelta: number;
}

/** Lays out a call tree: totals, pruning, sibling order, positions. */
export function layoutTree(tree: LayoutTree, options: LayoutOptions): Layout {
  const n = tree.parent.length;
  const { parent, frame, twoCounts } = tree;
  // Widths use the second count of two-count input, as flamegraph.pl does.
  const own = twoCounts ? tree.self2 : tree.self;
  // Totals in one pass from the leaves up (a child's id is above its parent's).
  const total = new Float64Array(n);
  let negativeStacks = 0;
  for (let i = n - 1; i > 0; i--) {
    const v = own[i]!;
    const t = total[i]! + (v > 0 ? v : 0);
    if (v < 0) negativeStacks++;
    total[i] = t;
    total[parent[i]!]! += t;
  }
  if (n > 0) {
    if (own[0]! < 0) negativeStacks++;
    else total[0]! += own[0]!;
  }
  const samples = n > 0 ? total[0]! : 0;
  const minSamples = minimumSamples(options, scaleOf(options, samples));
  const kept = n > 0 && samples >= minSamples ? keptFrames(tree, total, minSamples) : undefined;
  return layoutPruned(
    {
      frame,
      own,
      self: tree.self,
      self2: twoCounts ? tree.self2 : undefined,
      total,
      keptIndex: kept?.keptIndex ?? new Uint32Array(n),
      keptCount: kept?.keptCount ?? 0,
      offsets: kept?.children.offsets ?? new Uint32Array(1),
      list: kept?.children.list ?? new Uint32Array(0),
      name: (f) => tree.names[f]!,
      nameCount: tree.names.length,
      samples,
      negativeStacks,
      twoCounts,
      ordered: tree.ordered ?? false,
      baseTotal: twoCounts ? baseTotals(tree) : undefined,
      maxDelta: twoCounts ? maxStackDelta(tree) : 1,
    },
    options,
  );
}

/**
 * Lays out frames the core has prepared (totals, pruning and sibling order
 * done in wasm); undefined when the core could not prepare them.
 */
export function layoutViews(
  views: (minimum: (samples: number) => number) => LayoutViews | undefined,
  options: LayoutOptions,
): Layout | undefined {
  const v = views((samples) => minimumSamples(options, scaleOf(options, samples)));
  if (!v) return undefined;
  return layoutPruned(
    {
      frame: v.frame,
      own: v.self,
      self: v.base ? v.base.self : v.self,
      self2: v.base ? v.self : undefined,
      total: v.total,
      keptIndex: v.keptIndex,
      keptCount: v.keptCount,
      offsets: v.offsets,
      list: v.list,
      // Copied: the layout outlives the views.
      name: (f) => v.name(f).slice(),
      nameCount: v.nameCount,
      samples: v.samples,
      negativeStacks: v.negatives,
      twoCounts: v.base !== undefined,
      ordered: true,
      ...(v.base && { baseTotal: v.base.total }),
      maxDelta: v.maxDelta,
    },
    options,
  );
}

/** Sibling order, then positions: a depth-first walk of the kept frames. */
function layoutPruned(t: PrunedTree, options: LayoutOptions): Layout {
  const { frame, own, total, keptIndex, keptCount, offsets, list } = t;
  const layout = emptyLayout(keptCount, t, scaleOf(options, t.samples));
  if (keptCount === 0) return layout;
  if (!t.ordered) sortSiblings(t);
  const names = layout.names as Uint8Array[];
  const base = t.twoCounts ? { value: new Float64Array(keptCount), self: new Float64Array(keptCount) } : undefined;
  if (base) layout.base = base;

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
    const f = node === 0 ? ROOT_FRAME : frame[node]!;
    layout.frame[out] = f;
    if (f !== ROOT_FRAME && names[f] === undefined) names[f] = t.name(f);
    layout.depth[out] = depth;
    layout.start[out] = time;
    layout.self[out] = selfValue;
    if (base && t.baseTotal) {
      base.value[out] = t.baseTotal[node]!;
      base.self[out] = t.self[node]!;
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
          layout.self[stackOut[top]!]! += total[child]!;
          if (base) base.self[stackOut[top]!]! += t.self[child]!;
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

function emptyLayout(count: number, t: PrunedTree, scale: number): Layout {
  return {
    count: 0,
    frame: new Uint32Array(count),
    depth: new Uint32Array(count),
    start: new Float64Array(count),
    value: new Float64Array(count),
    self: new Float64Array(count),
    names: new Array<Uint8Array>(t.nameCount),
    samples: t.samples,
    scale,
    maxDepth: 0,
    negativeStacks: t.negativeStacks,
    twoCounts: t.twoCounts,
    maxDelta: t.maxDelta,
  };
}

/** The largest change between the two counts of any stack, never below 1 (as flamegraph.pl's $maxdelta). */
function maxStackDelta(tree: LayoutTree): number {
  let max = 1;
  for (let i = 0; i < tree.parent.length; i++) {
    const d = Math.abs(tree.self2[i]! - tree.self[i]!);
    if (d > max) max = d;
  }
  return max;
}

/** Totals of the first count column (two-count input). */
function baseTotals(tree: LayoutTree): Float64Array {
  const n = tree.parent.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = tree.self[i]! > 0 ? tree.self[i]! : 0;
  for (let i = n - 1; i > 0; i--) t[tree.parent[i]!]! += t[i]!;
  return t;
}

interface ChildLists {
  /** Children of the kept node with index k (keptIndex - 1) are list[offsets[k] .. offsets[k+1]). */
  offsets: Uint32Array;
  list: Uint32Array;
}

/**
 * One pass in node order (a parent comes before its children): keptIndex[node] is
 * 1 + the node's index among the kept ones (0 when pruned), and each kept node's
 * children (pruned ones included) are gathered in node-id order.
 */
function keptFrames(tree: LayoutTree, total: Float64Array, minSamples: number): { keptIndex: Uint32Array; keptCount: number; children: ChildLists } {
  const { parent, frame } = tree;
  const n = parent.length;
  const keptIndex = new Uint32Array(n);
  let keptCount = 1;
  keptIndex[0] = 1;
  // Children as linked lists while scanning (the count per parent is unknown until the end).
  let cap = 1024;
  let childNode: Uint32Array = new Uint32Array(cap);
  let childNext: Int32Array = new Int32Array(cap);
  let heads: Int32Array = new Int32Array(1024).fill(-1);
  let tails: Int32Array = new Int32Array(1024).fill(-1);
  let slots = 0;
  for (let i = 1; i < n; i++) {
    const k = keptIndex[parent[i]!]!;
    if (k === 0) continue;
    if (total[i]! >= minSamples && frame[i] !== GAP_FRAME) {
      keptIndex[i] = ++keptCount;
      if (keptCount > heads.length) {
        heads = grow(heads, -1);
        tails = grow(tails, -1);
      }
    }
    if (slots === cap) {
      cap *= 2;
      childNode = growTo(childNode, cap);
      childNext = growTo(childNext, cap);
    }
    childNode[slots] = i;
    childNext[slots] = -1;
    if (tails[k - 1]! < 0) heads[k - 1] = slots;
    else childNext[tails[k - 1]!] = slots;
    tails[k - 1] = slots++;
  }
  const offsets = new Uint32Array(keptCount + 1);
  const list = new Uint32Array(slots);
  let at = 0;
  for (let k = 0; k < keptCount; k++) {
    offsets[k] = at;
    for (let c = heads[k]!; c >= 0; c = childNext[c]!) list[at++] = childNode[c]!;
  }
  offsets[keptCount] = at;
  return { keptIndex, keptCount, children: { offsets, list } };
}

function grow(a: Int32Array, fill: number): Int32Array {
  const b = new Int32Array(a.length * 2).fill(fill);
  b.set(a);
  return b;
}

/** A copy of a typed array in a larger one. */
export function growTo<T extends Uint32Array | Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * Orders each kept node's children as flamegraph.pl's sorted lines would: by
 * the name followed by the character after it in the child's first line.
 */
function sortSiblings(t: PrunedTree): void {
  const { offsets, list } = t;
  const latin1 = new Array<string | undefined>(t.nameCount);
  const keyOf = (node: number): string => {
    const f = t.frame[node]!;
    let name = latin1[f];
    if (name === undefined) {
      const b = t.name(f);
      // latin1 keeps one UTF-16 unit per byte, so string order is byte order.
      latin1[f] = name = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
    }
    const endsHere = t.self[node] !== 0 || (t.self2 !== undefined && t.self2[node] !== 0);
    return endsHere ? name + ' ' : name + ';';
  };
  const keys: string[] = [];
  const order: number[] = [];
  for (let k = 0; k < t.keptCount; k++) {
    const from = offsets[k]!;
    const to = offsets[k + 1]!;
    if (to - from < 2) continue;
    keys.length = 0;
    order.length = 0;
    for (let c = from; c < to; c++) {
      keys.push(keyOf(list[c]!));
      order.push(c - from);
    }
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    const nodes = list.slice(from, to);
    for (let j = 0; j < order.length; j++) list[from + j] = nodes[order[j]!]!;
  }
}
