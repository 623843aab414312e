// Exact counts across threads: workers send their counts in units of their
// own scale (assembly/output/exchange.ts) and the main thread adopts the
// finest, so fractions and counts past 2^53 merge exactly; a count past
// 2^63-1 names its file and line whichever thread read it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CoreSession } from '../../src/core.js';
import { runCliCountingWorkers, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const SPLIT = { FLAMEFOLD_SPLIT_MIN_BYTES: '0' }; // small files are cut too

/** A folded file of `n` lines, line i (1-based) given by `line(i)`. */
function file(name: string, n: number, line: (i: number) => string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, Array.from({ length: n }, (_, i) => `${line(i + 1)}\n`).join(''));
  return path;
}

/** Folded output by hand: each stack's counts summed exactly as decimals (units of 10^-scale). */
function expected(lines: [string, string][], scale: number): string {
  const sums = new Map<string, bigint>();
  for (const [stack, count] of lines) {
    const [whole, fraction = ''] = count.split('.');
    const units = BigInt(whole! + fraction.padEnd(scale, '0'));
    sums.set(stack, (sums.get(stack) ?? 0n) + units);
  }
  const text = (u: bigint): string => {
    const s = u.toString().padStart(scale + 1, '0');
    const f = s.slice(s.length - scale).replace(/0+$/, '');
    return f ? `${s.slice(0, s.length - scale)}.${f}` : s.slice(0, s.length - scale);
  };
  return [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, u]) => `${s} ${text(u)}\n`).join('');
}

describe('exact counts across threads', () => {
  it('fractions: a worker with more decimals than the main thread rescales it, exactly', async () => {
    // The first half has tenths, the second (a worker's range) thousandths and counts past 2^53.
    const lines: [string, string][] = Array.from({ length: 6000 }, (_, k) => {
      const i = k + 1;
      const count = i <= 3000 ? `0.${(i % 9) + 1}` : i === 5000 ? '9007199254740993' : `0.00${(i % 9) + 1}`;
      return [`main;f${i % 37}`, count];
    });
    const input = file('fractions.folded', lines.length, (i) => lines[i - 1]!.join(' '));
    const want = expected(lines, 3);
    for (const jobs of [1, 2, 3]) {
      const r = runCliCountingWorkers(['collapse', '-j', String(jobs), input], SPLIT);
      expect(r.stderr.toString()).toBe('');
      expect(r.workers).toBe(jobs - 1);
      expect(r.stdout.toString()).toBe(want);
    }
    const api = await collapse(input, { jobs: 2 });
    expect(api.text()).toBe(want);
  });

  it('a count past 2^63-1 names its file and line, in one thread and in a worker', () => {
    const input = file('overflow.folded', 6000, (i) => (i === 5000 ? 'main;bad 99999999999999999999999' : `main;f${i % 37} ${i}`));
    for (const jobs of [1, 2]) {
      const r = runCliCountingWorkers(['collapse', '-j', String(jobs), input], SPLIT);
      expect(r.status).toBe(1);
      expect(r.workers).toBe(jobs - 1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toBe(`flamefold: ${input}:5000: a count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)\n`);
    }
  });

  // Which thread reads which range is decided at run time (a thread takes the next range when done),
  // so the merge of two parts is driven here directly, as the pool does it.
  const session = (text: string): CoreSession => {
    const s = new CoreSession();
    s.beginInput('folded');
    s.write(Buffer.from(text));
    s.endInput();
    return s;
  };
  const merge = (into: CoreSession, from: CoreSession): void => {
    for (const piece of from.exportPieces(64)) into.importPiece(piece);
  };

  it('merging parts of other scales: the finer wins, either way round', () => {
    const coarse = (): CoreSession => session('x 0.5\ny 9007199254740993\n');
    const fine = (): CoreSession => session('x 0.25\nz 0.125\n');
    for (const [a, b] of [[coarse(), fine()], [fine(), coarse()]] as const) {
      merge(a, b);
      expect(Buffer.concat([...a.folded()]).toString()).toBe('x 0.75\ny 9007199254740993\nz 0.125\n');
      expect(a.totals().exact).toEqual({ samples: 9007199254740993875n, samples2: 0n, scale: 3 });
    }
  });

  it('a sum that passes 2^63-1 only when parts merge names no line (no one line passed it)', () => {
    const a = session('a 9223372036854775000\n');
    expect(() => merge(a, session('b 9000\n'))).toThrow(
      /^the sum of the counts is too large: counts are kept exact up to 9223372036854775807 \(2\^63-1\), in the sum of the parts read in parallel$/,
    );
    // A scale the merged counts cannot take is the same error.
    expect(() => merge(session('a 92233720368547758\n'), session('b 0.25\n'))).toThrow(/in the sum of the parts read in parallel$/);
  });
});
