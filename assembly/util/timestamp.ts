// Timestamps a capture prints at the start of a snapshot, as seconds since
// 1970 (UTC, or the clock of the machine that printed them when they carry no
// zone: only differences and times of day are compared): DTrace's `%Y`
// (`2026 Nov 29 12:00:01`) and ISO 8601 (`2026-11-29T12:00:01.25Z`,
// `2026-11-29 12:00:01+01:00`). Anything else is NaN.

import { isDigit, skipBlanks } from "./scan";

// "JanFebMarAprMayJunJulAugSepOctNovDec", three bytes a month.
const MONTHS = memory.data<u8>([
  0x4a, 0x61, 0x6e, 0x46, 0x65, 0x62, 0x4d, 0x61, 0x72, 0x41, 0x70, 0x72, 0x4d, 0x61, 0x79, 0x4a, 0x75, 0x6e,
  0x4a, 0x75, 0x6c, 0x41, 0x75, 0x67, 0x53, 0x65, 0x70, 0x4f, 0x63, 0x74, 0x4e, 0x6f, 0x76, 0x44, 0x65, 0x63,
]);

// Exactly `n` digits at p, or -1.
function digits(p: usize, end: usize, n: usize): i32 {
  if (p + n > end) return -1;
  let v: i32 = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (!isDigit(c)) return -1;
    v = v * 10 + <i32>(c - 0x30);
  }
  return v;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
function daysFromCivil(y: i32, m: i32, d: i32): f64 {
  if (m <= 2) y -= 1;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <f64>era * 146097 + <f64>doe - 719468;
}

/** Seconds of `HH:MM:SS[.frac]` at p, and where it ends (in `after`); NaN if not one. */
let after: usize = 0;
function clock(p: usize, end: usize): f64 {
  const h = digits(p, end, 2), mi = digits(p + 3, end, 2), s = digits(p + 6, end, 2);
  if (h < 0 || mi < 0 || s < 0 || load<u8>(p + 2) != 0x3a || load<u8>(p + 5) != 0x3a || h > 23 || mi > 59 || s > 60) return NaN;
  let t = <f64>(h * 3600 + mi * 60 + s);
  let q = p + 8;
  if (q < end && (load<u8>(q) == 0x2e || load<u8>(q) == 0x2c)) {
    let scale: f64 = 0.1;
    q++;
    while (q < end && isDigit(load<u8>(q))) {
      t += scale * <f64>(load<u8>(q) - 0x30);
      scale /= 10;
      q++;
    }
  }
  after = q;
  return t;
}

/** The time [p, end) prints (trailing blanks allowed), in seconds since 1970; NaN when it is not a timestamp. */
export function parseTimestamp(p: usize, end: usize): f64 {
  const y = digits(p, end, 4);
  if (y < 0 || p + 4 >= end) return NaN;
  let day: f64;
  let q: usize;
  const sep = load<u8>(p + 4);
  if (sep == 0x2d) { // ISO 8601: YYYY-MM-DD[T ]HH:MM:SS
    const m = digits(p + 5, end, 2), d = digits(p + 8, end, 2);
    if (m < 1 || m > 12 || d < 1 || d > 31 || load<u8>(p + 7) != 0x2d || p + 11 > end) return NaN;
    const t = load<u8>(p + 10);
    if (t != 0x54 && t != 0x20) return NaN;
    day = daysFromCivil(y, m, d);
    q = p + 11;
  } else if (sep == 0x20) { // DTrace %Y: YYYY Mon DD HH:MM:SS
    if (p + 8 > end) return NaN;
    let m: i32 = 0;
    for (let i: i32 = 0; i < 12; i++) {
      const k = MONTHS + <usize>(i * 3);
      if (load<u8>(p + 5) == load<u8>(k) && load<u8>(p + 6) == load<u8>(k, 1) && load<u8>(p + 7) == load<u8>(k, 2)) { m = i + 1; break; }
    }
    if (m == 0 || p + 9 > end || load<u8>(p + 8) != 0x20) return NaN;
    q = skipBlanks(p + 9, end); // a day may be padded with a blank
    let d = digits(q, end, 2);
    if (d >= 0) q += 2;
    else if ((d = digits(q, end, 1)) >= 0) q += 1;
    if (d < 1 || d > 31 || q >= end || load<u8>(q) != 0x20) return NaN;
    day = daysFromCivil(y, m, d);
    q++;
  } else {
    return NaN;
  }
  let t = clock(q, end);
  if (t != t) return NaN;
  q = after;
  if (q < end && load<u8>(q) == 0x5a) q++; // Z
  else if (q + 6 <= end && (load<u8>(q) == 0x2b || load<u8>(q) == 0x2d) && load<u8>(q + 3) == 0x3a) {
    const oh = digits(q + 1, end, 2), om = digits(q + 4, end, 2);
    if (oh < 0 || om < 0) return NaN;
    const offset = <f64>(oh * 3600 + om * 60);
    t += load<u8>(q) == 0x2b ? -offset : offset;
    q += 6;
  }
  if (skipBlanks(q, end) != end) return NaN;
  return day * 86400 + t;
}
