// DTrace stack aggregations (`@[stack()] = count()`, `ustack()`, `jstack()`,
// printed by printa()); the parser is assembly/formats/dtrace.ts.

import type { Format } from './format.js';
import { firstLine } from './lines.js';

// Output without counts (traced `jstack()` stacks: ahl-btrace, node-bunyan in
// the corpus) is DTrace too, told by its `CPU ID FUNCTION:NAME` header, a
// `dtrace:` message or indented ``module`function`` frames: collapsing it then
// says that its records had no count, which helps more than "unknown format".
const CHATTER = /^(\s*CPU\s+ID\s+FUNCTION:NAME\s*|dtrace: .*)$/;
const MODULE_FRAME = /^\s+[^\s`]+`\S/;
const COUNT_LINE = /^[ \t]*-?\d+[ \t]*\r?$/;

export const dtrace = {
  name: 'dtrace',
  description: '@[stack()] = count(), ustack(), jstack() aggregations, one or many printa() snapshots',
  // An indented frame line (`module`func+0x1a`, a bare hex address) followed,
  // before any unindented text, by an indented count line.
  detect(lines) {
    let frames = 0;
    let moduleFrames = 0;
    for (const line of lines) {
      if (CHATTER.test(line)) return true;
      if (MODULE_FRAME.test(line) && ++moduleFrames >= 2) return true;
      if (/^\s+-?\d+\s*$/.test(line)) {
        if (frames > 0) return true;
      } else if (/^\s+\S/.test(line) && !/^\s+\d+\s+\d+\s+\S*:\S*\s*$/.test(line)) {
        frames++;
      }
    }
    return false;
  },
  // A record ends at its count line; the next record starts after it.
  boundary: (bytes, atLineStart) => firstLine(bytes, atLineStart, (line) => COUNT_LINE.test(line), true),
  malformed: 'not indented, so not a frame, and not a count or a DTrace message',
  options: [{ key: 'includeOffset', flag: 'includeoffset', help: 'keep +0x offsets on every frame but the leaf' }],
} as const satisfies Format;
