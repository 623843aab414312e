// Property: any multiset of stacks printed in DTrace's printa() layout folds
// back to exactly itself, whatever the chunking.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldInPieces } from '../support/helpers.js';

const ident = (first: string, rest: string, max: number) =>
  fc
    .tuple(fc.constantFrom(...first), fc.array(fc.constantFrom(...rest), { maxLength: max }))
    .map(([a, b]) => a + b.join(''));

const lower = 'abcdefghijklmnopqrstuvwxyz';
const word = lower + lower.toUpperCase() + '0123456789_';
const frame = fc.oneof(
  fc.tuple(ident(lower, lower + '0123456789_.', 8), ident(lower + 'ABCDEFGHIJK_', word, 15)).map(([m, f]) => `${m}\`${f}`),
  fc.bigInt({ min: 1n << 20n, max: 1n << 44n }).map((n) => `0x${n.toString(16)}`),
);
const record = fc.record({
  frames: fc.array(frame, { minLength: 1, maxLength: 12 }),
  count: fc.integer({ min: -1000, max: 1_000_000_000 }),
  offsets: fc.array(fc.option(fc.integer({ min: 1, max: 0xffff })), { minLength: 12, maxLength: 12 }),
});

/** One aggregation record as `record` draws it. */
type PrintedRecord = { frames: string[]; count: number; offsets: (number | null)[] };

function print(records: PrintedRecord[], header: boolean): string {
  let out = header ? 'CPU     ID                    FUNCTION:NAME\n  0  64091                        :tick-60s \n' : '';
  out += '\n\n';
  for (const r of records) {
    // DTrace prints the leaf first; the model lists frames root first.
    for (let i = r.frames.length - 1; i >= 0; i--) {
      const off = r.offsets[i];
      out += `              ${r.frames[i]}${off == null ? '' : `+0x${off.toString(16)}`}\n`;
    }
    out += `${String(r.count).padStart(17)}\n\n`;
  }
  return out;
}

function expected(records: { frames: string[]; count: number }[]): string {
  const sums = new Map<string, number>();
  for (const r of records) {
    const key = r.frames.join(';');
    sums.set(key, (sums.get(key) ?? 0) + r.count);
  }
  const keys = [...sums.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return keys.map((k) => `${k} ${sums.get(k)}\n`).join('');
}

describe('DTrace round trip', () => {
  it('folds any printed set of stacks back to itself', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 5000 }),
        (records, header, chunk) => {
          const input = Buffer.from(print(records, header));
          expect(foldInPieces('dtrace', input, [chunk])).toBe(expected(records));
        },
      ),
      { numRuns: 300 },
    );
  });
});
