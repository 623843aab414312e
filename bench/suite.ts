// The rows of `npm run bench`: each a flamefold command run in fresh processes,
// in rounds with a reference command (`wc -l`, `gzip -dc`, `node -e 0`)
// measured on the same input in the same rounds, and with a baseline build
// when one is given. Every run's output is hashed and checked: a row with a
// wrong output is reported as FAILED, never timed.

import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { datasets, ensure, ensureAwk, ensureGzip, ensureTiny, highCardinality, parseSize, type Capture } from './data.js';
import { MB, medianAndSpread, printTable, seconds, sha256File, spread, timed, type Command, type Timed } from './measure.js';

/** A flamefold build: this checkout's, or the baseline's (FLAMEFOLD_BASELINE=/other/checkout/dist/flamefold.cjs). */
export interface Build {
  name: string;
  cli: string;
}

export interface Options {
  size: string;
  runs: number;
  builds: Build[];
  /** Only the rows whose task or input label matches. */
  only?: RegExp;
}

/** The options, or a one-line message and exit status 2 when they are wrong. */
export function parseOptionsOrExit(argv: string[]): Options {
  try {
    return parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\nUsage: npm run bench[:svg] -- [--size 64M] [--runs N] [--baseline PATH/dist/flamefold.cjs] [--only REGEX]\n`);
    process.exit(2);
  }
}

/** npm run bench[:svg] -- [--size 64M] [--runs N] [--baseline PATH] [--only REGEX]; also FLAMEFOLD_BENCH_SIZE, RUNS, FLAMEFOLD_BASELINE. */
function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { size: { type: 'string' }, runs: { type: 'string' }, baseline: { type: 'string' }, only: { type: 'string' } },
  });
  const size = values.size ?? process.env.FLAMEFOLD_BENCH_SIZE ?? '1G';
  parseSize(size); // fails early on a bad size
  const runs = Number(values.runs ?? process.env.RUNS ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive whole number, not '${values.runs ?? process.env.RUNS}'`);
  const builds: Build[] = [{ name: 'this', cli: fileURLToPath(new URL('../../dist/flamefold.cjs', import.meta.url)) }];
  const baseline = values.baseline ?? process.env.FLAMEFOLD_BASELINE;
  if (baseline) {
    if (!existsSync(baseline)) throw new Error(`the baseline build ${baseline} does not exist (give its dist/flamefold.cjs)`);
    builds.push({ name: 'baseline', cli: baseline });
  }
  const only = values.only === undefined ? undefined : new RegExp(values.only, 'i');
  return { size, runs, builds, ...(only && { only }) };
}

interface Row {
  task: string;
  input: { label: string; bytes: number };
  /** The flamefold arguments, writing the output to `out`. */
  args: (out: string) => string[];
  /** The sha256 the output must have, for a build; undefined: the build's own first (untimed) run is the reference. */
  expected: (build: Build) => string | undefined;
  /** What the output is checked against, for the table. */
  checked: string;
  reference: Command & { label: string };
}

/** Memoised per key: expected outputs are computed once however many rows and builds ask. */
function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key)!;
  };
}

