// An independent layout preparation, as an oracle for the core's
// (assembly/output/{stacks,sweep,layout}.ts): the call tree copied out of the
// core (or, for a flame chart, folded text parsed again here) is reversed,
// totalled, pruned and ordered in JavaScript, by the algorithms flamefold used
// before the core did all of it. It yields the same views the core gives, so
// both go through the same placement (src/render/placement.ts).

import type { TreeArrays } from '../../src/core.js';
import { GAP_FRAME, type LayoutViews } from '../../src/api/collapse.js';

/** A call tree to lay out. */
export interface OracleTree extends TreeArrays {
  twoCounts: boolean;
  /** Children are already in drawing order (a flame chart's time order): do not sort them by name. */
  ordered?: boolean;
}

/** --reverse: every stack read leaf first, built as a new call tree over the same frame names. */
export function reverseTree(tree: OracleTree): OracleTree {
  const { parent, frame, self, self2 } = tree;
  const frames = tree.names.length + 1;
  const parents: number[] = [0];
  const framesOut: number[] = [frame[0]!];
  const selfOut: number[] = [0];
  const self2Out: number[] = [0];
  const index = new Map<number, number>();
  const childOf = (p: number, f: number): number => {
    const key = p * frames + f;
    let node = index.get(key);
    if (node === undefined) {
      node = parents.length;
      index.set(key, node);
      parents.push(p);
      framesOut.push(f);
      selfOut.push(0);
      self2Out.push(0);
    }
    return node;
  };
  for (let i = 0; i < parent.length; i++) {
    if (self[i] === 0 && self2[i] === 0) continue; // a stack without counts is not drawn reversed
    let node = 0;
    for (let v = i; v !== 0; v = parent[v]!) node = childOf(node, frame[v]!);
    selfOut[node]! += self[i]!;
    self2Out[node]! += self2[i]!;
  }
  return {
    parent: Uint32Array.from(parents),
    frame: Uint32Array.from(framesOut),
    self: Float64Array.from(selfOut),
    self2: Float64Array.from(self2Out),
    names: tree.names,
    twoCounts: tree.twoCounts,
  };
}

// flamegraph.pl's line rule: one blank, then the count at the very end.
const COUNT = /^(.*)[ \t\n\v\f\r](-?\d+(?:\.\d*)?)$/s;

/**
 * A flame chart of folded text, as flamegraph.pl draws one: each line's stack
 * merged only with the line before it, its samples a run of its leaf's own
 * samples (a GAP_FRAME child), the same stack again continuing that run.
 */
export function flameChartTree(folded: string, reverse: boolean): OracleTree {
  const frameIds = new Map<string, number>();
  const names: Uint8Array[] = [];
  const parent = [0];
  const frame = [0xffffffff];
  const self = [0];
  const self2 = [0];
  let twoCounts = false;
  let pathNodes: number[] = [];
  let pathFrames: number[] = [];
  let lastGap = -1;
  const intern = (name: string): number => {
    let id = frameIds.get(name);
    if (id === undefined) {
      id = names.length;
      frameIds.set(name, id);
      names.push(Buffer.from(name, 'latin1'));
    }
    return id;
  };
  const newNode = (p: number, f: number): number => {
    parent.push(p);
    frame.push(f);
    self.push(0);
    self2.push(0);
    return parent.length - 1;
  };
  for (let line of folded.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    const m = COUNT.exec(line);
    if (!m) continue;
    let stack = m[1]!;
    let n = Number(m[2]);
    let n2: number | undefined;
    const m2 = COUNT.exec(stack);
    if (m2) {
      stack = m2[1]!;
      n2 = n;
      n = Number(m2[2]);
      twoCounts = true;
    }
    const frames = stack === '' ? [] : stack.split(';').map(intern);
    if (reverse) frames.reverse();
    let same = 0;
    while (same < frames.length && same < pathFrames.length && frames[same] === pathFrames[same]) same++;
    const nodes = pathNodes.slice(0, same);
    for (let d = same; d < frames.length; d++) nodes.push(newNode(d === 0 ? 0 : nodes[d - 1]!, frames[d]!));
    const repeated = same === frames.length && same === pathFrames.length && lastGap >= 0;
    const gap = repeated ? lastGap : newNode(frames.length === 0 ? 0 : nodes[frames.length - 1]!, GAP_FRAME);
    self[gap]! += n;
    self2[gap]! += n2 ?? n;
    lastGap = gap;
    pathNodes = nodes;
    pathFrames = frames;
  }
  return {
    parent: Uint32Array.from(parent),
    frame: Uint32Array.from(frame),
    self: Float64Array.from(self),
    self2: twoCounts ? Float64Array.from(self2) : new Float64Array(parent.length),
    names,
    twoCounts,
    ordered: true,
  };
}

