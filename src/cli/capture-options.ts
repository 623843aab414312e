// What every command that folds captures reads of them, as options: the format
// and its flags, the stack filters, --snapshot-marker, threads and memory. The
// one-profile commands (collapse, svg, top, timeline, serve, batch) add --event
// and one --window; the two-profile ones (diff, compare) an --event and a
// --window for both; cpi its two events. One list, so no command lacks a flag
// another reads the same input with.

import type { CollapseOptions } from '../api/collapse.js';
import type { ColumnsOptions } from '../api/diff.js';
import { UsageError } from '../errors.js';
import { eventBytes } from '../formats/event-names.js';
import { FORMATS } from '../formats/registry.js';
import { windowHelp } from '../window/spec.js';
import {
  formatOptionArgs, formatOptionsHelp, inputFormatOption, jobsOption, maxMemoryHelp, maxMemoryOption, parseFormat, parseFormatOptions, parseJobs, parseMaxMemory,
  parseStackFilter, quietOption, sideEventHelp, sideEventOption, sideWindowsHelp, sideWindowsOption, stackFilterHelp, stackFilterOption,
} from './common.js';

/** A help line of `option` and the start of its text at `column`; an option longer than the column keeps two blanks before it. */
export const helpLine = (column: number, option: string, text: string): string =>
  `${option.length >= column ? `${option}  ` : option.padEnd(column)}${text}\n`;

/** The parseArgs options of reading any capture, whatever the command (see readingOptions). */
const readingOptionArgs = {
  ...inputFormatOption,
  ...formatOptionArgs(),
  ...stackFilterOption,
  'snapshot-marker': { type: 'string' },
  ...jobsOption,
  ...maxMemoryOption,
} as const;

/** What readingOptionArgs parsed, as the API's options. */
function readingOptions(values: Record<string, unknown>): ColumnsOptions & { format: CollapseOptions['format'] } {
  return {
    format: parseFormat(values.format as string | undefined),
    ...parseFormatOptions(values),
    ...parseStackFilter(values),
    ...(typeof values['snapshot-marker'] === 'string' && { snapshotMarker: values['snapshot-marker'] }),
    jobs: parseJobs(values.jobs as string | undefined),
    maxMemoryMiB: parseMaxMemory(values['max-memory'] as string | undefined),
  };
}

/** The help lines of -f and the format flags, their text starting at `column`. */
function formatHelp(column: number, formatText: string): string {
  return helpLine(column, '  -f, --format FMT', formatText) + formatOptionsHelp(column);
}

/** The help lines of -j and --max-memory. */
function resourcesHelp(column: number): string {
  return helpLine(column, '  -j, --jobs N', 'threads for large files (default: the number of cores)') + maxMemoryHelp(column);
}

/**
 * The help lines of what to read of each capture (format flags, --event, stack filters,
 * --window), their text starting at `column`; `oneEvent` for the commands that fold one
 * event of each input (a graph, a ranking).
 */
export function readOptionsHelp(column: number, oneEvent = false): string {
  const more = (text: string): string => `${' '.repeat(column)}${text}\n`;
  return (
    formatOptionsHelp(column) +
    helpLine(column, '      --event NAME', 'fold only the samples of event NAME (pmcstat: its "@ NAME [N samples]"') +
    (oneEvent
      ? more('sections; perf: its records; \\xHH in NAME stands for one byte); without') +
        more("it, each input's first event, with a warning naming the others")
      : more('sections, all events without it; perf: its records, the first event') +
        more('without it; \\xHH in NAME stands for one byte)')) +
    helpLine(column, '      --event-filter NAME', 'the same (stackcollapse-perf.pl\'s name for it)') +
    stackFilterHelp(column) +
    windowHelp(column)
  );
}

/**
 * The help lines of the options every command that folds captures takes (collapse, top,
 * svg and the one-shot form): -f, readOptionsHelp's, threads, memory and progress.
 */
export function captureOptionsHelp(column: number, oneEvent = false): string {
  return (
    helpLine(column, '  -f, --format FMT', `auto (default), ${FORMATS.join(', ')}`) +
    readOptionsHelp(column, oneEvent) +
    resourcesHelp(column) +
    helpLine(column, '  -q, --quiet', 'no progress display (shown on stderr only when it is a terminal:') +
    `${' '.repeat(column)}bytes read, MB/s, time left)\n`
  );
}

/** The parseArgs options behind captureOptionsHelp. */
export const captureOptionArgs = {
  ...readingOptionArgs,
  event: { type: 'string' },
  'event-filter': { type: 'string' },
  window: { type: 'string' },
  ...quietOption,
} as const;

/** collapse()'s options from parsed captureOptionArgs. */
export function captureOptions(values: Record<string, unknown>): CollapseOptions {
  const event = eventOption(values);
  return {
    ...readingOptions(values),
    ...(event !== undefined && { event: eventBytes(event) }),
    ...(typeof values.window === 'string' && { window: values.window }),
  };
}

/** --event NAME, or its other name --event-filter NAME; not both. */
export function eventOption(values: Record<string, unknown>): string | undefined {
  const event = values.event as string | undefined;
  const filter = values['event-filter'] as string | undefined;
  if (event !== undefined && filter !== undefined) throw new UsageError('--event and --event-filter are one option: give one of them');
  return event ?? filter;
}

/** The parseArgs options of the commands of two profiles (diff, compare): --event and --window apply to both. */
export const twoProfileOptionArgs = {
  ...readingOptionArgs,
  ...sideEventOption,
  ...sideWindowsOption,
} as const;

/** The help of twoProfileOptionArgs, their text starting at `column`; `first` and `second` name the profiles. */
export function twoProfileOptionsHelp(column: number, first: string, second: string): string {
  return (
    formatHelp(column, `input format of both: auto (default), or one of\n${' '.repeat(column)}${FORMATS.join(', ')}`) +
    stackFilterHelp(column) +
    sideEventHelp(column) +
    sideWindowsHelp(column, first, second) +
    resourcesHelp(column)
  );
}

/** What twoProfileOptionArgs parsed (but --window: see twoSides), as diff()'s and compare()'s options. */
export function twoProfileOptions(values: Record<string, unknown>): ColumnsOptions & { format: CollapseOptions['format']; event?: Uint8Array } {
  return { ...readingOptions(values), ...(typeof values.event === 'string' && { event: eventBytes(values.event) }) };
}

/** The parseArgs options of cpi's reading (its events and its --window are its own). */
export const twoMetricOptionArgs = readingOptionArgs;

/** The help of twoMetricOptionArgs, their text starting at `column`. */
export function twoMetricOptionsHelp(column: number): string {
  return formatHelp(column, `auto (default), ${FORMATS.join(', ')}`) + stackFilterHelp(column) + windowHelp(column) + resourcesHelp(column);
}

/** What twoMetricOptionArgs parsed, as collapseTwoMetrics()'s options. */
export const twoMetricOptions = readingOptions;
