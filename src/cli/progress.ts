// Progress of long runs on stderr: one line redrawn in place (bytes done, MB/s,
// time left). Shown only when stderr is a terminal, so pipes, files and CI logs
// never get progress text. cli-progress does the terminal work (redraw timer,
// cursor moves, clearing the line at the end); the line itself is ours, built
// from our own clock so it can be tested.

import { fstatSync, statSync } from 'node:fs';
import { stat } from '../util/file-handle.js';
import type cliProgressModule from 'cli-progress';
import { collapse, type CollapseOptions, type CollapseResult } from '../api/collapse.js';

// Loaded only when a bar is shown: it costs a few MB of memory that pipes and batch runs need not pay, and
// node:module (with the ES module loader it loads) about 0.3 ms of start-up that no other run needs.
async function loadCliProgress(): Promise<typeof cliProgressModule> {
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
}

/** What a progress line shows. */
export interface ProgressState {
  /** What is running, e.g. `collapse` or `batch 3/10`. */
  label: string;
  /** Input bytes consumed so far. */
  done: number;
  /** Total input bytes, when known (files); unknown for stdin. */
  total: number | undefined;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** Bytes in decimal units (1 MB = 10^6 bytes), as `MB/s` is meant. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  if (n < 1e12) return `${(n / 1e9).toFixed(2)} GB`;
  return `${(n / 1e12).toFixed(2)} TB`;
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A rate in MB/s (10^6 bytes a second); `-- MB/s` before any time has passed. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '-- MB/s';
  const mbs = bytes / 1e6 / (ms / 1000);
  return `${mbs < 10 ? mbs.toFixed(1) : mbs.toFixed(0)} MB/s`;
}

const BAR_MAX = 24;
const BAR_MIN = 6;

/**
 * The progress line, at most `width` characters:
 * `collapse  ██████░░░░  37%  398.2 MB / 1.07 GB  812 MB/s  0:01 left` with a known total,
 * `collapse  398.2 MB  812 MB/s  0:03 elapsed` without. Time left is the bytes still to
 * read at the average rate so far; the bar is dropped first when the terminal is narrow.
 */
export function formatProgressLine(s: ProgressState, width = 80): string {
  const rate = formatRate(s.done, s.elapsedMs);
  if (s.total === undefined) {
    return crop(`${s.label}  ${formatBytes(s.done)}  ${rate}  ${formatDuration(s.elapsedMs / 1000)} elapsed`, width);
  }
  const fraction = s.total > 0 ? Math.min(1, s.done / s.total) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  let left = '--:-- left';
  if (s.done >= s.total) left = `${formatDuration(0)} left`;
  else if (s.done > 0 && s.elapsedMs > 0) left = `${formatDuration(((s.total - s.done) * s.elapsedMs) / s.done / 1000)} left`;
  // Fields padded to steady widths, so the bar keeps its length as the figures change.
  const totalText = formatBytes(s.total);
  const tail = `${percent}  ${formatBytes(s.done).padStart(totalText.length)} / ${totalText}  ${rate.padStart(9)}  ${left.padStart(10)}`;
  const room = width - s.label.length - tail.length - 4;
  if (room < BAR_MIN) return crop(`${s.label}  ${tail}`, width);
  const cells = Math.min(BAR_MAX, room);
  const full = Math.floor(fraction * cells);
  return `${s.label}  ${'\u2588'.repeat(full)}${'\u2591'.repeat(cells - full)}  ${tail}`;
}

const crop = (line: string, width: number): string => (line.length > width ? line.slice(0, Math.max(0, width)) : line);

/** A running progress display. */
export interface Progress {
  /** Pass as `onProgress` to collapse(); undefined when nothing is shown (so no work is spent on it). */
  readonly onProgress: ((bytes: number) => void) | undefined;
  /** Changes the label (e.g. files done in a batch). */
  setLabel(label: string): void;
  /** Writes a message (a warning) on its own line above the progress line. */
  log(message: string): void;
  /** Clears the progress line; call it before writing results to a terminal. Safe to call twice. */
  stop(): void;
}

