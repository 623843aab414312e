// Byte scanning primitives shared by the format parsers.

/** Position of the first '\n' in [p, end), or `end`. Sixteen bytes at a time. */
export function findNewline(p: usize, end: usize): usize {
  const nl = i8x16.splat(10);
  while (p + 16 <= end) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(p), nl));
    if (m != 0) return p + <usize>ctz<u32>(m);
    p += 16;
  }
  while (p < end) {
    if (load<u8>(p) == 10) return p;
    p++;
  }
  return end;
}

// @ts-ignore: decorator
@inline export function isBlank(c: u32): bool {
  return c == 0x20 || c == 0x09;
}

// @ts-ignore: decorator
@inline export function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** First position in [p, end) that is not a blank. Sixteen bytes at a time: DTrace indents by 14. */
export function skipBlanks(p: usize, end: usize): usize {
  const space = i8x16.splat(0x20);
  const tab = i8x16.splat(0x09);
  while (p + 16 <= end) {
    const v = v128.load(p);
    const blanks = i8x16.bitmask(v128.or(i8x16.eq(v, space), i8x16.eq(v, tab)));
    if (blanks != 0xffff) return p + <usize>ctz<u32>(~blanks);
    p += 16;
  }
  while (p < end && isBlank(load<u8>(p))) p++;
  return p;
}

/**
 * Position of the last `c` in [p, end), or -1. Sixteen bytes at a time from
 * the end: a frame's offset (`+0x1a`) is found in one compare, with no loop
 * over bytes whose count the branch predictor cannot know.
 */
export function lastIndexOf(p: usize, end: usize, c: u8): isize {
  const v = i8x16.splat(c);
  let q = end;
  while (q >= p + 16) {
    q -= 16;
    const m = <u32>i8x16.bitmask(i8x16.eq(v128.load(q), v));
    if (m != 0) return <isize>(q + 31 - <usize>clz<u32>(m));
  }
  while (q > p) {
    q--;
    if (load<u8>(q) == c) return <isize>q;
  }
  return -1;
}

/** Position of the first `c` in [p, end), or -1. */
export function indexOf(p: usize, end: usize, c: u8): isize {
  for (let q = p; q < end; q++) if (load<u8>(q) == c) return <isize>q;
  return -1;
}

/** Where [p, end) ends without trailing blanks, tabs and \r. */
// @ts-ignore: decorator
@inline export function trimEndSpace(p: usize, end: usize): usize {
  while (end > p) {
    const c = load<u8>(end - 1);
    if (c != 0x20 && c != 0x09 && c != 0x0d) break;
    end--;
  }
  return end;
}

/** End of the line without its '\r', for CRLF input. */
// @ts-ignore: decorator
@inline export function trimCR(p: usize, end: usize): usize {
  return end > p && load<u8>(end - 1) == 0x0d ? end - 1 : end;
}

/** End of the run of decimal digits starting at `p` (`p` itself when there is none). */
export function skipDigits(p: usize, end: usize): usize {
  while (p < end && isDigit(load<u8>(p))) p++;
  return p;
}

/** The value of the decimal digits [p, end) as a double (times, not counts: those are tables/counts.ts). */
export function digitsValue(p: usize, end: usize): f64 {
  let v: f64 = 0;
  for (; p < end; p++) v = v * 10 + <f64>(load<u8>(p) - 0x30);
  return v;
}
