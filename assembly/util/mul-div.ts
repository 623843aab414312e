// a * b / c truncated, exactly: diff -n scales each count by the second
// total over the first, and that product can pass 64 bits (or 2^53, where
// doubles start rounding) long before the quotient does.

/** Set by mulDivMagnitude when |a * b / c| is 2^64 or more (its result is then meaningless). */
export let mulDivOverflowed = false;

/** |a * b / c| truncated, for c != 0, as an unsigned 64-bit value; see mulDivOverflowed. */
export function mulDivMagnitude(a: i64, b: i64, c: i64): u64 {
  const x = <u64>abs(a), y = <u64>abs(b), d = <u64>abs(c); // abs(i64.MIN) is 2^63 as a u64
  mulDivOverflowed = false;
  // The 128-bit product hi:lo from 32-bit halves.
  const x0 = x & 0xffffffff, x1 = x >> 32, y0 = y & 0xffffffff, y1 = y >> 32;
  const p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (mid << 32) | (p00 & 0xffffffff);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  if (hi == 0) return lo / d; // the common case: the product fits 64 bits
  if (hi >= d) {
    mulDivOverflowed = true; // the quotient needs more than 64 bits
    return 0;
  }
  // Long division of hi:lo by d, one bit at a time: hi < d keeps the quotient in 64 bits.
  let r = hi, q: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    const carry = r >> 63;
    r = (r << 1) | ((lo >> <u64>i) & 1);
    q <<= 1;
    if (carry != 0 || r >= d) {
      r -= d;
      q |= 1;
    }
  }
  return q;
}

/** Whether a * b / c is negative (c != 0; a zero product is not). */
// @ts-ignore: decorator
@inline export function mulDivNegative(a: i64, b: i64, c: i64): bool {
  return a != 0 && b != 0 && ((a ^ b ^ c) < 0);
}
