// Counts are exact (assembly/tables/counts.ts): integers to 2^63-1 in every
// format that reads counts, fractions summed as decimals, and a count or sum
// past what 64 bits hold is an error naming the input and the line, never a
// rounded figure. Doubles would print 2^53 + 2 as 9007199254740992.

import { describe, expect, it } from 'vitest';
import { collapse, type InputFormat } from '../../src/index.js';

const P53 = 9007199254740993n; // 2^53 + 1: the first integer a double cannot hold
const MAX = 9223372036854775807n; // 2^63 - 1

/** Folds `text` in `format`; the folded output. */
async function fold(text: string, format: InputFormat): Promise<string> {
  return (await collapse(Buffer.from(text), { format })).text();
}

// One record of `count` samples of the stack main → leaf, in each format that reads counts.
// `counted`: the line of a record where its count is added (where it ends).
interface Records {
  format: InputFormat;
  record: (count: bigint, leaf: string) => string;
  line: (leaf: string) => string;
  counted: number;
}
const RECORDS: Record<string, Records> = {
  folded: { format: 'folded', record: (n, leaf) => `main;${leaf} ${n}\n`, line: (leaf) => `main;${leaf}`, counted: 1 },
  dtrace: { format: 'dtrace', record: (n, leaf) => `\n              ${leaf}\n              main\n       ${n}\n`, line: (leaf) => `main;${leaf}`, counted: 4 },
  bpftrace: { format: 'bpftrace', record: (n, leaf) => `@[\n    ${leaf}\n    main\n]: ${n}\n`, line: (leaf) => `main;${leaf}`, counted: 4 },
  pmcstat: {
    format: 'pmcstat',
    // pmcstat pads the count to 8 digits before the name's indentation (one blank per level).
    record: (n, leaf) => {
      const gap = (depth: number): string => ' '.repeat(1 + depth + Math.max(0, 8 - String(n).length));
      return `@ CYCLES [1 samples]\n\n100.0%  [${n}]${gap(0)}${leaf}\n 100.0%  [${n}]${gap(1)}main\n\n`;
    },
    line: (leaf) => `main;${leaf}`,
    counted: 5, // a node's samples are known once the lines below it are read: here, at the end
  },
  procstat: { format: 'procstat', record: (n, leaf) => `${n} ${leaf} main\n`, line: (leaf) => `main;${leaf}`, counted: 1 },
  perf: {
    format: 'perf',
    record: (n, leaf) => `app 12 1.000001: ${n} cycles:\n\t1f ${leaf} (/bin/app)\n\t2f main (/bin/app)\n\n`,
    line: (leaf) => `app;main;${leaf}`,
    counted: 4, // the empty line ending the record
  },
};

describe('exact counts in every format that reads them', () => {
  for (const [name, { format, record, line, counted }] of Object.entries(RECORDS)) {
    it(`${name}: past 2^53 and up to 2^63-1, summed exactly`, async () => {
      // Two records of one stack: 2^53 + 1 and 1 (doubles: 2^53 twice); another up to a sum of 2^63 - 1.
      const text = record(P53, 'f') + record(1n, 'f') + record(MAX - P53 - 2n, 'g') + record(1n, 'g');
      expect(await fold(text, format)).toBe(`${line('f')} ${P53 + 1n}\n${line('g')} ${MAX - P53 - 1n}\n`);
    });

    it(`${name}: a count past 2^63-1 is an error naming the input and the line`, async () => {
      const good = record(1n, 'f');
      const bad = record(99999999999999999999999n, 'g');
      const badLine = good.split('\n').length - 1 + bad.split('\n').findIndex((l) => l.includes('99999999999999999999999')) + 1;
      await expect(collapse(Buffer.from(good + bad), { format })).rejects.toThrow(
        `<buffer 1>:${badLine}: a count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)`,
      );
    });

    it(`${name}: a sum past 2^63-1 is an error naming the line where the record passing it is counted`, async () => {
      const first = record(MAX, 'f');
      const second = record(1n, 'g');
      const secondLine = first.split('\n').length - 1 + counted;
      await expect(collapse(Buffer.from(first + second), { format })).rejects.toThrow(
        new RegExp(`^<buffer 1>:${secondLine}: the sum of the counts is too large`),
      );
    });
  }

  it('pmcstat: the samples its headers announce are summed exactly too (--list-events)', async () => {
    const section = (n: bigint): string => `@ CYCLES [${n} samples]\n\n100.0%  [1]        f\n\n`;
    const r = await collapse(Buffer.from(section(P53) + section(1n)), { format: 'pmcstat' });
    expect(r.events().map((e) => [e.label, e.samplesText, e.sections])).toEqual([['CYCLES', '9007199254740994', 2]]);
    await expect(collapse(Buffer.from(section(1n) + section(MAX)), { format: 'pmcstat' })).rejects.toThrow(
      /^<buffer 1>:5: the sum of the counts is too large/, // the second header
    );
  });

  it('DTrace sum() of nanoseconds past 2^53 (hours of time) stays exact, negative sums too', async () => {
    const text = RECORDS.dtrace!.record(5000000000000000n, 'f') + RECORDS.dtrace!.record(4007199254740993n, 'f') +
      RECORDS.dtrace!.record(-9007199254740993n, 'g');
    expect(await fold(text, 'dtrace')).toBe('main;f 9007199254740993\nmain;g -9007199254740993\n');
  });
});

describe('fractional counts are decimals', () => {
  it('0.1 + 0.2 is 0.3; shortest exact form; trailing zeros do not count', async () => {
    expect(await fold('a;b 0.1\na;b 0.2\n', 'folded')).toBe('a;b 0.3\n');
    expect(await fold('a 1.50\nb 19.0\nc 0.125\nc -0.025\nd 6.\n', 'folded')).toBe('a 1.5\nb 19\nc 0.1\nd 6\n');
  });

  it('a longer fraction rescales what was counted before it, in both columns', async () => {
    const r = await collapse(Buffer.from('a 3 4\nb 1\nb 0.5 0.25\na 0.001 2\n'), { format: 'folded' });
    // `b 1` has one count: it counts in both columns (folded.mixed-counts.test.ts).
    expect(r.text()).toBe('a 3.001 6\nb 1.5 1.25\n');
    expect(r.totals.samplesText).toBe('4.501');
    expect(r.totals.samples2Text).toBe('7.25');
  });

  it('integer counts from other formats keep their value after a fraction raised the scale', async () => {
    const dtrace = RECORDS.dtrace!.record(7n, 'f');
    const r = await collapse([Buffer.from('main;f 0.25\n'), Buffer.from(dtrace)], { format: 'auto' });
    expect(r.text()).toBe('main;f 7.25\n');
  });

  it('more than 18 decimals, or a rescale that overflows, is an error naming the line', async () => {
    await expect(fold('a 1\nb 0.1234567890123456789\n', 'folded')).rejects.toThrow(
      '<buffer 1>:2: a count with 19 decimals: counts are kept exact to 18 decimals',
    );
    await expect(fold('a 2000000000\nb 0.0000000001\n', 'folded')).rejects.toThrow(
      '<buffer 1>:2: a count with 10 decimals makes the sum of the counts too large: counts are kept exact up to 922337203.6854775807',
    );
  });

  it('negative counts keep working: -3 folds, sums stay signed', async () => {
    expect(await fold('a;b -5\na;b 2\nc -1.5\nc 0.25\n', 'folded')).toBe('a;b -3\nc -1.25\n');
  });
});
