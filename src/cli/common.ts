// What every command shares: argument parsing that turns mistakes into usage
// errors, output to a file (atomically) or stdout, checked before any input is
// read, and warnings on stderr.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { writeFileAtomic, writeToDestination, type OutputSink } from '../output/atomic-file.js';
import { findDestination } from '../output/destination.js';
import { FORMATS, formatOptions, type FormatOptions, type InputFormat } from '../formats/registry.js';
import { defaultJobs, maxJobs } from '../parallel/plan.js';
import type { StackFilterOptions } from '../api/stack-filter.js';
import { snapshotMarkerHelp } from '../window/spec.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The arguments with each string option given as one `--name=value` argument when its
 * value starts with '-': getopt takes the next argument as the value whatever it looks
 * like (`--notes '-->'`, `--title -x`), where parseArgs refuses it as ambiguous.
 */
function joinDashValues(argv: readonly string[], options: Options): string[] {
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i)); // the rest are positionals
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg[1]!) : undefined;
    const value = argv[i + 1];
    if (name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string' && value?.startsWith('-')) {
      out.push(`--${name}=${value}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Parses a command's arguments strictly; unknown options are usage errors. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  let parsed;
  try {
    parsed = parseArgs({ args: joinDashValues(argv, options), options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option '${unknown[1]}'` : message);
  }
  refuseRepeatedValues(parsed.tokens, options);
  const { tokens: _tokens, ...result } = parsed;
  return result;
}

/**
 * A value option that takes one value, given twice, is a usage error: parseArgs keeps
 * the last, so `--exclude a --exclude b` would silently keep stacks matching `a`.
 * Repeatable options say so (`multiple`); flags given twice mean the same thing.
 */
function refuseRepeatedValues(tokens: readonly { kind: string; name?: string; rawName?: string }[], options: Options): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    const o = options[t.name]!;
    if (o.type !== 'string' || o.multiple === true) continue;
    const earlier = seen.get(t.name);
    if (earlier !== undefined) {
      const as = earlier === t.rawName ? '' : ` (${earlier}, then ${t.rawName})`;
      throw new UsageError(`--${t.name} given twice${as}: it takes one value`);
    }
    seen.set(t.name, t.rawName ?? `--${t.name}`);
  }
}

export const inputFormatOption = {
  format: { type: 'string', short: 'f', default: 'auto' },
} as const;

export function parseFormat(value: string | undefined): InputFormat {
  const v = value ?? 'auto';
  if (v === 'auto' || (FORMATS as readonly string[]).includes(v)) return v as InputFormat;
  throw new UsageError(`unknown format '${v}': use auto, ${FORMATS.join(', ')}`);
}

/** The formats' options as parseArgs options (`--includeoffset`, `--by-thread`, ...). */
export function formatOptionArgs(): Record<string, { type: 'boolean'; default: false }> {
  return Object.fromEntries(formatOptions().map((o) => [o.flag, { type: 'boolean', default: false }] as const));
}

/** The formats' options from parsed arguments, by their API names. */
export function parseFormatOptions(values: Record<string, unknown>): FormatOptions {
  // Two formats may share an option under their own flags (a kernel mark): either flag sets it.
  const out: FormatOptions = {};
  for (const o of formatOptions()) out[o.key] = out[o.key] === true || values[o.flag] === true;
  return out;
}

/** The `--help` lines of the formats' options, their text starting at `column`. */
export function formatOptionsHelp(column: number): string {
  return formatOptions()
    .map((o) => `${`      --${o.flag}`.padEnd(column)}${o.format}: ${o.help}\n`)
    .join('');
}

/** The inputs named on the command line; none means stdin. */
export function inputsOf(positionals: string[]): string[] {
  return positionals.length === 0 ? ['-'] : positionals;
}

/** Where a command writes its output: `write` writes it (atomically for a file). */
export interface Output {
  write(produce: (sink: OutputSink) => Promise<void>): Promise<void>;
}

const STDOUT = { kind: 'fd', path: 'standard output', fd: 1 } as const;

/**
 * The output at `path` (-o), or stdout when it is absent or `-`, checked now: call it
 * before reading any input, so a bad path fails at once (one line naming it), not after
 * the work. `-o ''` is a usage error.
 */
export async function outputFor(path: string | undefined, option = '-o'): Promise<Output> {
  if (path === undefined || path === '-') return { write: (produce) => writeToDestination(STDOUT, produce) };
  if (path === '') throw new UsageError(`${option} needs a file name`);
  await findDestination(path);
  // Found again when written: whatever changed at the path meanwhile is what gets written.
  return { write: (produce) => writeFileAtomic(path, produce) };
}

export function warn(message: string): void {
  process.stderr.write(`flamefold: warning: ${message}\n`);
}

