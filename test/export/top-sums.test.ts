// `top`'s sums made by the core and its pick of the best entries by a heap
// (src/export/top-sums.ts): exact past 2^53 and up to 2^63-1, and the same
// entries, in the same order (ties by the other sum, then by name), as a full
// sort of every name's sums computed here from the folded text.

import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/api/collapse.js';
import { moduleOf, topFunctions, type TopBy } from '../../src/export/top.js';
import { sumsOf } from './oracle.js';

/** The report's lists as a full sort of the oracle's sums would give them: [name, self, total]. */
function sortedOracle(folded: string, by: TopBy, limit: number): { bySelf: unknown[]; byTotal: unknown[] } {
  const sums = [...sumsOf(folded, by === 'module' ? moduleOf : undefined, 'as zero')].map(([name, s]) => ({ name, ...s }));
  type S = (typeof sums)[number];
  const most = (a: number, b: number): number => b - a;
  const byName = (a: S, b: S): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const row = (s: S): unknown[] => [s.name, s.self, s.total];
  return {
    bySelf: sums.filter((s) => s.self !== 0).sort((a, b) => most(a.self, b.self) || most(a.total, b.total) || byName(a, b)).slice(0, limit).map(row),
    byTotal: [...sums].sort((a, b) => most(a.total, b.total) || most(a.self, b.self) || byName(a, b)).slice(0, limit).map(row),
  };
}

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('top sums and pick', () => {
  it('sums past 2^53 are exact, and ranked exactly (doubles would tie b and a)', async () => {
    const report = topFunctions(await collapse(Buffer.from('x;b 9007199254740993\nx;a 9007199254740992\nn -5\nx;c;x 18014398509481821\n')));
    expect(report.samplesText).toBe('36028797018963806');
    expect(report.bySelf.map((e) => [e.name, e.selfText, e.totalText])).toEqual([
      ['x', '18014398509481821', '36028797018963806'],
      ['b', '9007199254740993', '9007199254740993'],
      ['a', '9007199254740992', '9007199254740992'],
    ]);
    expect(report.byTotal.map((e) => e.name)).toEqual(['x', 'c', 'b', 'a']);
    expect(report.negativeStacks).toBe(1);
  });

  it('sums up to 2^63-1 are exact (the fold refuses more: no sum top makes can pass it)', async () => {
    const report = topFunctions(await collapse(Buffer.from('x;a 9223372036854775806\nn -7\nx;b 1\n')));
    expect(report.samplesText).toBe('9223372036854775807');
    expect(report.byTotal.map((e) => [e.name, e.selfText, e.totalText, e.totalPercentText])).toEqual([
      ['x', '0', '9223372036854775807', '100.00'],
      ['a', '9223372036854775806', '9223372036854775806', '100.00'],
      ['b', '1', '1', '0.00'],
    ]);
    await expect(collapse(Buffer.from('x;a 9223372036854775807\nx;b 1\n'))).rejects.toThrow(/sum of the counts is too large/);
  });

  it('a name seen only in stacks of a negative count has no entry; one seen only in stacks of count 0 has one', async () => {
    const report = topFunctions(await collapse(Buffer.from('a;gone -3\na;zero 0\na;b 2\n')));
    expect(report.byTotal.map((e) => [e.name, e.total])).toEqual([['b', 2], ['a', 2], ['zero', 0]]); // a tie of totals: more self first
    expect(report.bySelf.map((e) => e.name)).toEqual(['b']);
  });

  it('by module, a name without a backtick and the module of another are one entry, counted once per stack', async () => {
    const report = topFunctions(await collapse(Buffer.from('libc;libc`memcpy;app`x 3\nlibc`free 2\nlibc 1\n`odd 4\n')), { by: 'module' });
    expect(report.byTotal.map((e) => [e.name, e.self, e.total])).toEqual([['libc', 3, 6], ['`odd', 4, 4], ['app', 3, 3]]);
  });

  it.each([1, 2, 7, 50, 400])('many ties, names past ASCII and not UTF-8, -n %i: the entries and order of a full sort', async (limit) => {
    const next = random(limit);
    const names = ['a', 'b', 'ab', 'a b', 'é', 'e\u0301', '\u{1F600}', '\uFFFD', 'z`y', 'z', 'Z', 'zz`q', '\uE000'];
    for (let i = 0; i < 150; i++) names.push(`f${Math.floor(next() * 60)}${next() < 0.2 ? '`m' : ''}`);
    const pick = (): string => names[Math.floor(next() * names.length)]!;
    const lines: Buffer[] = [];
    for (let i = 0; i < 600; i++) {
      const depth = 1 + Math.floor(next() * 5);
      const stack = Array.from({ length: depth }, pick).join(';');
      const count = Math.floor(next() * 4) - (next() < 0.05 ? 5 : 0); // counts 0..3 tie often; a few negative
      lines.push(Buffer.from(`${stack} ${count}\n`));
    }
    lines.push(Buffer.from([0x71, 0xff, 0x20, 0x33, 0x0a]), Buffer.from([0x71, 0xfe, 0x3b, 0x61, 0x20, 0x32, 0x0a])); // q\xff and q\xfe: one name, q\uFFFD
    const result = await collapse(Buffer.concat(lines));
    const folded = result.text();
    for (const by of ['function', 'module'] as const) {
      const report = topFunctions(result, { by, limit });
      const rows = (entries: typeof report.bySelf): unknown[] => entries.map((e) => [e.name, e.self, e.total]);
      expect({ bySelf: rows(report.bySelf), byTotal: rows(report.byTotal) }).toEqual(sortedOracle(folded, by, limit));
    }
  });
});
