// `flamefold top`: self and total per function (or module) against a
// hand-computed case and, on corpus captures, against sums computed here from
// the folded text; the table's layout, --json, -n and --by.

import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/api/collapse.js';
import { formatTop, moduleOf, topFunctions, type TopEntry, type TopReport } from '../../src/export/top.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';
import { corpusCaptures, stacksOf, sumsOf } from './oracle.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// By hand: app`main is on every stack (10), app`parse on two (6 + 3, counted once in
// the stack where it recurses), memcpy and kernel are leaves.
const HAND = 'app`main;app`parse;libc.so.7`memcpy 6\napp`main;app`parse;app`parse 3\napp`main;kernel 1\n';

const entry = (name: string, self: number, total: number, samples = 10): TopEntry => ({
  name, self, total, selfPercent: (100 * self) / samples, totalPercent: (100 * total) / samples,
  selfText: String(self), totalText: String(total),
  selfPercentText: ((100 * self) / samples).toFixed(2), totalPercentText: ((100 * total) / samples).toFixed(2),
});

describe('top', () => {
  it('functions by self and by total, a hand-computed case', async () => {
    const report = topFunctions(await collapse(Buffer.from(HAND)));
    expect(report).toEqual({
      by: 'function',
      samples: 10,
      samplesText: '10',
      stacks: 3,
      negativeStacks: 0,
      bySelf: [entry('libc.so.7`memcpy', 6, 6), entry('app`parse', 3, 9), entry('kernel', 1, 1)],
      byTotal: [entry('app`main', 0, 10), entry('app`parse', 3, 9), entry('libc.so.7`memcpy', 6, 6), entry('kernel', 1, 1)],
    } satisfies TopReport);
  });

  it('--by module: the name before the first backtick; a name without one is kept whole', async () => {
    expect(['libc.so.7`memcpy', 'kernel', '`odd', 'a`b`c'].map(moduleOf)).toEqual(['libc.so.7', 'kernel', '`odd', 'a']);
    const report = topFunctions(await collapse(Buffer.from(HAND)), { by: 'module' });
    expect(report.bySelf).toEqual([entry('libc.so.7', 6, 6), entry('app', 3, 10), entry('kernel', 1, 1)]);
    expect(report.byTotal).toEqual([entry('app', 3, 10), entry('libc.so.7', 6, 6), entry('kernel', 1, 1)]);
  });

  it('the table: aligned columns, percentages with two decimals', () => {
    const input = join(tmp.dir, 'hand.folded');
    writeFileSync(input, HAND);
    const r = runCli(['top', input]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(
      '10 samples in 3 stacks\n\n' +
        'Hottest functions by self:\n' +
        'self   self%  total   total%  function\n' +
        '   6  60.00%      6   60.00%  libc.so.7`memcpy\n' +
        '   3  30.00%      9   90.00%  app`parse\n' +
        '   1  10.00%      1   10.00%  kernel\n\n' +
        'Hottest functions by total:\n' +
        'self   self%  total   total%  function\n' +
        '   0   0.00%     10  100.00%  app`main\n' +
        '   3  30.00%      9   90.00%  app`parse\n' +
        '   6  60.00%      6   60.00%  libc.so.7`memcpy\n' +
        '   1  10.00%      1   10.00%  kernel\n',
    );
    const short = runCli(['top', '-n', '1', '--by', 'module', '--countname', 'cycles', input]).stdout.toString();
    expect(short).toBe(
      '10 cycles in 3 stacks\n\n' +
        'Hottest modules by self:\nself   self%  total   total%  module\n   6  60.00%      6   60.00%  libc.so.7\n\n' +
        'Hottest modules by total:\nself   self%  total   total%  module\n   3  30.00%     10  100.00%  app\n',
    );
  });

  it('--json is the report; bad -n and --by are usage errors', () => {
    const input = join(tmp.dir, 'hand.folded');
    writeFileSync(input, HAND);
    const json = JSON.parse(runCli(['top', '--json', '-n', '2', input]).stdout.toString()) as TopReport;
    expect(json.samples).toBe(10);
    expect(json.bySelf.map((e) => e.name)).toEqual(['libc.so.7`memcpy', 'app`parse']);
    expect(json.byTotal[0]).toEqual(entry('app`main', 0, 10));
    for (const [args, message] of [
      [['-n', '0'], /--lines needs a positive whole number, not '0'/],
      [['--by', 'file'], /--by takes function or module, not 'file'/],
    ] as const) {
      const r = runCli(['top', ...args, input]);
      expect(r.status).toBe(2);
      expect(r.stderr.toString()).toMatch(message);
    }
  });

  it('a capture of several events ranks its first, with a warning; --event another; never their sum', () => {
    const capture = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const samples = (args: string[]): number => (JSON.parse(runCli(['top', '--json', ...args]).stdout.toString()) as TopReport).samples;
    const folded = (event: string): number =>
      runCli(['collapse', '--event', event, capture]).stdout.toString().split('\n').filter((l) => l !== '')
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const r = runCli(['top', capture]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toMatch(/several events; folded only the first, 'CPU_CLK_UNHALTED.THREAD_P' .* not 'RESOURCE_STALLS.ANY'/);
    expect(samples([capture])).toBe(folded('CPU_CLK_UNHALTED.THREAD_P'));
    expect(samples(['--event', 'RESOURCE_STALLS.ANY', capture])).toBe(folded('RESOURCE_STALLS.ANY'));
  });

  it('two-count input is ranked by its second column; empty input reports nothing', async () => {
    const report = topFunctions(await collapse(Buffer.from('a;b 5 1\na;c 0 3\n')));
    expect(report.samples).toBe(4);
    expect(report.bySelf).toEqual([entry('c', 3, 3, 4), entry('b', 1, 1, 4)]);
    const empty = topFunctions(await collapse(Buffer.from('# nothing\n'), { format: 'folded' }));
    expect(empty).toEqual({ by: 'function', samples: 0, samplesText: '0', stacks: 0, negativeStacks: 0, bySelf: [], byTotal: [] });
    expect(formatTop(empty)).toBe('0 samples in 0 stacks\n\nHottest functions by self: none\n\nHottest functions by total: none\n');
  });

  it('frames whose names differ only in bytes that are not UTF-8 are one function (U+FFFD), as in the other exports', async () => {
    const bytes = (...parts: (string | number)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from([p]))));
    const result = await collapse(bytes('a', 0xff, ';b 1\na', 0xfe, ';b 2\nc', 0xff, ' 4\n'));
    expect(result.totals.frames).toBe(4); // four names in the core: a\xff, a\xfe, b, c\xff
    const report = topFunctions(result);
    expect(report.byTotal.map((e) => [e.name, e.self, e.total])).toEqual([['c\u{FFFD}', 4, 4], ['b', 3, 3], ['a\u{FFFD}', 0, 3]]);
  });

  it('a stack with a negative count counts as zero, as the flame graph draws it, and is said', async () => {
    const input = join(tmp.dir, 'negative.folded');
    writeFileSync(input, `${HAND}app\`main;app\`free -4\napp\`main;app\`parse -2\n`);
    const report = topFunctions(await collapse(input));
    expect(report).toMatchObject({ samples: 10, stacks: 5, negativeStacks: 2 });
    expect(report.byTotal).toEqual(topFunctions(await collapse(Buffer.from(HAND))).byTotal); // app`free has no entry
    const r = runCli(['top', input]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('   0   0.00%     10  100.00%  app`main\n'); // never over 100%
    expect(r.stderr.toString()).toBe('flamefold: warning: 2 stacks with a negative count counted as zero\n');
    expect(runCli(['top', '--json', input]).stderr.toString()).toContain('negative count');
  });

  it.each(corpusCaptures().map((c) => [relative(CORPUS, c), c]))('%s: every function\'s self and total equal sums of the folded output', async (_name, capture) => {
    const result = await collapse(capture, { jobs: 1 });
    const folded = result.text();
    for (const by of ['function', 'module'] as const) {
      const report = topFunctions(result, { limit: Infinity, by });
      const expected = sumsOf(folded, by === 'module' ? moduleOf : undefined, 'as zero');
      const negatives = [...stacksOf(folded, 1).values()].filter(([count]) => count! < 0);
      expect(report.samples).toBe(result.totals.samples - negatives.reduce((sum, [count]) => sum + count!, 0));
      expect(report.negativeStacks).toBe(negatives.length);
      expect(new Map(report.byTotal.map((e) => [e.name, { self: e.self, total: e.total }]))).toEqual(expected);
      expect(report.bySelf.map((e) => e.name).sort()).toEqual([...expected].filter(([, s]) => s.self !== 0).map(([n]) => n).sort());
      for (let i = 1; i < report.bySelf.length; i++) expect(report.bySelf[i - 1]!.self).toBeGreaterThanOrEqual(report.bySelf[i]!.self);
      for (let i = 1; i < report.byTotal.length; i++) expect(report.byTotal[i - 1]!.total).toBeGreaterThanOrEqual(report.byTotal[i]!.total);
    }
  });
});
