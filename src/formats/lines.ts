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
