// `flamefold collapse`: captures in, folded stacks (or pprof, or speedscope) out.

import type { CollapseOptions } from '../api/collapse.js';
import { UsageError } from '../errors.js';
import { eventBytes } from '../formats/event-names.js';
import type { PprofSource } from '../export/pprof.js';
import { FORMATS } from '../formats/registry.js';
import { collapseWithProgress, progressCallbacks, progressFor } from './progress.js';
import {
  formatOptionArgs, formatOptionsHelp, inputFormatOption, inputsOf, parseFormatOptions, jobsOption, maxMemoryHelp, maxMemoryOption, parseCommandArgs, parseFormat, parseJobs, parseMaxMemory, quietOption,
  outputFor, parseStackFilter, stackFilterHelp, stackFilterOption, windowOption,
} from './common.js';
import { windowHelp } from '../window/spec.js';

/** A help line of `option` and the start of its text at `column`; an option longer than the column keeps two blanks before it. */
const helpLine = (column: number, option: string, text: string): string =>
  `${option.length >= column ? `${option}  ` : option.padEnd(column)}${text}\n`;

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
    helpLine(column, '  -j, --jobs N', 'threads for large files (default: the number of cores)') +
    maxMemoryHelp(column) +
    helpLine(column, '  -q, --quiet', 'no progress display (shown on stderr only when it is a terminal:') +
    `${' '.repeat(column)}bytes read, MB/s, time left)\n`
  );
}

export const help = `Usage: flamefold collapse [options] [FILE...|-]

Folds stack captures into folded stacks ("root;...;leaf count" lines, sorted).
Several inputs are merged into one result; no FILE or "-" reads stdin.
Gzip-compressed input is recognised by its magic bytes.

Options:
${captureOptionsHelp(23)}      --list-events    print each event with its total samples ("NAME N", other bytes
                       as \\xHH) instead of folded stacks
      --to FORMAT      folded (default); pprof: a gzipped profile.proto (go tool pprof,
                       Pyroscope), a sample type per event of a FILE with several (pmcstat
                       PMCs, perf events); speedscope: speedscope's JSON, a profile per FILE
                       and per event. Stdin, read once, gives its first event
      --countname TEXT what the counts are, for pprof's sample type (default: the
                       --event, else "samples"; several events are named by their own)
  -o, --output FILE    write to FILE (atomically) instead of stdout
  -h, --help           show this help
`;

/** The parseArgs options behind captureOptionsHelp. */
export const captureOptionArgs = {
  ...inputFormatOption,
  ...formatOptionArgs(),
  event: { type: 'string' },
  'event-filter': { type: 'string' },
  ...stackFilterOption,
  ...windowOption,
  'snapshot-marker': { type: 'string' },
  ...jobsOption,
  ...maxMemoryOption,
  ...quietOption,
} as const;

/** collapse()'s options from parsed captureOptionArgs. */
export function captureOptions(values: Record<string, unknown>): CollapseOptions {
  const event = eventOption(values);
  return {
    format: parseFormat(values.format as string | undefined),
    ...parseFormatOptions(values),
    ...(event !== undefined && { event: eventBytes(event) }),
    ...parseStackFilter(values),
    ...(typeof values.window === 'string' && { window: values.window }),
    ...(typeof values['snapshot-marker'] === 'string' && { snapshotMarker: values['snapshot-marker'] }),
    jobs: parseJobs(values.jobs as string | undefined),
    maxMemoryMiB: parseMaxMemory(values['max-memory'] as string | undefined),
  };
}

/** --event NAME, or its other name --event-filter NAME; not both. */
function eventOption(values: Record<string, unknown>): string | undefined {
  const event = values.event as string | undefined;
  const filter = values['event-filter'] as string | undefined;
  if (event !== undefined && filter !== undefined) throw new UsageError('--event and --event-filter are one option: give one of them');
  return event ?? filter;
}

const OUTPUTS = ['folded', 'pprof', 'speedscope'] as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...captureOptionArgs,
    'list-events': { type: 'boolean', default: false },
    to: { type: 'string', default: 'folded' },
    countname: { type: 'string' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const to = values.to as (typeof OUTPUTS)[number];
  if (!OUTPUTS.includes(to)) throw new UsageError(`unknown output '${values.to}' for --to: use ${OUTPUTS.join(', ')}`);
  if (values['list-events'] && to !== 'folded') throw new UsageError('--list-events prints events, not stacks: drop --to');
  const inputs = inputsOf(positionals);
  const output = await outputFor(values.output); // a bad -o fails before any input is read
  const options = { ...captureOptions(values), eventsOnly: values['list-events'] };
  if (to === 'pprof') {
    const countName = values.countname ?? eventOption(values) ?? 'samples';
    const progress = await progressFor('collapse', inputs, values.quiet);
    try {
      // A capture of several events gives a sample type per event (go tool pprof -sample_index=NAME).
      const [{ collapsePerEvent }, { writePprof }] = await Promise.all([import('../export/event-results.js'), import('../export/pprof.js')]);
      const sources: PprofSource[] = [];
      for await (const { event, result } of collapsePerEvent(inputs, { ...options, ...progressCallbacks(progress) })) {
        sources.push({ result, name: event ?? countName });
      }
      progress.stop(); // before any output: it may go to the same terminal
      await output.write((sink) => writePprof(sources, sink));
    } finally {
      progress.stop();
    }
    return 0;
  }
  if (to === 'speedscope') {
    // each input is folded as the file is written (a profile at a time), so progress runs until it is done
    const progress = await progressFor('collapse', inputs, values.quiet);
    const callbacks = progressCallbacks(progress);
    try {
      // The exporters are loaded when asked for: start-up of every other command stays short.
      const { collapseEach, writeSpeedscope } = await import('../export/speedscope.js');
      await output.write((sink) => writeSpeedscope(collapseEach(inputs, { ...options, ...callbacks }), sink, callbacks));
    } finally {
      progress.stop();
    }
    return 0;
  }
  const result = await collapseWithProgress('collapse', inputs, options, values.quiet);
  if (values['list-events']) {
    const text = result.events().map((e) => `${e.label} ${e.samplesText}\n`).join('');
    await output.write(async (sink) => sink.write(Buffer.from(text)));
    return 0;
  }
  await output.write((sink) => result.writeFolded(sink));
  return 0;
}
