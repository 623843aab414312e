// Exact counts. Every count the session keeps (stack table, call tree,
// record log, totals) is an i64 number of units of 10^-countScale, where
// countScale is the most decimals any count of the session had so far: "3"
// is 3 units at scale 0, and once "0.25" arrives the scale becomes 2 and every
// stored count is multiplied by 100, once (rescale()). Integer captures never
// leave scale 0, so their hot path is a plain i64 add.
//
// Overflow is an error naming the line, never a rounded figure: the session
// keeps, per column, the sum of the positive counts and the sum of the
// negative ones, each checked as a record arrives. Every other sum (a frame's
// total, a stack's merged count, a worker's counts merged in) lies between
// those two, so nothing downstream can overflow, and those adds stay unchecked.

import { inputLine, rescaleSession } from "./session";
import { skipDigits, skipBlanks } from "../util/scan";

/** Decimals of the units: a count of value v is stored as v * 10^countScale. */
export let countScale: i32 = 0;
/** 10^countScale: one whole count in units. */
export let unitsPerCount: i64 = 1;

/** The most decimals a count may have: 10^18 is the largest power of ten below 2^63. */
export const MAX_SCALE: i32 = 18;

const POW10: StaticArray<i64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000,
  1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000, 100000000000000000,
  1000000000000000000,
];

// @ts-ignore: decorator
@inline export function pow10(k: i32): i64 { return unchecked(POW10[k]); }

/** Set while another session's counts merge in (output/exchange.ts): no line of this one is being read. */
export let merging = false;
export function setMerging(on: bool): void { merging = on; }

/** The error for a count or sum past what 64 bits hold at `k` decimals, naming the line being read. */
export function countOverflow(what: string, k: i32 = countScale): void {
  const text = what + ": counts are kept exact up to " + limitText(k);
  if (merging) throw new Error(text + ", in the sum of the parts read in parallel");
  throw new Error("line " + (<i64>inputLine()).toString() + " " + text);
}

/** a + b, or the overflow error. */
// @ts-ignore: decorator
@inline export function checkedAdd(a: i64, b: i64): i64 {
  const r = a + b;
  if (((a ^ r) & (b ^ r)) < 0) countOverflow("the sum of the counts is too large");
  return r;
}

/** a * b for b > 0, or the overflow error naming `what`. */
export function checkedMul(a: i64, b: i64, what: string, k: i32 = countScale): i64 {
  if (b == 1) return a;
  const limit = i64.MAX_VALUE / b;
  if (a > limit || a < -limit) countOverflow(what, k);
  return a * b;
}

/** A whole count (an integer a format read) in units. */
// @ts-ignore: decorator
@inline export function wholeUnits(n: i64): i64 {
  return countScale == 0 ? n : checkedMul(n, unitsPerCount, "a count is too large");
}

/** Raises the scale to `k` decimals (k > countScale): every stored count is multiplied once. */
export function rescale(k: i32): void {
  if (k > MAX_SCALE) {
    throw new Error("line " + (<i64>inputLine()).toString() + " a count with " + k.toString() + " decimals: counts are kept exact to " +
      MAX_SCALE.toString() + " decimals");
  }
  rescaleSession(pow10(k - countScale), k); // checks the bound first, then multiplies
  countScale = k;
  unitsPerCount = pow10(k);
}

/** Multiplies `n` i64 values at `p` (stride 8 bytes) by `factor`: their bound was checked. */
export function scaleArray(p: usize, n: usize, factor: i64): void {
  for (let i: usize = 0; i < n; i++) store<i64>(p + (i << 3), load<i64>(p + (i << 3)) * factor);
}

/**
 * A decimal count `-?digits(.digits*)?` in [p, end) in units, raising the
 * scale when it has more decimals than the session so far (trailing zeros of
 * the fraction do not count: "19.0" is 19). Overflow is the error naming the line.
 */
export function decimalUnits(p: usize, end: usize): i64 {
  let neg = false;
  if (load<u8>(p) == 0x2d) { neg = true; p++; }
  let dot = end;
  for (let q = p; q < end; q++) if (load<u8>(q) == 0x2e) { dot = q; break; }
  let fracEnd = end;
  if (dot < end) while (fracEnd > dot + 1 && load<u8>(fracEnd - 1) == 0x30) fracEnd--;
  const decimals = dot < end ? <i32>(fracEnd - dot - 1) : 0;
  if (decimals > countScale) rescale(decimals);
  let v: i64 = 0;
  const checked = fracEnd - p > 18; // 18 digits cannot overflow
  for (let q = p; q < fracEnd; q++) {
    if (q == dot) continue;
    const d = <i64>(load<u8>(q) - 0x30);
    if (checked && v > (i64.MAX_VALUE - d) / 10) countOverflow("a count is too large");
    v = v * 10 + d;
  }
  v = checkedMul(v, pow10(countScale - decimals), "a count is too large");
  return neg ? -v : v;
}

