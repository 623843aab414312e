// The folded order of the stack table's entries (assembly/output/stack-sort.ts):
// a multikey quicksort over frames ranked by name, followed by ';' or by the
// end of the line. It must give stackcollapse.pl's bytewise order of whole
// lines whatever the names: one the start of another followed by a byte
// below ';' ('a.b', 'a:', 'a b', 'a\t') or above it ('a<', 'ab', 'aé'), the
// empty name, the empty stack, stacks that are the start of others, long
// shared prefixes, names that differ at any byte of a word or in length only, and more
// stacks than the insertion sort takes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse } from '../../src/index.js';
import { sortedSums } from '../support/helpers.js';

async function folded(lines: [string, number][]): Promise<string> {
  const text = lines.map(([stack, n]) => `${stack} ${n}\n`).join('');
  return (await collapse(Buffer.from(text), { format: 'folded' })).text();
}

describe('folded output from the stack table', () => {
  it('is sorted bytewise by stack, whatever the names (property)', async () => {
    const names = ['a', 'a.b', 'a:', 'a b', 'a\tq', 'a<', 'ab', 'aé', '', 'b', 'b-', 'a.', 'a.b.c', 'z'];
    const stack = fc.array(fc.constantFrom(...names), { maxLength: 7 }).map((frames) => frames.join(';'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(stack, fc.integer({ min: 1, max: 9 })), { minLength: 13, maxLength: 400 }), async (lines) => {
        expect(await folded(lines)).toBe(sortedSums(lines));
      }),
      { numRuns: 150 },
    );
  });

  it('is sorted bytewise when names differ at any byte of their first words, or in length only (property)', async () => {
    // The core compares names a word (8 bytes) at a time and finds the byte that differs from the words'
    // XOR: names differing at each byte around the word boundaries, by a byte below or above (UTF-8's
    // are above 0x7f: compared unsigned), and every start of the longest, so a name ends in any lane.
    const base = 'abcdefghijklmnopqrstuvw';
    const names = Array.from({ length: base.length + 1 }, (_, n) => base.slice(0, n));
    for (const k of [0, 1, 6, 7, 8, 9, 14, 15, 16, 17, 22]) {
      for (const c of ['A', '~', '\u00e9']) names.push(base.slice(0, k) + c + base.slice(k + 1));
    }
    const stack = fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }).map((frames) => frames.join(';'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(stack, fc.integer({ min: 1, max: 9 })), { minLength: 13, maxLength: 300 }), async (lines) => {
        expect(await folded(lines)).toBe(sortedSums(lines));
      }),
      { numRuns: 100 },
    );
  });

  it('is sorted bytewise when thousands of stacks share long prefixes', async () => {
    // 3^8 stacks 40 frames deep, differing only in their last eight frames, and each of their
    // prefixes of 36 frames: every partition goes 32 frames deep before the frames differ.
    const shared = Array.from({ length: 32 }, (_, i) => `mod\`frame_${i}`);
    const tails = ['x', 'x.y', 'xy'];
    const lines: [string, number][] = [];
    for (let k = 0; k < 3 ** 8; k++) {
      const tail = Array.from({ length: 8 }, (_, i) => tails[Math.floor(k / 3 ** i) % 3]!);
      lines.push([[...shared, ...tail].join(';'), (k % 7) + 1]);
      if (k % 5 === 0) lines.push([[...shared, ...tail.slice(0, 4)].join(';'), 1]);
    }
    // Scrambled, so that the sort does not find them in order already.
    const scrambled = lines.map((_, i) => lines[(i * 7919) % lines.length]!);
    expect(new Set(scrambled).size).toBe(lines.length);
    expect(await folded(scrambled)).toBe(sortedSums(lines));
  });
});
