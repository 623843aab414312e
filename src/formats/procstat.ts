// FreeBSD `procstat -k` / `-kk` listings (off-CPU stacks); the parser is assembly/formats/procstat.ts.

import type { Format } from './format.js';
import { firstLine } from './lines.js';

// Its header, rows ("%5d %6d " PID and TID, then COMM and TDNAME in 16 or 19
// columns, then KSTACK; see assembly/formats/procstat.ts), or `uniq -c` lines
// of the KSTACK column (a count, then blank-separated frames that are never
// numbers and never hold a ';').
const HEADER = /^\s*PID\s+TID\s+COMM\s+TDNAME\s+KSTACK/;
const ROW = /^ *\d+ +\d+ (\S.*)$/;
const COUNTED = /^ *\d+ +(?:<running>|<swapped>|<unknown>|[A-Za-z_.?$][^\s;]*)(?: [^\s;]+)* *$/;
const ENDS_IN_COUNT = /\s\d+(?:\.\d*)?\s*$/;

/** Whether a row's text from COMM on reads as W-column COMM and TDNAME, then KSTACK. */
function rowFits(rest: string, w: number): boolean {
  let commEnd = w;
  while (commEnd < rest.length && !/\s/.test(rest[commEnd]!)) commEnd++; // a longer COMM runs on
  const tdname = commEnd + 1;
  const kstack = tdname + w + 1;
  return kstack < rest.length && /\S/.test(rest[tdname]!) && /\s/.test(rest[kstack - 1]!) && /\S/.test(rest[kstack]!);
}

export const procstat = {
  name: 'procstat',
  description: 'FreeBSD procstat -k, -kk, -a listings, one or many snapshots (off-CPU)',
  detect(lines) {
    let rows = 0;
    let others = 0;
    for (const line of lines) {
      if (line.trim() === '') continue;
      if (/^\s*PID\s+TID\s+COMM\s+TDNAME\s+KSTACK\s*$/.test(line)) return true;
      const row = ROW.exec(line);
      if (row && (rowFits(row[1]!, 19) || rowFits(row[1]!, 16))) rows++;
      else if (COUNTED.test(line) && !ENDS_IN_COUNT.test(line)) rows++;
      else others++;
    }
    return rows > others;
  },
  // A snapshot's header line, so each range reads its own column layout.
  boundary: (bytes, atLineStart) => firstLine(bytes, atLineStart, (line) => HEADER.test(line)),
  malformed: 'not a header, nor a row laid out as procstat prints it (columns shifted, cut short)',
  options: [{ key: 'byThread', flag: 'by-thread', help: 'put COMM;TDNAME; (process and thread name) above each stack' }],
} as const satisfies Format;
