// Reading lines out of a window of bytes, for the formats' boundary rules.

/** Yields [start, end) of each complete line in the window (the first only if `atLineStart`). */
export function* linesOf(bytes: Uint8Array, atLineStart: boolean): Generator<[number, number]> {
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

/** The bytes [s, e) as latin1 text (one character per byte). */
export const latin1 = (bytes: Uint8Array, s: number, e: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('latin1');

/** The first line in the window matching `test`, as the offset of its start (or of its end + 1 when `after`). */
export function firstLine(bytes: Uint8Array, atLineStart: boolean, test: (line: string) => boolean, after = false): number {
  for (const [s, e] of linesOf(bytes, atLineStart)) if (test(latin1(bytes, s, e))) return after ? e + 1 : s;
  return -1;
}

/**
 * firstLine() for a test that is "starts with `prefix`", by a native search for a newline and
 * the prefix instead of a string per line: a format whose boundaries are tens of MB apart
 * (pmcstat sections) is scanned at memory speed when a file is cut for threads.
 */
export function firstLineStartingWith(bytes: Uint8Array, atLineStart: boolean, prefix: string): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const needle = Buffer.from(`\n${prefix}`, 'latin1');
  let at = 0;
  if (!atLineStart || !buf.subarray(0, prefix.length).equals(needle.subarray(1))) {
    const newline = buf.indexOf(needle);
    if (newline < 0) return -1;
    at = newline + 1;
  }
  return buf.indexOf(10, at) < 0 ? -1 : at; // a whole line, as linesOf() yields
}
