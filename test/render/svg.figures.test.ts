// The figures the core writes into each frame (assembly/output/frame-text.ts):
// a rect's x and width as C's "%.1f" prints them, a tooltip's count with
// thousands separators and its share as "%.2f". They agree with the
// JavaScript formatting (src/render/numbers.ts fixed, title-counts.ts) on
// random graphs whose edges often fall on exact ties (18.75 pixels a sample).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse, svgChunksOf } from '../../src/index.js';
import { layoutResult } from '../../src/render/render.js';
import { resolveSvgOptions, type SvgOptions } from '../../src/render/options.js';
import { fixed, fixedValue } from '../../src/render/numbers.js';
import { TitleCounts } from '../../src/render/title-counts.js';
import { ROOT_FRAME } from '../../src/render/placement.js';
import { frameData, framesMarkup } from '../support/svgframes.js';

const RECT = /<rect x="([^"]+)" y="[^"]+" width="([^"]+)"/g;

/** Each frame's x, width and tooltip as JavaScript formats them, and as the SVG has them. */
async function figures(folded: string, options: SvgOptions): Promise<{ want: string[][]; got: string[][] }> {
  const result = await collapse(Buffer.from(folded), { format: 'folded' });
  const o = resolveSvgOptions(options);
  const layout = layoutResult(result, o);
  const svg = Buffer.concat([...svgChunksOf(result, options)]).toString('utf8');
  const perSample = (o.width - 2 * o.xpad) / layout.scale;
  const counts = new TitleCounts(layout, o.factor);
  const want: string[][] = [];
  for (let i = 0; i < layout.count; i++) {
    const isRoot = layout.frame[i] === ROOT_FRAME;
    const value = isRoot ? layout.scale : layout.value[i]!;
    const x1 = o.xpad + layout.start[i]! * perSample;
    const x2 = o.xpad + (layout.start[i]! + value) * perSample;
    const name = isRoot ? 'all' : Buffer.from(layout.names[layout.frame[i]!]!).toString('utf8');
    const share = isRoot ? '100' : counts.percent(i, value, layout.scale * o.factor);
    want.push([fixed(x1, 1), fixed(fixedValue(x2, 1) - fixedValue(x1, 1), 1), `${name} (${counts.samplesWithCommas(i, isRoot, value)} samples, ${share}%)`]);
  }
  const tooltips = frameData(svg)!.tooltip;
  const got = [...framesMarkup(svg)!.matchAll(RECT)].map((m, i) => [m[1]!, m[2]!, tooltips[i]!]);
  return { want, got };
}

describe('the figures of frames', () => {
  it('are printed as JavaScript prints them, ties to even (property)', async () => {
    const stack = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 });
    const count = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5e6 }), fc.constantFrom(1234567, 2 ** 40));
    const lines = fc.array(fc.tuple(stack, count), { minLength: 1, maxLength: 12 });
    const options = fc.record({
      // 1220: 1200 pixels, 18.75 a sample when the counts sum to 64.
      width: fc.constantFrom(1220, 1200, 333, 4096),
      factor: fc.constantFrom(1, 0.5, 3),
      minWidth: fc.constantFrom('0', '0.1'),
      total: fc.option(fc.constantFrom(64, 1e9)),
    });
    await fc.assert(
      fc.asyncProperty(lines, options, async (ls, opt) => {
        const folded = ls.map(([frames, n]) => `${frames.join(';')} ${n}\n`).join('');
        const { want, got } = await figures(folded, { ...opt, total: opt.total ?? undefined });
        expect(got).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it("the frame data's starts and widths are written as JavaScript writes numbers, whole or not (property)", async () => {
    // Whole counts the core writes, fractions and counts past 2^53 that JavaScript does.
    const count = fc.oneof(
      fc.integer({ min: 1, max: 5e6 }).map(String),
      fc.constantFrom('0.5', '1.25', '3.', '0.75', String(2 ** 40), String(2 ** 52 + 1), String(2 ** 53 + 2), '123456789012345'),
    );
    const stack = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 4 });
    const LISTS = /<metadata id="frame-data">\{"start":\[([^\]]*)\],"width":\[([^\]]*)\],"tooltip":\[/;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(stack, count), { minLength: 1, maxLength: 8 }), async (ls) => {
        const result = await collapse(Buffer.from(ls.map(([frames, n]) => `${frames.join(';')} ${n}\n`).join('')), { format: 'folded' });
        const layout = layoutResult(result, resolveSvgOptions({ minWidth: '0' }));
        const lists = LISTS.exec(Buffer.concat([...svgChunksOf(result, { minWidth: '0' })]).toString('utf8'));
        expect(lists?.slice(1)).toEqual([layout.start, layout.value].map((c) => Array.from(c.subarray(0, layout.count)).join(',')));
      }),
      { numRuns: 150 },
    );
  });

  it('ties of x and width round to even, as C prints them', async () => {
    // 64 samples over 1200 pixels: edges at 10 + 18.75 k, "%.1f" of an exact tie.
    const { want, got } = await figures('a;b 1\na;c 2\nd 61\n', { width: 1220, minWidth: '0' });
    expect(got).toEqual(want);
    expect(got.map(([x]) => x)).toContain('28.8'); // 28.75
    expect(got.map(([, width]) => width)).toContain('56.2'); // 66.25 less 10
  });

  it('a --total so far above the counts that no frame is wide enough: a graph of no frames', async () => {
    const result = await collapse(Buffer.from('a;b 1\na;c 2\n'), { format: 'folded' });
    const svg = Buffer.concat([...svgChunksOf(result, { total: 1e12 })]).toString('utf8');
    expect(framesMarkup(svg)).toBe('<g id="frames">\n</g>\n');
    expect(frameData(svg)).toEqual({ start: [], width: [], tooltip: [] });
  });
});
