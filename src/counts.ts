// Exact counts on the JavaScript side. The core keeps every count as an i64
// number of units of 10^-scale (assembly/tables/counts.ts): they cross the
// boundary as bigints with the session's scale. What is printed (sample
// counts, percentages) is computed from them exactly; doubles are for
// geometry and colours only, where a last-digit error is no figure a user reads.

/** A count as the core keeps it: `units` × 10^-`scale`. */
export interface ExactCount {
  units: bigint;
  scale: number;
}

const TEN = 10n;

/** 10^k as a bigint. */
export function pow10n(k: number): bigint {
  return TEN ** BigInt(k);
}

/** The value of `units` × 10^-scale as the nearest double. */
export function unitsToNumber(units: bigint, scale: number): number {
  // Below 2^53 the units and the power of ten are exact doubles: one division, one rounding.
  if (scale <= 22 && units <= 9007199254740991n && units >= -9007199254740991n) return Number(units) / 10 ** scale;
  return Number(unitsText(units, scale));
}

/** Counts in units as doubles: for geometry, colours and ratios, never printed as counts. */
export function numbersOf(values: BigInt64Array, scale: number): Float64Array {
  // Read as 32-bit halves, without a bigint per value: high * 2^32 is exact, adding the low half rounds once.
  const lo = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  const hi = new Int32Array(values.buffer, values.byteOffset, 2 * values.length);
  const out = new Float64Array(values.length);
  const unit = 10 ** scale;
  for (let i = 0; i < values.length; i++) out[i] = (hi[2 * i + 1]! * 4294967296 + lo[2 * i]!) / unit;
  return out;
}

/** Shortest exact decimal text of `units` × 10^-scale: "3", "0.3", "-1.5" (as the folded writer prints it). */
export function unitsText(units: bigint, scale: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString();
  if (scale === 0) return neg ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  const fraction = padded.slice(padded.length - scale).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return neg ? `-${text}` : text;
}

/** `units` / 10^shift rounded to the nearest integer, a tie to the even one (C's printf rounding). */
function roundHalfEven(units: bigint, shift: number): bigint {
  if (shift === 0) return units;
  const d = pow10n(shift);
  const neg = units < 0n;
  const a = neg ? -units : units;
  let q = a / d;
  const r2 = (a % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** `sprintf("%.0f")` of an exact count: its integer text, rounded half to even. */
export function roundedCountText(units: bigint, scale: number): string {
  return roundHalfEven(units, scale).toString();
}

/**
 * `sprintf("%.<digits>f", 100 * part / whole)` computed exactly from the
 * units (both of one scale), the last digit rounded half to even; at most
 * 100 when 0 <= part <= whole.
 */
export function percentText(part: bigint, whole: bigint, digits = 2): string {
  if (whole === 0n) return 'NaN';
  // 100 * 10^digits * part / whole, rounded: the quotient's last `digits` digits are the fraction.
  let num = 100n * pow10n(digits) * part;
  let den = whole;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  const r2 = (a % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  const text = q.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  return neg && q !== 0n ? `-${body}` : body;
}

/** A count as the folded writer prints it ("-12.5") back in units of 10^-scale (its decimals are at most `scale`). */
export function textToUnits(text: string, scale: number): bigint {
  const dot = text.indexOf('.');
  if (dot < 0) return BigInt(text) * pow10n(scale);
  const fraction = text.slice(dot + 1);
  const neg = text.startsWith('-');
  const units = BigInt(text.slice(neg ? 1 : 0, dot) + fraction.padEnd(scale, '0'));
  return neg ? -units : units;
}

/**
 * `part` as a percentage of `whole` (units of one scale) to two places. Whole
 * counts small enough for doubles go through `float` (the caller's rounding of
 * the double quotient, as it printed before counts were exact); the rest are
 * computed exactly (percentText).
 */
export function sharePercent(part: bigint, whole: bigint, scale: number, float: (percent: number) => string): string {
  const small = 90071992547409n; // 2^53 / 100: 100 * part is still an exact double
  if (scale === 0 && part <= small && part >= -small && whole <= 2n ** 53n && whole > 0n) return float((100 * Number(part)) / Number(whole));
  return percentText(part, whole);
}
