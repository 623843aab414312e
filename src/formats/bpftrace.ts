// bpftrace maps with stack keys (`@[kstack] = count()`, `@name[kstack, ustack, comm]`,
// one or many print() snapshots); the parser is assembly/formats/bpftrace.ts.

import type { Format } from './format.js';
import { firstLine } from './lines.js';

/** A line that starts a map entry: `@`, a map name (possibly empty), `[`. */
const ENTRY = /^@\w*\[/;
/** The first line of an entry whose key holds a stack: `@NAME[` and nothing, or scalars ending with `,`. */
const KEY_OPENS = /^@\w*\[(?:.*,)?$/;
/** The closing line of such an entry: `]: VALUE`, or `]:` before a multi-line value (hist()). */
const KEY_CLOSES = /^(?:,.*)?\]:(?: -?\d+)?$/;
/** A one-line entry with an unreadable stack: `@[]: 8`, `@[, , java]: 2`. */
const ONE_LINE_STACK = /^@\w*\[(?:,.*)?\]: -?\d+$/;

export const bpftrace = {
  name: 'bpftrace',
  description: '@[kstack] = count(), ustack, multi-key and named maps, one or many print() snapshots',
  // An entry with a stack key: its opening line and, after it, a closing line
  // (neither DTrace, perf, pmcstat nor procstat output has lines starting with
  // `@NAME[`, and DTrace's count lines are indented numbers, never `]: N`).
  detect(lines) {
    let opened = false;
    for (const raw of lines) {
      const line = raw.replace(/[ \t\r]+$/, '');
      if (ONE_LINE_STACK.test(line)) return true;
      if (KEY_OPENS.test(line)) opened = true;
      else if (opened && KEY_CLOSES.test(line)) return true;
    }
    return false;
  },
  // An entry's first line: the parser reads every line that starts with `@`
  // from a clean state (an entry left open there is dropped either way).
  boundary: (bytes, atLineStart) => firstLine(bytes, atLineStart, (line) => ENTRY.test(line)),
  options: [],
} as const satisfies Format;