/** The views the core would give for a tree: totals, the frames at least `minimum(samples)` wide, their children in order. */
export function oracleViews(tree: OracleTree): (minimum: (samples: number) => number) => LayoutViews {
  return (minimum) => {
    const n = tree.parent.length;
    const { parent, twoCounts } = tree;
    const own = twoCounts ? tree.self2 : tree.self; // widths use the second count, as flamegraph.pl's
    const total = new Float64Array(n);
    let negatives = 0;
    for (let i = n - 1; i > 0; i--) {
      const v = own[i]!;
      const t = total[i]! + (v > 0 ? v : 0);
      if (v < 0) negatives++;
      total[i] = t;
      total[parent[i]!]! += t;
    }
    if (own[0]! < 0) negatives++;
    else total[0]! += own[0]!;
    const samples = total[0]!;
    const min = minimum(samples);
    const kept = samples >= min ? keptFrames(tree, total, min) : { keptIndex: new Uint32Array(n), keptCount: 0, offsets: new Uint32Array(1), list: new Uint32Array(0) };
    if (!tree.ordered) sortSiblings(tree, kept);
    return {
      frame: tree.frame,
      self: own,
      total,
      ...(twoCounts && { base: { self: tree.self, total: baseTotals(tree) } }),
      ...kept,
      samples,
      negatives,
      maxDelta: twoCounts ? maxStackDelta(tree) : 1,
      name: (f) => tree.names[f]!,
      nameCount: tree.names.length,
    };
  };
}

interface Kept {
  keptIndex: Uint32Array;
  keptCount: number;
  offsets: Uint32Array;
  list: Uint32Array;
}

/** The frames at least `min` wide (never an own-samples run), and the children of each, in node order. */
function keptFrames(tree: OracleTree, total: Float64Array, min: number): Kept {
  const { parent, frame } = tree;
  const n = parent.length;
  const keptIndex = new Uint32Array(n);
  const children: number[][] = [[]];
  keptIndex[0] = 1;
  for (let i = 1; i < n; i++) {
    const k = keptIndex[parent[i]!]!;
    if (k === 0) continue;
    if (total[i]! >= min && frame[i] !== GAP_FRAME) {
      children.push([]);
      keptIndex[i] = children.length;
    }
    children[k - 1]!.push(i);
  }
  const offsets = new Uint32Array(children.length + 1);
  for (let k = 0; k < children.length; k++) offsets[k + 1] = offsets[k]! + children[k]!.length;
  return { keptIndex, keptCount: children.length, offsets, list: Uint32Array.from(children.flat()) };
}

/** Orders siblings as flamegraph.pl's sorted lines would: by the name, then a blank where some stack ends, else ';'. */
function sortSiblings(tree: OracleTree, kept: Kept): void {
  const key = (node: number): string => {
    const name = Buffer.from(tree.names[tree.frame[node]!]!).toString('latin1'); // one char per byte: byte order
    const ends = tree.self[node] !== 0 || (tree.twoCounts && tree.self2[node] !== 0);
    return name + (ends ? ' ' : ';');
  };
  for (let k = 0; k < kept.keptCount; k++) {
    const siblings = kept.list.subarray(kept.offsets[k]!, kept.offsets[k + 1]!);
    const keyed = Array.from(siblings, (node) => ({ node, key: key(node) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.node - b.node));
    siblings.set(keyed.map((s) => s.node));
  }
}

/** Totals of the first count column (two-count input). */
function baseTotals(tree: OracleTree): Float64Array {
  const t = tree.self.map((v) => (v > 0 ? v : 0));
  for (let i = tree.parent.length - 1; i > 0; i--) t[tree.parent[i]!]! += t[i]!;
  return t;
}

/** The largest change between the two counts of any stack, never below 1. */
function maxStackDelta(tree: OracleTree): number {
  let max = 1;
  for (let i = 0; i < tree.parent.length; i++) max = Math.max(max, Math.abs(tree.self2[i]! - tree.self[i]!));
  return max;
}
