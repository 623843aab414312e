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
      { frames: ['a b', 'c d'], count: 3 },
      { frames: ['a', 'b'], count: -2 },
      { frames: ['x'], count: 0.25 },
    ]);
    const two = await collapse(Buffer.from('a b;c 1 2\nd 0 5\n'));
    expect([...two.stacks()]).toEqual([
      { frames: ['a b', 'c'], count: 1, count2: 2 },
      { frames: ['d'], count: 0, count2: 5 },
    ]);
  });

  it.each(corpusCaptures().map((c) => [relative(CORPUS, c), c]))('%s: the folded output, line for line', async (_name, capture) => {
    const result = await collapse(capture, { jobs: 1 });
    expect(asMap(result)).toEqual(stacksOf(result.text(), 1));
    expect([...result.stacks()]).toHaveLength(result.totals.stacks);
  });
});
