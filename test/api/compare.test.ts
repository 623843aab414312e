import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, compareSession } from '../../src/api/compare.js';
import { compareTree } from '../support/compare-oracle.js';
import { collapseColumns } from '../../src/api/diff.js';
import type { CoreSession } from '../../src/core.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const folded = (text: string): Buffer => Buffer.from(text);

describe('compare: shares', () => {
  it('self and total shares, in percentage points of each profile', async () => {
    // base: b is leaf in 90 of 100 samples, c in 10; new: 80 of 200 -> 40%, c 60%
    const r = await compare(folded('a;b 90\na;c 10\n'), folded('a;b 80\na;c 120\n'), { format: 'folded' });
    expect([r.baseSamples, r.newSamples]).toEqual([100, 200]);
    const c = r.functions.find((f) => f.name === 'c')!;
    expect(c.base).toEqual({ self: 0.1, total: 0.1 });
    expect(c.new).toEqual({ self: 0.6, total: 0.6 });
    expect(c.selfChange).toBeCloseTo(50, 9);
    const a = r.functions.find((f) => f.name === 'a')!;
    expect([a.base.self, a.base.total, a.new.total, a.totalChange]).toEqual([0, 1, 1, 0]);
    expect(r.regressions.map((f) => f.name)).toEqual(['c']);
  });

  it('a recursive function counts once per sample in its total', async () => {
    const r = await compare(folded('m;f;g;f;g 10\nm;h 10\n'), folded('m;f;g;f;g 10\nm;h 30\n'), { format: 'folded' });
    const f = r.functions.find((x) => x.name === 'f')!;
    expect(f.base.total).toBe(0.5); // not 1.0: the nested f is the same samples
    expect(f.new.total).toBe(0.25);
    const g = r.functions.find((x) => x.name === 'g')!;
    expect([g.base.self, g.base.total]).toEqual([0.5, 0.5]);
  });

  it('growth equal to the threshold is not a regression; more is', async () => {
    // c: 10% -> 13% exactly (+3 points, which is 3.0000000000000027 in floating point)
    const base = folded('a;b 90\na;c 10\n');
    const next = folded('a;b 87\na;c 13\n');
    expect((await compare(base, next, { format: 'folded', threshold: 3 })).regressions).toEqual([]);
    expect((await compare(base, next, { format: 'folded', threshold: 2.99 })).regressions.map((f) => f.name)).toEqual(['c']);
  });

  it('the corpus before/after pair: the functions that appeared grow by their share of AFTER', async () => {
    const dir = join(CORPUS, 'diff-folded');
    const r = await compare(join(dir, 'before.txt'), join(dir, 'after.txt'));
    // __fget_light_[k] exists only in after.txt: 12 of its 80 samples, as leaf and in total.
    const fget = r.functions.find((f) => f.name === '__fget_light_[k]')!;
    expect([fget.base.self, fget.new.self, fget.new.total]).toEqual([0, 12 / 80, 12 / 80]);
    // 0x234f2abc exists only in before.txt: 1 of 65 samples.
    const hex = r.functions.find((f) => f.name === '0x234f2abc')!;
    expect(hex.totalChange).toBeCloseTo(-100 / 65, 9);
  });
});

