// `top`: the hottest functions of a result, as `perf report` lists them: by
// self (the samples whose stack ends in the function) and by total (the
// samples whose stack has it anywhere, counted once per stack even when it
// recurses). Sums are exact (src/counts.ts): the report prints every digit.
// They and the ranking come from top-sums.ts.

import type { CollapseResult } from '../api/collapse.js';
import { sharePercent, unitsText, unitsToNumber } from '../counts.js';
import { terminalText } from './terminal-text.js';
import { rankedSums, type KeptSums } from './top-sums.js';

export { moduleOf } from './top-sums.js';

/** What a line of the report is. */
export type TopBy = 'function' | 'module';

/** Options of topFunctions(). */
export interface TopOptions {
  /** How many entries each list has (default 20). */
  limit?: number;
  /**
   * `function` (default): each frame name. `module`: the part of a name before its first
   * backtick (`libc.so.7`memcpy` → `libc.so.7`); a name without a backtick (or starting
   * with one) is kept whole.
   */
  by?: TopBy;
}

/** One function (or module) of the report. */
export interface TopEntry {
  name: string;
  /** Samples whose stack ends in it (a double: exact below 2^53; exactly in selfText). */
  self: number;
  /** Samples whose stack has it, once per stack. */
  total: number;
  /** self and total as percentages of all samples (0 when there are none). */
  selfPercent: number;
  totalPercent: number;
  /** self, total and their percentages (two places) exactly, as the report prints them. */
  selfText: string;
  totalText: string;
  selfPercentText: string;
  totalPercentText: string;
}

/** The report: the hottest entries by self and by total. */
export interface TopReport {
  by: TopBy;
  /** Sum of the counts (two-count input: of the second, "after" column, the one an SVG's widths show). */
  samples: number;
  /** `samples` exactly. */
  samplesText: string;
  /** Distinct stacks read. */
  stacks: number;
  /** Stacks whose count is negative, counted as zero (as a flame graph draws them). */
  negativeStacks: number;
  /** Entries with a self count, most first (ties: larger total, then name). */
  bySelf: TopEntry[];
  /** Entries most total first (ties: larger self, then name). */
  byTotal: TopEntry[];
}

/** The hottest functions (or modules) of a result by self and by total. */
export function topFunctions(result: CollapseResult, options: TopOptions = {}): TopReport {
  const by = options.by ?? 'function';
  const { bySelf, byTotal, samples, stacks, negativeStacks } = rankedSums(result, by === 'module', options.limit ?? 20);
  const scale = result.countScale;
  const all = unitsToNumber(samples, scale);
  const percent = (n: bigint): number => (samples === 0n ? 0 : (100 * unitsToNumber(n, scale)) / all);
  const percentText = (n: bigint): string => (samples === 0n ? '0.00' : sharePercent(n, samples, scale, (p) => p.toFixed(2)));
  // Only the entries kept are made (a profile may have millions of names).
  const entryOf = ({ name, self, total }: KeptSums): TopEntry => ({
    name,
    self: unitsToNumber(self, scale),
    total: unitsToNumber(total, scale),
    selfPercent: percent(self),
    totalPercent: percent(total),
    selfText: unitsText(self, scale),
    totalText: unitsText(total, scale),
    selfPercentText: percentText(self),
    totalPercentText: percentText(total),
  });
  return { by, samples: all, samplesText: unitsText(samples, scale), stacks, negativeStacks, bySelf: bySelf.map(entryOf), byTotal: byTotal.map(entryOf) };
}

/** Options of formatTop(). */
export interface TopTextOptions {
  /** What the counts are (default "samples"). */
  countName?: string;
}

const HEAD = ['self', 'self%', 'total', 'total%'];

/** An entry's cells: self, self %, total, total %, name (as a terminal may show it). */
const cellsOf = (e: TopEntry): string[] => [e.selfText, `${e.selfPercentText}%`, e.totalText, `${e.totalPercentText}%`, terminalText(e.name)];

/** One list of the report as columns of the given widths (the same for both lists, so they line up). */
function table(title: string, entries: readonly TopEntry[], by: TopBy, widths: readonly number[]): string {
  if (entries.length === 0) return `${title}: none\n`;
  const line = (cells: string[]): string => `${cells.slice(0, 4).map((cell, c) => cell.padStart(widths[c]!)).join('  ')}  ${cells[4]}\n`;
  return `${title}:\n${line([...HEAD, by])}${entries.map((e) => line(cellsOf(e))).join('')}`;
}

/** The report as text for a terminal: a summary line, then the lists by self and by total. */
export function formatTop(report: TopReport, options: TopTextOptions = {}): string {
  const countName = options.countName ?? 'samples';
  const noun = report.by === 'module' ? 'modules' : 'functions';
  const rows = [...report.bySelf, ...report.byTotal].map(cellsOf);
  const widths = HEAD.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), h.length));
  return (
    `${report.samplesText} ${countName} in ${report.stacks} stack${report.stacks === 1 ? '' : 's'}\n\n` +
    `${table(`Hottest ${noun} by self`, report.bySelf, report.by, widths)}\n` +
    table(`Hottest ${noun} by total`, report.byTotal, report.by, widths)
  );
}
