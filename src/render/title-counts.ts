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
import { fixed } from './numbers.js';
import type { Layout } from './placement.js';

/** Units below this are exact doubles. */
const EXACT_DOUBLE = 2n ** 53n;

export class TitleCounts {
  /** What 100% is, exactly, when it is known exactly (the sum of the counts, or a whole --total). */
  private readonly whole: bigint | undefined;

  constructor(
    private readonly layout: Layout,
    private readonly factor: number,
  ) {
    const exact = layout.exact;
    if (!exact || factor !== 1) this.whole = undefined;
    else if (layout.scale === layout.samples) this.whole = exact.samples;
    else this.whole = Number.isSafeInteger(layout.scale) ? BigInt(layout.scale) * pow10n(exact.scale) : undefined;
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

  /** The share (P) of frame `i`, in percent to two places, of `total` (the whole times --factor). */
  percent(i: number, value: number, total: number): string {
    const exact = this.layout.exact;
    if (this.whole === undefined || !exact) return fixed((100 * value * this.factor) / total, 2);
    return sharePercent(exact.value[i]!, this.whole, exact.scale, (p) => fixed(p, 2));
  }
}
