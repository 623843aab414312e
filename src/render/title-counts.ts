// The figures of a frame's title, "NAME (N samples, P%)": N is flamegraph.pl's
// `%.0f` of the frame's count times --factor, P its share of the whole to two
// places. Whole counts come from the exact counts (Layout.exact), every digit
// past 2^53 included. Fractional counts print as flamegraph.pl rounds its
// frame's width (a difference of running double sums: 6.1 + 1.4 reads 7
// there, where the exact 7.5 would round to 8), so titles keep its figures,
// until doubles cannot hold the count: then it is rounded exactly.
// P is the exact count's share, not the rounded N's (flamegraph.pl divides
// the rounded N, so 0.8 of 0.8 read "1 samples, 125.00%"): a frame's count
// never exceeds the whole, so P never exceeds 100.

import { pow10n, roundedCountText, sharePercent } from '../counts.js';
import { fixed, integerWithCommas, withCommas } from './numbers.js';
import type { Layout } from './placement.js';

/** How the core may work out the figures of the usual titles: TitleCounts.figures(). */
export const FIGURES = { none: 0, ofWidth: 1, exact: 2 } as const;

/** Units below this are exact doubles. */
const EXACT_DOUBLE = 2n ** 53n;
/** sharePercent's bound: 100 × a count below it is still an exact double. */
const SMALL_SHARE = 90071992547409;

export class TitleCounts {
  /** What 100% is, exactly, when it is known exactly (the sum of the counts, or a whole --total). */
  private readonly whole: bigint | undefined;

  /**
   * Whole counts whose whole is an exact double (most profiles): the exact counts are read as
   * doubles from their two 32-bit halves, with no bigint per frame, and are exact while they
   * stay below 2^53 (`wholeNumber`, else NaN: then the bigint path).
   */
  private readonly wholeNumber: number;
  private readonly low: Uint32Array | undefined;
  private readonly high: Int32Array | undefined;

  constructor(
    private readonly layout: Layout,
    private readonly factor: number,
  ) {
    const exact = layout.exact;
    if (!exact || factor !== 1) this.whole = undefined;
    else if (layout.scale === layout.samples) this.whole = exact.samples;
    else this.whole = Number.isSafeInteger(layout.scale) ? BigInt(layout.scale) * pow10n(exact.scale) : undefined;
    const w = this.whole;
    this.wholeNumber = exact && exact.scale === 0 && w !== undefined && w > 0n && w <= EXACT_DOUBLE ? Number(w) : NaN;
    if (exact && this.wholeNumber === this.wholeNumber) {
      const v = exact.value;
      this.low = new Uint32Array(v.buffer, v.byteOffset, 2 * v.length);
      this.high = new Int32Array(v.buffer, v.byteOffset, 2 * v.length);
    }
  }

  // Frame i's exact count as a double when it is one exactly, else NaN.
  private exactNumber(i: number): number {
    const high = this.high![2 * i + 1]!;
    // Between -2^53 and 2^53: the high half within ±2^21.
    return high >= -0x200000 && high < 0x200000 ? high * 4294967296 + this.low![2 * i]! : NaN;
  }

  /**
   * How the core may work out the figures of the usual titles (assembly/output/frame-text.ts
   * FIGURES_*), as wholeCount() and share() do: ofWidth, the count is the width times
   * --factor and the share that of the total; exact, the count is the exact count and the
   * share that of the exact whole (`whole`); none, only this class can tell.
   */
  figures(): { kind: number; whole: number } {
    if (this.whole === undefined || !this.layout.exact) return { kind: FIGURES.ofWidth, whole: NaN };
    return this.low ? { kind: FIGURES.exact, whole: this.wholeNumber } : { kind: FIGURES.none, whole: NaN };
  }

  /**
   * The count (N) of frame `i` as a whole number, when it is one below 2^53 (most are: then it
   * is written from the number, with no text read back), else NaN (then samples() tells).
   */
  wholeCount(i: number, isRoot: boolean, value: number): number {
    let n = NaN;
    if (this.whole === undefined || !this.layout.exact) n = value * this.factor; // what samples() rounds
    else if (this.low) n = isRoot ? this.wholeNumber : this.exactNumber(i);
    return Number.isSafeInteger(n) && n >= 0 ? n : NaN;
  }

  /** samples() with thousands separators. */
  samplesWithCommas(i: number, isRoot: boolean, value: number): string {
    const n = this.wholeCount(i, isRoot, value);
    return n === n ? integerWithCommas(n) : withCommas(this.samples(i, isRoot, value));
  }

  /** The count (N) of frame `i`: `value` is its width in samples (the root's is the whole). */
  samples(i: number, isRoot: boolean, value: number): string {
    const exact = this.layout.exact;
    if (this.whole === undefined || !exact) return fixed(value * this.factor, 0);
    const units = isRoot ? this.whole : exact.value[i]!;
    // Fractions round as flamegraph.pl rounds its width, while a double holds the units exactly.
    if (exact.scale !== 0 && units < EXACT_DOUBLE && units > -EXACT_DOUBLE) return fixed(value, 0);
    return roundedCountText(units, exact.scale);
  }

  /**
   * The share (P) of frame `i` before it is printed to two places, when it is a double of
   * whole counts (the usual case), else NaN (then only percent() tells).
   */
  share(i: number, value: number, total: number): number {
    if (this.low) {
      const n = this.exactNumber(i);
      // sharePercent's double path, without a bigint.
      if (n <= SMALL_SHARE && n >= -SMALL_SHARE) return (100 * n) / this.wholeNumber;
    }
    return this.whole === undefined || !this.layout.exact ? (100 * value * this.factor) / total : NaN;
  }

  /** The share (P) of frame `i`, in percent to two places, of `total` (the whole times --factor). */
  percent(i: number, value: number, total: number): string {
    const p = this.share(i, value, total);
    if (p === p) return fixed(p, 2);
    const exact = this.layout.exact;
    if (this.whole === undefined || !exact) return fixed(p, 2); // NaN: printed as such
    return sharePercent(exact.value[i]!, this.whole, exact.scale, (q) => fixed(q, 2));
  }
}
