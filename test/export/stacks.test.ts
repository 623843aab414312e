// CollapseResult.stacks(), the walk every export reads: each line of the folded
// output once, its frames root first and its count(s) as numbers.

import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse, type CollapseResult } from '../../src/api/collapse.js';
import { CORPUS } from '../support/corpus.js';
import { corpusCaptures, stacksOf } from './oracle.js';

const asMap = (result: CollapseResult): Map<string, number[]> =>
  new Map([...result.stacks()].map((s) => [s.frames.join(';'), s.count2 === undefined ? [s.count] : [s.count, s.count2]]));

describe('CollapseResult.stacks()', () => {
  it('frames root first, names with spaces, fractions, negatives, two counts', async () => {
    const one = await collapse(Buffer.from('a b;c d 3\na;b -2\nx 0.25\n'));
    expect([...one.stacks()]).toEqual([ // sorted bytewise: ' ' before ';'
      { frames: ['a b', 'c d'], count: 3, countText: '3' },
      { frames: ['a', 'b'], count: -2, countText: '-2' },
      { frames: ['x'], count: 0.25, countText: '0.25' },
    ]);
    const two = await collapse(Buffer.from('a b;c 1 2\nd 0 5\n'));
    expect([...two.stacks()]).toEqual([
      { frames: ['a b', 'c'], count: 1, count2: 2, countText: '1', count2Text: '2' },
      { frames: ['d'], count: 0, count2: 5, countText: '0', count2Text: '5' },
    ]);
  });

  it('counts past 2^53 and exact decimal sums keep every digit in countText', async () => {
    const result = await collapse(Buffer.from('a 9007199254740993\nb 0.1\nb 0.2\nc 92233720368547758.5 1\n'));
    // One-count lines among two-count ones count in both columns (folded.mixed-counts.test.ts).
    expect([...result.stacks()].map((s) => [s.countText, s.count2Text])).toEqual([
      ['9007199254740993', '9007199254740993'], ['0.3', '0.3'], ['92233720368547758.5', '1'],
    ]);
    const whole = await collapse(Buffer.from('a 9223372036854775806\na 1\n'));
    expect([...whole.stacks()].map((s) => s.countText)).toEqual(['9223372036854775807']);
  });

  it.each(corpusCaptures().map((c) => [relative(CORPUS, c), c]))('%s: the folded output, line for line', async (_name, capture) => {
    const result = await collapse(capture, { jobs: 1 });
    expect(asMap(result)).toEqual(stacksOf(result.text(), 1));
    expect([...result.stacks()]).toHaveLength(result.totals.stacks);
  });
});

// stackPaths() is the same walk as the folded text, with each line's frame ids: from the
// stack table and from the call tree (past the table's budget), whatever the names.
describe('CollapseResult.stackPaths()', () => {
  const linesOf = (result: CollapseResult): string[] => result.text().split('\n').slice(0, -1);
  const fromPaths = (result: CollapseResult): string[] => {
    const name = result.frameNames();
    const lines: string[] = [];
    // Each path is read before the walk resumes: its ids are a view of the core's buffer.
    for (const { frameIds, countText, count2Text } of result.stackPaths()) {
      lines.push(`${[...frameIds].map(name).join(';')} ${countText}${count2Text === undefined ? '' : ` ${count2Text}`}`);
    }
    return lines;
  };

  it('gives the folded lines, from the table and from the tree, ids equal exactly when names are (property)', async () => {
    const names = ['a', 'b', 'b.x', 'b x', '', 'a\tq', 'z', 'é', '\u{1F525}'];
    const line = fc.tuple(fc.array(fc.constantFrom(...names), { maxLength: 6 }), fc.integer({ min: -9, max: 99 }), fc.option(fc.integer({ min: 0, max: 9 })));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), fc.boolean(), async (lines, tree) => {
        const text = lines.map(([frames, n, m]) => `${frames.join(';')} ${n}${m === null ? '' : ` ${m}`}\n`).join('');
        const result = await collapse(Buffer.from(text), { format: 'folded', ...(tree && { stackTableBytes: 0 }) });
        expect(fromPaths(result)).toEqual(linesOf(result));
        expect([...result.stacks()].map((s) => s.frames.join(';'))).toEqual(linesOf(result).map((l) => l.replace(/( -?[\d.]+){1,2}$/, '')));
        const name = result.frameNames();
        const idOf = new Map<string, number>();
        for (const { frameIds } of result.stackPaths()) {
          for (const id of frameIds) expect(idOf.get(name(id)) ?? id).toBe(idOf.set(name(id), id).get(name(id)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('over 65,536 frames (32-bit ids) and a line longer than the writer\'s buffer, from the table and the tree', async () => {
    const long = Array.from({ length: 40_000 }, (_, i) => `deep_frame_${i}`).join(';'); // ~700 kB
    const lines = Array.from({ length: 70_000 }, (_, i) => `root;f${i};leaf${i % 3} ${i % 5 + 1}\n`);
    lines.push(`${long} 7\n`, `${long};${long} 1\n`); // 1.4 MB: the buffer grows during the walk
    const text = lines.join('');
    for (const tree of [false, true]) {
      const result = await collapse(Buffer.from(text), { format: 'folded', ...(tree && { stackTableBytes: 0 }) });
      expect(fromPaths(result)).toEqual(linesOf(result));
    }
  });
});
