// FreeBSD `pmcstat -R log -G out` callgraphs; the parser is assembly/formats/pmcstat.ts.

import type { Format } from './format.js';
import { firstLineStartingWith } from './lines.js';

export const pmcstat = {
  name: 'pmcstat',
  description: 'FreeBSD pmcstat -G callgraphs, one section per event (PMC) and CPU',
  // An `@ EVENT [N samples]` section header, or a node line
  // (`07.86%  [854]      __mtx_lock_sleep @ /boot/kernel/kernel`) for an excerpt without one.
  detect: (lines) => lines.some((line) => /^@ .* \[\d+ samples\]$/.test(line) || /^ *\d+\.\d+% {2}\[\d+\] +\S/.test(line)),
  // A section header: cutting there keeps each range's event filter and open call path self-contained.
  boundary: (bytes, atLineStart) => firstLineStartingWith(bytes, atLineStart, '@ '),
  malformed: 'not a section header, a call-graph node under its caller, or blank',
  options: [{ key: 'kernelMarks', flag: 'kernel-marks', help: 'add _[k] to frames of kernel images (under /boot/)' }],
} as const satisfies Format;
