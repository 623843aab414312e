// Where a capture may be cut into byte ranges that parse independently: at a
// record boundary of its format, never inside a record. Each rule looks at
// the bytes after an approximate offset and returns the first boundary.

import type { ParsedFormat } from '../core.js';

/** Offset (relative to `bytes`) where a new record starts, or -1 if none does in this window. */
type BoundaryRule = (bytes: Uint8Array, atLineStart: boolean) => number;

/** Yields [start, end) of each complete line in the window (the first only if `atLineStart`). */
function* lines(bytes: Uint8Array, atLineStart: boolean): Generator<[number, number]> {
  let start = 0;
  if (!atLineStart) {
    const nl = bytes.indexOf(10);
    if (nl < 0) return;
    start = nl + 1;
  }
  for (;;) {
    const nl = bytes.indexOf(10, start);
    if (nl < 0) return;
    yield [start, nl];
    start = nl + 1;
  }
}

const text = (bytes: Uint8Array, s: number, e: number): string => Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('latin1');

// DTrace: a record ends at its count line; the next record starts after it.
const dtrace: BoundaryRule = (bytes, atLineStart) => {
  for (const [s, e] of lines(bytes, atLineStart)) {
    if (/^[ \t]*-?\d+[ \t]*\r?$/.test(text(bytes, s, e))) return e + 1;
  }
  return -1;
};

// pmcstat: a `@ EVENT [N samples]` section header; cutting there keeps each
// range's event filter and open call path self-contained.
const pmcstat: BoundaryRule = (bytes, atLineStart) => {
  for (const [s, e] of lines(bytes, atLineStart)) {
    if (bytes[s] === 0x40 && bytes[s + 1] === 0x20) return s;
  }
  return -1;
};

// procstat: a snapshot's header line, so each range reads its own column layout.
const procstat: BoundaryRule = (bytes, atLineStart) => {
  for (const [s, e] of lines(bytes, atLineStart)) {
    if (/^\s*PID\s+TID\s+COMM\s+TDNAME\s+KSTACK/.test(text(bytes, s, e))) return s;
  }
  return -1;
};

// Folded stacks: every line is a record.
const folded: BoundaryRule = (bytes, atLineStart) => {
  for (const [s] of lines(bytes, atLineStart)) return s;
  return -1;
};

export const BOUNDARY_RULES: Record<ParsedFormat, BoundaryRule> = { dtrace, pmcstat, procstat, folded };