/** Parses a positive number option such as --width. */
export function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} needs a number, not '${value}'`);
  return n;
}

export const jobsOption = {
  jobs: { type: 'string', short: 'j' },
} as const;

/** --jobs N: a positive integer up to maxJobs(); absent means the number of cores. */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs needs a positive whole number, not '${value}'`);
  if (n > maxJobs()) throw new UsageError(`--jobs can be at most ${maxJobs()} (threads beyond the cores only cost memory), not ${value}`);
  return n;
}

export const maxMemoryOption = {
  'max-memory': { type: 'string' },
} as const;

/** The --max-memory line of a command's help, its text starting at `column`. */
export const maxMemoryHelp = (column: number): string =>
  `${'      --max-memory N'.padEnd(column)}stop with an error once the tables of distinct frames\n` +
  `${' '.repeat(column)}and stacks need more than N MiB (per thread; default 4096)\n`;

/** --max-memory N: a positive number of MiB; absent means the WebAssembly limit. */
export function parseMaxMemory(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--max-memory needs a positive number of MiB, not '${value}'`);
  return n;
}

/** -q, --quiet: no progress display (progress is shown only when stderr is a terminal anyway). */
export const quietOption = {
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;

/** The stack filters, on every command that reads stacks. */
export const stackFilterOption = {
  base: { type: 'string', multiple: true },
  'skip-after': { type: 'string', multiple: true },
  grep: { type: 'string' },
  exclude: { type: 'string' },
} as const;

/** --window: a part of each capture in time (src/window/spec.ts). */
export const windowOption = {
  window: { type: 'string' },
} as const;

/** --window of the commands of two profiles (diff, compare): once for both, or each side's. */
export const sideWindowsOption = {
  window: { type: 'string', multiple: true },
  'snapshot-marker': { type: 'string' },
} as const;

/** --event of the commands of two profiles (diff, compare): one event of both. */
export const sideEventOption = {
  event: { type: 'string' },
} as const;

/** The help of sideEventOption, its text starting at `column`. */
export const sideEventHelp = (column: number): string =>
  `${'      --event NAME'.padEnd(column)}fold only event NAME of both profiles (pmcstat, perf; see\n` +
  `${' '.repeat(column)}collapse --list-events); default: each one's first event,\n` +
  `${' '.repeat(column)}with a warning naming the others\n`;

/** The help of sideWindowsOption, its text starting at `column`. */
export const sideWindowsHelp = (column: number, first: string, second: string): string =>
  `${'      --window W'.padEnd(column)}read only part of both profiles in time (see collapse\n` +
  `${' '.repeat(column)}--help); given twice, the first is ${first}'s and the second\n` +
  `${' '.repeat(column)}${second}'s, and one CAPTURE may be both\n` +
  snapshotMarkerHelp(column);

/**
 * The two profiles of a two-profile command and each one's window: two
 * windows of one capture compare its two parts.
 */
export function twoSides(
  positionals: readonly string[],
  windows: readonly string[] | undefined,
  command: string,
  [first, second]: [string, string],
): { sides: [string, string]; beforeWindow: string | undefined; afterWindow: string | undefined } {
  const w = windows ?? [];
  if (w.length > 2) throw new UsageError(`${command} takes --window at most twice: ${first}'s, then ${second}'s`);
  const sides = w.length === 2 && positionals.length === 1 ? [positionals[0]!, positionals[0]!] : positionals;
  if (sides.length !== 2) {
    throw new UsageError(`${command} takes two profiles, ${first} and ${second}, or one CAPTURE with two --window (got ${positionals.length})`);
  }
  if (sides[0] === '-' && sides[1] === '-') throw new UsageError(`only one of ${first} and ${second} can be stdin`);
  return { sides: sides as [string, string], beforeWindow: w[0], afterWindow: w[1] ?? w[0] };
}

/** The stack filters' lines of a command's help, their text starting at `column`. */
export const stackFilterHelp = (column: number): string => {
  const more = (text: string): string => `${' '.repeat(column)}${text}\n`;
  // A flag too long for its column gets a line of its own.
  const at = (flag: string, text: string): string =>
    `      ${flag}`.length < column ? `${`      ${flag}`.padEnd(column)}${text}\n` : `      ${flag}\n${more(text)}`;
  return (
    at('--grep REGEX', 'keep only the stacks whose folded text "root;...;leaf" matches') +
    more('REGEX (a JavaScript regular expression), as grep on folded lines') +
    at('--exclude REGEX', 'drop the stacks whose folded text matches REGEX (grep -v)') +
    at('--base FRAME', 'keep only the stacks through frame FRAME, cut so that FRAME is') +
    more('their root (its deepest occurrence; repeat for more names)') +
    at('--skip-after FRAME', 'drop the frames below (the callers of) frame FRAME in the') +
    more('stacks through it (repeatable); other stacks stay whole')
  );
};

/** The stack filters from parsed arguments, by their API names. */
export function parseStackFilter(values: { base?: string[]; 'skip-after'?: string[]; grep?: string; exclude?: string }): StackFilterOptions {
  return { base: values.base, skipAfter: values['skip-after'], grep: values.grep, exclude: values.exclude };
}
