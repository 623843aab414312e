// Two-metric colouring: widths from one metric (cycles, the second count
// column), colour from the ratio of the two on each frame's inclusive totals.
// With instructions as the other metric the ratio is CPI (cycles per
// instruction); with stall cycles it is the stalled fraction of the cycles.
// Either way red is a low ratio (instruction-bound) and blue a high one
// (stall-bound), as in Brendan Gregg's CPI flame graphs. White is the whole
// profile's ratio; the scale saturates at the lowest and highest ratios drawn
// (CPI on a log scale, so halving and doubling are equally strong), and a
// legend in the SVG gives the figures.

import type { ColorMode, ColorModeFactory, FrameInfo } from './options.js';
import { separatorColor } from './palette.js';
import { fixed } from './numbers.js';
import { xmlAttr, xmlText } from './escape.js';
import { UsageError } from '../errors.js';
import { countText } from './differential-colors.js';

export const RATIO_METRICS = ['instructions', 'stalls'] as const;
/** What the first count column holds besides the cycles. */
export type RatioMetric = (typeof RATIO_METRICS)[number];

export interface RatioColorOptions {
  metric: RatioMetric;
  /** Fixed ends of the colour scale (ratios), instead of the lowest and highest drawn. */
  range?: readonly [number, number];
}

export function parseRatioMetric(v: string | undefined): RatioMetric {
  if (v === undefined) return 'instructions';
  if ((RATIO_METRICS as readonly string[]).includes(v)) return v as RatioMetric;
  throw new UsageError(`--metric must be instructions or stalls, not '${v}'`);
}

/** "0.5,4": the ends of the scale. */
export function parseRange(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*([\d.]+)\s*,\s*([\d.]+)\s*$/.exec(v);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2]) : NaN;
  if (!(lo >= 0 && hi > lo && Number.isFinite(hi))) throw new UsageError(`--cpi-range needs LOW,HIGH with 0 <= LOW < HIGH, not '${v}'`);
  return [lo, hi];
}

/** The ratio the colour shows: cycles per instruction, or stall cycles per cycle. */
export function frameRatio(metric: RatioMetric, cycles: number, other: number): number {
  if (metric === 'instructions') return other > 0 ? cycles / other : cycles > 0 ? Infinity : NaN;
  return cycles > 0 ? other / cycles : NaN;
}

/** Position on the scale: -1 (lowest, red) .. 0 (the profile's ratio, white) .. 1 (highest, blue). */
export function scalePosition(ratio: number, center: number, lo: number, hi: number, log: boolean): number {
  if (Number.isNaN(ratio)) return 0;
  if (ratio === Infinity) return 1;
  const t = log ? (x: number): number => Math.log(Math.max(x, 1e-12)) : (x: number): number => x;
  const c = t(center);
  if (ratio > center) return hi > center ? Math.min(1, (t(ratio) - c) / (t(hi) - c)) : 1;
  if (ratio < center) return lo < center ? -Math.min(1, (c - t(ratio)) / (c - t(lo))) : -1;
  return 0;
}

/** White through red (negative) or blue (positive): the far channels fall from 255 to 45. */
export function scaleColor(position: number): string {
  const fade = Math.round(255 - 210 * Math.min(1, Math.abs(position)));
  if (position < 0) return `rgb(255,${fade},${fade})`;
  if (position > 0) return `rgb(${fade},${fade},255)`;
  return 'rgb(255,255,255)';
}

const ratioText = (r: number): string => (r === Infinity ? '∞' : fixed(r, 2));

/** Legend geometry the SVG writer leaves room for above the frames. */
export const LEGEND_HEIGHT = 24;

/** A colour mode for two-metric input (column 1: instructions or stalls; column 2: cycles). */
export function ratioMode(o: RatioColorOptions): ColorModeFactory {
  return ({ layout, options }): ColorMode => {
    if (!layout.twoCounts || !layout.base) {
      throw new UsageError('two-metric colours need two counts per stack (the other metric, then the cycles)');
    }
    const base = layout.base;
    const log = o.metric === 'instructions';
    let center = NaN;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < layout.count; i++) {
      const r = frameRatio(o.metric, layout.value[i]!, base.value[i]!);
      if (layout.depth[i] === 0) center = r;
      if (!Number.isFinite(r)) continue;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
    if (o.range) [lo, hi] = o.range;
    if (!Number.isFinite(center)) center = Number.isFinite(lo) ? Math.sqrt(Math.max(lo, 1e-12) * hi) : 1;
    const name = o.metric === 'instructions' ? 'CPI' : 'stall cycles/cycle';
    const colorOf = (f: FrameInfo): string => separatorColor(f.name) ?? scaleColor(scalePosition(frameRatio(o.metric, f.samples, f.baseSamples), center, lo, hi, log));
    return {
      fill: colorOf,
      note(f) {
        const r = frameRatio(o.metric, f.samples, f.baseSamples);
        const other = o.metric === 'instructions' ? 'instructions' : 'stalls';
        return `${name} ${Number.isNaN(r) ? 'n/a' : ratioText(r)}; ${other} ${countText(f.baseSamples * options.factor)}`;
      },
      legend: { height: LEGEND_HEIGHT, svg(width, top) {
        // A bar in 21 steps from the lowest ratio to the highest, the profile's ratio marked.
        const steps = 21;
        const barWidth = Math.min(300, width / 3);
        const x0 = (width - barWidth) / 2;
        const h = 10;
        top += (LEGEND_HEIGHT - h) / 2;
        const fs = Math.max(8, options.fontSize - 2);
        const cells: string[] = [];
        for (let s = 0; s < steps; s++) {
          const u = s / (steps - 1);
          const r = log ? Math.exp(Math.log(Math.max(lo, 1e-12)) + u * (Math.log(hi) - Math.log(Math.max(lo, 1e-12)))) : lo + u * (hi - lo);
          const fill = scaleColor(scalePosition(r, center, lo, hi, log));
          cells.push(`<rect x="${fixed(x0 + (s * barWidth) / steps, 2)}" y="${fixed(top, 2)}" width="${fixed(barWidth / steps + 0.5, 2)}" height="${h}" fill="${fill}"/>`);
        }
        const ty = fixed(top + h - 1, 2);
        const label = (x: number, anchor: string, text: string): string =>
          `<text x="${fixed(x, 2)}" y="${ty}" style="font-size:${fs}px" text-anchor="${anchor}">${xmlText(text)}</text>`;
        const lowText = o.metric === 'instructions' ? 'instruction-bound' : 'few stalls';
        const highText = o.metric === 'instructions' ? 'stall-bound' : 'many stalls';
        return [
          `<g id="legend" aria-label="${xmlAttr(`${name}: red low, blue high`)}">`,
          label(x0 - 6, 'end', `${name} ${ratioText(lo)} (red, ${lowText})`),
          ...cells,
          `<rect x="${fixed(x0, 2)}" y="${fixed(top, 2)}" width="${fixed(barWidth, 2)}" height="${h}" fill="none" stroke="rgb(160,160,160)" stroke-width="0.5"/>`,
          label(x0 + barWidth + 6, 'start', `${ratioText(hi)} (blue, ${highText}); white: ${ratioText(center)}, the whole profile`),
          '</g>',
        ].join('\n');
      } },
    };
  };
}
