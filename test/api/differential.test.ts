// Differential flame graphs: `flamefold diff` output drawn as flamegraph.pl
// draws difffolded.pl output (corpus SVGs, frame by frame), and each colour
// rule of the extended modes on a hand-built profile, with the expected
// colours computed here from flamegraph.pl's colour formula.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/api/diff.js';
import { renderSvg } from '../../src/index.js';
import { differentialMode, type DiffColorOptions } from '../../src/render/differential-colors.js';
import { CORPUS } from '../support/corpus.js';
import { runCli } from '../support/helpers.js';
import { compareFrames, svgFrames, type SvgFrame } from '../support/svgframes.js';

const dir = join(CORPUS, 'diff-folded');

describe('diff drawn: the corpus differential SVGs, frame by frame', () => {
  const cases: [string, [string, string], boolean][] = [
    ['before-after.difffolded.flamegraph-pl.svg', ['before.txt', 'after.txt'], false],
    ['before-after.difffolded.flamegraph-pl-negate.svg', ['before.txt', 'after.txt'], true],
    ['after-before.difffolded.flamegraph-pl-negate.svg', ['after.txt', 'before.txt'], true],
  ];
  for (const [svg, [b, a], negate] of cases) {
    it(`flamefold diff ${b} ${a} | flamefold svg${negate ? ' --negate' : ''} = ${svg}`, async () => {
      const reference = svgFrames(readFileSync(join(dir, svg), 'utf8'));
      const result = await diff(join(dir, b), join(dir, a));
      const ours = svgFrames(await renderSvg(result, { negate }));
      const d = compareFrames(ours, reference);
      expect(d.missing).toEqual([]);
      expect(d.extra).toEqual([]);
      expect(d.fills).toEqual([]);
      // The titles too: "name (N samples, P%; +D%)".
      expect(ours.map((f) => f.title).sort()).toEqual(reference.map((f) => f.title).sort());
    });
  }

  it('the CLI pipeline gives the same SVG', () => {
    const folded2 = runCli(['diff', join(dir, 'before.txt'), join(dir, 'after.txt')]);
    expect(folded2.status).toBe(0);
    const r = runCli(['svg', '--negate'], folded2.stdout);
    expect(r.status).toBe(0);
    const reference = svgFrames(readFileSync(join(dir, 'before-after.difffolded.flamegraph-pl-negate.svg'), 'utf8'));
    const d = compareFrames(svgFrames(r.stdout.toString()), reference);
    expect([d.missing, d.extra, d.fills]).toEqual([[], [], []]);
  });
});

// flamegraph.pl's color_scale, written from its definition: red channels for growth, blue for reduction.
function scale(delta: number, max: number): string {
  if (delta > 0) {
    const gb = Math.trunc((210 * (max - delta)) / max);
    return `rgb(255,${gb},${gb})`;
  }
  if (delta < 0) {
    const rg = Math.trunc((210 * (max + delta)) / max);
    return `rgb(${rg},${rg},255)`;
  }
  return 'rgb(255,255,255)';
}

// b grows by 10, c shrinks by 10, e grows by 5, d is unchanged, f is new; a has no samples of its own.
const HAND = ['a;b 10 20', 'a;c 20 10', 'a;d 5 5', 'a;e 10 15', 'a;f 0 3', ''].join('\n');

async function draw(mode?: DiffColorOptions, negate = false): Promise<Map<string, SvgFrame>> {
  const svg = await renderSvg(HAND, { negate, ...(mode && { colorMode: differentialMode(mode) }) });
  return new Map(svgFrames(svg).map((f) => [f.name, f]));
}

