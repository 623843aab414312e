// `flamefold bench`: how fast flamefold converts the user's own captures, stage by stage.

import { stat } from '../util/file-handle.js';
import { benchFile, runStageInChild, STAGES, type FileResult } from '../api/bench.js';
import { InputError, UsageError, systemErrorText } from '../errors.js';
import { formatBytes } from './progress.js';
import { inputFormatOption, jobsOption, parseCommandArgs, parseFormat, parseJobs, quietOption } from './common.js';
import { FORMATS } from '../formats/registry.js';

export const help = `Usage: flamefold bench [options] FILE...

Measures how fast flamefold converts your captures, in MB/s per file, for three stages:

  read        the file read into memory only, in 1 MiB reads (with --jobs readers over
              equal parts of it): the I/O ceiling. After the first run the file is
              usually in the page cache, so this is memory speed, not disk speed.
  fold        read, parse and fold the stacks (as "collapse" does, with --jobs
              threads for a large file); no output.
  end to end  fold, then produce the sorted folded output (as "collapse" writes it),
              which is discarded.

Each run is timed in a fresh Node process (its start-up not counted), and the best of
--repeat runs is shown. MB/s is the file's size on disk (compressed bytes for .gz files)
over that time, with MB = 10^6 bytes. Peak RSS is the highest resident memory of the
whole process over the runs (all threads, Node's own included: the "idle" figure under
the table is Node with flamefold loaded, doing nothing).

Options:
  -f, --format FMT  auto (default), ${FORMATS.join(', ')}
  -j, --jobs N      threads for large files (default: the number of cores)
  -r, --repeat N    runs of each stage; the best is shown (default 3)
      --json        print the figures as JSON instead of a table
  -q, --quiet       no "which run" line on stderr (shown only when it is a terminal)
  -h, --help        show this help

Exit codes: 0 all measured, 1 a file missing or unreadable as a capture, 2 usage error.
`;

interface Summary {
  jobs: number;
  repeat: number;
  idlePeakRss: number;
  files: FileResult[];
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...inputFormatOption,
    ...jobsOption,
    repeat: { type: 'string', short: 'r' },
    json: { type: 'boolean', default: false },
    ...quietOption,
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('bench needs at least one FILE');
  const format = parseFormat(values.format);
  const jobs = parseJobs(values.jobs);
  const repeat = parseRepeat(values.repeat);
  // Every file must be there before anything is measured.
  const sizes: number[] = [];
  for (const file of positionals) {
    if (file === '-') throw new UsageError('bench reads files, not stdin');
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new InputError(file, 'not a regular file');
      sizes.push(s.size);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(file, `cannot open: ${systemErrorText(err)}`);
    }
  }
  const idle = await runStageInChild({ stage: 'idle', file: '', format, jobs });
  const summary: Summary = { jobs, repeat, idlePeakRss: idle.peakRss, files: [] };
  const tty = process.stderr.isTTY === true && !values.json && !values.quiet;
  for (const [i, file] of positionals.entries()) {
    const result = await benchFile(file, sizes[i]!, { format, jobs, repeat }, (stage, n) => {
      if (tty) process.stderr.write(`\r\x1b[2Kbench ${file}: ${stage} ${n}/${repeat}`);
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    if (result.error) process.stderr.write(`flamefold: ${result.error}\n`);
    summary.files.push(result);
  }
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : table(summary));
  return summary.files.some((f) => f.error) ? 1 : 0;
}

function parseRepeat(value: string | undefined): number {
  if (value === undefined) return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--repeat needs a positive whole number, not '${value}'`);
  return n;
}

function table(s: Summary): string {
  const head = ['file', 'format', 'size', 'stage', 'best', 'MB/s', 'peak RSS'];
  const rows: string[][] = [];
  for (const f of s.files) {
    if (f.error) {
      rows.push([f.file, f.format ?? '?', formatBytes(f.bytes), 'failed', '', '', '']);
      continue;
    }
    for (const [k, st] of f.stages.entries()) {
      rows.push([
        k === 0 ? f.file : '',
        k === 0 ? (f.format ?? '') : '',
        k === 0 ? formatBytes(f.bytes) : '',
        st.stage,
        `${(st.bestMs / 1000).toFixed(3)} s`,
        st.mbPerSecond >= 10 ? st.mbPerSecond.toFixed(0) : st.mbPerSecond.toFixed(1),
        formatBytes(st.peakRss),
      ]);
    }
  }
  const right = new Set([2, 4, 5, 6]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    line(head),
    ...rows.map(line),
    '',
    `best of ${s.repeat} run${s.repeat === 1 ? '' : 's'} per stage, each in a fresh process; jobs ${s.jobs}; ` +
      `MB = 10^6 bytes; idle process peak RSS ${formatBytes(s.idlePeakRss)}`,
    `stages: ${STAGES.join(', ')} (see "flamefold bench --help")`,
    '',
  ].join('\n');
}
