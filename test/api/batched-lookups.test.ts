// High-cardinality input is read with batched lookups: stacks past the stack
// table's budget are walked into the call tree a batch at a time
// (assembly/tables/tree-batch.ts), both tables' slots are placed a batch at a
// time when made again (tables/slot-batch.ts), and folded lines are read a
// window at a time, their names' slots touched first (formats/folded.ts),
// once the frame table outgrows the cache (the test knob treeBatch >= 2: always).
// None of it may show: the tree (every node id), the names and every reading
// must be what one stack at a time gives, whatever the batch, the chunks the
// input comes in and the collisions in the tables' slots.

import { describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import type { SessionOptionName } from '../../src/core-types.js';

type Options = Partial<Record<SessionOptionName, number>>;

/** A seeded generator, so a failure can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Lines whose new stacks share new prefixes inside one batch (an earlier
 * stack makes the nodes a later one finds), repeat old stacks, bring new
 * names, and, when asked, two-count lines and a fraction midway (the counts'
 * scale grows while stacks wait in a batch).
 */
function lines(seed: number, n: number, { twoCounts = false, fraction = false } = {}): string {
  const r = random(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const depth = 1 + Math.floor(r() * 6);
    const frames = ['main'];
    for (let d = 1; d < depth; d++) frames.push(`f${d}_${Math.floor(r() * (d * 4))}`);
    if (r() < 0.5) frames.push(`new_${Math.floor(i / 3)}`); // three lines in a row share it
    if (r() < 0.2) frames.push(`leaf_${i}`);
    let count = `${1 + Math.floor(r() * 9)}`;
    if (fraction && i === Math.floor(n / 2)) count = '2.5';
    if (twoCounts && r() < 0.3) count = `${Math.floor(r() * 4)} ${Math.floor(r() * 4)}`;
    out.push(`${frames.join(';')} ${count}`);
  }
  return out.join('\n') + '\n';
}

/** Folds the text with the options, written in pieces of the given sizes (each piece one parse). */
function fold(text: string, options: Options, pieces: number[] = []): CoreSession {
  const s = new CoreSession();
  for (const [name, value] of Object.entries(options)) s.setOption(name as SessionOptionName, value);
  s.beginInput('folded');
  const bytes = Buffer.from(text);
  let at = 0;
  for (const size of pieces) {
    s.write(bytes.subarray(at, at + size));
    at += size;
  }
  s.write(bytes.subarray(at));
  s.endInput();
  return s;
}

function readings(make: () => CoreSession) {
  const tree = make().tree();
  return {
    folded: Buffer.concat([...make().folded()]).toString(),
    parent: [...tree.parent],
    frame: [...tree.frame],
    self: [...tree.self],
    names: tree.names.map((name) => Buffer.from(name).toString()),
    totals: make().totals(),
  };
}

/** Random piece sizes adding up to less than `length`. */
function pieceSizes(seed: number, length: number): number[] {
  const r = random(seed);
  const sizes: number[] = [];
  for (let left = length; left > 200;) {
    const size = 1 + Math.floor(r() * 200);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

describe('batched lookups', () => {
  const cases = [
    ['one count, the slots of both tables doubling', lines(1, 60000)],
    ['two counts among one-count lines', lines(2, 3000, { twoCounts: true })],
    ['a fraction midway', lines(3, 3000, { fraction: true })],
  ] as const;

  for (const [name, text] of cases) {
    it(`walk the tree as one stack at a time does: ${name}`, () => {
      for (const stackTableBytes of [0, 3000]) { // every stack in the tree; the table closing midway
        const want = readings(() => fold(text, { stackTableBytes, treeBatch: 1 }));
        expect(want.parent.length).toBeGreaterThan(1000);
        for (const treeBatch of [2, 7, 0]) {
          expect({ treeBatch, ...readings(() => fold(text, { stackTableBytes, treeBatch })) })
            .toEqual({ treeBatch, ...want });
        }
        // Batches cut by the ends of parses, in small blocks (a batch's frames and nodes cross them).
        const pieces = pieceSizes(stackTableBytes + 5, text.length);
        expect(readings(() => fold(text, { stackTableBytes, tableBlockLog: 2 }, pieces))).toEqual(want);
      }
    });
  }

  it('walk the tree as one stack at a time does into the second column and with records in order', () => {
    const text = lines(4, 2000);
    for (const options of [{ countColumn: 2 }, { recordOrder: 1 }] as Options[]) {
      const want = readings(() => fold(text, { ...options, stackTableBytes: 0, treeBatch: 1 }));
      expect(readings(() => fold(text, { ...options, stackTableBytes: 0 }))).toEqual(want);
    }
  });

  it('read the same when every key collides in the slots, and when input comes after a reading', () => {
    const [first, then] = [lines(5, 1500, { twoCounts: true }), lines(8, 1000)];
    // A reading frees both tables' slots; the input after it makes them again, every key placed anew.
    const foldTwice = (options: Options) => {
      const s = fold(first, options);
      const once = Buffer.concat([...s.folded()]).toString();
      s.beginInput('folded');
      s.write(Buffer.from(then));
      s.endInput();
      return { once, twice: Buffer.concat([...s.folded()]).toString(), tree: s.tree() };
    };
    for (const stackTableBytes of [0, 3000]) {
      const want = readings(() => fold(first, { stackTableBytes, treeBatch: 1 }));
      const wantTwice = foldTwice({ stackTableBytes, treeBatch: 1 });
      expect(wantTwice.once).toBe(want.folded);
      for (const slotHashBits of [1, 4, 0]) {
        expect({ slotHashBits, ...readings(() => fold(first, { stackTableBytes, slotHashBits })) })
          .toEqual({ slotHashBits, ...want });
        expect({ slotHashBits, ...foldTwice({ stackTableBytes, slotHashBits }) }).toEqual({ slotHashBits, ...wantTwice });
      }
    }
  });

  it('find every node again once the nodes outgrow the bits their slots first gave them', () => {
    // 70,000 nodes of new frames (found without the slots), more than the 2^16 node ids a new
    // tree's slots hold, then 12,000 distinct (parent, frame) keys found through the slots (each
    // frame under many parents), then each of the first 3,000 again.
    const lines: string[] = [];
    const want = new Map<string, number>();
    for (let i = 0; i < 85000; i++) {
      const stack = i < 70000 ? `m;u${i}` : `m;p${i % 1000};c${Math.floor((i - 70000) / 1000) % 12}`;
      lines.push(`${stack} ${(i % 3) + 1}`);
      want.set(stack, (want.get(stack) ?? 0) + (i % 3) + 1);
    }
    const expected = [...want.keys()].sort().map((stack) => `${stack} ${want.get(stack)}\n`).join('');
    for (const options of [{ stackTableBytes: 0 }, { stackTableBytes: 0, treeBatch: 1 }, {}] as Options[]) {
      const text = lines.join('\n') + '\n';
      expect(Buffer.concat([...fold(text, options).folded()]).toString()).toBe(expected);
      expect(fold(text, options).tree().parent.length).toBe(1 + 1 + 70000 + 1000 + 12000); // no key made twice
    }
  });

  it('make a new stack\'s nodes past its first without lookups, found by the stacks after', () => {
    // A stack's nodes below its first new one are made without a lookup, their slots queued until
    // the stack is done (tables/call-tree.ts newChildOf): later stacks extend them (in the same batch
    // and the next), the slots grow, their node ids widen and the queue fills (300 frames) within one stack, and keys
    // collide. Frames come from 60 names, so nodes are found through the slots, not their frame.
    const r = random(11);
    const sums = new Map<string, number>();
    const prefixes = new Set<string>();
    const lines: string[] = [];
    let before = ['main'];
    for (let i = 0; i < 4500; i++) {
      const frames = r() < 0.6 ? before.slice(0, 1 + Math.floor(r() * before.length)) : ['main'];
      const depth = i % 400 === 7 ? 300 : 1 + Math.floor(r() * 30);
      for (let d = 0; d < depth; d++) frames.push(`g${Math.floor(r() * 60)}`);
      for (let d = 1; d <= frames.length; d++) prefixes.add(frames.slice(0, d).join(';'));
      const stack = frames.join(';');
      lines.push(`${stack} ${(i % 4) + 1}`);
      sums.set(stack, (sums.get(stack) ?? 0) + (i % 4) + 1);
      before = frames;
    }
    const text = lines.join('\n') + '\n';
    const expected = [...sums.keys()]
      .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
      .map((stack) => `${stack} ${sums.get(stack)}\n`)
      .join('');
    expect(prefixes.size).toBeGreaterThan(1 << 16); // past the node ids a new tree's slots hold
    for (const stackTableBytes of [0, 3000]) {
      for (const options of [{ treeBatch: 1 }, { treeBatch: 0 }, { slotHashBits: 1 }, { slotHashBits: 4 }] as Options[]) {
        const s = fold(text, { stackTableBytes, ...options });
        const got = { options, folded: Buffer.concat([...s.folded()]).toString(), nodes: s.tree().parent.length };
        expect(got).toEqual({ options, folded: expected, nodes: 1 + prefixes.size }); // the root, and no key made twice
      }
    }
  });

  it('look names up with the hashes their touch kept, but not across the frame table changing its hash', () => {
    // 120,000 new names, each line's names touched ahead (treeBatch 2) and their hashes kept: past
    // 98,304 names the table's slots narrow and its hash changes, in the middle of a window, where
    // the roots (looked up on every line: no two lines in a row share one) are hashed again.
    const text = Array.from({ length: 120_000 }, (_, i) => `r${i % 3};u${i} ${(i % 2) + 1}`).join('\n') + '\n';
    for (const stackTableBytes of [0, 3000]) {
      const want = readings(() => fold(text, { stackTableBytes, treeBatch: 1 }));
      expect(want.names.length).toBe(120_003);
      expect(readings(() => fold(text, { stackTableBytes, treeBatch: 2 }))).toEqual(want);
    }
  });

  it('read folded lines across windows: lines longer than a window, pieces of any size, no newline at the end', () => {
    const long = (i: number) => `main;${'w'.repeat(3000 + i)};${'x'.repeat(5000)}_${i};leaf${i}`;
    const text = [long(1) + ' 1', lines(6, 400).trimEnd(), long(2) + ' 2', long(1) + ' 4', 'a;b 5'].join('\n');
    const want = readings(() => fold(text + '\n', {}));
    expect(want.folded).toContain(`${long(1)} 5\n`);
    for (const treeBatch of [1, 2]) { // names touched never, always (the default: once the frame table outgrows the cache)
      expect(readings(() => fold(text, { treeBatch }, pieceSizes(7, text.length)))).toEqual(want);
      expect(readings(() => fold(text, { treeBatch }, [4095, 1, 4096, 8191]))).toEqual(want);
    }
  });
});
