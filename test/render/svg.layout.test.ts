// The core's layout preparation (one sweep over the stacks, wherever they are
// kept) agrees with an independent one in JavaScript (test/support/layout-oracle.ts)
// on random profiles: plain, reversed, two-count (differential) graphs and
// flame charts, with the stacks in the stack table, in the call tree, or in both.
// The core's placement of the frames (assembly/output/placement.ts) agrees with
// the JavaScript one (test/support/placement-oracle.ts), exact counts included.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse, type LayoutReading } from '../../src/index.js';
import { CollapseResult } from '../../src/api/collapse.js';
import { CoreSession } from '../../src/core.js';
import type { SessionOptionName } from '../../src/core-types.js';
import { ROOT_FRAME, placeLayout, type Layout, type LayoutOptions } from '../../src/render/placement.js';
import { flameChartTree, oracleViews, reverseTree } from '../support/layout-oracle.js';
import { layoutViews } from '../support/placement-oracle.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/**
 * The core's layout as the SVG writer takes it (placed in wasm), after checking it against the
 * JavaScript placement of the same views, exact counts and all.
 */
function coreLayout(result: CollapseResult, reading: LayoutReading, options: LayoutOptions): unknown {
  const placed = placeLayout((m) => result.placedFrames(m, reading), options);
  const js = layoutViews((m) => result.layoutViews(m, reading), options);
  expect(exactOf(placed)).toEqual(exactOf(js));
  expect(plain(placed)).toEqual(plain(js));
  return plain(placed);
}

