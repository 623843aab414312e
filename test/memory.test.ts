// Memory grows with distinct stacks, never with input size: a 200 MB capture
// is folded within a fixed bound, and costs about what a 20 MB one does.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, generate, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function peakRss(file: string): { maxRssMiB: number; bytes: number } {
  const r = spawnSync(process.execPath, [join(ROOT, 'test', 'rss-child.mjs'), file, 'dtrace']);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString()) as { maxRssMiB: number; bytes: number };
}

describe('bounded memory', () => {
  it('folds a 200 MB DTrace capture in under 150 MiB peak RSS', () => {
    const args = ['--seed', '5', '--stacks', '20000', '--snapshots', '40'];
    const big = generate('gen-dtrace.mjs', tmp.dir, 'big', ['--bytes', '200M', ...args]);
    const small = generate('gen-dtrace.mjs', tmp.dir, 'small', ['--bytes', '20M', ...args]);
    const b = peakRss(big.input);
    const s = peakRss(small.input);
    expect(b.bytes).toBeGreaterThan(0);
    expect(b.maxRssMiB).toBeLessThan(150);
    // Ten times the input, about the same memory: allow 40 MiB for the larger tables of more distinct stacks.
    expect(b.maxRssMiB - s.maxRssMiB).toBeLessThan(40);
  });
});