/** The rows (all, or the SVG ones only), their inputs generated when missing. `out` is a scratch folder. */
export function benchRows(size: string, out: string, which: 'all' | 'svg'): Row[] {
  const d = datasets(size);
  const w1 = ensure(d.dtrace);
  const w2 = { label: 'W2 folded (W1 --expect)', file: w1.expected, bytes: statSync(w1.expected).size };
  const wc = (c: { file: string }) => ({ label: 'wc -l', cmd: 'wc', args: ['-l', c.file] });
  const nodeStart = { label: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] };
  // capture → SVG must draw what `flamefold svg` draws for the generator's folded output, with the same build.
  const svgPath = join(out, 'reference.svg');
  const svgOfW2 = memo((build: Build) => outputOf(build, ['svg', '-q', w2.file, '-o', svgPath], svgPath));
  const drawW2 = (task: string, flags: string[]): Row => ({
    task,
    input: w2,
    args: (o) => ['svg', '-q', ...flags, w2.file, '-o', o],
    expected: () => undefined,
    checked: 'first run',
    reference: nodeStart,
  });
  // High-cardinality profiles (issue 12): millions of distinct stacks and frames, where memory
  // must follow what is distinct; and a tiny input, where start-up is all there is.
  const hc1 = ensureAwk(highCardinality.hc1);
  const hc2 = ensureAwk(highCardinality.hc2);
  const deep = ensureAwk(highCardinality.deep);
  const tiny = ensureTiny();
  const draw = (task: string, c: Capture, reference: Row['reference']): Row => ({
    task,
    input: c,
    args: (o) => ['svg', '-q', c.file, '-o', o],
    expected: () => undefined,
    checked: 'first run',
    reference,
  });
  const svgRows: Row[] = [
    { task: 'capture → SVG, one command', input: w1, args: (o) => ['-q', w1.file, '-o', o], expected: svgOfW2, checked: 'svg of W2', reference: wc(w1) },
    drawW2('folded → SVG', []),
    drawW2('folded → SVG --flamechart', ['--flamechart']),
    draw('folded → SVG', hc1, wc(hc1)),
    draw('folded → SVG', hc2, wc(hc2)),
    draw('folded → SVG', deep, wc(deep)),
    draw('folded → SVG', tiny, nodeStart),
  ];
  if (which === 'svg') return svgRows;

  const generator = memo((c: Capture) => sha256File(c.expected));
  const collapse = (task: string, c: Capture, jobs: number, reference: Row['reference'] = wc(c)): Row => ({
    task,
    input: c,
    args: (o) => ['collapse', '-q', '-j', String(jobs), c.file, '-o', o],
    expected: () => generator(c),
    checked: 'generator',
    reference,
  });
  // Folded input as a user collapses it (threads as the command picks them): its output is the input sorted.
  const sorted = (c: Capture): Row => ({
    task: 'collapse',
    input: c,
    args: (o) => ['collapse', '-q', c.file, '-o', o],
    expected: () => generator(c),
    checked: 'LC_ALL=C sort',
    reference: wc(c),
  });
  const w1gz = ensureGzip(w1);
  const perf = ensure(d.perf);
  const procstat = ensure(d.procstat);
  // capture → SVG must draw what `flamefold svg` draws for the generator's folded output, with the same build.
  const captureToSvg = (c: Capture, name: string): Row => {
    const reference = join(out, `reference-${name}.svg`);
    return {
      task: 'capture → SVG, one command',
      input: c,
      args: (o) => ['-q', c.file, '-o', o],
      expected: memo((build: Build) => outputOf(build, ['svg', '-q', c.expected, '-o', reference], reference)),
      checked: 'svg of its --expect',
      reference: wc(c),
    };
  };
  return [
    collapse('collapse, 1 thread', w1, 1),
    collapse('collapse, 2 threads', w1, 2),
    collapse('collapse, 1 thread', w1gz, 1, { label: 'gzip -dc', cmd: 'gzip', args: ['-dc', w1gz.file] }),
    collapse('collapse, 2 threads', ensure(d.pmcstat), 2),
    collapse('collapse, 2 threads', procstat, 2),
    collapse('collapse, 1 thread', perf, 1),
    collapse('collapse, 2 threads', perf, 2),
    sorted(hc1),
    sorted(hc2),
    sorted(deep),
    captureToSvg(perf, 'perf'),
    captureToSvg(procstat, 'procstat'),
    ...svgRows,
  ];
}

const flamefold = (build: Build, args: string[]): Command => ({ cmd: process.execPath, args: [build.cli, ...args] });

