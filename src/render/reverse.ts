// --reverse: every stack read leaf first (flamegraph.pl reverses each folded
// line before merging), built as a new call tree over the same frame names.

import type { LayoutTree } from './placement.js';

/** The call tree of the reversed stacks. Node 0 stays the root; parent id < child id. */
export function reverseTree(tree: LayoutTree): LayoutTree {
  const { parent, frame, self, self2 } = tree;
  const frames = tree.names.length + 1;
  const parents: number[] = [0];
  const framesOut: number[] = [frame[0]!];
  const selfOut: number[] = [0];
  const self2Out: number[] = [0];
  const index = new Map<number, number>();

  const childOf = (p: number, f: number): number => {
    // p * frames + f is exact while below 2^53, far beyond any tree that fits in memory.
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
    if (self[i] === 0 && self2[i] === 0) continue;
    // Walking up from the leaf visits the frames in reversed order: that is the new root-first path.
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
