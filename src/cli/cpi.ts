// `flamefold cpi`: a two-metric flame graph. Widths are cycles; the colour is
// cycles per instruction (or stall cycles per cycle) of each frame, red where
// it is low and blue where it is high, with a legend giving the scale.

import { collapseTwoMetrics } from '../api/two-metric.js';
import { InputError, UsageError } from '../errors.js';
import { eventBytes } from '../formats/event-names.js';
import { flameGraph } from '../render/render.js';
import { checkSvgOptions } from '../render/options.js';
import { parseRange, parseRatioMetric, ratioMode } from '../render/ratio-colors.js';
import { argOptions, readOptionFiles, renderOptions, svgOptionsHelp } from './svg.js';
import { parseCommandArgs, outputFor, warn, windowOption } from './common.js';
import { twoMetricOptionArgs, twoMetricOptions, twoMetricOptionsHelp } from './capture-options.js';

export const help = `Usage: flamefold cpi [options] --cycles EVENT --instructions EVENT CAPTURE
       flamefold cpi [options] --cycles EVENT --stalls EVENT CAPTURE
       flamefold cpi [options] [--metric stalls] CYCLES OTHER

Draws a CPI flame graph: frame widths are cycles, and each frame's colour is
its cycles per instruction (CPI) over all its samples: red for a low CPI
(instruction-bound), blue for a high one (stall-bound), white for the whole
profile's CPI. With stall cycles instead of instructions the colour is the
stalled fraction of the cycles, on the same red-to-blue scale. A legend under
the title gives the figures.

The metrics come from two events of one pmcstat capture (pmcstat -G with
several PMCs; see "flamefold collapse --list-events"), or from two profiles of
any format: CYCLES, then OTHER (instructions, or stalls with --metric stalls).

Options:
      --cycles EVENT        pmcstat: the event counting cycles (the widths),
                            e.g. CPU_CLK_UNHALTED.THREAD_P
      --instructions EVENT  pmcstat: the event counting instructions retired,
                            e.g. INST_RETIRED.ANY_P
      --stalls EVENT        pmcstat: the event counting stall cycles, e.g.
                            RESOURCE_STALLS.ANY (colour: stalls per cycle)
      --metric KIND         with two profiles: what OTHER counts, instructions
                            (default) or stalls
      --cpi-range LO,HI     fixed ends of the colour scale (default: the lowest
                            and highest ratios drawn)
  -o, --output FILE         write to FILE (atomically) instead of stdout
${twoMetricOptionsHelp(28)}  -h, --help                show this help
${svgOptionsHelp}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...argOptions,
    ...twoMetricOptionArgs,
    cycles: { type: 'string' },
    instructions: { type: 'string' },
    stalls: { type: 'string' },
    metric: { type: 'string' },
    'cpi-range': { type: 'string' },
    ...windowOption,
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (values.instructions !== undefined && values.stalls !== undefined) {
    throw new UsageError('give --instructions or --stalls, not both');
  }
  if (values.metric !== undefined && (values.instructions !== undefined || values.stalls !== undefined)) {
    throw new UsageError('--metric is for two profiles; with events, --instructions or --stalls says it');
  }
  const metric = values.stalls !== undefined ? 'stalls' : parseRatioMetric(values.metric);
  const otherEvent = values.stalls ?? values.instructions;
  let cyclesInput: string;
  let otherInput: string;
  if (positionals.length === 1) {
    if (values.cycles === undefined || otherEvent === undefined) {
      throw new UsageError('one capture needs two of its events: --cycles EVENT and --instructions EVENT (or --stalls EVENT)');
    }
    cyclesInput = otherInput = positionals[0]!;
    if (cyclesInput === '-') throw new UsageError('a capture read for two events cannot be stdin: name the file');
  } else if (positionals.length === 2) {
    [cyclesInput, otherInput] = positionals as [string, string];
    if (cyclesInput === '-' && otherInput === '-') throw new UsageError('only one of CYCLES and OTHER can be stdin');
  } else {
    throw new UsageError(`cpi takes one pmcstat capture, or two profiles CYCLES OTHER (got ${positionals.length})`);
  }
  if (values.flamechart) throw new UsageError('--flamechart is not available for CPI graphs');
  const options = renderOptions(values);
  options.colorMode = ratioMode({ metric, ...(values['cpi-range'] !== undefined && { range: parseRange(values['cpi-range'])! }) });
  options.title ??= metric === 'instructions' ? 'CPI Flame Graph' : 'Stall Cycles Flame Graph';
  checkSvgOptions(options); // option and output mistakes stop us before any input is read
  const output = await outputFor(values.output);
  await readOptionFiles(values, options);

  const result = await collapseTwoMetrics(cyclesInput, otherInput, {
    ...twoMetricOptions(values),
    ...(values.cycles !== undefined && { cyclesEvent: eventBytes(values.cycles) }),
    ...(otherEvent !== undefined && { otherEvent: eventBytes(otherEvent) }),
    ...(values.window !== undefined && { window: values.window }), // the same part of both metrics
    onWarning: warn,
  });
  const graph = await flameGraph(result, options);
  if (graph.samples <= 0) throw new InputError(cyclesInput === '-' ? '<stdin>' : cyclesInput, 'no cycle samples: nothing to draw');
  await output.write((sink) => graph.writeTo(sink));
  return 0;
}
