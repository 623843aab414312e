// Folded input that mixes one-count and two-count lines: a one-count line
// counts the same in both columns (flamegraph.pl draws it as wide as its
// count, unchanged), wherever it falls relative to the first two-count line,
// and however the stacks are kept: the stack table, the call tree past its
// budget, the record log of a flame chart, or sessions of several threads.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, renderSvg } from '../../src/index.js';
import { svgFrames } from '../support/svgframes.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** Expected `stack before after` output: one-count lines count in both columns. */
function expected(lines: [string, number, number?][]): string {
  const sums = new Map<string, [number, number]>();
  for (const [stack, n, n2] of lines) {
    const old = sums.get(stack) ?? [0, 0];
    sums.set(stack, [old[0] + n, old[1] + (n2 ?? n)]);
  }
  return [...sums.keys()].sort().map((k) => `${k} ${sums.get(k)![0]} ${sums.get(k)![1]}\n`).join('');
}

const text = (lines: [string, number, number?][]): string =>
  lines.map(([s, n, n2]) => `${s} ${n}${n2 === undefined ? '' : ` ${n2}`}\n`).join('');

/** `count` lines over 40 stacks; lines in [from, to) carry a second count. */
function block(count: number, from: number, to: number): [string, number, number?][] {
  const lines: [string, number, number?][] = [];
  for (let i = 0; i < count; i++) {
    const stack = `root;mod${i % 5};fn${(i * 7) % 40}`;
    lines.push(i >= from && i < to ? [stack, i % 4, (i * 3) % 7] : [stack, 1 + (i % 6)]);
  }
  return lines;
}

describe('one-count lines among two-count ones', () => {
  const cases: [string, [string, number, number?][]][] = [
    ['one-count lines first', block(400, 200, 400)],
    ['two-count lines first', block(400, 0, 200)],
    ['two-count lines in the middle', block(400, 150, 250)],
    ['one two-count line at the end', block(400, 399, 400)],
  ];

  for (const [name, lines] of cases) {
    it(`${name}: the stack table and the call tree`, async () => {
      const want = expected(lines);
      const input = Buffer.from(text(lines));
      expect((await collapse(input, { format: 'folded' })).text()).toBe(want);
      // A zero budget sends every stack to the call tree; a small one, some of each.
      for (const stackTableBytes of [0, 600]) {
        expect((await collapse(input, { format: 'folded', stackTableBytes })).text()).toBe(want);
      }
    });

    it(`${name}: threads whose ranges hold only one kind merge as one session`, async () => {
      const file = join(tmp.dir, `${name.replace(/\W+/g, '-')}.folded`);
      writeFileSync(file, text(lines));
      for (const jobs of [2, 3, 4]) {
        const r = await collapse(file, { format: 'folded', jobs, splitMinBytes: 0 });
        expect(r.text()).toBe(expected(lines));
      }
    });
  }

  it('totals: the second column sums every line', async () => {
    const r = await collapse(Buffer.from('a;b 3\na;c 1 2\na;b 4\n'), { format: 'folded' });
    expect(r.twoCounts).toBe(true);
    expect(r.text()).toBe('a;b 7 7\na;c 1 2\n');
    expect(r.totals.samples).toBe(8);
    expect(r.totals.samples2).toBe(9);
  });

  it('a flame chart draws a one-count line as wide as its count', async () => {
    const r = await collapse(Buffer.from('a;x 3\nb;y 1 2\na;x 4\n'), { format: 'folded', keepOrder: true });
    const frames = svgFrames(await renderSvg(r, { flameChart: true, minWidth: 0 }));
    const roots = frames.filter((f) => f.name === 'a' || f.name === 'b').sort((p, q) => p.start - q.start);
    expect(roots.map((f) => [f.name, f.start, f.samplesWidth])).toEqual([['a', 0, 3], ['b', 3, 2], ['a', 5, 4]]);
  });

  it('a flame graph draws it unchanged: white, between a grown and a shrunk frame', async () => {
    const frames = svgFrames(await renderSvg('a;same 5\na;grew 1 4\na;shrank 4 1\n'));
    const fill = (name: string): string => frames.find((f) => f.name === name)!.fill;
    expect(fill('same')).toBe('rgb(255,255,255)');
    expect(fill('grew')).toMatch(/^rgb\(255,/);
    expect(fill('shrank')).toMatch(/^rgb\(\d+,\d+,255\)$/);
    expect(frames.find((f) => f.name === 'same')!.samplesWidth).toBe(5);
  });
});
