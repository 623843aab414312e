// Memory grows with distinct stacks, never with input size: a 200 MB capture
// is folded within a fixed bound, and costs about what a 20 MB one does.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, InputError } from '../../src/index.js';
import { ROOT, generate, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** Peak RSS of a child process folding `file`, and the size and sha256 of the folded output it produced. */
function peakRss(file: string, jobs = 1): { maxRssMiB: number; bytes: number; sha256: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'test', 'support', 'rss-child.mjs'), file, 'dtrace', String(jobs)]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as { maxRssMiB: number; bytes: number; sha256: string };
}

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('bounded memory', () => {
  it('folds a 200 MB DTrace capture in under 120 MiB peak RSS', () => {
    const args = ['--seed', '5', '--stacks', '20000', '--snapshots', '40'];
    const big = generate('gen-dtrace.mjs', tmp.dir, 'big', ['--bytes', '200M', ...args]);
    const small = generate('gen-dtrace.mjs', tmp.dir, 'small', ['--bytes', '20M', ...args]);
    const b = peakRss(big.input);
    const s = peakRss(small.input);
    expect(b.sha256).toBe(sha256Of(big.expected));
    expect(s.sha256).toBe(sha256Of(small.expected));
    expect(b.maxRssMiB).toBeLessThan(120);
    // Ten times the input, about the same memory: allow 25 MiB for the larger tables of more distinct stacks.
    expect(b.maxRssMiB - s.maxRssMiB).toBeLessThan(25);
  });
});

describe('a 2 GB capture', () => {
  it('is folded by two threads in under 130 MiB peak RSS, matching the generator', () => {
    const d = tempDir(); // its own folder: the 2 GB file goes as soon as the test ends
    try {
      const big = generate('gen-dtrace.mjs', d.dir, 'huge', ['--bytes', '2G', '--seed', '12', '--stacks', '50000', '--snapshots', '300']);
      const r = peakRss(big.input, 2);
      expect(r.maxRssMiB).toBeLessThan(130);
      expect(r.bytes).toBe(statSync(big.expected).size);
      expect(r.sha256).toBe(sha256Of(big.expected));
    } finally {
      d.cleanup();
    }
  }, 300_000);
});

describe('tables that outgrow the memory limit', () => {
  it('end in a clear error naming the input, not a crash', async () => {
    // 300,000 distinct stacks of distinct frames: far more than 16 MiB of tables.
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`main;worker_${i % 977};fn_${i}_${'x'.repeat(40)} 1`);
    const input = Buffer.from(lines.join('\n'));
    const err = await collapse(input, { format: 'folded', maxMemoryMiB: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('<buffer 1>: out of memory: the tables of distinct frames and stacks need more than the limit of 16 MiB');
    // The same input fits in the default (4 GiB) limit.
    const ok = await collapse(input, { format: 'folded' });
    expect(ok.totals.stacks).toBe(300_000);
  });
});
