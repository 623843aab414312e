// CPI (two-metric) flame graphs: widths from cycles, colour from the ratio of
// cycles to instructions (or of stalls to cycles) of each frame's totals.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, renderSvg } from '../../src/index.js';
import { collapseTwoMetrics } from '../../src/api/two-metric.js';
import { ratioMode } from '../../src/render/ratio-colors.js';
import { CORPUS } from '../support/corpus.js';
import { generate, runCli, tempDir } from '../support/helpers.js';
import { svgFrames } from '../support/svgframes.js';

const excerpt = join(CORPUS, 'pmcstat', 'brendangregg-cpi-blog-excerpt.txt');
const CYCLES = 'CPU_CLK_UNHALTED.THREAD_P';
const STALLS = 'RESOURCE_STALLS.ANY';

// The colour scale as documented: white at the profile's ratio, the far channels falling
// from 255 to 45 towards the lowest (red) and highest (blue) ratio, CPI on a log scale.
function expectedColor(ratio: number, center: number, lo: number, hi: number, log: boolean): string {
  const t = log ? Math.log : (x: number): number => x;
  let p = 0;
  if (ratio > center) p = Math.min(1, (t(ratio) - t(center)) / (t(hi) - t(center)));
  if (ratio < center) p = -Math.min(1, (t(center) - t(ratio)) / (t(center) - t(lo)));
  const fade = Math.round(255 - 210 * Math.abs(p));
  return p < 0 ? `rgb(255,${fade},${fade})` : p > 0 ? `rgb(${fade},${fade},255)` : 'rgb(255,255,255)';
}

// cycles and instructions: fast has CPI 0.5, slow 4, mid 1; main (and the root) 300/325.
const CYCLES_FOLDED = 'main;fast 100\nmain;slow 100\nmain;mid 100\n';
const INSTR_FOLDED = 'main;fast 200\nmain;slow 25\nmain;mid 100\n';

describe('CPI colours on a hand-built pair of profiles', () => {
  it('red for low CPI, blue for high, white for the profile\'s CPI; widths from cycles', async () => {
    const result = await collapseTwoMetrics(Buffer.from(CYCLES_FOLDED), Buffer.from(INSTR_FOLDED), { format: 'folded' });
    const svg = await renderSvg(result, { colorMode: ratioMode({ metric: 'instructions' }) });
    const frames = new Map(svgFrames(svg).map((f) => [f.name, f]));
    const center = 300 / 325;
    expect(frames.get('fast')!.fill).toBe('rgb(255,45,45)');
    expect(frames.get('slow')!.fill).toBe('rgb(45,45,255)');
    expect(frames.get('mid')!.fill).toBe(expectedColor(1, center, 0.5, 4, true));
    expect(frames.get('main')!.fill).toBe('rgb(255,255,255)');
    expect([...frames.values()].map((f) => [f.name, f.samples])).toEqual(
      expect.arrayContaining([['main', 300], ['fast', 100], ['slow', 100], ['mid', 100]]),
    );
    expect(frames.get('slow')!.title).toBe('slow (100 samples, 33.33%; CPI 4.00; instructions 25)');
    // the legend: the scale's ends and the profile's CPI
    const legend = /<g id="legend"[\s\S]*?<\/g>/.exec(svg)![0];
    expect(legend).toContain('CPI 0.50 (red, instruction-bound)');
    expect(legend).toContain('4.00 (blue, stall-bound); white: 0.92, the whole profile');
    expect(legend.match(/<rect /g)!.length).toBe(22); // 21 steps and a frame
  });

  it('a fixed --cpi-range saturates beyond its ends', async () => {
    const result = await collapseTwoMetrics(Buffer.from(CYCLES_FOLDED), Buffer.from(INSTR_FOLDED), { format: 'folded' });
    const svg = await renderSvg(result, { colorMode: ratioMode({ metric: 'instructions', range: [0.25, 8] }) });
    const frames = new Map(svgFrames(svg).map((f) => [f.name, f]));
    expect(frames.get('slow')!.fill).toBe(expectedColor(4, 300 / 325, 0.25, 8, true));
    expect(frames.get('fast')!.fill).toBe(expectedColor(0.5, 300 / 325, 0.25, 8, true));
  });

  it('stalls: the stalled fraction of the cycles, on a linear scale', async () => {
    // stalls: fast 10 of 100 cycles, slow 80 of 100, mid 40 of 100; the profile 130 of 300
    const stalls = 'main;fast 10\nmain;slow 80\nmain;mid 40\n';
    const result = await collapseTwoMetrics(Buffer.from(CYCLES_FOLDED), Buffer.from(stalls), { format: 'folded' });
    const svg = await renderSvg(result, { colorMode: ratioMode({ metric: 'stalls' }) });
    const frames = new Map(svgFrames(svg).map((f) => [f.name, f]));
    expect(frames.get('fast')!.fill).toBe('rgb(255,45,45)');
    expect(frames.get('slow')!.fill).toBe('rgb(45,45,255)');
    expect(frames.get('mid')!.fill).toBe(expectedColor(0.4, 130 / 300, 0.1, 0.8, false));
    expect(svg).toContain('stall cycles/cycle 0.10 (red, few stalls)');
  });
});

