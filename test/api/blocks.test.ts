// The call tree's nodes, their second counts and the frame table's names live
// in fixed-size blocks (assembly/tables/blocks.ts). With blocks of a few
// elements (session option tableBlockLog), every boundary falls somewhere in
// every reader's walk: folded output, the tree, flame graphs, frame sums and
// the hand-over between threads must be what one block holding everything gives.

import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/index.js';
import { CollapseResult } from '../../src/api/collapse.js';
import { CoreSession } from '../../src/core.js';

/**
 * High-cardinality folded lines: distinct leaves under shared prefixes, a fraction (the scale grows
 * midway), a negative count, names of 254 to 256 bytes (a name's length takes one byte below 255).
 */
function oneCount(): string {
  const lines: string[] = [254, 255, 256, 1000].map((n) => `main;${'x'.repeat(n - 1)}${n % 10};${'y'.repeat(n)} 1`);
  for (let i = 0; i < 3000; i++) lines.push(`main;mod${i % 7};fn${(i * 13) % 101};leaf_${i} ${(i % 5) + 1}`);
  lines.push('main;mod1;fn3 2.5', 'main;mod2 -3', 'main;mod0;fn0;leaf_0 4');
  for (let i = 0; i < 500; i++) lines.push(`main;mod${i % 3};fn${i % 11} ${i % 4}`);
  return lines.join('\n') + '\n';
}

/** Two-count lines: some stacks only in the second column, some only in the first. */
function twoCounts(): string {
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) lines.push(`root;a${i % 17};b${i} ${i % 3} ${(i * 7) % 4}`);
  return lines.join('\n') + '\n';
}

function session(blockLog: number | undefined, stackTableBytes: number | undefined): CoreSession {
  const s = new CoreSession();
  if (blockLog !== undefined) s.setOption('tableBlockLog', blockLog);
  if (stackTableBytes !== undefined) s.setOption('stackTableBytes', stackTableBytes);
  return s;
}

function fold(s: CoreSession, text: string): CoreSession {
  s.beginInput('folded');
  s.write(Buffer.from(text));
  s.endInput();
  return s;
}

const folded = (s: CoreSession): string => Buffer.concat([...s.folded()]).toString();

/** What every reader makes of a session's stacks (each reading on a fresh session: a reading may free slots). */
async function readings(make: () => CoreSession) {
  const svg = (options: Parameters<typeof renderSvg>[1]) => renderSvg(new CollapseResult(make(), [], []), options);
  const merged = new CoreSession(); // the hand-over between threads: exported, imported into a default session
  for (const piece of make().exportPieces(256)) merged.importPiece(piece);
  return {
    folded: folded(make()),
    tree: make().tree(),
    sums: make().frameSums(),
    totals: make().totals(),
    svg: await svg({}),
    reversed: await svg({ reverse: true, minWidth: 0 }),
    merged: folded(merged),
  };
}

describe('tables in small blocks', () => {
  for (const [name, text] of [['one count', oneCount()], ['two counts', twoCounts()]] as const) {
    it(`read the same as in one block: ${name}`, async () => {
      // All in the tree; some in the stack table; the default. (The tree's node ids follow where stacks were.)
      for (const stackTableBytes of [0, 2000, undefined]) {
        const want = await readings(() => fold(session(undefined, stackTableBytes), text));
        expect(want.tree.parent.length).toBeGreaterThan(2000);
        // Names read back whole, whatever their length (JS reads them from the core's blocks itself).
        const names = new Set(want.tree.names.map((n) => Buffer.from(n).toString()));
        for (const line of text.split('\n', 4)) for (const frame of line.replace(/( -?[\d.]+)+$/, '').split(';')) expect(names).toContain(frame);
        if (name === 'one count') expect(want.folded).toContain(text.split('\n', 4).join('\n')); // the long names, in order
        for (const blockLog of [1, 3]) {
          const got = await readings(() => fold(session(blockLog, stackTableBytes), text));
          expect({ blockLog, stackTableBytes, ...got, totals: { ...got.totals, nodes: 0 } })
            .toEqual({ blockLog, stackTableBytes, ...want, totals: { ...want.totals, nodes: 0 } });
        }
      }
    });
  }

  // Reading the tree frees the hash slots of the tree and the frame table; input folded
  // afterwards makes them again from the blocks, finding every node and name already there.
  it('take more input after they were read', () => {
    const text = oneCount().split('\n');
    // Each part starts with another root, so its first lines look their frames up again.
    const parts = [text.slice(0, 1000), text.slice(1000, 2500), text.slice(2500)].map((p, i) => [`other${i};x 1`, ...p].join('\n') + '\n');
    const whole = fold(session(2, 0), parts.join(''));
    const piecewise = session(2, 0);
    for (const part of parts) {
      fold(piecewise, part);
      folded(piecewise); // a reading: the slots go
    }
    expect(folded(piecewise)).toBe(folded(whole));
    expect(piecewise.totals()).toEqual(whole.totals());
  });
});