describe('compare: exit codes (CLI)', () => {
  const dir = join(CORPUS, 'diff-folded');
  const before = join(dir, 'before.txt');
  const after = join(dir, 'after.txt');

  it('0 when nothing grew past the threshold (a profile against itself)', () => {
    const r = runCli(['compare', before, before]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/^OK: no function's self or total share grew by more than 2%/m);
  });

  it('1 when a function grew by more than the threshold, naming it', () => {
    const r = runCli(['compare', before, after]);
    expect(r.status).toBe(1);
    const out = r.stdout.toString();
    expect(out).toMatch(/^REGRESSION: 7 functions grew by more than 2% of all samples:$/m);
    expect(out).toMatch(/^ {2}__fget_light_\[k\] \(self \+15\.00, total \+15\.00\)$/m);
    expect(out).toMatch(/^ +\+15\.00 +0\.00% +15\.00% +__fget_light_\[k\]$/m);
  });

  it('0 again with a threshold above the largest growth (16.83 points); "17" and "17%" alike', () => {
    expect(runCli(['compare', '--threshold', '17%', before, after]).status).toBe(0);
    expect(runCli(['compare', '-t', '17', before, after]).status).toBe(0);
    expect(runCli(['compare', '-t', '16.8', before, after]).status).toBe(1);
  });

  it('--json: the same verdict, machine-readable', () => {
    const r = runCli(['compare', '--json', before, after]);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout.toString()) as { regressed: boolean; regressions: string[]; base: { samples: number } };
    expect(json.regressed).toBe(true);
    expect(json.base.samples).toBe(65);
    expect(json.regressions).toContain('__fdget_pos_[k]');
  });

  it('a capture of several events compares one: the first of each, with a warning, or --event', () => {
    const blog = join(CORPUS, 'pmcstat', 'brendangregg-cpi-blog-excerpt.txt');
    const base = (args: string[]): number => (JSON.parse(runCli(['compare', '--json', ...args, blog, blog]).stdout.toString()) as { base: { samples: number } }).base.samples;
    const r = runCli(['compare', blog, blog]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toMatch(/several events; folded only the first, 'CPU_CLK_UNHALTED.THREAD_P' \(21723 samples\)/);
    const folded = (event: string): number =>
      runCli(['collapse', '--event', event, blog]).stdout.toString().split('\n').filter((l) => l !== '')
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(base([])).toBe(folded('CPU_CLK_UNHALTED.THREAD_P'));
    expect(base(['--event', 'RESOURCE_STALLS.ANY'])).toBe(folded('RESOURCE_STALLS.ANY'));
    expect(folded('RESOURCE_STALLS.ANY')).not.toBe(folded('CPU_CLK_UNHALTED.THREAD_P'));
  });

  it('2 for usage errors, 1 for bad input', () => {
    expect(runCli(['compare', '--threshold', 'lots', before, after]).status).toBe(2);
    expect(runCli(['compare', before]).status).toBe(2);
    const { dir: tmp, cleanup } = tempDir();
    try {
      const empty = join(tmp, 'empty.folded');
      writeFileSync(empty, '');
      const r = runCli(['compare', '-f', 'folded', empty, after]);
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/empty\.folded: no samples to compare against/);
      expect(runCli(['compare', join(dir, 'bad_before.txt'), after]).status).toBe(1);
    } finally {
      cleanup();
    }
  });
});

describe('compare: from the stack table and from the call tree', () => {
  it('give the same shares (recursion, empty stacks, negative counts, stacks past the budget)', async () => {
    const a = Buffer.from('a;b;a;c 5\na;a;a 2\nb;b 1\n 3\nm;a;b -1\nm;x 4\n');
    const b = Buffer.from('a;b;a;c 1\na;a 7\nb 2\nm;x;a;x 6\nz 1\n');
    const run = async (stackTableBytes: number | undefined, tree: boolean) => {
      const setup = (s: CoreSession) => stackTableBytes !== undefined && s.setOption('stackTableBytes', stackTableBytes);
      const { session } = await collapseColumns({ input: a, format: 'folded', setup }, { input: b, format: 'folded' });
      return tree ? compareTree(session.tree(), 1) : compareSession(session, 1);
    };
    const fromTable = await run(undefined, false);
    expect(fromTable.functions.find((f) => f.name === 'a')!.base.total).toBeCloseTo(6 / 14); // 5 + 2 - 1: each stack once
    expect(await run(undefined, true)).toEqual(fromTable);
    expect(await run(0, false)).toEqual(fromTable); // every stack in the tree
    expect(await run(8, false)).toEqual(fromTable); // some in each
  });
});
