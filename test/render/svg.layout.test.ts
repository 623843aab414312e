// The core's layout preparation (one sweep over the stacks, wherever they are
// kept) agrees with an independent one in JavaScript (test/support/layout-oracle.ts)
// on random profiles: plain, reversed, two-count (differential) graphs and
// flame charts, with the stacks in the stack table, in the call tree, or in both.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse } from '../../src/index.js';
import { ROOT_FRAME, layoutViews, type Layout, type LayoutOptions } from '../../src/render/placement.js';
import { flameChartTree, oracleViews, reverseTree } from '../support/layout-oracle.js';

const names = ['a', 'b', 'b.x', 'a2', 'main', 'c', '', 'b x', 'z'];

function plain(l: Layout): unknown {
  const upTo = (a: Float64Array | Uint32Array) => Array.from(a.subarray(0, l.count));
  return {
    count: l.count,
    frame: upTo(l.frame),
    // Name ids are numbered as frames are drawn: the names say they are the same frames.
    names: Array.from(l.frame.subarray(0, l.count), (f) => (f === ROOT_FRAME ? null : Buffer.from(l.names[f]!).toString('latin1'))),
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

describe('layout in the core and in the JavaScript oracle', () => {
  it('give the same frames, positions and widths (property)', async () => {
    const stack = fc.array(fc.constantFrom(...names), { minLength: 0, maxLength: 5 });
    const count = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(0, 0.5, 2.25, 1e6));
    const line = fc.tuple(stack, count, count);
    const minWidth = fc.oneof(
      fc.constantFrom(0, 0.1, 1, 50).map((v) => ({ value: v, percent: false })),
      fc.constantFrom(1, 10).map((v) => ({ value: v, percent: true })),
    );
    const shape = fc.record({
      rooted: fc.boolean(),
      reverse: fc.boolean(),
      twoCounts: fc.boolean(),
      flameChart: fc.boolean(),
      // Where the stacks are kept: the table, the tree only, or some in each (a small budget).
      stackTableBytes: fc.constantFrom(undefined, 0, 60),
    });
    // Repeated lines make flame charts continue runs, and merge in the stack table.
    const lines = fc.array(line, { minLength: 1, maxLength: 25 }).chain((ls) => fc.shuffledSubarray([...ls, ...ls], { minLength: 1 }));
    await fc.assert(
      fc.asyncProperty(lines, minWidth, fc.option(fc.constantFrom(100, 1e7)), shape, async (lines, min, total, s) => {
        const folded = lines
          .map(([frames, c1, c2]) => `${(s.rooted ? ['r', ...frames] : frames).join(';')} ${c1}${s.twoCounts ? ` ${c2}` : ''}\n`)
          .join('');
        const options: LayoutOptions = { minWidth: min, plotWidth: 1180, total: total ?? undefined };
        const result = await collapse(Buffer.from(folded), {
          format: 'folded',
          keepOrder: s.flameChart,
          ...(s.stackTableBytes !== undefined && { stackTableBytes: s.stackTableBytes }),
        });
        expect(result.twoCounts).toBe(s.twoCounts);
        const reading = { reverse: s.reverse, flameChart: s.flameChart };
        const core = plain(layoutViews((m) => result.layoutViews(m, reading), options));
        const tree = s.flameChart ? flameChartTree(folded, s.reverse) : { ...result.tree(), twoCounts: s.twoCounts }; // tree() builds the call tree
        const oracle = plain(layoutViews(oracleViews(!s.flameChart && s.reverse ? reverseTree(tree) : tree), options));
        expect(core).toEqual(oracle);
        // Once the call tree is built the core reads the stacks from it: the same graph.
        expect(plain(layoutViews((m) => result.layoutViews(m, reading), options))).toEqual(oracle);
      }),
      { numRuns: 400 },
    );
  });

  it('a flame chart needs a result that kept its input order', async () => {
    const result = await collapse(Buffer.from('a;b 1\n'), { format: 'folded' });
    expect(() => result.layoutViews(() => 0, { flameChart: true })).toThrow(/keepOrder/);
  });
});
