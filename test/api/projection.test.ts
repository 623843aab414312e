// A folded file's size is known before it is read: once past its first MiB, the frame table's
// slots and the call tree's grow at once to what the rest of the file is projected to need
// (assembly/tables/projection.ts), instead of doubling and placing every key again as they fill.
// The output must not show it; the tables must not grow ahead for names that stopped being new
// or past the memory limit.

import { describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import type { SessionOptionName } from '../../src/core-types.js';

type Options = Partial<Record<SessionOptionName, number>>;
type Slots = { names: number; nodes: number };

const MiB = 1 << 20;

/**
 * Lines of `main;NAME;leaf N` until `bytes`: `name(i)` gives line i's NAME, a new name or an old
 * one. Under each NAME, a node 'leaf' that the tree's slots find (all but the first).
 */
function folded(bytes: number, name: (i: number) => string): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `main;${name(i)};leaf ${(i % 7) + 1}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

/** Folds the bytes half a MiB a call, told their size or not: the slots after each call, and the output. */
function fold(bytes: Buffer, told: boolean, options: Options = {}): { slots: Slots[]; text: string } {
  const s = new CoreSession();
  s.setOption('stackTableBytes', 0); // every stack in the tree from the start: its slots grow as the names' do
  for (const [name, value] of Object.entries(options)) s.setOption(name as SessionOptionName, value);
  s.beginInput('folded');
  if (told) s.expectDistinctStacks(bytes.length);
  const slots: Slots[] = [];
  for (let at = 0; at < bytes.length; at += MiB / 2) {
    s.write(bytes.subarray(at, at + MiB / 2));
    slots.push(s.indexSlots());
  }
  s.endInput();
  return { slots, text: Buffer.concat([...s.folded()]).toString() };
}

/** The sizes a table's slots had, in order, each once. */
function sizes(slots: Slots[], table: keyof Slots): number[] {
  return slots.map((s) => s[table]).filter((n, i, all) => i === 0 || n !== all[i - 1]);
}

describe('tables sized ahead for a folded file', () => {
  // Every line a new name: 14 MiB, 740,000 names and nodes in the slots.
  const distinct = folded(14 * MiB, (i) => `f${i}`);
  const plain = fold(distinct, false);
  const told = fold(distinct, true);

  it('grow ahead past the first MiB to what the file needs, with the same output', () => {
    expect(told.text).toBe(plain.text);
    for (const table of ['names', 'nodes'] as const) {
      const growths = (slots: Slots[]) => sizes(slots.slice(2), table).length - 1; // after the third call (1.5 MiB), the first projected
      expect(growths(told.slots)).toBeLessThan(growths(plain.slots)); // doubling: 2^17 -> 2^20 in three steps
      if (table === 'names') expect(growths(told.slots)).toBe(1); // its 2^17 slots, wide, take 1 MiB: it grows ahead at once
      expect(told.slots.at(-1)![table]).toBe(plain.slots.at(-1)![table]); // no larger than doubling makes them
    }
  });

  it('do not grow ahead for names that stopped being new', () => {
    // 1.5 MiB of new names, then those names again: the tables never have to grow past what the start needed.
    const firstNames = folded(1.5 * MiB, (i) => `f${i}`).toString().split('\n').length - 1;
    const stopped = folded(14 * MiB, (i) => `f${i % firstNames}`);
    const want = fold(stopped, false);
    const got = fold(stopped, true);
    expect(got.text).toBe(want.text);
    expect(got.slots).toEqual(want.slots);
  });

  it('grow ahead at the rate of the bytes read last, not of the whole start', () => {
    // A new name every line for 1.5 MiB, then one in sixteen: projected from all that was read when
    // the slots fill again (7 MiB), the names would be twice what they are, and the slots too.
    const slowed = folded(24 * MiB, (i) => (i < 80_000 || i % 16 === 0 ? `f${i}` : `f${i % 1000}`));
    const want = fold(slowed, false);
    const got = fold(slowed, true);
    expect(got.text).toBe(want.text);
    expect(got.slots.at(-1)).toEqual(want.slots.at(-1));
  });

  it('do not grow ahead into the memory limit', () => {
    // 5 MiB of new names, told it is 1000 times that, under the least limit (in 2 MiB steps) that
    // the tables and the output fit when the slots double: sized ahead, they would not fit.
    const small = folded(5 * MiB, (i) => `f${i}`);
    const limited = (limit: number, told: number | null): string | null => {
      const s = new CoreSession();
      s.setOption('memoryLimitMiB', limit);
      s.setOption('stackTableBytes', 0);
      try {
        s.beginInput('folded');
        if (told !== null) s.expectDistinctStacks(told);
        for (let at = 0; at < small.length; at += MiB / 2) s.write(small.subarray(at, at + MiB / 2));
        s.endInput();
        return Buffer.concat([...s.folded()]).toString();
      } catch (err) {
        if (/out of memory/.test((err as Error).message)) return null;
        throw err;
      }
    };
    let limit = 8;
    while (limited(limit, null) === null && limit < 512) limit += 2;
    const want = limited(limit, null);
    expect(want).not.toBeNull();
    expect(limited(limit, small.length * 1000)).toBe(want);
  });
});
