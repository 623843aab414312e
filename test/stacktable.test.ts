// The stack table stores a stack's frame ids in 16 bits when they all fit,
// else in 32: profiles with more than 65,536 distinct frames mix both kinds,
// and every reader (folded output, layout, the hand-over between threads,
// the call tree) must see the same stacks either way.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../src/index.js';
import { layoutTree, layoutViews } from '../src/render/layout.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const FRAMES = 70_000;

/** Lines naming FRAMES distinct frames, each stack printed twice (apart), in a scrambled order. */
function manyFrames(): { text: string; expected: string } {
  const counts = new Map<string, number>();
  const lines: string[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < FRAMES; k++) {
      const i = (k * 7919) % FRAMES; // a permutation: ids are given in this order
      const stack = `root;f${i};leaf${i % 3}`;
      const n = pass + 1 + (i % 5);
      lines.push(`${stack} ${n}\n`);
      counts.set(stack, (counts.get(stack) ?? 0) + n);
    }
  }
  const expected = [...counts.keys()].sort().map((s) => `${s} ${counts.get(s)}\n`).join('');
  return { text: lines.join(''), expected };
}

describe('stacks whose frame ids need more than 16 bits', () => {
  const { text, expected } = manyFrames();

  it('fold to the same output as narrow ones', async () => {
    const r = await collapse(Buffer.from(text), { format: 'folded' });
    expect(r.totals.frames).toBeGreaterThan(0xffff);
    expect(r.text()).toBe(expected);
  });

  it('move between threads', async () => {
    const file = join(tmp.dir, 'wide.folded');
    writeFileSync(file, text);
    const r = await collapse(file, { format: 'folded', jobs: 2, splitMinBytes: 0 });
    expect(r.text()).toBe(expected);
  });

  it('lay out the same from the stack table and from the call tree', async () => {
    const options = { minWidth: { value: 0, percent: false }, plotWidth: 1180 };
    const r = await collapse(Buffer.from(text), { format: 'folded' });
    const fromTable = layoutViews((m) => r.layoutViews(m), options);
    const js = layoutTree({ ...r.tree(), twoCounts: false }, options);
    expect(fromTable.count).toBe(1 + 1 + FRAMES + FRAMES);
    expect(Array.from(fromTable.value.subarray(0, fromTable.count))).toEqual(Array.from(js.value.subarray(0, js.count)));
    expect(Array.from(fromTable.start.subarray(0, fromTable.count))).toEqual(Array.from(js.start.subarray(0, js.count)));
    expect(Array.from(fromTable.frame.subarray(0, fromTable.count))).toEqual(Array.from(js.frame.subarray(0, js.count)));
  });
});
