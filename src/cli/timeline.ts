// `flamefold timeline CAPTURE -o timeline.svg`: a capture's samples per
// snapshot (or per 20 ms of perf samples) as a heat map, to find the part
// worth a flame graph (`--window`).

import { UsageError } from '../errors.js';
import { timelineGrid } from '../timeline/cells.js';
import { timelineSvg } from '../timeline/svg.js';
import { captureOptionArgs, captureOptions, captureOptionsHelp } from './capture-options.js';
import { collapseWithProgress } from './progress.js';
import { numberOption, outputFor, parseCommandArgs } from './common.js';

export const help = `Usage: flamefold timeline [options] CAPTURE

Draws a capture's samples over time as a heat map (SVG): a cell per snapshot
(DTrace printa() ticks, procstat loops), darker for more samples, in a row (in
columns of 60 past 240 snapshots); perf samples as FlameScope does, a column per
second and a row per 20 ms. The pointer shows a cell's snapshot, time and
samples; "flamefold svg --window FROM..TO" then draws those snapshots.

Options:
      --title TEXT     the title (default: "Timeline of CAPTURE")
      --width N        width in pixels (default 1200)
${captureOptionsHelp(23, true)}  -o, --output FILE    write to FILE (atomically) instead of stdout
  -h, --help           show this help
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...captureOptionArgs,
    title: { type: 'string' },
    width: { type: 'string' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`timeline takes one capture (got ${positionals.length})`);
  if (values.window !== undefined) throw new UsageError('timeline draws the whole capture: --window does not apply');
  const width = numberOption('width', values.width, 1200);
  if (width < 100) throw new UsageError(`--width needs at least 100 pixels, not '${values.width}'`);
  const output = await outputFor(values.output); // a bad -o fails before any input is read
  // One event, as the graphs of its windows draw it (serve): several events' samples summed mean nothing.
  const result = await collapseWithProgress('timeline', positionals, { ...captureOptions(values), oneEvent: true }, values.quiet);
  const input = result.inputs[0]!;
  const svg = timelineSvg(timelineGrid(input.snapshots), { title: values.title ?? `Timeline of ${input.name}`, width });
  await output.write((sink) => sink.write(svg));
  return 0;
}
