// `flamefold compare BASE NEW`: the functions whose share of the samples grew
// or shrank most, and exit status 1 when one grew by more than --threshold,
// so a CI script can fail a build on a profile regression.

import { compare, type CompareResult, type FunctionChange } from '../api/compare.js';
import { UsageError } from '../errors.js';
import { withCommas } from '../render/numbers.js';
import { parseCommandArgs, warn, twoSides } from './common.js';
import { twoProfileOptionArgs, twoProfileOptions, twoProfileOptionsHelp } from './capture-options.js';
import { terminalText } from '../export/terminal-text.js';

export const help = `Usage: flamefold compare [options] BASE NEW

Compares each function's share of the samples in two profiles (any capture
format), by self (samples where it is the leaf) and by total (samples with it
anywhere on the stack, once per sample even when it recurses). Prints the
functions whose share grew and shrank most, then a verdict.

A function regresses when its self or its total share grew by MORE than the
threshold, in percentage points of all samples (10% -> 13% is +3 points).

Options:
  -t, --threshold PTS  allowed growth in percentage points: "2%" or "2"
                       (default 2%)
      --top N          functions listed per table (default 10)
      --json           print the full result as JSON instead of tables
${twoProfileOptionsHelp(23, 'BASE', 'NEW')}  -h, --help           show this help

Exit status: 0 no regression, 1 a regression (or bad input), 2 usage error.
`;

/** "2%", "2" and "0.5%" are all percentage points. */
export function parseThreshold(value: string): number {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*$/.exec(value);
  if (!m) throw new UsageError(`--threshold needs a percentage such as 2% or 0.5, not '${value}'`);
  return Number(m[1]);
}

const pct = (fraction: number): string => `${(100 * fraction).toFixed(2)}%`;
const points = (change: number): string => `${change > 0 ? '+' : change < 0 ? '-' : ' '}${Math.abs(change).toFixed(2)}`;

function table(title: string, rows: FunctionChange[], metric: 'self' | 'total'): string[] {
  if (rows.length === 0) return [];
  const key = metric === 'self' ? 'selfChange' : 'totalChange';
  const lines = [title, `  ${'change'.padStart(8)}  ${'base'.padStart(7)}  ${'new'.padStart(7)}  function`];
  for (const fn of rows) {
    lines.push(`  ${points(fn[key]).padStart(8)}  ${pct(fn.base[metric]).padStart(7)}  ${pct(fn.new[metric]).padStart(7)}  ${terminalText(fn.name)}`);
  }
  return lines;
}

/** The human-readable report. */
export function formatReport(result: CompareResult, names: [string, string], top: number): string {
  const out: string[] = [];
  // Whole sums exactly, every digit (the API's text), with separators; fractions to two places.
  const samples = (n: number, text: string | undefined): string =>
    `${text !== undefined && /^-?\d+$/.test(text) ? withCommas(text) : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2)} samples`;
  out.push(`base: ${names[0]} (${samples(result.baseSamples, result.baseSamplesText)})`);
  out.push(`new:  ${names[1]} (${samples(result.newSamples, result.newSamplesText)})`);
  out.push('changes in percentage points of all samples; shares: base -> new');
  for (const metric of ['self', 'total'] as const) {
    const key = metric === 'self' ? 'selfChange' : 'totalChange';
    const byChange = [...result.functions].sort((a, b) => b[key] - a[key] || (a.name < b.name ? -1 : 1));
    const grew = byChange.filter((f) => f[key] > 0).slice(0, top);
    const shrank = byChange.filter((f) => f[key] < 0).reverse().slice(0, top);
    const what = metric === 'self' ? 'self share (as leaf)' : 'total share (anywhere on the stack)';
    out.push('');
    if (grew.length + shrank.length === 0) out.push(`No ${what} changed.`);
    out.push(...table(`Grew most, ${what}:`, grew, metric));
    out.push(...table(`Shrank most, ${what}:`, shrank, metric));
  }
  out.push('');
  const limit = `${result.threshold}%`;
  if (result.regressions.length > 0) {
    const r = result.regressions;
    out.push(`REGRESSION: ${r.length} function${r.length === 1 ? '' : 's'} grew by more than ${limit} of all samples:`);
    for (const fn of r) {
      const parts: string[] = [];
      if (fn.selfChange > result.threshold) parts.push(`self ${points(fn.selfChange)}`);
      if (fn.totalChange > result.threshold) parts.push(`total ${points(fn.totalChange)}`);
      out.push(`  ${terminalText(fn.name)} (${parts.join(', ')})`);
    }
  } else {
    out.push(`OK: no function's self or total share grew by more than ${limit} of all samples.`);
  }
  return out.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    threshold: { type: 'string', short: 't', default: '2%' },
    top: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    ...twoProfileOptionArgs,
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const { sides: [base, next], beforeWindow, afterWindow } = twoSides(positionals, values.window, 'compare', ['BASE', 'NEW']);
  const threshold = parseThreshold(values.threshold);
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top needs a whole number, not '${values.top}'`);
  const result = await compare(base, next, {
    ...twoProfileOptions(values),
    threshold,
    beforeWindow,
    afterWindow,
    onWarning: warn,
  });
  const names: [string, string] = [base === '-' ? '<stdin>' : base, next === '-' ? '<stdin>' : next];
  const text = values.json
    ? JSON.stringify({ base: { input: names[0], samples: result.baseSamples }, new: { input: names[1], samples: result.newSamples }, threshold: result.threshold, regressed: result.regressions.length > 0, regressions: result.regressions.map((f) => f.name), functions: result.functions }, null, 2) + '\n'
    : formatReport(result, names, top);
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
  return result.regressions.length > 0 ? 1 : 0;
}
