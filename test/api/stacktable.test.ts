// The stack table: its two ways of storing a stack, and what happens past
// its budget. Every reader (folded output, layout, the hand-over between
// threads, the call tree) must see the same stacks whichever way they are kept.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { collapse, renderSvg, type CollapseOptions } from '../../src/index.js';
import { CoreSession } from '../../src/core.js';
import { layoutViews } from '../support/placement-oracle.js';
import { collapseColumns } from '../../src/api/diff.js';
import { oracleViews } from '../support/layout-oracle.js';
import { generate, tempDir } from '../support/helpers.js';

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

// A stack's frame ids are kept in 16 bits when they all fit, else in 32:
// profiles with more than 65,536 distinct frames mix both kinds.
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
    const js = layoutViews(oracleViews({ ...r.tree(), twoCounts: false }), options);
    expect(fromTable.count).toBe(1 + 1 + FRAMES + FRAMES);
    expect(Array.from(fromTable.value.subarray(0, fromTable.count))).toEqual(Array.from(js.value.subarray(0, js.count)));
    expect(Array.from(fromTable.start.subarray(0, fromTable.count))).toEqual(Array.from(js.start.subarray(0, js.count)));
    expect(Array.from(fromTable.frame.subarray(0, fromTable.count))).toEqual(Array.from(js.frame.subarray(0, js.count)));
  });
});

// Past its budget the table is closed: it finds and learns no more stacks, and
// every record folds straight into the call tree, except those a format counts
// into an entry it kept (DTrace and perf records read whole, procstat's rows);
// a profile then has stacks in both. When no format kept an entry (folded
// input), the entries are moved into the tree as the table closes, and freed.
describe('stacks past the stack table\'s budget', () => {
  const cases: [string, () => string, CollapseOptions][] = [
    ['dtrace', () => generate('gen-dtrace.mjs', tmp.dir, 'budget-d', ['--bytes', '3M', '--seed', '41', '--stacks', '3000', '--snapshots', '5']).input, { format: 'dtrace' }],
    ['pmcstat', () => generate('gen-pmcstat.mjs', tmp.dir, 'budget-p', ['--sections', '6', '--stacks', '2000', '--seed', '42']).input, { format: 'pmcstat' }],
    // procstat counts a row seen before into the entry it cached, also after the table is closed
    ['procstat', () => generate('gen-procstat.mjs', tmp.dir, 'budget-s', ['--bytes', '2M', '--seed', '46']).input, { format: 'procstat' }],
    ['folded', () => generate('gen-dtrace.mjs', tmp.dir, 'budget-o', ['--bytes', '2M', '--seed', '47', '--stacks', '3000']).expected, { format: 'folded' }],
    ['folded, two counts', () => {
      const { expected } = generate('gen-dtrace.mjs', tmp.dir, 'budget-f', ['--bytes', '2M', '--seed', '43', '--stacks', '3000']);
      const file = join(tmp.dir, 'budget-f.folded');
      writeFileSync(file, readFileSync(expected, 'utf8').replace(/ (\d+)\n/g, (_, n: string) => ` ${n} ${Number(n) % 7}\n`));
      return file;
    }, { format: 'folded' }],
  ];

  for (const [name, input, options] of cases) {
    it(`give the same output, graphs (plain and reversed) and totals: ${name}`, async () => {
      const file = input();
      const full = await collapse(file, { ...options, jobs: 1 });
      const want = { text: full.text(), svg: await renderSvg(full), reversed: await renderSvg(full, { reverse: true, minWidth: 0 }), totals: full.totals };
      for (const stackTableBytes of [0, 4000]) { // none in the table; some in each
        for (const jobs of [1, 2]) {
          const r = await collapse(file, { ...options, jobs, splitMinBytes: 0, stackTableBytes });
          expect(r.text()).toBe(want.text);
          expect(await renderSvg(r)).toBe(want.svg);
          expect(await renderSvg(r, { reverse: true, minWidth: 0 })).toBe(want.reversed);
          expect({ ...r.totals, nodes: 0 }).toEqual({ ...want.totals, nodes: 0 }); // the tree is built either way
        }
      }
    });
  }
});

