// An independent reading of `flamefold compare`'s sums, for the tests: per
// frame of a call tree copied to JavaScript, its self and total counts (total
// once per stack, found by a depth-first walk that knows which frames are
// open). The core sums the same from its stacks (assembly/output/frame-sums.ts).

import { compareSums, type ColumnSums, type CompareResult } from '../../src/api/compare.js';
import type { TreeArrays } from '../../src/core.js';

/** Per-frame self and total counts of one count column of a call tree. */
function frameSums(tree: TreeArrays, column: 'self' | 'self2'): ColumnSums {
  const { parent, frame } = tree;
  const counts = tree[column];
  const n = parent.length;
  const frames = tree.names.length;
  // Inclusive totals: parent < child, so one backwards pass sums every subtree.
  const inclusive = Float64Array.from(counts);
  for (let i = n - 1; i > 0; i--) inclusive[parent[i]!]! += inclusive[i]!;
  // Children lists (counting sort by parent), for a depth-first walk that knows which frames are open.
  const start = new Uint32Array(n + 1);
  for (let i = 1; i < n; i++) start[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const children = new Uint32Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) children[fill[parent[i]!]!++] = i;
  const self = new Float64Array(frames);
  const total = new Float64Array(frames);
  const open = new Uint32Array(frames); // how many ancestors of the current node have this frame
  const stack: number[] = [];
  const next = new Uint32Array(n); // next child index to visit, per node on the stack
  for (let c = start[0]!; c < start[1]!; c++) stack.push(children[c]!);
  // Iterative DFS: a node is entered when pushed first time, left when its children are done.
  const entered = new Uint8Array(n);
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    const f = frame[node]!;
    if (!entered[node]) {
      entered[node] = 1;
      self[f]! += counts[node]!;
      if (open[f] === 0) total[f]! += inclusive[node]!;
      open[f]!++;
      next[node] = start[node]!;
    }
    if (next[node]! < start[node + 1]!) {
      stack.push(children[next[node]!++]!);
    } else {
      open[f]!--;
      stack.pop();
    }
  }
  return { self, total, all: inclusive[0] ?? 0 };
}

/** Compares two folded call-tree columns (base = first, new = second). */
export function compareTree(tree: TreeArrays, threshold = 2): CompareResult {
  return compareSums(frameSums(tree, 'self'), frameSums(tree, 'self2'), (f) => tree.names[f]!, tree.names.length, threshold);
}