/** The stream progress is written to: a terminal, or anything else (then nothing is written). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is running, shown first on the line. */
  label: string;
  /** Total input bytes, when known; see inputBytes(). */
  total: number | undefined;
  /** --quiet: show nothing. */
  quiet?: boolean;
  /** Default: process.stderr. Progress is shown only when it is a TTY. */
  stream?: ProgressStream;
  /** Milliseconds clock (default performance.now), for tests. */
  now?: () => number;
}

const SILENT: Progress = { onProgress: undefined, setLabel() {}, log: (m) => void process.stderr.write(`${m}\n`), stop() {} };

/** Starts a progress display on stderr if it is a terminal (and not --quiet); otherwise a silent one. */
export async function startProgress(options: ProgressOptions): Promise<Progress> {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || stream.isTTY !== true) {
    return options.stream ? { ...SILENT, log: (m) => void stream.write(`${m}\n`) } : SILENT;
  }
  const now = options.now ?? (() => performance.now());
  const start = now();
  let label = options.label;
  let done = 0;
  let stopped = false;
  const bar = new (await loadCliProgress()).SingleBar({
    stream: stream as NodeJS.WritableStream,
    fps: 8,
    clearOnComplete: true,
    // Leave the terminal's settings alone (cursor shown, autowrap on): nothing to restore
    // if the user presses Ctrl-C. The line is cropped to the width instead.
    hideCursor: null,
    linewrap: true,
    format: (_o, params) =>
      formatProgressLine({ label, done, total: options.total, elapsedMs: now() - start }, Math.max(20, params.maxWidth - 1)),
  });
  bar.start(options.total ?? 0, 0);
  return {
    onProgress(bytes: number) {
      done += bytes;
      if (!stopped) bar.update(done);
    },
    setLabel(text: string) {
      label = text;
    },
    log(message: string) {
      if (stopped) return void stream.write(`${message}\n`);
      stream.write(`\r\x1b[2K${message}\n`); // the timer redraws the line below it
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/**
 * Total bytes of file inputs, for the progress line: their sizes on disk (compressed
 * ones included: progress counts the bytes read from the file). Unknown when an input
 * is stdin (`-`) or not a regular file (a pipe); a missing file counts as 0 and is
 * reported by whatever reads it.
 */
export async function inputBytes(inputs: readonly unknown[]): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (typeof input !== 'string' || input === '-') return undefined;
    try {
      const s = await stat(input);
      if (!s.isFile()) return undefined;
      total += s.size;
    } catch {
      // the collapse says what is wrong with it
    }
  }
  return total;
}

/**
 * Whether stderr is a terminal. A terminal is a character device: asking fstat
 * first spares a run whose stderr is a file or a pipe making process.stderr,
 * which loads Node's stream and net modules (a few ms of a small run's start-up).
 * /dev/null (`2>/dev/null`, a child's ignored stdio) is a character device too,
 * never a terminal.
 */
function stderrIsTerminal(): boolean {
  let stderr;
  try {
    stderr = fstatSync(2);
  } catch {
    return false; // closed
  }
  if (!stderr.isCharacterDevice() || stderr.rdev === statSync('/dev/null', { throwIfNoEntry: false })?.rdev) return false;
  return process.stderr.isTTY === true;
}

/** startProgress() over the sizes of these inputs: what a command calls before collapse(). */
export async function progressFor(label: string, inputs: readonly unknown[], quiet = false): Promise<Progress> {
  if (quiet || !stderrIsTerminal()) return SILENT;
  return startProgress({ label, total: await inputBytes(inputs), quiet });
}

/** A progress display's callbacks for collapse(): the bytes read, and warnings written above its line. */
export function progressCallbacks(progress: Progress): Pick<CollapseOptions, 'onProgress' | 'onWarning'> {
  return {
    ...(progress.onProgress && { onProgress: progress.onProgress }),
    onWarning: (m) => progress.log(`flamefold: warning: ${m}`),
  };
}

/** collapse() with a progress display; warnings are written above its line. */
export async function collapseWithProgress(
  label: string,
  inputs: string[],
  options: Omit<CollapseOptions, 'onProgress' | 'onWarning'>,
  quiet: boolean,
): Promise<CollapseResult> {
  const progress = await progressFor(label, inputs, quiet);
  try {
    return await collapse(inputs, { ...options, ...progressCallbacks(progress) });
  } finally {
    progress.stop(); // before any output: it may go to the same terminal
  }
}
