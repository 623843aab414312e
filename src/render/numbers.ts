// Number formatting as flamegraph.pl prints numbers, so frames land on the same
// pixels and titles carry the same figures: C printf rounding for %.Nf, Perl's
// %.15g stringification for bare numbers, perlfaq5 thousands separators.

const POW10 = [1, 10, 100, 1000];

/** `sprintf("%.<digits>f", x)`: like toFixed, but an exact tie rounds to even as C does (0.125 → "0.12"). */
export function fixed(x: number, digits: number): string {
  const k = fixedUnits(x < 0 ? -x : x, digits);
  if (k < 0) return slowFixed(x, digits);
  let str: string;
  if (digits === 0) str = String(k);
  else {
    const p = POW10[digits]!;
    const int = Math.floor(k / p);
    const rest = String(k - int * p);
    str = `${int}.${rest.length === digits ? rest : '0'.repeat(digits - rest.length) + rest}`;
  }
  return x < 0 ? `-${str}` : str;
}

/**
 * The digits fixed(a, digits) prints for 0 <= a, as one integer (a × 10^digits rounded), or -1
 * when only slowFixed() can tell: most calls (pixel positions, percentages) are far enough from
 * a tie that rounding the (slightly inexact) product gives the correctly rounded digits.
 */
function fixedUnits(a: number, digits: number): number {
  if (digits > 3 || !(a < 1e12)) return -1;
  const scaled = a * POW10[digits]!;
  const floor = Math.floor(scaled);
  const frac = scaled - floor;
  if (frac < 0.499999) return floor;
  return frac > 0.500001 ? floor + 1 : -1;
}

/** Number(fixed(x, digits)), with no string made on the usual path. */
export function fixedValue(x: number, digits: number): number {
  const k = fixedUnits(x < 0 ? -x : x, digits);
  if (k < 0) return Number(slowFixed(x, digits));
  // k / 10^digits is the double that the text k × 10^-digits reads as (one correctly rounded division).
  const v = k / POW10[digits]!;
  return x < 0 ? -v : v;
}

function slowFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const scaled = Math.abs(x) * 10 ** digits;
  const floor = Math.floor(scaled);
  // A tie of the exact value makes the (exact) product end in .5; anything else is no tie.
  if (scaled - floor !== 0.5 || floor % 2 === 1 || !isExactTie(Math.abs(x), digits)) return s;
  // toFixed took the larger neighbour; C takes the even one, which is `floor`.
  let str = String(floor).padStart(digits + 1, '0');
  if (digits > 0) str = `${str.slice(0, -digits)}.${str.slice(-digits)}`;
  return x < 0 ? `-${str}` : str;
}

/** True when |x| is exactly halfway between two multiples of 10^-digits. */
function isExactTie(x: number, digits: number): boolean {
  // toFixed is exact to 100 digits: a tie shows "5" then only zeros.
  const s = x.toFixed(Math.min(100, digits + 80));
  const dot = s.indexOf('.');
  const tail = s.slice(dot + 1 + digits);
  return /^50*$/.test(tail);
}

/** A number as Perl prints it without a format (%.15g): `47.5`, `197`. */
export function perlNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(15)));
}

/** withCommas(String(n)) for an integer 0 <= n < 2^53, from strings of up to three digits made once (no number is converted). */
export function integerWithCommas(n: number): string {
  if (!padded) {
    plain = Array.from({ length: 1000 }, (_, i) => String(i));
    padded = plain.map((s) => s.padStart(3, '0'));
  }
  if (n < 1000) return plain![n]!;
  const high = Math.floor(n / 1000);
  return `${integerWithCommas(high)},${padded[n - high * 1000]!}`;
}
let plain: string[] | undefined;
let padded: string[] | undefined;

/** Thousands separators on an integer string: "1234567" → "1,234,567". */
export function withCommas(digits: string): string {
  const neg = digits.startsWith('-') ? '-' : '';
  const body = neg ? digits.slice(1) : digits;
  if (body.length <= 3) return digits;
  let out = body.slice(0, body.length % 3 || 3);
  for (let i = out.length; i < body.length; i += 3) out += `,${body.slice(i, i + 3)}`;
  return neg + out;
}
