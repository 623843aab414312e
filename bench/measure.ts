// Timing one command as a user runs it (a fresh process: wall time with Node's
// start-up, CPU time and peak RSS from /usr/bin/time), hashing what it wrote,
// and the statistics of several runs.

import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';

export const MB = 1e6;

export interface Command {
  cmd: string;
  args: string[];
}

export interface Timed {
  ms: number;
  /** User plus system CPU time of the process and its threads: steadier than wall time on a shared host. */
  cpuMs: number;
  peakRssMB: number;
}

/** Runs the command under /usr/bin/time (its stdout discarded): wall time taken here; CPU (%U + %S, s) and peak RSS (%M, KiB) from time. */
export function timed({ cmd, args }: Command): Timed {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const lines = r.stderr.trim().split('\n');
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${lines.slice(0, -1).join('\n')}`);
  const [user, system, rssKiB] = lines.at(-1)!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + system) * 1000, peakRssMB: (rssKiB * 1024) / MB };
}

/** The sha256 of a file, read in 1 MiB pieces (outputs can be large). */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** "0.84 s (0.80–0.91)": the median and the spread of the runs. */
export const medianAndSpread = (s: Spread): string => `${seconds(s.median)} (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})`;

/** Prints rows as columns padded to their widest cell, the first row as the header. */
export function printTable(rows: readonly string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}
