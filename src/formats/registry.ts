// The input formats: one line each (the core's twin list is
// assembly/formats/registry.ts), and detection from an input's first bytes:
// each format says whether a sample looks like it, the first that claims it wins.

import type { Format } from './format.js';
import { dtrace } from './dtrace.js';
import { pmcstat } from './pmcstat.js';
import { procstat } from './procstat.js';
import { bpftrace } from './bpftrace.js';
import { perf } from './perf.js';
import { folded } from './folded.js';

/**
 * In detection order: bpftrace before DTrace (a raw-mode stack of all-digit
 * addresses reads as DTrace frames and a count); perf after the FreeBSD
 * formats, which claim none of its captures, and before folded; folded last
 * (the capture formats' count lines look like it).
 */
const REGISTRY = [bpftrace, dtrace, pmcstat, procstat, perf, folded] as const;

/** A format's name. */
export type ParsedFormat = (typeof REGISTRY)[number]['name'];
export type InputFormat = ParsedFormat | 'auto';

/** The options every format takes, by their API names (`includeOffset`, `byThread`, ...). */
export type FormatOptions = { [K in (typeof REGISTRY)[number]['options'][number]['key']]?: boolean };

export const FORMATS: readonly ParsedFormat[] = REGISTRY.map((f) => f.name);

/** The format object of a name. */
export function formatNamed(name: ParsedFormat): Format {
  return REGISTRY.find((f) => f.name === name)!;
}

/** Every format's options, in registry order, with the format they belong to. */
export function formatOptions(): { format: ParsedFormat; key: keyof FormatOptions; flag: string; help: string }[] {
  return REGISTRY.flatMap((f) => f.options.map((o) => ({ format: f.name, ...o })));
}

/**
 * How many leading bytes detection looks at, at least: it reads on to the end
 * of the first line with something in it (a folded stack of thousands of
 * frames can be longer), up to the longest line the core reads.
 */
export const DETECT_BYTES = 64 * 1024;
const DETECT_MAX_BYTES = 64 << 20;

/** The input without the UTF-8 byte order mark the core skips before its first line (assembly/index.ts). */
const withoutMark = (head: Uint8Array): Uint8Array =>
  head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;

/** Where the first line with a byte other than a blank, tab or CR ends (past its newline); -1 if none ends in `text`. */
function firstLineEnd(text: Uint8Array): number {
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const b = text[i]!;
    if (b === 0x0a) {
      if (content) return i + 1;
    } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) content = true;
  }
  return -1;
}

/** Detection needs more of the input than `head` (not the whole input) to see a whole line: read on. */
export function detectionWantsMore(head: Uint8Array): boolean {
  const text = withoutMark(head);
  return text.length < DETECT_MAX_BYTES && !text.subarray(0, DETECT_BYTES).includes(0) && firstLineEnd(text) < 0;
}

/** Splits the sample into lines, dropping a last line that may be cut. */
function sampleLines(head: Uint8Array, complete: boolean): string[] {
  const text = new TextDecoder('latin1').decode(head);
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (!complete) lines.pop();
  return lines;
}

/** The format of an input from its first bytes, or undefined. `complete`: the sample is the whole input. */
export function detectFormat(head: Uint8Array, complete: boolean): ParsedFormat | undefined {
  const text = withoutMark(head);
  const sample = text.subarray(0, Math.max(DETECT_BYTES, firstLineEnd(text)));
  if (sample.includes(0)) return undefined; // binary data is none of these text formats
  const lines = sampleLines(sample, complete && sample.length === text.length);
  // An input with nothing in it folds to nothing in every format; folded is the neutral one.
  if (complete && sample.length === text.length && lines.every((l) => l.trim() === '')) return 'folded';
  return REGISTRY.find((f) => f.detect(lines))?.name;
}
