// `flamefold top`: the hottest functions of any capture, as a table for a terminal or JSON.

import { formatTop, topFunctions, type TopBy } from '../export/top.js';
import { UsageError } from '../errors.js';
import { captureOptionArgs, captureOptions, captureOptionsHelp } from './capture-options.js';
import { collapseWithProgress } from './progress.js';
import { inputsOf, outputFor, parseCommandArgs, warn } from './common.js';

export const help = `Usage: flamefold top [options] [FILE...|-]

Lists the hottest functions of stack captures (any format collapse reads): by self
(samples whose stack ends in the function) and by total (samples whose stack has it,
once per stack even when it recurses), with counts and percentages of all samples.
Two-count input is ranked by its second ("after") count. A stack with a negative
count counts as zero, as the flame graph draws it (with a warning). No FILE or "-"
reads stdin.

Options:
  -n, --lines N        entries in each list (default 20)
      --by WHAT        function (default), or module: a frame "module\`func" counts for
                       "module" (a name without a backtick is its own module)
      --json           the report as JSON: { by, samples, stacks, negativeStacks, bySelf,
                       byTotal }, each entry { name, self, total, selfPercent,
                       totalPercent }
      --countname TEXT what the counts are, in the summary line (default "samples")
${captureOptionsHelp(23, true)}  -o, --output FILE    write to FILE (atomically) instead of stdout
  -h, --help           show this help
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...captureOptionArgs,
    lines: { type: 'string', short: 'n', default: '20' },
    by: { type: 'string', default: 'function' },
    json: { type: 'boolean', default: false },
    countname: { type: 'string', default: 'samples' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const limit = Number(values.lines);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--lines needs a positive whole number, not '${values.lines}'`);
  if (values.by !== 'function' && values.by !== 'module') throw new UsageError(`--by takes function or module, not '${values.by}'`);
  const by: TopBy = values.by;
  const output = await outputFor(values.output); // a bad -o fails before any input is read
  // A ranking of several events' samples summed would mean nothing: one event, as a flame graph draws.
  const options = { ...captureOptions(values), oneEvent: true };
  const result = await collapseWithProgress('top', inputsOf(positionals), options, values.quiet);
  const report = topFunctions(result, { limit, by });
  const n = report.negativeStacks;
  if (n > 0) warn(`${n} stack${n === 1 ? '' : 's'} with a negative count counted as zero`);
  const text = values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTop(report, { countName: values.countname });
  await output.write((sink) => sink.write(text));
  return 0;
}
