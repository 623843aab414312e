// Non-regression check: how each function's share of the samples changed
// between a base profile and a new one, by self (the function is the leaf) and
// by total (the function is anywhere on the stack, counted once per sample even
// when it recurses). Shares, not counts, so profiles of different lengths compare.

import { collapseColumns, eventColumn, type ColumnsOptions, type DiffWindows, type OneEventOptions } from './diff.js';
import type { CollapseInput } from '../input/feed.js';
import type { InputFormat } from '../formats/registry.js';
import type { CoreSession } from '../core.js';
import { InputError } from '../errors.js';
import { unitsText } from '../counts.js';

/** A function's share of one profile's samples, as fractions in [0, 1]. */
export interface Share {
  self: number;
  total: number;
}

/** One function in both profiles. Changes are in percentage points (new % minus base %). */
export interface FunctionChange {
  name: string;
  base: Share;
  new: Share;
  selfChange: number;
  totalChange: number;
}

export interface CompareOptions extends ColumnsOptions, OneEventOptions {
  format?: InputFormat;
  /** Largest allowed growth of a function's self or total share, in percentage points (default 2). */
  threshold?: number;
}

export interface CompareResult {
  /** The profiles' sums of counts, as doubles (exact below 2^53). */
  baseSamples: number;
  newSamples: number;
  /** The same exactly, as folded output prints counts (compare() gives them). */
  baseSamplesText?: string;
  newSamplesText?: string;
  threshold: number;
  /** Every function of either profile, by total change (largest growth first), then name. */
  functions: FunctionChange[];
  /** Functions whose self or total share grew by more than the threshold. */
  regressions: FunctionChange[];
}

/** Changes within this many points of the threshold count as equal to it (float noise). */
const EPSILON = 1e-9;

/** One count column summed per frame id; total counts a frame once per stack. */
export interface ColumnSums {
  self: Float64Array;
  total: Float64Array;
  /** Sum of the column's counts. */
  all: number;
}

/**
 * Compares the two count columns of a session, summed per frame in the core
 * wherever its stacks are kept (the stack table, or the call tree past its budget).
 */
export function compareSession(session: CoreSession, threshold = 2): CompareResult {
  const sums = session.frameSums();
  const frames = sums.length / 4;
  const column = (at: number, all: number): ColumnSums => {
    const self = new Float64Array(frames);
    const total = new Float64Array(frames);
    for (let f = 0; f < frames; f++) {
      self[f] = sums[4 * f + at]!;
      total[f] = sums[4 * f + at + 1]!;
    }
    return { self, total, all };
  };
  const totals = session.totals();
  return compareSums(column(0, totals.samples), column(2, totals.samples2), session.names(), frames, threshold);
}

/** The report from two columns' per-frame sums (exported for the tests' oracle). */
export function compareSums(base: ColumnSums, next: ColumnSums, name: (frame: number) => Uint8Array, frames: number, threshold: number): CompareResult {
  const decoder = new TextDecoder();
  const functions: FunctionChange[] = [];
  const share = (v: number, all: number): number => (all > 0 ? v / all : 0);
  for (let f = 0; f < frames; f++) {
    if (base.total[f] === 0 && next.total[f] === 0) continue;
    const b = { self: share(base.self[f]!, base.all), total: share(base.total[f]!, base.all) };
    const a = { self: share(next.self[f]!, next.all), total: share(next.total[f]!, next.all) };
    functions.push({
      name: decoder.decode(name(f)),
      base: b,
      new: a,
      selfChange: 100 * (a.self - b.self),
      totalChange: 100 * (a.total - b.total),
    });
  }
  functions.sort((x, y) => y.totalChange - x.totalChange || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const regressions = functions.filter(
    (fn) => fn.selfChange > threshold + EPSILON || fn.totalChange > threshold + EPSILON,
  );
  return { baseSamples: base.all, newSamples: next.all, threshold, functions, regressions };
}

/** Compares two profiles of any capture format. */
export async function compare(base: CollapseInput, next: CollapseInput, options: CompareOptions & DiffWindows = {}): Promise<CompareResult> {
  const format = options.format ?? 'auto';
  const { session, inputs } = await collapseColumns(
    { ...eventColumn(base, 0, format, options.event), window: options.beforeWindow },
    { ...eventColumn(next, 1, format, options.event), window: options.afterWindow },
    options,
  );
  const totals = session.totals();
  if (totals.samples <= 0) throw new InputError(inputs[0]!.name, 'no samples to compare against');
  if (totals.samples2 <= 0) throw new InputError(inputs[1]!.name, 'no samples to compare');
  return {
    ...compareSession(session, options.threshold ?? 2),
    baseSamplesText: unitsText(totals.exact.samples, totals.exact.scale),
    newSamplesText: unitsText(totals.exact.samples2, totals.exact.scale),
  };
}
