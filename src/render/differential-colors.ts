// Differential colouring beyond flamegraph.pl's: by the change of a frame's
// inclusive total (not only its own samples), with a noise threshold below
// which a frame stays neutral, and tooltips giving before, after, the change
// and the change in percent. Red is growth and blue reduction, on
// flamegraph.pl's scale (white, then 210 → 0 in the other two channels),
// and --negate switches the hues as it does there.

import type { ColorMode, ColorModeFactory, FrameInfo } from './options.js';
import { differentialColor, separatorColor } from './palette.js';
import { fixed, withCommas } from './numbers.js';
import { sharePercent } from '../counts.js';
import { UsageError } from '../errors.js';

export const DIFF_MODES = ['self', 'total'] as const;
/** `self`: the change of the frame's own samples (flamegraph.pl); `total`: of its inclusive total. */
export type DiffMode = (typeof DIFF_MODES)[number];

export interface DiffColorOptions {
  mode: DiffMode;
  /** Changes smaller than this percentage of the graph's total stay white (default 0: none). */
  threshold?: number;
  /** Tooltips with before, after, delta and delta % (of before) of the measure the mode colours by (default: for total). */
  details?: boolean;
}

export function parseDiffMode(v: string | undefined): DiffMode {
  if (v === undefined) return 'self';
  if ((DIFF_MODES as readonly string[]).includes(v)) return v as DiffMode;
  throw new UsageError(`--diff-mode must be self or total, not '${v}'`);
}

/** "0.5%" or "0.5": a percentage of the graph's total. */
export function parsePercent(name: string, v: string | undefined): number {
  if (v === undefined) return 0;
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*$/.exec(v);
  if (!m) throw new UsageError(`--${name} needs a percentage such as 0.5% or 1, not '${v}'`);
  return Number(m[1]);
}

/** A count as the tooltips print it: whole numbers with thousands separators, fractions to two places. */
export function countText(v: number): string {
  if (Number.isInteger(v)) return withCommas(String(v));
  const [int, frac] = fixed(v, 2).split('.');
  return `${withCommas(int!)}.${frac}`;
}

/**
 * deltaNote() of exact whole counts (src/counts.ts, scale 0): every digit past
 * 2^53, the percentage computed from the integers (the same figures below).
 */
export function exactDeltaNote(before: bigint, after: bigint, label = ''): string {
  const delta = after - before;
  const sign = delta > 0n ? '+' : '';
  const magnitude = before < 0n ? -before : before;
  const pct = before !== 0n ? `${sign}${sharePercent(delta, magnitude, 0, (p) => fixed(p, 2))}%` : after !== 0n ? 'new' : '0.00%';
  const text = (v: bigint): string => withCommas(v.toString());
  return `${label}before ${text(before)}, after ${text(after)}, delta ${sign}${text(delta)}, ${pct}`;
}

/** "before 20, after 35, delta +15, +75.00%" (of before; "new" when before is 0). */
export function deltaNote(before: number, after: number, label = ''): string {
  const delta = after - before;
  const sign = delta > 0 ? '+' : '';
  const pct = before !== 0 ? `${sign}${fixed((100 * delta) / Math.abs(before), 2)}%` : after !== 0 ? 'new' : '0.00%';
  return `${label}before ${countText(before)}, after ${countText(after)}, delta ${sign}${countText(delta)}, ${pct}`;
}

/** A colour mode for two-count input: differential hues by self or total change, with a noise threshold. */
export function differentialMode(o: DiffColorOptions): ColorModeFactory {
  return ({ layout, options }): ColorMode => {
    if (!layout.twoCounts || !layout.base) {
      throw new UsageError('differential colours need two-count input ("stack before after", from flamefold diff)');
    }
    const base = layout.base;
    const byTotal = o.mode === 'total';
    const change = (f: FrameInfo): number => (byTotal ? f.samples - f.baseSamples : f.self - f.baseSelf);
    // The scale saturates at the largest change: flamegraph.pl's (stacks' own changes) for self, else
    // the largest change of a frame other than the root (the root's is the whole profile's).
    let max = layout.maxDelta;
    if (byTotal) {
      max = 0;
      for (let i = 0; i < layout.count; i++) {
        if (layout.depth[i] === 0) continue;
        max = Math.max(max, Math.abs(layout.value[i]! - base.value[i]!));
      }
    }
    const noise = ((o.threshold ?? 0) / 100) * layout.scale;
    const factor = options.factor;
    const details = o.details ?? byTotal;
    // Whole counts print exactly (unscaled); fractions and --factor as doubles.
    const exact = factor === 1 && layout.exact?.scale === 0 ? layout.exact : undefined;
    return {
      fill(f) {
        const grey = separatorColor(f.name);
        if (grey) return grey;
        const d = change(f);
        if (Math.abs(d) < noise || max <= 0) return 'rgb(255,255,255)';
        return differentialColor(Math.max(-max, Math.min(max, d)), max, options.negate);
      },
      note(f) {
        if (details) {
          if (exact?.base) {
            return byTotal
              ? exactDeltaNote(exact.base.value[f.index]!, exact.value[f.index]!)
              : exactDeltaNote(exact.base.self[f.index]!, exact.self[f.index]!, 'self ');
          }
          return byTotal
            ? deltaNote(f.baseSamples * factor, f.samples * factor)
            : deltaNote(f.baseSelf * factor, f.self * factor, 'self ');
        }
        // flamegraph.pl's note: the change as a percentage of the whole graph, signed by --negate.
        const d = options.negate ? -change(f) : change(f);
        const pct = fixed((100 * d) / (layout.scale * factor), 2);
        return d > 0 ? `+${pct}%` : `${pct}%`;
      },
    };
  };
}
