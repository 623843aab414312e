// `npm run bench`: throughput and peak memory of flamefold, each figure beside
// a reference measured in the same run on the same file (`wc -l`).
//
// 1. tinybench: the core folding in-memory buffers (no I/O).
// 2. Whole-file runs in fresh processes on generated gigabyte captures.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { collapse } from 'flamefold';
import { DTRACE_1G, ensure, type Dataset } from './data.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const MiB = 1024 * 1024;

interface Measured {
  ms: number;
  maxRssMiB: number;
}

function child(args: string[]): Measured {
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measured;
}

/** `wc -l` on the same file: the reference for reading it at all. */
function wc(file: string): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'wc', '-l', file], { encoding: 'utf8' });
  const [secs, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { ms: secs! * 1000, maxRssMiB: kb! / 1024 };
}

function best(runs: Measured[]): Measured {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

const rows: string[][] = [];
function row(task: string, bytes: number, m: Measured, ref: Measured): void {
  const mbs = bytes / MiB / (m.ms / 1000);
  const refMbs = bytes / MiB / (Math.max(ref.ms, 1) / 1000);
  rows.push([task, `${(bytes / MiB).toFixed(0)} MiB`, `${(m.ms / 1000).toFixed(2)} s`, `${mbs.toFixed(0)} MB/s`, `${m.maxRssMiB.toFixed(0)} MiB`,
    `${(ref.ms / 1000).toFixed(2)} s`, `${refMbs.toFixed(0)} MB/s`, `${(m.ms / Math.max(ref.ms, 1)).toFixed(1)}x`]);
}

async function inMemory(): Promise<void> {
  const { file } = ensure({ name: 'dtrace-16m', tool: 'gen-dtrace.mjs', args: ['--bytes', '16M', '--seed', '3', '--stacks', '5000', '--snapshots', '8'] });
  const bytes = readFileSync(file);
  const bench = new Bench({ time: 3000 });
  bench.add('collapse 16 MiB DTrace buffer (dtrace)', async () => {
    await collapse(bytes, { format: 'dtrace' });
  });
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    const mean = result && "latency" in result ? result.latency.mean : NaN;
    console.log(`${task.name}: ${mean.toFixed(1)} ms/op, ${(bytes.length / MiB / (mean / 1000)).toFixed(0)} MB/s`);
  }
}

function wholeFile(label: string, d: Dataset, format: string, repeats = 3): void {
  const { file, bytes } = ensure(d);
  const ref = best([wc(file), wc(file), wc(file)]);
  const runs: Measured[] = [];
  for (let i = 0; i < repeats; i++) runs.push(child(['collapse', file, format]));
  row(label, bytes, best(runs), ref);
}

console.log('# in-memory core (tinybench)');
await inMemory();
console.log('\n# whole files (best of 3, fresh process each; reference: wc -l on the same file)');
wholeFile('collapse dtrace 1G', DTRACE_1G, 'dtrace');
const head = ['task', 'input', 'time', 'throughput', 'peak RSS', 'wc -l', 'wc -l MB/s', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

// Smoke run of the user-facing `flamefold bench` on the same file (one run per stage):
// its figures should agree with the whole-file row above.
{
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  console.log('\n# flamefold bench --repeat 1 (the user-facing command, on the same file)');
  const r = spawnSync(process.execPath, [cli, 'bench', '--repeat', '1', ensure(DTRACE_1G).file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`flamefold bench failed: ${r.stderr}`);
  process.stdout.write(r.stdout);
}