// 16-bit entries are narrowed eight frame ids at a time, the rest one by one (stack-table.ts
// stackRemember), and read back so for a sweep (output/stacks.ts stackPath): every length across
// those steps must read back as it was given.
describe('16-bit entries of every length', () => {
  it('keep each frame of stacks of 1 to 25 frames, as the tree does', async () => {
    const lines: string[] = [];
    for (let n = 1; n <= 25; n++) {
      for (const shift of [0, 5, 11]) lines.push(`${Array.from({ length: n }, (_, k) => `f${(k * 7 + shift + n) % 40}`).join(';')} ${n}\n`);
    }
    const bytes = Buffer.from(lines.join(''));
    const table = await collapse(bytes, { format: 'folded' });
    const tree = await collapse(bytes, { format: 'folded', stackTableBytes: 0 });
    expect(table.text()).toBe(tree.text());
    expect(table.text().split('\n').filter((l) => l !== '').length).toBe(75);
    // Drawn from the entries' paths (the tree's are read root first, summed: tree-sweep.ts), every frame kept.
    const options = { minWidth: 0 };
    expect(await renderSvg(table, options)).toBe(await renderSvg(tree, options));
    expect(await renderSvg(table, { ...options, reverse: true })).toBe(await renderSvg(tree, { ...options, reverse: true }));
  });

  it('group stacks by the frames they share, whatever their lengths, as the tree does', async () => {
    // Stacks sharing 0 to 24 frames from the root with the one before (sorted, as the sweep reads them),
    // some wide and most too narrow to draw: a narrow frame's group (output/groups.ts) is skipped whole.
    const lines: string[] = [];
    const base = Array.from({ length: 24 }, (_, k) => `g${k}`);
    for (let shared = 0; shared <= 24; shared++) {
      for (const tail of ['x', 'y']) lines.push(`${[...base.slice(0, shared), `${tail}${shared}`, 'leaf'].join(';')} ${shared === 12 ? 100_000 : 1 + shared}\n`);
    }
    const bytes = Buffer.from(lines.sort().join(''));
    const table = await collapse(bytes, { format: 'folded' });
    const tree = await collapse(bytes, { format: 'folded', stackTableBytes: 0 });
    for (const minWidth of [undefined, 0]) expect(await renderSvg(table, { minWidth })).toBe(await renderSvg(tree, { minWidth }));
  });
});

// A folded file's lines are distinct stacks: when its first MiB shows that the whole would spend the
// table's budget, the table is closed there, not where the budget runs out (each entry made until then
// would be walked into the tree anyway).
describe('a folded file projected past the budget', () => {
  // 2.7 MiB of distinct 3-frame stacks, 24 or 32 bytes of table entry each (16- or 32-bit frame ids): 4.6 MB in all.
  const lines = Array.from({ length: 160_000 }, (_, i) => `main;m${i % 13};f${i} ${(i % 7) + 1}\n`).join('');
  const bytes = Buffer.from(lines);
  const fold = (budget: number, expect: boolean): { open: boolean[]; text: string } => {
    const s = new CoreSession();
    s.setOption('stackTableBytes', budget);
    s.beginInput('folded');
    if (expect) s.expectDistinctStacks(bytes.length);
    const open: boolean[] = [];
    for (let at = 0; at < bytes.length; at += 1 << 19) { // half a MiB a call
      s.write(bytes.subarray(at, at + (1 << 19)));
      open.push(s.stackTableOpen());
    }
    s.endInput();
    return { open, text: Buffer.concat([...s.folded()]).toString() };
  };

  it('closes the table after the first MiB, with the same output', () => {
    const want = fold(3_000_000, false);
    expect(want.open).toEqual([true, true, true, true, false, false]); // its budget ran out in the fifth half MiB
    const ahead = fold(3_000_000, true);
    expect(ahead.open).toEqual([true, true, false, false, false, false]); // the third call read past 1 MiB
    expect(ahead.text).toBe(want.text);
  });

  it('keeps it open when the whole fits the budget', () => {
    expect(fold(6_000_000, true).open.every((open) => open)).toBe(true);
  });

  it('is told the size of a folded file read on one thread', async () => {
    const file = join(tmp.dir, 'distinct.folded');
    writeFileSync(file, bytes);
    const expectSpy = vi.spyOn(CoreSession.prototype, 'expectDistinctStacks');
    try {
      expect((await collapse(file, { format: 'folded' })).text()).toBe(fold(3_000_000, false).text);
      expect(expectSpy.mock.calls).toEqual([[bytes.length]]);
      expectSpy.mockClear();
      const dtrace = generate('gen-dtrace.mjs', tmp.dir, 'project-d', ['--bytes', '200K', '--seed', '48']).input;
      await collapse(dtrace, { format: 'dtrace' }); // its records repeat their stacks
      expect(expectSpy).not.toHaveBeenCalled();
    } finally {
      expectSpy.mockRestore();
    }
  });
});

describe('diff -n with stacks past the budget', () => {
  it('truncates each stack\'s scaled count whole, wherever its counts are', async () => {
    const a = generate('gen-dtrace.mjs', tmp.dir, 'norm-a', ['--bytes', '2M', '--seed', '44', '--stacks', '2000', '--snapshots', '3']).input;
    const b = generate('gen-dtrace.mjs', tmp.dir, 'norm-b', ['--bytes', '3M', '--seed', '45', '--stacks', '2000', '--snapshots', '3']).input;
    const normalized = async (stackTableBytes?: number): Promise<string> => {
      const setup = (s: CoreSession) => stackTableBytes !== undefined && s.setOption('stackTableBytes', stackTableBytes);
      const { session } = await collapseColumns({ input: a, setup }, { input: b });
      session.normalizeFirst();
      return Buffer.concat([...session.folded()]).toString();
    };
    const want = await normalized();
    expect(want).toMatch(/ \d+ \d+\n/);
    expect(await normalized(0)).toBe(want);
    expect(await normalized(3000)).toBe(want);
  });
});

