// The boundary rules' line search: the native prefix search gives what the
// line-by-line one gives, wherever the window starts and ends.

import { describe, expect, it } from 'vitest';
import { firstLine, firstLineStartingWith } from '../../src/formats/lines.js';

/** A small pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('firstLineStartingWith', () => {
  it('equals firstLine with startsWith on random windows of lines that start with the prefix, or nearly', () => {
    const next = random(7);
    const pieces = ['@ ', '@', ' @ ', '\n', '\r\n', 'x', '@ CPU [3 samples]', '  07.86%  [854]  f @ /boot/kernel'];
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]!).join('');
      const bytes = Buffer.from(text, 'latin1');
      for (const atLineStart of [true, false]) {
        const slow = firstLine(bytes, atLineStart, (line) => line.startsWith('@ '));
        expect(firstLineStartingWith(bytes, atLineStart, '@ '), JSON.stringify({ text, atLineStart })).toBe(slow);
      }
    }
  });

  it('reads only its window of a larger buffer', () => {
    const all = Buffer.from('@ a\nx\n@ b\n@ c\n', 'latin1');
    const window = all.subarray(4); // "x\n@ b\n@ c\n"
    expect(firstLineStartingWith(window, true, '@ ')).toBe(2);
    expect(firstLineStartingWith(window, false, '@ ')).toBe(2);
    expect(firstLineStartingWith(all.subarray(6, 9), true, '@ ')).toBe(-1); // "@ b" without its newline
  });
});
