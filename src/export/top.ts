// `top`: the hottest functions of a result, as `perf report` lists them: by
// self (the samples whose stack ends in the function) and by total (the
// samples whose stack has it anywhere, counted once per stack even when it
// recurses). Sums come from CollapseResult.stackPaths(), the walk every export reads,
// exactly (src/counts.ts): the report prints every digit.

import type { CollapseResult } from '../api/collapse.js';
import { sharePercent, textToUnits, unitsText, unitsToNumber } from '../counts.js';
import { terminalText } from './terminal-text.js';

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

/** The module of a frame name, for `by: 'module'`. */
export function moduleOf(name: string): string {
  const at = name.indexOf('`');
  return at > 0 ? name.slice(0, at) : name;
}

interface Sums {
  /** The function (or module). */
  name: string;
  /** In units of 10^-scale (src/counts.ts). */
  self: bigint;
  total: bigint;
  /** The last stack whose count went into total: a name recurring in one stack counts once. */
  lastStack: number;
}

/** The hottest functions (or modules) of a result by self and by total. */
export function topFunctions(result: CollapseResult, options: TopOptions = {}): TopReport {
  const by = options.by ?? 'function';
  const limit = options.limit ?? 20;
  const keyOf = by === 'module' ? moduleOf : (name: string): string => name;
  const sums = new Map<string, Sums>();
  const scale = result.countScale;
  let samples = 0n;
  let stacks = 0;
  let negativeStacks = 0;
  const sumsOf = result.perFrame((name) => {
    const key = keyOf(name); // frames of one key (a module; names differing only in bytes that are not UTF-8) share sums
    let s = sums.get(key);
    if (s === undefined) sums.set(key, (s = { name: key, self: 0n, total: 0n, lastStack: 0 }));
    return s;
  });
  for (const { frameIds, countText, count2Text } of result.stackPaths()) {
    const count = textToUnits(count2Text ?? countText, scale);
    stacks++;
    // A negative count would make shares of a net total (over 100%, below 0):
    // counted as zero, as the flame graph of the same input draws it.
    if (count < 0n) {
      negativeStacks++;
      continue;
    }
    samples += count;
    for (let i = 0; i < frameIds.length; i++) {
      const s = sumsOf(frameIds[i]!);
      if (s.lastStack !== stacks) {
        s.total += count;
        s.lastStack = stacks;
      }
      if (i === frameIds.length - 1) s.self += count;
    }
  }
  const all = unitsToNumber(samples, scale);
  const percent = (n: bigint): number => (samples === 0n ? 0 : (100 * unitsToNumber(n, scale)) / all);
  const percentText = (n: bigint): string => (samples === 0n ? '0.00' : sharePercent(n, samples, scale, (p) => p.toFixed(2)));
  // Ranked by the exact sums; only the entries kept are made (a profile may have millions of names).
  const entryOf = ({ name, self, total }: Sums): TopEntry => ({
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
  const order = (a: bigint, b: bigint): number => (a > b ? -1 : a < b ? 1 : 0); // most first
  const byName = (a: Sums, b: Sums): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const named = [...sums.values()];
  const bySelf = named
    .filter((e) => e.self !== 0n)
    .sort((a, b) => order(a.self, b.self) || order(a.total, b.total) || byName(a, b))
    .slice(0, limit)
    .map(entryOf);
  const byTotal = named.sort((a, b) => order(a.total, b.total) || order(a.self, b.self) || byName(a, b)).slice(0, limit).map(entryOf);
  return { by, samples: all, samplesText: unitsText(samples, scale), stacks, negativeStacks, bySelf, byTotal };
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
