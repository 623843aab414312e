// `flamefold collapse`: captures in, folded stacks out.

import { UsageError } from '../errors.js';
import { eventBytes } from '../formats/event-names.js';
import { FORMATS } from '../formats/registry.js';
import { collapseWithProgress } from './progress.js';
import {
  formatOptionArgs, formatOptionsHelp, inputFormatOption, inputsOf, parseFormatOptions, jobsOption, maxMemoryHelp, maxMemoryOption, parseCommandArgs, parseFormat, parseJobs, parseMaxMemory, quietOption,
  outputFor,
} from './common.js';

export const help = `Usage: flamefold collapse [options] [FILE...|-]

Folds stack captures into folded stacks ("root;...;leaf count" lines, sorted).
Several inputs are merged into one result; no FILE or "-" reads stdin.
Gzip-compressed input is recognised by its magic bytes.

Options:
  -f, --format FMT     auto (default), ${FORMATS.join(', ')}
${formatOptionsHelp(23)}      --event NAME     fold only the samples of event NAME (pmcstat: its "@ NAME [N samples]"
                       sections, all events without it; perf: its records, the first event
                       without it; \\xHH in NAME stands for one byte)
      --event-filter NAME  the same (stackcollapse-perf.pl's name for it)
      --list-events    print each event with its total samples ("NAME N", other bytes
                       as \\xHH) instead of folded stacks
  -j, --jobs N         threads for large files (default: the number of cores)
${maxMemoryHelp(23)}  -o, --output FILE    write to FILE (atomically) instead of stdout
  -q, --quiet          no progress display (shown on stderr only when it is a terminal:
                       bytes read, MB/s, time left)
  -h, --help           show this help
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...inputFormatOption,
    ...formatOptionArgs(),
    event: { type: 'string' },
    'event-filter': { type: 'string' },
    'list-events': { type: 'boolean', default: false },
    ...jobsOption,
    ...maxMemoryOption,
    output: { type: 'string', short: 'o' },
    ...quietOption,
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const inputs = inputsOf(positionals);
  if (values.event !== undefined && values['event-filter'] !== undefined) {
    throw new UsageError('--event and --event-filter are one option: give one of them');
  }
  const event = values.event ?? values['event-filter'];
  const output = await outputFor(values.output); // a bad -o fails before any input is read
  const options = {
    format: parseFormat(values.format),
    ...parseFormatOptions(values),
    ...(event !== undefined && { event: eventBytes(event) }),
    eventsOnly: values['list-events'],
    jobs: parseJobs(values.jobs),
    maxMemoryMiB: parseMaxMemory(values['max-memory']),
  };
  const result = await collapseWithProgress('collapse', inputs, options, values.quiet);
  if (values['list-events']) {
    const text = result.events().map((e) => `${e.label} ${e.samples}\n`).join('');
    await output.write(async (sink) => sink.write(Buffer.from(text)));
    return 0;
  }
  await output.write((sink) => result.writeFolded(sink));
  return 0;
}
