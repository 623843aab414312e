// `flamefold collapse`: captures in, folded stacks (or pprof, or speedscope) out.

import { UsageError } from '../errors.js';
import type { PprofSource } from '../export/pprof.js';
import { collapseWithProgress, progressCallbacks, progressFor } from './progress.js';
import { inputsOf, parseCommandArgs, outputFor } from './common.js';
import { captureOptionArgs, captureOptions, captureOptionsHelp, eventOption } from './capture-options.js';

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
