// Folded stacks (`root;...;leaf count`, or two counts: differential input);
// the parser is assembly/formats/folded.ts.

import type { Format } from './format.js';
import { linesOf } from './lines.js';

export const folded = {
  name: 'folded',
  description: 'folded stacks, with one count or two (stack before after)',
  // Most lines (blank and `#` comment lines aside) end in one or two
  // blank-separated counts; a few bad lines must not hide the format, so the
  // parser can name them. Tried last: the capture formats' count lines look alike.
  detect(lines) {
    let stacks = 0;
    let others = 0;
    for (const line of lines) {
      if (line === '' || line.startsWith('#')) continue;
      if (/\s-?\d+(?:\.\d*)?$/.test(line)) stacks++;
      else others++;
    }
    return stacks > others;
  },
  // Every line is a record.
  boundary(bytes, atLineStart) {
    for (const [s] of linesOf(bytes, atLineStart)) return s;
    return -1;
  },
  options: [],
  // A high-cardinality profile (millions of distinct stacks) read on two threads took twice the CPU of one, and no less time.
  distinctStacks: true,
  malformed: 'no count at the end',
} as const satisfies Format;
