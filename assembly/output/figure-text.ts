// Figures as the SVG's text prints them, written into memory at `o` (each
// returns the address after what it wrote): C's "%.Nf" of a double, rounded
// from its exact value (src/render/numbers.ts fixed), a whole number's digits,
// and a count with thousands separators. Used by output/frame-text.ts.

const POW10: StaticArray<u64> = [1, 10, 100, 1000];

/**
 * |x| × 10^digits rounded to an integer as C's printf rounds it: from the exact value of the
 * double, a tie to even (0.125 → 12 at two digits). |x| must be below 2^53 (pixels, percentages).
 */
function fixedUnits(x: f64, digits: i32): u64 {
  const bits = reinterpret<u64>(abs(x));
  const exponent = <i32>(bits >> 52);
  if (exponent >= 1075 + 1) throw new Error("a figure of the SVG is out of range: " + x.toString());
  // |x| = m × 2^e exactly; m × 10^digits < 2^53 × 1000 < 2^63 is exact too.
  let m = bits & 0xfffffffffffff;
  let e: i32 = -1074;
  if (exponent != 0) {
    m |= 0x10000000000000;
    e = exponent - 1075;
  }
  const scaled = m * unchecked(POW10[digits]);
  if (e >= 0) return scaled << <u64>e;
  const shift = -e;
  if (shift >= 64) return 0; // below 2^63 / 2^64: less than a half
  const whole = scaled >> <u64>shift;
  const rest = scaled & ((<u64>1 << <u64>shift) - 1);
  const half = <u64>1 << <u64>(shift - 1);
  return rest > half || (rest == half && (whole & 1) != 0) ? whole + 1 : whole;
}

/** The double that C's "%.<digits>f" text of x reads back as (src/render/numbers.ts fixedValue). */
export function fixedValue(x: f64, digits: i32): f64 {
  // One correctly rounded division: the double nearest the decimal text.
  const v = <f64>fixedUnits(x, digits) / <f64>unchecked(POW10[digits]);
  return x < 0 ? -v : v;
}

/** Writes x as C's "%.<digits>f" prints it (src/render/numbers.ts fixed). */
export function writeFixed(o: usize, x: f64, digits: i32): usize {
  if (x < 0) store<u8>(o++, 0x2d); // '-' (and "-0.0" for a negative that rounds to zero, as C prints)
  const k = fixedUnits(x, digits);
  const p = unchecked(POW10[digits]);
  o = writeDigits(o, k / p);
  if (digits == 0) return o;
  store<u8>(o++, 0x2e); // '.'
  let rest = k % p;
  for (let d = digits - 1; d >= 0; d--) {
    store<u8>(o + <usize>d, <u8>(0x30 + rest % 10));
    rest /= 10;
  }
  return o + <usize>digits;
}

export function writeDigits(o: usize, n: u64): usize {
  let len: usize = 1;
  for (let t = n; t >= 10; t /= 10) len++;
  for (let at = o + len; at > o; n /= 10) store<u8>(--at, <u8>(0x30 + n % 10));
  return o + len;
}

/** Writes n with a ',' between groups of three digits ("1,234,567"). */
export function writeCommas(o: usize, n: u64): usize {
  let len: usize = 1;
  for (let t = n; t >= 10; t /= 10) len++;
  const end = o + len + (len - 1) / 3;
  let at = end;
  for (let d: usize = 0; ; d++) {
    if (d > 0 && d % 3 == 0) store<u8>(--at, 0x2c);
    store<u8>(--at, <u8>(0x30 + n % 10));
    n /= 10;
    if (n == 0) break;
  }
  return end;
}
