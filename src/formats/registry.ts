// Input formats: their names, and detection from the first bytes of an input
// (each format says whether a sample looks like it, as inferno's
// `is_applicable` does; the first that claims it wins).

import type { ParsedFormat } from '../core.js';

export type InputFormat = ParsedFormat | 'auto';
export const FORMATS: readonly ParsedFormat[] = ['dtrace', 'pmcstat', 'procstat', 'folded'];

/** How many leading bytes detection looks at. */
export const DETECT_BYTES = 64 * 1024;

type Detector = (lines: string[]) => boolean;

// An indented frame line (`module`func+0x1a`, a bare hex address) followed,
// before any unindented text, by an indented count line. Output without counts
// (traced `jstack()` stacks: ahl-btrace, node-bunyan in the corpus) is DTrace
// too, told by its `CPU ID FUNCTION:NAME` header, a `dtrace:` message or
// indented ``module`function`` frames: collapsing it then says that its
// records had no count, which helps more than "unknown format".
const DTRACE_CHATTER = /^(\s*CPU\s+ID\s+FUNCTION:NAME\s*|dtrace: .*)$/;
const DTRACE_MODULE_FRAME = /^\s+[^\s`]+`\S/;
const dtrace: Detector = (lines) => {
  let frames = 0;
  let moduleFrames = 0;
  for (const line of lines) {
    if (DTRACE_CHATTER.test(line)) return true;
    if (DTRACE_MODULE_FRAME.test(line) && ++moduleFrames >= 2) return true;
    if (/^\s+-?\d+\s*$/.test(line)) {
      if (frames > 0) return true;
    } else if (/^\s+\S/.test(line) && !/^\s+\d+\s+\d+\s+\S*:\S*\s*$/.test(line)) {
      frames++;
    }
  }
  return false;
};

// pmcstat -G: an `@ EVENT [N samples]` section header, or a node line
// (`07.86%  [854]      __mtx_lock_sleep @ /boot/kernel/kernel`) for an excerpt without one.
const pmcstat: Detector = (lines) =>
  lines.some((line) => /^@ .* \[\d+ samples\]$/.test(line) || /^ *\d+\.\d+% {2}\[\d+\] +\S/.test(line));

// Folded stacks: most lines (blank and `#` comment lines aside) end in one or two
// blank-separated counts; a few bad lines must not hide the format, so the parser
// can name them. Tried last: the capture formats' count lines look alike.
const folded: Detector = (lines) => {
  let stacks = 0;
  let others = 0;
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    if (/\s-?\d+(?:\.\d*)?$/.test(line)) stacks++;
    else others++;
  }
  return stacks > others;
};

// procstat -k/-kk: its header, rows ("%5d %6d " PID and TID, then COMM and
// TDNAME in 16 or 19 columns, then KSTACK; see assembly/formats/procstat.ts),
// or `uniq -c` lines of the KSTACK column (a count, then blank-separated
// frames that are never numbers and never hold a ';').
const PROCSTAT_HEADER = /^\s*PID\s+TID\s+COMM\s+TDNAME\s+KSTACK\s*$/;
const PROCSTAT_ROW = /^ *\d+ +\d+ (\S.*)$/;
const PROCSTAT_COUNTED = /^ *\d+ +(?:<running>|<swapped>|<unknown>|[A-Za-z_.?$][^\s;]*)(?: [^\s;]+)* *$/;
const ENDS_IN_COUNT = /\s\d+(?:\.\d*)?\s*$/;

/** Whether a row's text from COMM on reads as W-column COMM and TDNAME, then KSTACK. */
function procstatRowFits(rest: string, w: number): boolean {
  let commEnd = w;
  while (commEnd < rest.length && !/\s/.test(rest[commEnd]!)) commEnd++; // a longer COMM runs on
  const tdname = commEnd + 1;
  const kstack = tdname + w + 1;
  return kstack < rest.length && /\S/.test(rest[tdname]!) && /\s/.test(rest[kstack - 1]!) && /\S/.test(rest[kstack]!);
}

const procstat: Detector = (lines) => {
  let rows = 0;
  let others = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (PROCSTAT_HEADER.test(line)) return true;
    const row = PROCSTAT_ROW.exec(line);
    if (row && (procstatRowFits(row[1]!, 19) || procstatRowFits(row[1]!, 16))) rows++;
    else if (PROCSTAT_COUNTED.test(line) && !ENDS_IN_COUNT.test(line)) rows++;
    else others++;
  }
  return rows > others;
};

const DETECTORS: [ParsedFormat, Detector][] = [
  ['dtrace', dtrace],
  ['pmcstat', pmcstat],
  ['procstat', procstat],
  ['folded', folded], // keep last
];

/** Splits the sample into lines, dropping a last line that may be cut. */
function sampleLines(head: Uint8Array, complete: boolean): string[] {
  const text = new TextDecoder('latin1').decode(head);
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (!complete) lines.pop();
  return lines;
}

/** The format of an input from its first bytes, or undefined. `complete`: the sample is the whole input. */
export function detectFormat(head: Uint8Array, complete: boolean): ParsedFormat | undefined {
  const sample = head.subarray(0, DETECT_BYTES);
  if (sample.includes(0)) return undefined; // binary data is none of these text formats
  const lines = sampleLines(sample, complete && sample.length === head.length);
  // An input with nothing in it folds to nothing in every format; folded is the neutral one.
  if (complete && sample.length === head.length && lines.every((l) => l.trim() === '')) return 'folded';
  for (const [format, looksLike] of DETECTORS) if (looksLike(lines)) return format;
  return undefined;
}
