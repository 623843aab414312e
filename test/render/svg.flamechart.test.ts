// Flame charts (--flamechart): stacks in input order, each merged only with
// the one before it. They are read through the same feed as every graph
// (gzip, pipes, any capture format) and laid out by the core from its record
// log; the layout itself is checked against an oracle in svg.layout.test.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, renderSvg, svgChunksOf } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';
import { svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const flames = join(CORPUS, 'flamegraph', 'flamechart-base', 'flames.txt');

// DTrace records in time order: stack A, B, A twice (one run), then C, whose
// frames below the leaf are A's. The same records as folded lines, in order.
const dtraceRecord = (frames: string[], count: number): string =>
  `\n${frames.map((f) => `              ${f}\n`).join('')}                ${count}\n`;
const A = ['genunix`fop_read+0x10', 'genunix`read+0x2a', 'unix`sys_syscall+0x17a'];
const B = ['genunix`cv_wait+0x3c', 'unix`sys_syscall+0x17a'];
const C = ['genunix`uiomove+0x5', ...A.slice(1)];
const capture = 'CPU     ID                    FUNCTION:NAME\n  0  64091                        :tick-1s \n' +
  [[A, 3], [B, 2], [A, 1], [A, 4], [C, 5]].map(([f, n]) => dtraceRecord(f as string[], n as number)).join('');
const foldedOf = (frames: string[]): string => frames.map((f) => f.replace(/\+0x[0-9a-f]+$/, '')).reverse().join(';');
const captureFolded = [[A, 3], [B, 2], [A, 1], [A, 4], [C, 5]].map(([f, n]) => `${foldedOf(f as string[])} ${n}\n`).join('');

describe('flame charts', () => {
  const plainText = runCli(['svg', '--flamechart', flames]);

  it('read gzip files as plain ones', () => {
    const gz = join(tmp.dir, 'flames.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(flames)));
    expect(plainText.status).toBe(0);
    const r = runCli(['svg', '--flamechart', gz]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(plainText.stdout.toString());
  });

  it('read a pipe (stdin)', () => {
    const r = runCli(['svg', '--flamechart'], readFileSync(flames));
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(plainText.stdout.toString());
  });

  it('draw a DTrace capture\'s records in their order, as the same stacks folded in that order', () => {
    const file = join(tmp.dir, 'capture.txt');
    writeFileSync(file, capture);
    const chart = runCli(['--flamechart', file]);
    expect(chart.status).toBe(0);
    const foldedFile = join(tmp.dir, 'capture.folded');
    writeFileSync(foldedFile, captureFolded);
    expect(chart.stdout.toString()).toBe(runCli(['svg', '--flamechart', foldedFile]).stdout.toString());
    // A's records before and after B are two frames; the two records after B are one run.
    const reads = svgFrames(chart.stdout.toString()).filter((f) => f.name === 'genunix`read').map((f) => f.samples);
    expect(reads).toEqual([3, 10]);
  });

  it('draw procstat rows in their order (rows the core recognises from their text)', async () => {
    const header = '  PID    TID COMM             TDNAME           KSTACK\n';
    const row = (frames: string[]): string => `   27 100150 sh               -                ${frames.join(' ')} \n`;
    const rows = [A, A, B, A, C, C].map((f) => f.map((x) => x.replace(/^[a-z]+`/, '')));
    const folded = [[rows[0]!, 2], [rows[2]!, 1], [rows[3]!, 1], [rows[4]!, 2]]
      .map(([f, n]) => `${foldedOf(f as string[])} ${n}\n`).join('');
    for (const stackTableBytes of [undefined, 0]) { // rows in the stack table, or in the call tree
      const kept = await collapse(Buffer.from(header + rows.map(row).join('')), { format: 'procstat', keepOrder: true, ...(stackTableBytes !== undefined && { stackTableBytes }) });
      const chart = Buffer.concat([...svgChunksOf(kept, { flameChart: true })]).toString('utf8');
      expect(chart).toBe(await renderSvg(folded, { flameChart: true }));
    }
  });

  it('come from results collapsed with keepOrder, and only from those', async () => {
    const kept = await collapse(readFileSync(flames), { keepOrder: true });
    const chart = Buffer.concat([...svgChunksOf(kept, { flameChart: true })]).toString('utf8');
    expect(chart).toBe(await renderSvg(readFileSync(flames), { flameChart: true }));
    // The order is kept beside the usual tables: the same result still draws the merged graph.
    expect(Buffer.concat([...svgChunksOf(kept)]).toString('utf8')).toBe(await renderSvg(readFileSync(flames)));
    const merged = await collapse(readFileSync(flames));
    expect(() => svgChunksOf(merged, { flameChart: true })).toThrow(/keepOrder/);
  });
});
