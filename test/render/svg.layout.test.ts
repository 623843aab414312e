// The ways to lay out a graph agree on random profiles: the core's
// preparation (totals, pruning and sibling order in wasm) from the stack
// table (a sweep over the sorted stacks, no call tree) and from the call tree
// (once something has built it), and the JavaScript one over a copy of the
// tree (used for reversed and two-count stacks that outgrew the table) — for
// plain, reversed and two-count (differential) graphs.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse } from '../../src/index.js';
import { layoutTree, layoutViews, type Layout, type LayoutOptions } from '../../src/render/placement.js';
import { reverseTree } from '../../src/render/reverse.js';

const names = ['a', 'b', 'b.x', 'a2', 'main', 'c', '', 'b x', 'z'];

function plain(l: Layout | undefined): unknown {
  if (!l) return undefined;
  const upTo = (a: Float64Array | Uint32Array) => Array.from(a.subarray(0, l.count));
  return {
    count: l.count,
    frame: upTo(l.frame),
    depth: upTo(l.depth),
    start: upTo(l.start),
    value: upTo(l.value),
    self: upTo(l.self),
    base: l.base && { value: upTo(l.base.value), self: upTo(l.base.self) },
    samples: l.samples,
    scale: l.scale,
    maxDepth: l.maxDepth,
    negativeStacks: l.negativeStacks,
    twoCounts: l.twoCounts,
    maxDelta: l.maxDelta,
  };
}

describe('layout in the core and in JavaScript', () => {
  it('give the same frames, positions and widths (property)', async () => {
    const stack = fc.array(fc.constantFrom(...names), { minLength: 0, maxLength: 5 });
    const count = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(0.5, 2.25, 1e6));
    const line = fc.tuple(stack, count, count);
    const minWidth = fc.oneof(
      fc.constantFrom(0, 0.1, 1, 50).map((v) => ({ value: v, percent: false })),
      fc.constantFrom(1, 10).map((v) => ({ value: v, percent: true })),
    );
    const shape = fc.record({ rooted: fc.boolean(), reverse: fc.boolean(), twoCounts: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 25 }), minWidth, fc.option(fc.constantFrom(100, 1e7)), shape, async (lines, min, total, { rooted, reverse, twoCounts }) => {
        const folded = lines
          .map(([frames, c1, c2]) => `${(rooted ? ['r', ...frames] : frames).join(';')} ${c1}${twoCounts ? ` ${c2}` : ''}\n`)
          .join('');
        const options: LayoutOptions = { minWidth: min, plotWidth: 1180, total: total ?? undefined };
        const result = await collapse(Buffer.from(folded), { format: 'folded' });
        expect(result.twoCounts).toBe(twoCounts);
        const fromTable = plain(layoutViews((m) => result.layoutViews(m, reverse), options));
        const tree = { ...result.tree(), twoCounts }; // builds the call tree
        const js = plain(layoutTree(reverse ? reverseTree(tree) : tree, options));
        expect(fromTable).toEqual(js);
        // From the call tree the core lays out plain graphs only; the others are left to JavaScript.
        const fromTree = plain(layoutViews((m) => result.layoutViews(m, reverse), options));
        expect(fromTree).toEqual(reverse || twoCounts ? undefined : js);
      }),
      { numRuns: 300 },
    );
  });
});