// The exact counts of a layout (views that are not the core's have none).
function exactOf(l: Layout): unknown {
  const e = l.exact;
  const upTo = (a: BigInt64Array) => Array.from(a.subarray(0, l.count), String);
  return e && { value: upTo(e.value), self: upTo(e.self), base: e.base && { value: upTo(e.base.value), self: upTo(e.base.self) }, samples: String(e.samples), scale: e.scale };
}

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
      // Lines sorted as a folded file's are: the stack table's entries then often need no sort
      // (output/stacks.ts compareEntryNames), unless a name extends another by a byte below ';'.
      sorted: fc.boolean(),
    });
    // Repeated lines make flame charts continue runs, and merge in the stack table.
    const lines = fc.array(line, { minLength: 1, maxLength: 25 }).chain((ls) => fc.shuffledSubarray([...ls, ...ls], { minLength: 1 }));
    await fc.assert(
      fc.asyncProperty(lines, minWidth, fc.option(fc.constantFrom(100, 1e7)), shape, async (lines, min, total, s) => {
        const text = lines.map(([frames, c1, c2]) => `${(s.rooted ? ['r', ...frames] : frames).join(';')} ${c1}${s.twoCounts ? ` ${c2}` : ''}\n`);
        const folded = (s.sorted ? text.sort() : text).join('');
        const options: LayoutOptions = { minWidth: min, plotWidth: 1180, total: total ?? undefined };
        const result = await collapse(Buffer.from(folded), {
          format: 'folded',
          keepOrder: s.flameChart,
          ...(s.stackTableBytes !== undefined && { stackTableBytes: s.stackTableBytes }),
        });
        expect(result.twoCounts).toBe(s.twoCounts);
        const reading = { reverse: s.reverse, flameChart: s.flameChart };
        const core = coreLayout(result, reading, options);
        const tree = s.flameChart ? flameChartTree(folded, s.reverse) : { ...result.tree(), twoCounts: s.twoCounts }; // tree() builds the call tree
        const oracle = plain(layoutViews(oracleViews(!s.flameChart && s.reverse ? reverseTree(tree) : tree), options));
        expect(core).toEqual(oracle);
        // Once the call tree is built the core reads the stacks from it: the same graph.
        expect(coreLayout(result, reading, options)).toEqual(oracle);
      }),
      { numRuns: 400 },
    );
  });

  it('a flame chart needs a result that kept its input order', async () => {
    const result = await collapse(Buffer.from('a;b 1\n'), { format: 'folded' });
    expect(() => result.layoutViews(() => 0, { flameChart: true })).toThrow(/keepOrder/);
    expect(() => result.placedFrames(() => 0, { flameChart: true })).toThrow(/keepOrder/);
  });

  // With exact sums the sweep merges the pruned siblings between two drawn ones into one
  // undrawn child as it goes: a run's sum may be wide enough to draw while none of its
  // frames is, and which run a frame joins depends on the ending after its name (a blank
  // when a stack ends there, else ';'), for the drawn frame and for the pruned one.
  it('merges runs of pruned siblings as the oracle places them one by one', async () => {
    for (const bEnds of [false, true]) {
      for (const qEnds of [false, true]) {
        const lines = ['r;b;x 1000', 'r;m;y 1000', 'r;q! 1000'];
        if (bEnds) lines.push('r;b 5');
        lines.push(qEnds ? 'r;q 1' : 'r;q;w 1');
        for (const name of ['a', 'b!', 'b x', 'b.x', 'c', 'q"', 'z']) {
          for (let i = 0; i < 12; i++) lines.push(`r;${name}${i === 0 ? '' : i} 1`);
        }
        lines.push('r;b!;deep;er 1', 'r;m;y;small 1'); // a pruned frame's own children go with it
        const folded = lines.map((l) => `${l}\n`).join('');
        // Stacks in the stack table (swept), or in the call tree (summed node by node, root first).
        for (const [reverse, stackTableBytes] of [[false, undefined], [true, undefined], [false, 0], [true, 0]] as const) {
          const options: LayoutOptions = { minWidth: { value: 1, percent: false }, plotWidth: 1180 };
          const result = await collapse(Buffer.from(folded), { format: 'folded', ...(stackTableBytes !== undefined && { stackTableBytes }) });
          const core = coreLayout(result, { reverse }, options);
          const tree = { ...result.tree(), twoCounts: false };
          const oracle = plain(layoutViews(oracleViews(reverse ? reverseTree(tree) : tree), options));
          expect(core).toEqual(oracle);
          expect((core as { count: number }).count).toBeLessThan(12);
        }
      }
    }
  });

  // Sorted text keeps equal paths together except where a stack ends at a name that another
  // line's name extends by a byte below ';' ("b 5" < "b x;c 1" < "b;d 1"): the core then sorts
  // the stacks itself, rather than sweep b twice (two boxes for one frame).
  it('sorted input is swept as it comes only when its equal paths are together', async () => {
    const options: LayoutOptions = { minWidth: { value: 0, percent: false }, plotWidth: 1180 };
    const texts = [
      'b 5\nb x;c 1\nb;d 1\n', 'a;b 1\na;b.c 2\na;b;c 3\n', 'a;b 1\na;b;c 2\na;c 3\nd 4\n',
      'a;foo 5\na;foo!x 1\na;foo;y 2\n', 'a;foo!x 1\na;foo 5\na;foo;y 2\n', // sorted as text; in sibling order
      'a;b;c 1\na;b 2\n', 'a;b 1\na;b 2\na 3\n', 'a;b 1\n;a 2\n', 'a 1\n\n b 2\n', 'x;y 1\n 7\nx;y;z 1\n', // a stack before one it starts
      'ab 1\na 1\nab;c 1\n', 'a;b 1\na 2\na;b;c 3\n', // ... or after
    ];
    for (const text of texts) {
      const result = await collapse(Buffer.from(text), { format: 'folded' });
      const core = coreLayout(result, {}, options);
      expect(core).toEqual(plain(layoutViews(oracleViews({ ...result.tree(), twoCounts: false }), options)));
    }
  });

  // The call tree root first is summed node by node (assembly/output/tree-sweep.ts), and the stack
  // table's stacks swept one by one (output/sweep.ts), each in runs of 1,024 (util/runs.ts: this
  // input spans ten, a narrow group's stacks skipped across their ends): many
  // distinct leaves under few drawn frames, pruned runs between drawn siblings (names that
  // extend one another, stacks ending at a drawn frame), stacks ending inside the tree, a
  // negative count (drawn as zero), fractions (runs not merged: sums are not exact), two-count
  // lines (a stack ending where only the first column counts), nodes in blocks of 4 (every boundary falls somewhere), and every key colliding in
  // the slots: the same graph as the oracle's and as the stack table's sweep.
  it('reads a call tree of many distinct leaves as the oracle and the stack table do', async () => {
    const manyLeaves = (two: boolean, fraction: boolean): string => {
      const lines: string[] = [];
      const counts = (i: number) => `${(i % 5) + 1}${two ? ` ${(i * 7) % 4}` : ''}`;
      for (let i = 0; i < 9000; i++) lines.push(`main;mod${i % 4};fn${(i * 13) % 7};leaf_${i} ${counts(i)}`);
      for (let i = 0; i < 300; i++) lines.push(`main;mod1;fn${i % 3}x;deep;er_${i} ${counts(i)}`);
      lines.push(`main;mod2 ${two ? '900 1200' : '1200'}`, `main;mod2;fn3 ${two ? '2000 0' : '2000'}`, `main;mod3;fn1 -5${two ? ' 3' : ''}`);
      // fn9 sorts before its drawn sibling fn9! when a stack ends at it (a blank after its name,
      // in either column: here only the first has a count), else after it (';'), with fn9#
      // (made first: the run's name if fn9 joined its run).
      lines.push(`main;mod0;fn9! ${two ? '1000 2000' : '2000'}`, `main;mod0;fn9# ${counts(1)}`, `main;mod0;fn9 ${two ? '7 0' : '7'}`, `main;mod0;fn9;z ${counts(1)}`);
      if (fraction) lines.push(`main;mod0;fn2 0.5${two ? ' 1.25' : ''}`);
      return lines.join('\n') + '\n';
    };
    for (const two of [false, true]) {
      for (const fraction of [false, true]) {
        const text = manyLeaves(two, fraction);
        const layouts = (options: LayoutOptions, session: Partial<Record<SessionOptionName, number>>) => {
          const s = new CoreSession();
          for (const [name, value] of Object.entries(session)) s.setOption(name as SessionOptionName, value);
          s.beginInput('folded');
          s.write(Buffer.from(text));
          s.endInput();
          const result = new CollapseResult(s, [], []);
          const graph = coreLayout(result, {}, options);
          return { graph, tree: result.tree() };
        };
        for (const minWidth of [{ value: 0.1, percent: false }, { value: 3, percent: false }, { value: 0, percent: false }, { value: 2, percent: true }]) {
          const options: LayoutOptions = { minWidth, plotWidth: 1180 };
          const table = layouts(options, {});
          const oracle = plain(layoutViews(oracleViews({ ...table.tree, twoCounts: two }), options));
          expect(table.graph).toEqual(oracle);
          const sessions: Partial<Record<SessionOptionName, number>>[] = [{ stackTableBytes: 0 }, { stackTableBytes: 3000 }, { stackTableBytes: 0, tableBlockLog: 2, slotHashBits: 1 }];
          for (const session of sessions) {
            expect({ two, fraction, minWidth, session, graph: layouts(options, session).graph }).toEqual({ two, fraction, minWidth, session, graph: oracle });
          }
        }
      }
    }
  });

  // A reader vouches for the stacks it folds in order (formats/folded.ts), never for stacks
  // another thread read: here the second thread reads "a;z" (the pool gives it the second
  // range), which joins the table after the main thread's "c" and "d"; the second input's
  // line, in order after the main thread's, must not vouch for it (a would be drawn twice).
  it('stacks read by another thread are checked, not vouched for', async () => {
    const first = join(tmp.dir, 'ranges.folded');
    const second = join(tmp.dir, 'after.folded');
    writeFileSync(first, 'a;x 1\na;z 1\nc 1\nd 1\n');
    writeFileSync(second, 'e 1\n');
    const options: LayoutOptions = { minWidth: { value: 0, percent: false }, plotWidth: 1180 };
    const result = await collapse([first, second], { format: 'folded', jobs: 2, splitMinBytes: 0 });
    const core = coreLayout(result, {}, options);
    expect(core).toEqual(plain(layoutViews(oracleViews({ ...result.tree(), twoCounts: false }), options)));
    expect((core as { count: number }).count).toBe(7); // all, a, x, z, c, d, e
  });
});
