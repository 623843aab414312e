// `flamefold batch`: many captures in, one output file each, N at a time.

import { constants } from 'node:fs';
import { access, mkdirs, stat } from '../util/file-handle.js';
import { outputPaths } from '../batch/outputs.js';
import { runBatch, type BatchItem } from '../batch/run.js';
import type { BatchSvgOptions } from '../batch/worker.js';
import { OutputError, UsageError, systemErrorText } from '../errors.js';
import { checkSvgOptions, parsePalette } from '../render/options.js';
import { formatBytes, formatDuration, startProgress } from './progress.js';
import { maxMemoryHelp, numberOption, parseCommandArgs, parseJobs } from './common.js';
import { captureOptionArgs, captureOptions, readOptionsHelp } from './capture-options.js';
import { FORMATS } from '../formats/registry.js';

export const help = `Usage: flamefold batch [options] --out-dir DIR CAPTURE...

Converts each capture to its own folded file (or SVG flame graph with --svg), several
at a time, and prints a summary table (file, format, bytes, stacks, time, status,
output) when all are done. Each output is what "flamefold collapse CAPTURE" (or
"flamefold CAPTURE -o x.svg" with the same options) would write.

Outputs are DIR/NAME.folded (DIR/NAME.svg with --svg), where NAME is the capture's file
name without .gz and then .txt (x.txt.gz -> x.folded). When two captures would get the same name (same file
name in different folders, x.txt beside x.txt.gz; compared ignoring case), the first in
command-line order keeps it and the others get NAME-2, NAME-3, ...; the table shows
which output is whose. Existing files of those names in DIR are replaced. DIR is created
if missing. Each output is written atomically: a failed conversion leaves no file.

A capture that fails is reported and the others still run; the exit code is then 1.
Progress is shown on stderr when it is a terminal.

Options:
  -d, --out-dir DIR    where the outputs go (required)
  -f, --format FMT     auto (default: detected per file), ${FORMATS.join(', ')}
${readOptionsHelp(23)}${maxMemoryHelp(23)}  -j, --jobs N         captures converted at once (default: the number of cores); with
                       fewer captures than N, the spare threads split large captures
  -q, --quiet          no progress display
      --svg            draw SVG flame graphs instead of writing folded stacks; a capture
                       with no samples then fails (there is nothing to draw); as
                       "flamefold svg", one event of each capture (--event: which)
      --title TEXT     --svg: the heading of every graph (default "Flame Graph")
      --colors NAME    --svg: palette: hot (default), mem, io, wakeup, chain, java, js,
                       perl, red, green, blue, aqua, yellow, purple, orange
      --width N        --svg: image width in pixels (default 1200)
  -h, --help           show this help

Exit codes: 0 all converted, 1 any capture failed, 2 usage error.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    'out-dir': { type: 'string', short: 'd' },
    ...captureOptionArgs,
    svg: { type: 'boolean', default: false },
    title: { type: 'string' },
    colors: { type: 'string' },
    width: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const dir = values['out-dir'];
  if (dir === undefined || dir === '') throw new UsageError('batch needs --out-dir DIR');
  if (positionals.length === 0) throw new UsageError('batch needs at least one CAPTURE');
  if (positionals.includes('-')) throw new UsageError('batch converts files, not stdin');
  const read = captureOptions(values); // a bad option stops the batch before it starts
  const jobs = parseJobs(values.jobs);
  const svg = svgOptions(values);
  try {
    await mkdirs(dir);
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new OutputError(dir, `cannot use it as the output directory: ${systemErrorText(err)}`, (err as NodeJS.ErrnoException).code);
  }

  const outputs = outputPaths(positionals, dir, svg ? '.svg' : '.folded');
  const sizes = await Promise.all(positionals.map((p) => stat(p).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = positionals.length;
  const started = performance.now();
  const progress = await startProgress({ label: `batch 0/${count}`, total, quiet: values.quiet });
  let items: BatchItem[];
  try {
    items = await runBatch(
      positionals.map((input, i) => ({ input, output: outputs[i]!, bytes: sizes[i]! })),
      {
        read,
        jobs,
        ...(svg && { svg }),
        ...(progress.onProgress && { onProgress: progress.onProgress }),
        onWarning: (m) => progress.log(`flamefold: warning: ${m}`),
        onDone: (item, finished) => {
          progress.setLabel(`batch ${finished}/${count}`);
          if (!item.ok) progress.log(`flamefold: ${item.error}`);
        },
      },
    );
  } finally {
    progress.stop();
  }
  process.stdout.write(summaryTable(items, performance.now() - started));
  return items.every((i) => i.ok) ? 0 : 1;
}

/** --svg and its options, checked here so a mistake stops the batch before it starts. */
function svgOptions(v: { svg: boolean; title?: string; colors?: string; width?: string }): BatchSvgOptions | undefined {
  const given = (['title', 'colors', 'width'] as const).filter((k) => v[k] !== undefined);
  if (!v.svg) {
    if (given.length > 0) throw new UsageError(`--${given[0]} is an --svg option`);
    return undefined;
  }
  const o: BatchSvgOptions = {
    ...(v.title !== undefined && { title: v.title }),
    ...(v.colors !== undefined && { colors: parsePalette(v.colors) }),
    ...(v.width !== undefined && { width: numberOption('width', v.width, 0) }),
  };
  checkSvgOptions(o);
  return o;
}

/** The summary: one row per capture in command-line order, then the totals. */
export function summaryTable(items: readonly BatchItem[], wallMs: number): string {
  const head = ['file', 'format', 'bytes', 'stacks', 'time', 'status', 'output'];
  const rows = items.map((i) => [
    i.input,
    i.format ?? '-',
    formatBytes(i.bytes),
    i.stacks === undefined ? '-' : String(i.stacks),
    seconds(i.ms),
    i.ok ? 'ok' : 'FAILED',
    i.ok ? i.output : '-',
  ]);
  const failed = items.filter((i) => !i.ok).length;
  const right = new Set([2, 3, 4]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]): string =>
    r.map((c, k) => (right.has(k) ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ').trimEnd();
  const bytes = items.reduce((a, i) => a + i.bytes, 0);
  return [
    line(head),
    ...rows.map(line),
    '',
    `${items.length - failed} of ${items.length} converted, ${failed} failed; ${formatBytes(bytes)} in ${seconds(wallMs)}`,
    ...items.filter((i) => !i.ok).map((i) => `failed: ${i.error}`),
    '',
  ].join('\n');
}

const seconds = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : formatDuration(ms / 1000));
