// Linux `perf script` output (perf record -g callchains); the parser is assembly/formats/perf.ts.

import type { Format } from './format.js';
import { firstLine } from './lines.js';

// An event line (rule 3 of the corpus contract): words, one of them after the
// first a TID or PID/TID; a frame line: `PC SYM (DSO)`, the PC in hex; a
// sample without a callchain: its frame after the event word (`cycles: PC SYM (DSO)`).
const EVENT = /^\s*\S+(?:\s+\S+)*?\s+\d+(?:\/\d+)?(?:\s|$)/;
const FRAME = /^\s*[0-9a-fA-F]+\s+.*\)$/;
const ONE_LINE_SAMPLE = /:\s+[0-9a-fA-F]+\s+\S.*\)$/;
const EMPTY = /^[ \t\r]*$/;

export const perf = {
  name: 'perf',
  description: 'Linux perf script output (perf record -g), one event or several',
  // The `perf script --header` block, or an event line followed by a frame
  // line (or carrying its frame), with such lines the bulk of the text.
  detect(lines) {
    if (lines[0] === '# ========' && lines[1]?.startsWith('# captured on')) return true;
    let samples = 0;
    let known = 0;
    let others = 0;
    for (const [i, raw] of lines.entries()) {
      const line = raw.trimEnd();
      if (EMPTY.test(line) || line.startsWith('#')) continue;
      const event = EVENT.test(line) && (ONE_LINE_SAMPLE.test(line) || !FRAME.test(line));
      if (event && (ONE_LINE_SAMPLE.test(line) || FRAME.test(lines[i + 1]?.trimEnd() ?? ''))) samples++;
      if (event || FRAME.test(line)) known++;
      else others++;
    }
    return samples > 0 && known > others;
  },
  // A record ends at an empty line (or one of blanks): the next line starts one, or is outside any.
  boundary: (bytes, atLineStart) => firstLine(bytes, atLineStart, (line) => EMPTY.test(line), true),
  options: [
    { key: 'includePid', flag: 'pid', help: 'root frames COMM-PID (COMM-? when only a TID is printed)' },
    { key: 'includeTid', flag: 'tid', help: 'root frames COMM-PID/TID' },
    { key: 'kernelMarks', flag: 'kernel', help: 'add _[k] to kernel frames ([kernel.kallsyms], modules, vmlinux)' },
    { key: 'jitMarks', flag: 'jit', help: 'add _[j] to JIT frames (/tmp/perf-PID.map, jitdump .so files)' },
    { key: 'allMarks', flag: 'all', help: 'both --kernel and --jit' },
    { key: 'includeAddrs', flag: 'addrs', help: 'name [unknown] frames with their address: [DSO <PC>]' },
  ],
} as const satisfies Format;