// Folded output from the call tree is a depth-first walk that orders only each node's children;
// it must give the bytewise order of whole stacks, as the table's sort does, whatever the names:
// one a prefix of another ('b', 'b.x', 'b x'), the empty name, a tab, the empty stack.
describe('folded output from the call tree', () => {
  it('is sorted bytewise by stack, as from the stack table (property)', async () => {
    const names = ['a', 'b', 'b.x', 'b x', 'a2', '', 'a\tq', 'z', 'b-'];
    const line = fc.tuple(fc.array(fc.constantFrom(...names), { maxLength: 5 }), fc.integer({ min: 0, max: 99 }));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), async (lines) => {
        const text = lines.map(([frames, n]) => `${frames.join(';')} ${n}\n`).join('');
        const sums = new Map<string, number>();
        for (const [frames, n] of lines) sums.set(frames.join(';'), (sums.get(frames.join(';')) ?? 0) + n);
        const want = [...sums.keys()]
          .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
          .map((k) => `${k} ${sums.get(k)}\n`)
          .join('');
        const fromTree = await collapse(Buffer.from(text), { format: 'folded', stackTableBytes: 0 });
        expect(fromTree.text()).toBe(want);
        expect((await collapse(Buffer.from(text), { format: 'folded' })).text()).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  // The sort takes ids already in order in one pass, and runs in order whole: one id out of place
  // (first, last, or in the middle of a long list) must still move.
  it('is sorted when the input is in order but for one line', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    for (const at of [0, 17, 39]) {
      const order = names.filter((_, i) => i !== at);
      for (const place of [0, 20, order.length]) {
        const lines = [...order.slice(0, place), names[at]!, ...order.slice(place)];
        const text = lines.map((n, i) => `a;${n} ${i + 1}\n`).join('');
        const want = [...lines].sort().map((n) => `a;${n} ${lines.indexOf(n) + 1}\n`).join('');
        expect((await collapse(Buffer.from(text), { format: 'folded', stackTableBytes: 0 })).text()).toBe(want);
        expect((await collapse(Buffer.from(text), { format: 'folded' })).text()).toBe(want);
      }
    }
  });

  // The walk sorts a node's children by frames it gathers first, for nodes of up to 65,536
  // children; a wider node's children are compared through their nodes. Both in scrambled order,
  // with lines and subtrees of one child side by side ('n1' and 'n1;...').
  it('is sorted for nodes of few children and of more than 65,536', async () => {
    const sums = new Map<string, number>();
    const lines: string[] = [];
    const add = (stack: string, n: number): void => {
      lines.push(`${stack} ${n}\n`);
      sums.set(stack, (sums.get(stack) ?? 0) + n);
    };
    for (let k = 0; k < 70_001; k++) add(`wide;k${(k * 7919) % 70_001}`, (k % 3) + 1);
    for (let k = 0; k < 6000; k++) {
      const i = (k * 4099) % 6000;
      add(`few${i % 7};n${i % 300}${i % 2 ? ';x' : ''}`, (k % 5) + 1);
      if (i % 11 === 0) add(`few${i % 7};n${i % 300}.${i}`, 1);
    }
    const want = [...sums.keys()]
      .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
      .map((k) => `${k} ${sums.get(k)}\n`)
      .join('');
    const text = Buffer.from(lines.join(''));
    expect((await collapse(text, { format: 'folded', stackTableBytes: 0 })).text()).toBe(want);
  });
});

// Reading the call tree frees its hash slots (the readers' arrays reuse the memory); input
// folded into the same session afterwards makes them again, with every node placed.
describe('input after the call tree was read', () => {
  it('folds into the same nodes as input read at once', () => {
    const part = (k: number) => Array.from({ length: 3000 }, (_, i) => `main;m${(i * 7 + k) % 13};f${i % 211};leaf${(i + k) % 5} ${i % 4 + 1}\n`).join('');
    const whole = new CoreSession();
    whole.setOption('stackTableBytes', 0);
    const piecewise = new CoreSession();
    piecewise.setOption('stackTableBytes', 0);
    const reads: string[] = [];
    for (const k of [0, 1, 2]) {
      for (const s of [whole, piecewise]) {
        s.beginInput('folded');
        s.write(Buffer.from(part(k)));
        s.endInput();
      }
      reads.push(Buffer.concat([...piecewise.folded()]).toString()); // releases the slots
      piecewise.layoutViews(() => 0, false, false, false); // so does a layout
    }
    const want = Buffer.concat([...whole.folded()]).toString();
    expect(reads[2]).toBe(want);
    expect(piecewise.totals().nodes).toBe(whole.totals().nodes);
    expect(reads[0]!.length).toBeLessThan(want.length);
  });
});