describe('differential colours on a hand-built profile', () => {
  it('self (flamegraph.pl): by own samples, saturating at the largest change of a stack (10)', async () => {
    for (const frames of [await draw(), await draw({ mode: 'self' })]) {
      expect(frames.get('b')!.fill).toBe('rgb(255,0,0)');
      expect(frames.get('c')!.fill).toBe('rgb(0,0,255)');
      expect(frames.get('e')!.fill).toBe(scale(5, 10));
      expect(frames.get('f')!.fill).toBe(scale(3, 10));
      expect(frames.get('d')!.fill).toBe('rgb(255,255,255)');
      expect(frames.get('a')!.fill).toBe('rgb(255,255,255)'); // no own samples: no change of its own
      expect(frames.get('b')!.title).toBe('b (20 samples, 37.74%; +18.87%)');
    }
  });

  it('--negate switches the hues', async () => {
    const frames = await draw({ mode: 'self' }, true);
    expect(frames.get('b')!.fill).toBe('rgb(0,0,255)');
    expect(frames.get('c')!.fill).toBe('rgb(255,0,0)');
    expect(frames.get('e')!.fill).toBe(scale(-5, 10));
  });

  it('total: by the inclusive change, saturating at the largest one below the root (b and c: ±10)', async () => {
    const frames = await draw({ mode: 'total' });
    // a: before 10+20+5+10+0 = 45, after 20+10+5+15+3 = 53
    expect(frames.get('a')!.fill).toBe(scale(8, 10));
    expect(frames.get('b')!.fill).toBe(scale(10, 10));
    expect(frames.get('c')!.fill).toBe(scale(-10, 10));
    expect(frames.get('e')!.fill).toBe(scale(5, 10));
    expect(frames.get('d')!.fill).toBe('rgb(255,255,255)');
  });

  it('total: a parent with no own change is coloured by what changed under it', async () => {
    const svg = await renderSvg('m;p;x 10 40\nm;q 40 40\n', { colorMode: differentialMode({ mode: 'total' }) });
    const frames = new Map(svgFrames(svg).map((f) => [f.name, f]));
    expect(frames.get('p')!.fill).toBe(scale(30, 30)); // self mode leaves p white
    expect(frames.get('q')!.fill).toBe('rgb(255,255,255)');
    const self = new Map(svgFrames(await renderSvg('m;p;x 10 40\nm;q 40 40\n')).map((f) => [f.name, f]));
    expect(self.get('p')!.fill).toBe('rgb(255,255,255)');
  });

  it('a noise threshold keeps small changes white (12% of 53 samples = 6.36: e and f stay white)', async () => {
    const frames = await draw({ mode: 'self', threshold: 12 });
    expect(frames.get('e')!.fill).toBe('rgb(255,255,255)');
    expect(frames.get('f')!.fill).toBe('rgb(255,255,255)');
    expect(frames.get('b')!.fill).toBe('rgb(255,0,0)');
    expect(frames.get('c')!.fill).toBe('rgb(0,0,255)');
  });

  it('tooltips: before, after, delta, delta % (of before)', async () => {
    const total = await draw({ mode: 'total' });
    expect(total.get('b')!.title).toBe('b (20 samples, 37.74%; before 10, after 20, delta +10, +100.00%)');
    expect(total.get('c')!.title).toBe('c (10 samples, 18.87%; before 20, after 10, delta -10, -50.00%)');
    expect(total.get('d')!.title).toBe('d (5 samples, 9.43%; before 5, after 5, delta 0, 0.00%)');
    expect(total.get('f')!.title).toBe('f (3 samples, 5.66%; before 0, after 3, delta +3, new)');
    expect(total.get('a')!.title).toBe('a (53 samples, 100.00%; before 45, after 53, delta +8, +17.78%)');
    const self = await draw({ mode: 'self', details: true });
    expect(self.get('a')!.title).toBe('a (53 samples, 100.00%; self before 0, after 0, delta 0, 0.00%)');
    expect(self.get('e')!.title).toBe('e (15 samples, 28.30%; self before 10, after 15, delta +5, +50.00%)');
  });

  it('CLI: --diff-mode total, --diff-threshold, and a usage error for one-count input', () => {
    const r = runCli(['svg', '--diff-mode', 'total', '--diff-threshold', '12%'], HAND);
    expect(r.status).toBe(0);
    const frames = new Map(svgFrames(r.stdout.toString()).map((f) => [f.name, f]));
    expect(frames.get('a')!.fill).toBe(scale(8, 10)); // 8 >= 6.36
    expect(frames.get('e')!.fill).toBe('rgb(255,255,255)'); // 5 < 6.36
    expect(frames.get('b')!.title).toMatch(/before 10, after 20, delta \+10, \+100\.00%/);
    expect(runCli(['svg', '--diff-mode', 'total'], 'a;b 3\n').status).toBe(2);
    expect(runCli(['svg', '--diff-mode', 'both'], HAND).status).toBe(2);
    expect(runCli(['svg', '--diff-threshold', 'x'], HAND).status).toBe(2);
  });
});