/** The integer value of the decimal digits [p, end), or the overflow error. */
export function digitsInteger(p: usize, end: usize): i64 {
  let v: i64 = 0;
  if (end - p < 19) { // 18 digits cannot overflow
    for (; p < end; p++) v = v * 10 + <i64>(load<u8>(p) - 0x30);
    return v;
  }
  for (; p < end; p++) {
    const d = <i64>(load<u8>(p) - 0x30);
    if (v > (i64.MAX_VALUE - d) / 10) countOverflow("a count is too large");
    v = v * 10 + d;
  }
  return v;
}

/**
 * Whether [p, end) is an integer count line body: optional '-', digits, then
 * only blanks up to `end`. Only its form: its value is countLineUnits(), read
 * once the line is counted, so an overflow names it.
 */
export function isCountLine(p: usize, end: usize): bool {
  if (p < end && load<u8>(p) == 0x2d) p++;
  const start = p;
  p = skipDigits(p, end);
  return p > start && skipBlanks(p, end) == end;
}

/** The count of a line isCountLine() accepted, in units; past 2^63-1, the error naming the line being read. */
export function countLineUnits(p: usize, end: usize): i64 {
  const neg = load<u8>(p) == 0x2d;
  if (neg) p++;
  const v = leadingInteger(p, end);
  return wholeUnits(neg ? -v : v);
}

/** Where the digits leadingInteger() read last end. */
export let leadingEnd: usize = 0;

/**
 * The integer value of the decimal digits from `p` up to the first other byte
 * or `end` (their end: leadingEnd), read as they are skipped: one pass, on
 * hot paths (a DTrace record's count, a pmcstat node's); past 18 digits, again
 * with checks (the overflow error).
 */
// @ts-ignore: decorator
@inline export function leadingInteger(p: usize, end: usize): i64 {
  let v: i64 = 0;
  let q = p;
  for (; q < end; q++) {
    const d = <u32>load<u8>(q) - 0x30;
    if (d >= 10) break;
    v = v * 10 + <i64>d;
  }
  if (q - p > 18) v = digitsInteger(p, q);
  leadingEnd = q;
  return v;
}

/** The value in units as a double (geometry, colour scales: never printed as a count). */
export function unitsToF64(v: i64): f64 {
  return <f64>v / <f64>unitsPerCount;
}

/**
 * Writes a count in units at `o` in its shortest exact decimal form (integer
 * part, then the fraction without trailing zeros; no '.' for a whole count);
 * returns the end. At most 21 bytes.
 */
export function writeUnits(o: usize, v: i64): usize {
  if (v < 0) {
    store<u8>(o++, 0x2d);
    return writeDecimal(o, <u64>(-v), countScale); // -MIN_VALUE wraps to itself, whose u64 is its magnitude
  }
  return writeDecimal(o, <u64>v, countScale);
}

const scratch = memory.data(32);

/** The largest count at `k` decimals, as the errors give it. */
export function limitText(k: i32): string {
  const end = writeDecimal(scratch, <u64>i64.MAX_VALUE, k);
  const text = String.UTF8.decodeUnsafe(scratch, end - scratch);
  return k == 0 ? text + " (2^63-1)" : text + " (2^63-1 units of the finest decimal read, 10^-" + k.toString() + ")";
}

function writeDecimal(o: usize, v: u64, k: i32): usize {
  const unit = <u64>pow10(k);
  const whole = v / unit;
  let frac = v % unit;
  o = writeDigits(o, whole, 1);
  if (frac == 0) return o;
  let digits = k;
  while (frac % 10 == 0) { frac /= 10; digits--; }
  store<u8>(o++, 0x2e);
  return writeDigits(o, frac, digits);
}

// `v` in at least `width` digits (leading zeros).
function writeDigits(o: usize, v: u64, width: i32): usize {
  let digits = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  if (digits < width) digits = width;
  for (let i = digits - 1; i >= 0; i--) {
    store<u8>(o + <usize>i, <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  }
  return o + <usize>digits;
}
