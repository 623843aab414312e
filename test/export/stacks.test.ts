// CollapseResult.stacks(), the walk every export reads: each line of the folded
// output once, its frames root first and its count(s) as numbers.

import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
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
