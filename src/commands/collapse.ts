// `flamefold collapse`: captures in, folded stacks out.

import { collapse } from '../collapse.js';
import { inputFormatOption, inputsOf, parseCommandArgs, parseFormat, warn, writeOutput } from './common.js';

export const help = `Usage: flamefold collapse [options] [FILE...|-]

Folds stack captures into folded stacks ("root;...;leaf count" lines, sorted).
Several inputs are merged into one result; no FILE or "-" reads stdin.
Gzip-compressed input is recognised by its magic bytes.

Options:
  -f, --format FMT     auto (default), dtrace, pmcstat, procstat, folded
      --includeoffset  DTrace: keep +0x offsets on every frame but the leaf
      --by-thread      procstat: put COMM;TDNAME; (process and thread name) above each stack
  -o, --output FILE    write to FILE (atomically) instead of stdout
  -h, --help           show this help
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...inputFormatOption,
    includeoffset: { type: 'boolean', default: false },
    'by-thread': { type: 'boolean', default: false },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const result = await collapse(inputsOf(positionals), {
    format: parseFormat(values.format),
    includeOffset: values.includeoffset,
    byThread: values['by-thread'],
    onWarning: warn,
  });
  await writeOutput(values.output, async (sink) => {
    for (const chunk of result.chunks()) await sink.write(chunk);
  });
  return 0;
}
