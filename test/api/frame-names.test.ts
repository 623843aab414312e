// The frame table (assembly/tables/byte-table.ts) as folded lines reach it
// (formats/folded.ts pushNames): a name shorter than 32 bytes is found from
// the 32 bytes at its start (its ';', its hash and its comparison with a
// stored name, each under a mask), a longer one as any other; small tables
// have 8-byte slots that hold the name's address, tables past 131,072 slots
// 4-byte ones. Names that differ in one byte or in length only, at and around
// the 8-, 16- and 32-byte boundaries, must stay apart, and every name must be
// found again, whatever the collisions in the slots (slotHashBits cuts the
// hashes so that they collide), the pieces the input comes in and the width
// of the slots.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreSession } from '../../src/core.js';
import { sortedSums } from '../support/helpers.js';

/** Folds `text` in pieces of the given sizes (the rest in one), with the slots' hashes cut to `slotHashBits` bits (0: whole). */
function folded(text: string, slotHashBits: number, pieces: number[] = []): string {
  const s = new CoreSession();
  s.setOption('slotHashBits', slotHashBits);
  s.beginInput('folded');
  const bytes = Buffer.from(text);
  let at = 0;
  for (const size of pieces) {
    s.write(bytes.subarray(at, Math.min(at + size, bytes.length)));
    at = Math.min(at + size, bytes.length);
  }
  s.write(bytes.subarray(at));
  s.endInput();
  return Buffer.concat([...s.folded()]).toString();
}

const text = (lines: [string, number][], lastNewline = true): string =>
  lines.map(([stack, n]) => `${stack} ${n}`).join('\n') + (lastNewline ? '\n' : '');

// Every start of a 44-byte name (the empty one too), and that name with one byte changed, below or
// above, or to a two-byte UTF-8 character (a name one byte longer), at each boundary of the words and
// vectors it is read in.
const BASE = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
const NAMES = Array.from({ length: BASE.length + 1 }, (_, n) => BASE.slice(0, n));
for (const k of [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 30, 31, 32, 33, 39, 40, 43]) {
  for (const c of ['!', '~', '\u00e9']) NAMES.push(BASE.slice(0, k) + c + BASE.slice(k + 1));
}

describe('frame names in the frame table', () => {
  it('stay apart when they differ in one byte or in length only, whatever the collisions and pieces (property)', () => {
    const stack = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 6 }).map((frames) => frames.join(';'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(stack, fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 120 }),
        fc.constantFrom(0, 1, 4),
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 6 }),
        fc.boolean(),
        (lines, slotHashBits, pieces, lastNewline) => {
          expect(folded(text(lines, lastNewline), slotHashBits, pieces)).toBe(sortedSums(lines));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('are each found as themselves when every name collides in slot and tag', () => {
    // Each name on its own, then each after every other: with 1-bit hashes every lookup walks a chain of
    // names that differ from it in one byte or in length only.
    const lines: [string, number][] = NAMES.map((name, i) => [`root;${name}`, i + 1]);
    for (const [i, name] of NAMES.entries()) lines.push([`${NAMES[(i * 7) % NAMES.length]};${name};x`, 1]);
    for (const bits of [1, 0]) expect(folded(text(lines), bits)).toBe(sortedSums(lines));
  });

  it('are found again once the table outgrows its wide slots', () => {
    // 110,000 distinct names: the slots double past 131,072 and become 4-byte ones. Each name comes
    // twice, the second time after the table has grown, under a short one and a long one.
    const n = 110_000;
    const lines: [string, number][] = [];
    for (let i = 0; i < n; i++) lines.push([`f${i}`, 1]);
    for (let i = 0; i < n; i += 7) lines.push([`${'long_prefix_'.repeat(3)}${i};f${i}`, 2]);
    for (let i = 0; i < n; i += 3) lines.push([`f${i}`, 1]);
    expect(folded(text(lines), 0)).toBe(sortedSums(lines));
    expect(folded(text(lines.slice(0, 2000).concat(lines.slice(-2000))), 4)).toBe(sortedSums(lines.slice(0, 2000).concat(lines.slice(-2000))));
  });
});
