// flamefold timeline: a cell per snapshot with its samples, perf in
// FlameScope's grid (a column per second, a row per 20 ms), well-formed and
// escaped whatever the capture's name, with the cell under the pointer shown.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { timelineGrid } from '../../src/timeline/cells.js';
import { CORPUS } from '../support/corpus.js';
import { generate, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The cells of a timeline SVG: snapshot, x, y, label. */
function cellsOf(svg: string): { s: number; x: number; y: number; label: string }[] {
  const cells: { s: number; x: number; y: number; label: string }[] = [];
  const parser = new SaxesParser();
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (t) => {
    if (t.name === 'rect' && t.attributes['data-s'] !== undefined) {
      const a = t.attributes as Record<string, string>;
      cells.push({ s: Number(a['data-s']), x: Number(a.x), y: Number(a.y), label: a['data-label']! });
    }
  });
  parser.write(svg).close(); // throws unless well-formed
  return cells;
}

describe('flamefold timeline', () => {
  it('draws a cell per DTrace snapshot, labelled with its samples, escaped whatever the file is called', () => {
    const { input } = generate('gen-dtrace.mjs', tmp.dir, 'd', ['--bytes', '100K', '--seed', '3', '--snapshots', '5']);
    const hostile = join(tmp.dir, 'a<b>&"c\'<script>x<!--.txt');
    copyFileSync(input, hostile);
    const out = join(tmp.dir, 'd.svg');
    const r = runCli(['timeline', hostile, '-o', out]);
    expect(r.stderr.toString()).toBe('');
    const svg = readFileSync(out, 'utf8');
    const cells = cellsOf(svg);
    const probes = readFileSync(input, 'latin1').match(/:tick-1s/g)!.length;
    expect(cells.map((c) => c.s)).toEqual([...Array(probes).keys()]);
    expect(new Set(cells.map((c) => c.y)).size).toBe(1); // one row
    const total = cells.reduce((s, c) => s + Number(/([\d,]+) samples?$/.exec(c.label)![1]!.replaceAll(',', '')), 0);
    const folded = runCli(['collapse', input]).stdout.toString().trim().split('\n');
    expect(total).toBe(folded.reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0));
    expect(svg).not.toContain('<script>x');
    expect(svg).toContain('Timeline of ' + hostile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(svg).toMatch(/<script type="text\/ecmascript"><!\[CDATA\[/); // the pointer's details line
  });

  it('lays perf samples out as FlameScope does: a column per second, a row per 20 ms', async () => {
    const { input } = generate('gen-perf.mjs', tmp.dir, 'p', ['--bytes', '3M', '--seed', '4']);
    const result = await collapse(input);
    const grid = timelineGrid(result.inputs[0]!.snapshots);
    expect(grid.rows).toBe(50);
    const times = [...readFileSync(input, 'latin1').matchAll(/^\S.* (\d+\.\d+): /gm)].map((m) => Number(m[1]));
    const seconds = new Set(times.map((t) => Math.floor(t)));
    expect(grid.columns).toBe(seconds.size);
    const buckets = new Set(times.map((t) => Math.floor(t / 0.02)));
    expect(grid.cells.length).toBe(buckets.size);
    for (const c of grid.cells) {
      expect(c.row).toBeGreaterThanOrEqual(0);
      expect(c.row).toBeLessThan(50);
    }
    expect(grid.cells.reduce((s, c) => s + c.samples, 0)).toBe(result.totals.samples);
  });

  it('counts one event of a capture holding several, as its graphs draw it (the first, or --event)', async () => {
    const pmc = join(CORPUS, 'pmcstat', 'handmade-multi-pmc.txt');
    for (const [args, event] of [[[], 'CPU_CLK_UNHALTED.THREAD_P'], [['--event', 'RESOURCE_STALLS.ANY'], 'RESOURCE_STALLS.ANY']] as const) {
      const r = runCli(['timeline', ...args, pmc]);
      expect(r.status).toBe(0);
      const samples = (await collapse(pmc, { event })).totals.samples;
      expect(cellsOf(r.stdout.toString()).map((c) => c.label)).toEqual([`snapshot 0 · ${samples.toLocaleString('en-US')} samples`]);
    }
  });

  it('a capture without snapshots is one', () => {
    const folded = join(tmp.dir, 'f.folded');
    writeFileSync(folded, 'a;b 3\na;c 4\n');
    const r = runCli(['timeline', folded]);
    expect(cellsOf(r.stdout.toString()).map((c) => c.label)).toEqual(['snapshot 0 · 7 samples']);
    expect(r.stdout.toString()).toContain('none found: the whole capture is snapshot 0');
  });
});
