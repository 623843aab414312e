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

import type { TreeArrays } from '../core.js';

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
  /** Raw frame names by frame-name id. */
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

/** Lays out a call tree: totals, pruning, sibling order, positions. */
export function layoutTree(tree: LayoutTree, options: LayoutOptions): Layout {
  const n = tree.parent.length;
  const { parent, frame, twoCounts } = tree;
  // Widths use the second count of two-count input, as flamegraph.pl does.
  const own = twoCounts ? tree.self2 : tree.self;
  const total = new Float64Array(n);
  let negativeStacks = 0;
  for (let i = 0; i < n; i++) {
    const v = own[i]!;
    if (v < 0) negativeStacks++;
    total[i] = v > 0 ? v : 0;
  }
  for (let i = n - 1; i > 0; i--) total[parent[i]!]! += total[i]!;
  const samples = n > 0 ? total[0]! : 0;
  const scale = options.total !== undefined && options.total > samples ? options.total : samples;
  const minSamples = minimumSamples(options, scale);

  // Kept frames: a parent is at least as wide as its children, so this is a pruned subtree.
  const isKept = new Uint8Array(n);
  let keptCount = 0;
  if (n > 0 && samples >= minSamples) {
    isKept[0] = 1;
    keptCount = 1;
    for (let i = 1; i < n; i++) {
      if (total[i]! >= minSamples && frame[i] !== GAP_FRAME) {
        isKept[i] = 1;
        keptCount++;
      }
    }
  }
  // Every child of a kept frame takes its place, drawn or not: the frames after it start after it.
  const children = childLists(parent, isKept, n);
  if (!tree.ordered) sortSiblings(children, tree, isKept);

  const layout = emptyLayout(keptCount, tree, samples, scale, negativeStacks);
  if (keptCount === 0) return layout;
  const baseTotal = twoCounts ? baseTotals(tree) : undefined;
  if (twoCounts) layout.base = { value: new Float64Array(keptCount), self: new Float64Array(keptCount) };

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
    layout.frame[out] = node === 0 ? ROOT_FRAME : frame[node]!;
    layout.depth[out] = depth;
    layout.start[out] = time;
    layout.self[out] = selfValue;
    if (layout.base && baseTotal) {
      layout.base.value[out] = baseTotal[node]!;
      layout.base.self[out] = tree.self[node]!;
    }
    if (depth > maxDepth) maxDepth = depth;
    time += selfValue;
    stackNode[sp] = node;
    stackOut[sp] = out++;
    stackNext[sp++] = children.offsets[node]!;
  };
  enter(0, 0);
  while (sp > 0) {
    const top = sp - 1;
    const node = stackNode[top]!;
    const next = stackNext[top]!;
    if (next < children.offsets[node + 1]!) {
      stackNext[top] = next + 1;
      const child = children.list[next]!;
      if (isKept[child]) {
        enter(child, sp);
      } else {
        time += total[child]!;
        if (frame[child] === GAP_FRAME) {
          layout.self[stackOut[top]!]! += total[child]!;
          if (layout.base) layout.base.self[stackOut[top]!]! += tree.self[child]!;
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

function emptyLayout(count: number, tree: LayoutTree, samples: number, scale: number, negativeStacks: number): Layout {
  return {
    count: 0,
    frame: new Uint32Array(count),
    depth: new Uint32Array(count),
    start: new Float64Array(count),
    value: new Float64Array(count),
    self: new Float64Array(count),
    names: tree.names,
    samples,
    scale,
    maxDepth: 0,
    negativeStacks,
    twoCounts: tree.twoCounts,
    maxDelta: tree.twoCounts ? maxStackDelta(tree) : 1,
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
  /** Children of node v are list[offsets[v] .. offsets[v+1]). */
  offsets: Uint32Array;
  list: Uint32Array;
}

/** Children of each kept node (compressed rows), in node-id order. */
function childLists(parent: Uint32Array, isKept: Uint8Array, n: number): ChildLists {
  const offsets = new Uint32Array(n + 1);
  let count = 0;
  for (let i = 1; i < n; i++) {
    if (isKept[parent[i]!]) {
      offsets[parent[i]! + 1]!++;
      count++;
    }
  }
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const list = new Uint32Array(count);
  for (let i = 1; i < n; i++) if (isKept[parent[i]!]) list[fill[parent[i]!]!++] = i;
  return { offsets, list };
}

/** Orders each node's children as flamegraph.pl's sorted lines would. */
function sortSiblings(children: ChildLists, tree: LayoutTree, isKept: Uint8Array): void {
  const { offsets, list } = children;
  const ranks = siblingRanks(tree, list);
  const rankOf = (node: number): number => {
    const endsHere = tree.self[node] !== 0 || tree.self2[node] !== 0;
    return ranks[tree.frame[node]! * 2 + (endsHere ? 0 : 1)]!;
  };
  // rank * 2^32 + node sorts by rank as a plain number and gives the node back exactly,
  // as long as it stays below 2^53 (fewer than 2^20 distinct names).
  const packed = ranks.length <= 2 ** 21;
  const key = new Float64Array(packed ? list.length : 0);
  for (let v = 0; v + 1 < offsets.length; v++) {
    if (!isKept[v]) continue;
    const from = offsets[v]!;
    const to = offsets[v + 1]!;
    if (to - from < 2) continue;
    if (!packed) {
      const seg = Array.from(list.subarray(from, to)).sort((a, b) => rankOf(a) - rankOf(b));
      list.set(seg, from);
      continue;
    }
    for (let c = from; c < to; c++) key[c] = rankOf(list[c]!) * 4294967296 + list[c]!;
    const seg = key.subarray(from, to).sort();
    for (let c = from; c < to; c++) list[c] = seg[c - from]! % 4294967296;
  }
}

/**
 * Rank of each (frame name, following character) pair among the names of the
 * frames to order: index 2f is the name followed by a blank, 2f+1 by `;`.
 */
function siblingRanks(tree: LayoutTree, nodes: Uint32Array): Uint32Array {
  const frames = tree.names.length;
  const used = new Uint8Array(frames);
  for (const node of nodes) used[tree.frame[node]!] = 1;
  const keys: string[] = [];
  for (let f = 0; f < frames; f++) {
    if (!used[f]) continue;
    const bytes = tree.names[f]!;
    // latin1 keeps one UTF-16 unit per byte, so string order is byte order.
    const name = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    keys.push(name + ' ' + tag(2 * f), name + ';' + tag(2 * f + 1));
  }
  keys.sort();
  const ranks = new Uint32Array(2 * frames);
  for (let r = 0; r < keys.length; r++) {
    const k = keys[r]!;
    const id = (k.charCodeAt(k.length - 2) - 0x100) * 0x8000 + (k.charCodeAt(k.length - 1) - 0x100);
    ranks[id] = r;
  }
  return ranks;
}

// Two characters above latin1 that carry an id through the sort without changing the order of distinct names.
function tag(id: number): string {
  return String.fromCharCode(0x100 + (id >>> 15), 0x100 + (id & 0x7fff));
}
