// `flamefold diff BEFORE AFTER`: two profiles in, two-count folded stacks out
// (difffolded.pl's output, sorted), ready for `flamefold svg`.

import { diff } from '../api/diff.js';
import { UsageError } from '../errors.js';
import { parseCommandArgs, outputFor, warn, twoSides } from './common.js';
import { twoProfileOptionArgs, twoProfileOptions, twoProfileOptionsHelp } from './capture-options.js';

export const help = `Usage: flamefold diff [options] BEFORE AFTER
       flamefold diff --window A --window B [options] CAPTURE

Prints every stack of the two profiles with both counts, "stack before after"
(0 where a profile lacks the stack), sorted bytewise by stack: the input of a
differential flame graph ("flamefold svg" colours growth red, reduction blue).
The profiles may be any capture format (DTrace, pmcstat, procstat, perf,
bpftrace, folded, gzip or not); "-" reads one of them from stdin. A folded line
without a count, or with two, is an error naming its line.

Options:
  -n, --normalize      scale BEFORE's counts to AFTER's total (each stack's
                       count truncated, as difffolded.pl -n does)
  -s, --strip-hex      replace hex numbers (0x1a2b) in frame names by "0x..."
                       so stacks differing only in addresses merge
${twoProfileOptionsHelp(23, 'BEFORE', 'AFTER')}  -o, --output FILE    write to FILE (atomically) instead of stdout
  -h, --help           show this help

Swap the inputs and use "flamefold svg --negate" for the graph whose widths
show BEFORE, coloured by what will change.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    normalize: { type: 'boolean', short: 'n', default: false },
    'strip-hex': { type: 'boolean', short: 's', default: false },
    ...twoProfileOptionArgs,
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const { sides: [before, after], beforeWindow, afterWindow } = twoSides(positionals, values.window, 'diff', ['BEFORE', 'AFTER']);
  const output = await outputFor(values.output); // a bad -o fails before any input is read
  const result = await diff(before, after, {
    ...twoProfileOptions(values),
    normalize: values.normalize,
    stripHex: values['strip-hex'],
    beforeWindow,
    afterWindow,
    onWarning: warn,
  });
  await output.write((sink) => result.writeFolded(sink));
  return 0;
}
