// Input formats: their names, and detection from the first bytes of an input
// (each format says whether a sample looks like it, as inferno's
// `is_applicable` does; the first that claims it wins).

import type { ParsedFormat } from './core.js';

export type InputFormat = ParsedFormat | 'auto';
export const FORMATS: readonly ParsedFormat[] = ['dtrace', 'pmcstat', 'procstat', 'folded'];

/** How many leading bytes detection looks at. */
export const DETECT_BYTES = 64 * 1024;

type Detector = (lines: string[]) => boolean;

// An indented frame line (`module`func+0x1a`, a bare hex address) followed,
// before any unindented text, by an indented count line.
const dtrace: Detector = (lines) => {
  let frames = 0;
  for (const line of lines) {
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

const DETECTORS: [ParsedFormat, Detector][] = [
  ['dtrace', dtrace],
  ['pmcstat', pmcstat],
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
  for (const [format, looksLike] of DETECTORS) if (looksLike(lines)) return format;
  return undefined;
}