describe('CPI graph of the pmcstat CPI blog capture (two events in one file)', () => {
  it('widths are the cycles event, colours the stalls event; frames as collapse --event draws them', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'cpi.svg');
      const r = runCli(['cpi', '--cycles', CYCLES, '--stalls', STALLS, excerpt, '-o', out]);
      expect(r.status, r.stderr.toString()).toBe(0);
      const svg = readFileSync(out, 'utf8');
      const ours = svgFrames(svg);
      // the same frames as the plain graph of the cycles event alone
      const cycles = await collapse(excerpt, { event: CYCLES });
      const plain = svgFrames(await renderSvg(cycles));
      expect(ours.map((f) => `${f.name}|${f.samples}|${f.x}|${f.width}`).sort()).toEqual(
        plain.map((f) => `${f.name}|${f.samples}|${f.x}|${f.width}`).sort(),
      );
      // In this excerpt no stack of the stalls event is drawn (their frames have no cycles),
      // so every drawn frame has no stalls: the low end, red; the root has all 213 of them.
      for (const f of ours) {
        if (f.name === 'all') expect(f.fill).toBe('rgb(255,255,255)');
        else expect([f.name, f.fill]).toEqual([f.name, 'rgb(255,45,45)']);
      }
      expect(ours.find((f) => f.name === '__mtx_lock_sleep' && f.samples === 436)!.title).toMatch(/stall cycles\/cycle 0\.00; stalls 0\)$/);
      expect(svg).toContain('<text id="title" x="600.00" y="24">Stall Cycles Flame Graph</text>');
      expect(svg).toMatch(/white: 0\.25, the whole profile/); // 213 stalls / 854 cycles
    } finally {
      cleanup();
    }
  });

  it('two profiles work as well as two events: the same SVG from the events folded apart', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const cyclesFile = join(dir, 'cycles.folded');
      const stallsFile = join(dir, 'stalls.folded');
      writeFileSync(cyclesFile, (await collapse(excerpt, { event: CYCLES })).text());
      writeFileSync(stallsFile, (await collapse(excerpt, { event: STALLS })).text());
      const fromFiles = runCli(['cpi', '--metric', 'stalls', cyclesFile, stallsFile]);
      const fromEvents = runCli(['cpi', '--cycles', CYCLES, '--stalls', STALLS, excerpt]);
      expect(fromFiles.status).toBe(0);
      expect(fromFiles.stdout.toString()).toBe(fromEvents.stdout.toString());
    } finally {
      cleanup();
    }
  });

  it('--window: the same part of both profiles, as if each were cut to it first', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const cycles = generate('gen-dtrace.mjs', dir, 'cycles', ['--bytes', '60K', '--seed', '5', '--snapshots', '6']).input;
      const other = generate('gen-dtrace.mjs', dir, 'other', ['--bytes', '60K', '--seed', '6', '--snapshots', '6']).input;
      const cut = async (file: string): Promise<string> => {
        const path = `${file}.window.folded`;
        writeFileSync(path, (await collapse(file, { window: '2..3' })).text());
        return path;
      };
      const windowed = runCli(['cpi', '--window', '2..3', cycles, other]);
      expect(windowed.status, windowed.stderr.toString()).toBe(0);
      expect(windowed.stdout.toString()).toBe(runCli(['cpi', await cut(cycles), await cut(other)]).stdout.toString());
      expect(windowed.stdout.toString()).not.toBe(runCli(['cpi', cycles, other]).stdout.toString());
    } finally {
      cleanup();
    }
  });

  it('a capture cut into ranges for worker threads gives the same two columns', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const events = ['--events', 'CPU_CLK_UNHALTED.THREAD_P,INST_RETIRED.ANY_P'];
      const { input } = generate('gen-pmcstat.mjs', dir, 'cpi', ['--sections', '10', '--stacks', '3000', '--seed', '48', ...events]);
      const metrics = { cyclesEvent: 'CPU_CLK_UNHALTED.THREAD_P', otherEvent: 'INST_RETIRED.ANY_P' };
      const one = (await collapseTwoMetrics(input, input, { ...metrics, jobs: 1 })).text();
      expect(one).toMatch(/ [1-9]\d* [1-9]\d*\n/); // both columns filled
      for (const jobs of [2, 4]) expect((await collapseTwoMetrics(input, input, { ...metrics, jobs, splitMinBytes: 0 })).text()).toBe(one);
    } finally {
      cleanup();
    }
  });

  it('errors: an unknown event lists the events present (an input error); missing or conflicting options are usage errors', () => {
    const r = runCli(['cpi', '--cycles', 'CPU_CLK', '--stalls', STALLS, excerpt]);
    expect(r.status).toBe(1); // the input lacks the event: known only once it is read
    expect(r.stderr.toString()).toBe(
      `flamefold: warning: ${excerpt}: 1 malformed line ignored (line 28): not a section header, a call-graph node under its caller, or blank\n` + // `[...]`
      `flamefold: ${excerpt}: no section of the cycles event 'CPU_CLK' in the input; events present: ${CYCLES} (21723 samples), ${STALLS} (3462 samples)\n`,
    );
    const other = runCli(['cpi', '--cycles', CYCLES, '--stalls', 'NOPE', excerpt]);
    expect(other.status).toBe(1);
    expect(other.stderr.toString()).toMatch(/^flamefold: .*: no section of the second metric event 'NOPE' in the input; events present: /);
    expect(runCli(['cpi', '--cycles', CYCLES, excerpt]).status).toBe(2);
    expect(runCli(['cpi', '--cycles', CYCLES, '--stalls', STALLS, '--instructions', STALLS, excerpt]).status).toBe(2);
    expect(runCli(['cpi', '--metric', 'cache', excerpt, excerpt]).status).toBe(2);
    expect(runCli(['cpi', '--cpi-range', '4,1', excerpt, excerpt]).status).toBe(2);
  });
});