/** Runs the build once and hashes what `args` make it write to `path`; a failed run is an error message instead. */
function run(build: Build, args: string[], path: string): { timed: Timed; sha256: string } | { error: string } {
  rmSync(path, { force: true });
  try {
    const t = timed(flamefold(build, args));
    return { timed: t, sha256: sha256File(path) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The sha256 of what the build writes, from an untimed run ('failed: …' when it fails, which matches no output). */
function outputOf(build: Build, args: string[], path: string): string {
  const r = run(build, args, path);
  return 'error' in r ? `failed: ${r.error}` : r.sha256;
}

interface Measured {
  runs: Timed[];
  /** Runs whose output was wrong or that failed, the first failure's message. */
  wrong: number;
  error?: string;
  firstOutput: string;
}

interface RowResult {
  row: Row;
  reference: Timed[];
  builds: Map<string, Measured>;
}

/** One untimed run per build (the page cache warm, and the reference output where there is no other), then `runs` rounds. */
function measureRow(row: Row, options: Options, out: string): RowResult {
  const path = join(out, 'output');
  const builds = new Map<string, Measured>();
  for (const build of options.builds) {
    const firstOutput = outputOf(build, row.args(path), path);
    const want = row.expected(build);
    const m: Measured = { runs: [], wrong: 0, firstOutput };
    if (firstOutput.startsWith('failed: ')) m.error = firstOutput;
    if (want !== undefined && firstOutput !== want) m.wrong++;
    builds.set(build.name, m);
  }
  const reference: Timed[] = [];
  for (let i = 0; i < options.runs; i++) {
    reference.push(timed(row.reference));
    for (const build of options.builds) {
      const m = builds.get(build.name)!;
      const r = run(build, row.args(path), path);
      if ('error' in r) m.error ??= r.error;
      if ('timed' in r && r.sha256 === (row.expected(build) ?? m.firstOutput) && !m.firstOutput.startsWith('failed: ')) m.runs.push(r.timed);
      else m.wrong++;
    }
  }
  return { row, reference, builds };
}

/** Measures the rows (all, or only the SVG ones) and prints the table; returns whether every output was right. */
export function runRows(options: Options, out: string, which: 'all' | 'svg'): boolean {
  const rows = benchRows(options.size, out, which).filter((r) => !options.only || options.only.test(`${r.task} ${r.input.label}`));
  const results = rows.map((row) => {
    process.stderr.write(`measuring ${row.task} on ${row.input.label} ...\n`);
    return measureRow(row, options, out);
  });
  const baseline = options.builds[1];
  const head = ['task', 'input', 'size', 'median (min–max)', 'MB/s', 'CPU', 'peak RSS', 'reference', 'ref median', 'ratio'];
  if (baseline) head.push('baseline', 'vs baseline', 'CPU vs baseline');
  head.push('output');
  const table = [head];
  let allRight = true;
  for (const { row, reference, builds } of results) {
    const ours = builds.get('this')!;
    const ref = spread(reference.map((t) => t.ms));
    const cells = [row.task, row.input.label, `${(row.input.bytes / MB).toFixed(row.input.bytes < 100 * MB ? 1 : 0)} MB`];
    const wall = spread(ours.runs.map((t) => t.ms));
    const cpu = spread(ours.runs.map((t) => t.cpuMs));
    if (ours.wrong > 0) {
      allRight = false;
      cells.push(`FAILED: ${ours.wrong} wrong output(s)`, '', '', '', row.reference.label, seconds(ref.median), '');
    } else {
      const rss = Math.max(...ours.runs.map((t) => t.peakRssMB));
      cells.push(medianAndSpread(wall), (row.input.bytes / MB / (wall.median / 1000)).toFixed(0), seconds(cpu.median), `${rss.toFixed(0)} MB`);
      cells.push(row.reference.label, seconds(ref.median), `${(wall.median / ref.median).toFixed(1)}x`);
    }
    if (baseline) {
      const theirs = builds.get(baseline.name)!;
      if (theirs.firstOutput.startsWith('failed: ')) {
        cells.push('cannot run it', '', ''); // e.g. a format the older build does not read: said below, not our failure
      } else if (theirs.wrong > 0) {
        cells.push(`WRONG: ${theirs.wrong} runs`, '', '');
      } else {
        const theirWall = spread(theirs.runs.map((t) => t.ms));
        const theirCpu = spread(theirs.runs.map((t) => t.cpuMs));
        const ratio = (a: number, b: number) => (ours.wrong > 0 ? '' : (a / b).toFixed(2));
        cells.push(medianAndSpread(theirWall), ratio(wall.median, theirWall.median), ratio(cpu.median, theirCpu.median));
      }
    }
    const differs = baseline && builds.get(baseline.name)!.firstOutput !== ours.firstOutput ? ', ≠ baseline' : '';
    cells.push(`${ours.wrong > 0 ? 'WRONG' : 'ok'} (${row.checked}${differs})`);
    table.push(cells);
  }
  console.log(`\n# the flamefold command, ${options.runs} runs each in a fresh process (start-up included), beside a reference in the same rounds`);
  printTable(table);
  console.log(
    `median (min–max) of the runs; MB/s at the median; peak RSS the highest of the runs; ratio = median / the reference's median; ` +
      `CPU = median user + system time; MB = 10^6 bytes` +
      `${baseline ? `; vs baseline = median / ${baseline.cli}'s median, CPU vs baseline the same for CPU time` : ''}; output: every run's sha256 against ` +
      `the generator's --expect, the same build's SVG of W2, or its first run`,
  );
  for (const { row, builds } of results) {
    for (const [name, m] of builds) {
      // Only this build's outputs decide the exit status; the baseline's problems are reported.
      const what = name === 'this' ? 'FAILED' : 'note:';
      if (m.wrong > 0) console.log(`${what} ${row.task} on ${row.input.label} (${name} build): ${m.error ?? `output differs from the ${row.checked}`}`);
    }
  }
  return allRight;
}
