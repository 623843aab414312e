// perf corpus: all 27 inputs × 7 option sets byte for byte against their
// `.expected*.folded` goldens (gzipped ones too), detection, events (the first
// one by default, with a warning naming the others; --event and its
// stackcollapse-perf.pl name --event-filter), malformed lines.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collapse, detectFormat, type CollapseOptions } from '../../src/index.js';
import { DETECT_BYTES } from '../../src/formats/registry.js';
import { CORPUS } from '../support/corpus.js';
import { runCli } from '../support/helpers.js';

const dir = join(CORPUS, 'perf');
const inputs = readdirSync(dir)
  .filter((f) => /\.txt(\.gz)?$/.test(f))
  .sort();
const nameOf = (file: string): string => file.replace(/\.txt(\.gz)?$/, '');
const readMaybeGz = (path: string): Buffer => (existsSync(path) ? readFileSync(path) : gunzipSync(readFileSync(`${path}.gz`)));

// The collapsers' option names (the goldens' suffixes) and the API's.
const OPTIONS: [string, CollapseOptions][] = [
  ['', {}],
  ['pid', { includePid: true }],
  ['tid', { includeTid: true }],
  ['kernel', { kernelMarks: true }],
  ['jit', { jitMarks: true }],
  ['all', { allMarks: true }],
  ['addrs', { includeAddrs: true }],
];

const golden = (name: string, opt: string): string =>
  readMaybeGz(join(dir, `${name}.expected${opt ? `-${opt}` : ''}.folded`)).toString('utf8');

describe('perf corpus: byte-identical to every .expected*.folded', () => {
  it('has the 27 inputs, 5 of them gzipped', () => {
    expect(inputs.length).toBe(27);
    expect(inputs.filter((f) => f.endsWith('.gz')).length).toBe(5);
  });

  for (const file of inputs) {
    it(nameOf(file), async () => {
      for (const [opt, options] of OPTIONS) {
        const result = await collapse(join(dir, file), { format: 'perf', ...options });
        expect([file, opt, result.text()]).toEqual([file, opt, golden(nameOf(file), opt)]);
      }
    });
  }

  it('--format auto and the CLI flags give the same', () => {
    for (const file of ['perf-iperf-stacks-pidtid-01.txt.gz', 'versioned-vmlinux.txt', 'sourcepawn-jitdump.txt', 'perf-dd-stacks-01.txt']) {
      for (const [opt] of OPTIONS) {
        const r = runCli(['collapse', ...(opt ? [`--${opt}`] : []), join(dir, file)]);
        expect([file, opt, r.status, r.stdout.toString()]).toEqual([file, opt, 0, golden(nameOf(file), opt)]);
      }
    }
  });
});

describe('perf detection', () => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const detect = (bytes: Uint8Array): string | undefined => {
    const head = bytes.subarray(0, DETECT_BYTES);
    return detectFormat(head, head.length === bytes.length);
  };
  const readInput = (file: string): Buffer => (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file));

  it('every perf input is perf (the empty no-events.txt folds to nothing as any format: folded, the neutral one)', () => {
    for (const file of inputs) {
      const want = file === 'no-events.txt' ? 'folded' : 'perf';
      expect([file, detect(readInput(join(dir, file)))]).toEqual([file, want]);
    }
  });

  it('no other file of the corpus, of any format, is taken for perf', () => {
    const others = walk(CORPUS).filter((f) => !f.startsWith(dir) && !f.endsWith('.svg') && !f.endsWith('.md'));
    expect(others.length).toBeGreaterThan(150);
    const claimed = others.filter((f) => detect(readInput(f)) === 'perf').map((f) => relative(CORPUS, f));
    expect(claimed).toEqual([]);
  });
});

