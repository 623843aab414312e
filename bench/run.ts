// `npm run bench`: throughput and peak memory of flamefold, each figure beside
// a reference measured in the same run on the same file (`wc -l`).
//
// 1. tinybench: the core folding an in-memory buffer (no I/O, no process start).
// 2. Whole files: the `flamefold` command as a user runs it, in a fresh process
//    each time (wall time including Node's start-up; peak RSS from
//    /usr/bin/time), best of 3, on generated gigabyte captures of each format,
//    and the SVG paths (folded → SVG, capture → SVG in one command).
// 3. A smoke run of the user-facing `flamefold bench` on the DTrace capture.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { collapse } from 'flamefold';
import { DTRACE_1G, PMCSTAT_1G, PROCSTAT_1G, ensure } from './data.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const MB = 1e6;
const REPEATS = Number(process.env.REPEATS ?? 3);

interface Measured {
  ms: number;
  maxRssMB: number;
}

/** Runs a command under /usr/bin/time: wall time taken here, peak RSS (%M, KiB) from time. */
function measure(cmd: string, args: string[]): Measured {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, maxRssMB: (Number(r.stderr.trim().split('\n').pop()) * 1024) / MB };
}

const best = (runs: Measured[]): Measured => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
const repeat = (fn: () => Measured): Measured => best(Array.from({ length: REPEATS }, fn));

const rows: string[][] = [];
function row(task: string, bytes: number, m: Measured, ref: Measured, extra = ''): void {
  rows.push([
    task,
    `${(bytes / MB).toFixed(0)} MB`,
    `${(m.ms / 1000).toFixed(2)} s`,
    `${(bytes / MB / (m.ms / 1000)).toFixed(0)} MB/s`,
    `${m.maxRssMB.toFixed(0)} MB`,
    `${(ref.ms / 1000).toFixed(2)} s`,
    `${(bytes / MB / (ref.ms / 1000)).toFixed(0)} MB/s`,
    `${(m.ms / ref.ms).toFixed(1)}x`,
    extra,
  ]);
}

async function inMemory(): Promise<void> {
  const { file } = ensure({ name: 'dtrace-16m', tool: 'gen-dtrace.mjs', args: ['--bytes', '16M', '--seed', '3', '--stacks', '5000', '--snapshots', '8'] });
  const bytes = readFileSync(file);
  const bench = new Bench({ time: 3000 });
  bench.add('collapse a 16 MiB DTrace buffer, one thread', async () => {
    await collapse(bytes, { format: 'dtrace', jobs: 1 });
  });
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    const mean = result && 'latency' in result ? result.latency.mean : NaN;
    console.log(`${task.name}: ${mean.toFixed(1)} ms/op, ${(bytes.length / MB / (mean / 1000)).toFixed(0)} MB/s`);
  }
}

const out = mkdtempSync(join(tmpdir(), 'flamefold-bench-out-'));
try {
  console.log('# in-memory core (tinybench)');
  await inMemory();

  const dtrace = ensure(DTRACE_1G);
  const pmcstat = ensure(PMCSTAT_1G);
  const procstat = ensure(PROCSTAT_1G);
  const wcOf = (file: string) => repeat(() => measure('wc', ['-l', file]));
  const dtraceWc = wcOf(dtrace.file);

  const collapseRow = (label: string, file: string, bytes: number, ref: Measured, jobs: number, format: string) =>
    row(label, bytes, repeat(() => measure(process.execPath, [CLI, 'collapse', '-q', '-j', String(jobs), '-f', format, file, '-o', join(out, 'out.folded')])), ref);

  collapseRow('collapse dtrace, 1 thread', dtrace.file, dtrace.bytes, dtraceWc, 1, 'dtrace');
  collapseRow('collapse dtrace, 2 threads', dtrace.file, dtrace.bytes, dtraceWc, 2, 'dtrace');
  collapseRow('collapse pmcstat, 2 threads', pmcstat.file, pmcstat.bytes, wcOf(pmcstat.file), 2, 'pmcstat');
  collapseRow('collapse procstat, 2 threads', procstat.file, procstat.bytes, wcOf(procstat.file), 2, 'procstat');

  const svg = join(out, 'out.svg');
  const oneShot = repeat(() => measure(process.execPath, [CLI, '-q', dtrace.file, '-o', svg]));
  row('dtrace capture → SVG, one command', dtrace.bytes, oneShot, dtraceWc, `SVG ${(statSync(svg).size / MB).toFixed(1)} MB`);
  const foldedBytes = statSync(dtrace.folded).size;
  const draw = repeat(() => measure(process.execPath, [CLI, 'svg', '-q', dtrace.folded, '-o', svg]));
  row('folded (50,000 stacks) → SVG', foldedBytes, draw, wcOf(dtrace.folded), `SVG ${(statSync(svg).size / MB).toFixed(1)} MB`);

  console.log(`\n# whole files: the flamefold command, best of ${REPEATS} (fresh process each, start-up included); reference: wc -l on the same file`);
  const head = ['task', 'input', 'time', 'throughput', 'peak RSS', 'wc -l', 'wc -l MB/s', 'ratio', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  console.log(`MB = 10^6 bytes; inputs in ${statSync(dtrace.file) && dtrace.file.replace(/\/[^/]+$/, '')}`);

  // The user-facing `flamefold bench` on the same file (one run per stage): it should agree with the rows above.
  console.log('\n# flamefold bench --repeat 1 (the user-facing command, on the DTrace capture)');
  const r = spawnSync(process.execPath, [CLI, 'bench', '--repeat', '1', dtrace.file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`flamefold bench failed: ${r.stderr}`);
  process.stdout.write(r.stdout);
} finally {
  rmSync(out, { recursive: true, force: true });
}
