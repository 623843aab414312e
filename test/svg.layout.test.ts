// The ways to lay out a graph agree on random profiles: the core's
// preparation (totals and pruning in wasm, used for one-count results) from
// the stack table (a sweep over the sorted stacks, no call tree) and from the
// call tree (once something has built it), and the JavaScript one (used for
// reversed and two-count trees).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse } from '../src/index.js';
import { layoutTree, layoutViews, type Layout, type LayoutOptions } from '../src/render/layout.js';

const names = ['a', 'b', 'b.x', 'a2', 'main', 'c', '', 'b x', 'z'];

function plain(l: Layout): unknown {
  return {
    count: l.count,
    frame: Array.from(l.frame.subarray(0, l.count)),
    depth: Array.from(l.depth.subarray(0, l.count)),
    start: Array.from(l.start.subarray(0, l.count)),
    value: Array.from(l.value.subarray(0, l.count)),
    self: Array.from(l.self.subarray(0, l.count)),
    samples: l.samples,
    scale: l.scale,
    maxDepth: l.maxDepth,
    negativeStacks: l.negativeStacks,
  };
}

describe('layout in the core and in JavaScript', () => {
  it('give the same frames, positions and widths (property)', async () => {
    const stack = fc.array(fc.constantFrom(...names), { minLength: 0, maxLength: 5 });
    const line = fc.tuple(stack, fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(0.5, 2.25, 1e6)));
    const minWidth = fc.oneof(
      fc.constantFrom(0, 0.1, 1, 50).map((v) => ({ value: v, percent: false })),
      fc.constantFrom(1, 10).map((v) => ({ value: v, percent: true })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 25 }), minWidth, fc.option(fc.constantFrom(100, 1e7)), fc.boolean(), async (lines, min, total, rooted) => {
        const folded = lines.map(([frames, n]) => `${(rooted ? ['r', ...frames] : frames).join(';')} ${n}\n`).join('');
        const options: LayoutOptions = { minWidth: min, plotWidth: 1180, total: total ?? undefined };
        const result = await collapse(Buffer.from(folded), { format: 'folded' });
        const fromTable = plain(layoutViews((m) => result.layoutViews(m), options));
        const js = plain(layoutTree({ ...result.tree(), twoCounts: false }, options)); // builds the call tree
        const fromTree = plain(layoutViews((m) => result.layoutViews(m), options));
        expect(fromTable).toEqual(js);
        expect(fromTree).toEqual(js);
      }),
      { numRuns: 200 },
    );
  });
});