describe('perf events', () => {
  const two = join(dir, 'perf-cycles-instructions-01.txt');

  it('folds the first event, with a warning naming the others (rule 5)', async () => {
    const result = await collapse(two);
    expect(result.text()).toBe(golden('perf-cycles-instructions-01', ''));
    expect(result.warnings).toEqual([
      `${two}: several events; folded only the first, 'instructions' (333 samples), not 'cycles' (111 samples): --event NAME selects one`,
    ]);
  });

  it('a capture of one event gets no warning', async () => {
    const result = await collapse(join(dir, 'perf-dd-stacks-01.txt'));
    expect(result.warnings).toEqual([]);
  });

  it('lists the events with their samples (records)', async () => {
    const result = await collapse(two, { eventsOnly: true });
    expect(result.events().map(({ label, samples }) => [label, samples])).toEqual([['instructions', 333], ['cycles', 111]]);
    expect(result.text()).toBe('');
    const r = runCli(['collapse', '--list-events', join(dir, 'handmade-perf-uprobe-tracepoint.txt')]);
    expect(r.stdout.toString()).toBe('probe_f:main 2\nsched:sched_switch 1\n');
  });

  it('--event (or --event-filter) folds another event, without a warning', async () => {
    const cycles = await collapse(two, { event: 'cycles' });
    expect(cycles.warnings).toEqual([]);
    expect(cycles.totals.samples).toBe(111); // no period printed: each record counts 1
    expect(cycles.text()).not.toBe(golden('perf-cycles-instructions-01', ''));
    for (const flag of ['--event', '--event-filter']) {
      const r = runCli(['collapse', flag, 'cycles', two]);
      expect([flag, r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([flag, 0, cycles.text(), '']);
    }
    const sched = await collapse(join(dir, 'handmade-perf-uprobe-tracepoint.txt'), { event: 'sched:sched_switch' });
    expect(sched.text()).toMatch(/^f;_start;.*;__schedule 1\n$/);
  });

  it('an event no input has is an error listing those present; both flags at once is a usage error', async () => {
    await expect(collapse(two, { event: 'branches' })).rejects.toThrow(
      "no section of event 'branches' in the input; events present: instructions (333 samples), cycles (111 samples)",
    );
    const r = runCli(['collapse', '--event', 'cycles', '--event-filter', 'cycles', two]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain('--event and --event-filter are one option');
  });

  it('speedscope: a profile per event of a file; from stdin, the first event, said once', () => {
    const file = runCli(['collapse', '--to', 'speedscope', two]);
    expect(file.status).toBe(0);
    const names = (JSON.parse(file.stdout.toString()) as { profiles: { name: string }[] }).profiles.map((p) => p.name);
    expect(names).toEqual([`${two} [instructions]`, `${two} [cycles]`]);
    const piped = runCli(['collapse', '--to', 'speedscope', '-'], readFileSync(two));
    expect(piped.status).toBe(0);
    expect((JSON.parse(piped.stdout.toString()) as { profiles: unknown[] }).profiles.length).toBe(1);
    expect(piped.stderr.toString()).toBe(
      "flamefold: warning: <stdin>: several events; folded only the first, 'instructions' (333 samples), not 'cycles' (111 samples): --event NAME selects one\n",
    );
  });

  it('each input picks its own first event', async () => {
    const dd = join(dir, 'perf-dd-stacks-01.txt'); // cpu-clock
    const result = await collapse([two, dd]);
    const alone = await collapse(dd);
    const both = await collapse(two);
    expect(result.totals.samples).toBe(alone.totals.samples + both.totals.samples);
  });
});

describe('perf malformed lines', () => {
  it('are counted and named by their line number, never folded (rules 3 and 8)', async () => {
    const weird = join(dir, 'weird-stack-line.txt');
    const result = await collapse(weird);
    expect(result.totals.linesIgnored).toBe(1);
    expect(result.warnings).toEqual([`${weird}: 1 malformed line ignored (line 5)`]);
    expect(result.text()).not.toContain('WEIRD');
    const empty = join(dir, 'empty-line.txt');
    expect((await collapse(empty)).warnings).toEqual([`${empty}: 1 malformed line ignored (line 6)`]);
  });

  it('an event line without a TID, a frame line without a DSO or a lone word', async () => {
    const text = [
      'comm without tid: cycles:', // line 1: no TID word
      '',
      'app 12 cycles:',
      '\t1f main+0x1 (/bin/app)',
      '\t2f no_dso_here', // line 5
      '\tffff', // line 6
      '\t3f start (/bin/app)',
      '',
    ].join('\n');
    const result = await collapse(Buffer.from(text), { format: 'perf' });
    expect(result.text()).toBe('app;start;main 1\n');
    expect(result.totals.linesIgnored).toBe(3);
    expect(result.warnings).toEqual(['<buffer 1>: 3 malformed lines ignored (lines 1, 5, 6)']);
  });

  it('periods are counted exactly past 2^53; one past 2^63-1 is an error naming the line', async () => {
    const record = (period: string, time: number): string => `app 12 1.00000${time}: ${period} cycles:\n\t1f main (/bin/app)\n\n`;
    const exact = await collapse(Buffer.from(record('9007199254740993', 1) + record('1', 2)), { format: 'perf' });
    expect(exact.text()).toBe('app;main 9007199254740994\n'); // doubles: 9007199254740992
    const text = `${record('1', 1)}${record('99999999999999999999', 2)}`;
    await expect(collapse(Buffer.from(text), { format: 'perf' })).rejects.toThrow(
      '<buffer 1>:4: a count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)',
    );
  });
});
