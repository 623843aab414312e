#!/usr/bin/env node
// The `flamefold` command: a thin layer of argument parsing over the API.

import { existsSync, readFileSync } from 'node:fs';
import { InputError, OutputError, UsageError, systemErrorText } from '../errors.js';
import { removeTempFilesOnSignals } from '../output/temp-files.js';
import { PACKAGE_ROOT } from '../package-root.js';

interface Command {
  help: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  collapse: () => import('./collapse.js'),
  diff: () => import('./diff.js'),
  compare: () => import('./compare.js'),
  cpi: () => import('./cpi.js'),
  svg: () => import('./svg.js'),
  top: () => import('./top.js'),
  timeline: () => import('./timeline.js'),
  serve: () => import('./serve.js'),
  batch: () => import('./batch.js'),
  bench: () => import('./bench.js'),
};

const usage = `Usage: flamefold <command> [options] [FILE...]
       flamefold CAPTURE... [options] -o out.svg   (draw captures as a flame graph)

Commands:
  collapse   fold captures (DTrace, pmcstat, procstat, perf, bpftrace, folded) into folded stacks
  diff       two profiles into two-count folded stacks (differential input)
  compare    functions whose share grew or shrank most; exit 1 above --threshold
  cpi        CPI flame graph: widths from cycles, colours from cycles per instruction
  svg        draw captures (any format, or folded stacks) as an interactive SVG flame graph
  top        the hottest functions by self and by total, as a table or JSON
  timeline   a capture's samples over time as a heat map (SVG), to choose a --window
  serve      a local web page: a capture's timeline; drag a window to see its flame graph
  batch      convert many captures at once, one output file each, with a summary
  bench      measure read / fold / end-to-end throughput (MB/s) on your captures

Run "flamefold <command> --help" for a command's options.
Options: -h, --help  this help;  -V, --version  the version.

Exit codes: 0 success (also when the output's reader stops reading, as "| head" does);
1 bad input, or the output cannot be written (compare: also a regression); 2 usage
error; 70 internal error (a bug: please report it); 128+N stopped by signal N
(130 Ctrl-C, 143 kill), temporary files removed.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      process.stdout.write(usage);
      return first === undefined ? 2 : 0;
    }
    if (first === '-V' || first === '--version') {
      process.stdout.write(`flamefold ${version()}\n`);
      return 0;
    }
    const load = COMMANDS[first];
    if (load) return await (await load()).run(rest);
    // Not a command: the arguments are captures to draw (`flamefold cap.txt -o out.svg`),
    // unless the first is a bare word that names no file, which is more likely a mistyped command.
    if (/^[a-z][a-z-]*$/.test(first) && !existsSync(first)) throw new UsageError(`unknown command '${first}'`);
    return await (await import('./svg.js')).runCaptures(argv);
  } catch (err) {
    return failed(err);
  }
}

/** The exit code for a failure, its one-line message printed: never a stack trace. */
function failed(err: unknown): number {
  failureHandled = true;
  if (err instanceof UsageError) {
    process.stderr.write(`flamefold: ${err.message}\nRun "flamefold --help" for usage.\n`);
    return 2;
  }
  // The reader of our output went away (`flamefold collapse big | head`): it has what it wanted.
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
  if (stdoutFailure !== undefined && err === stdoutFailure) err = new OutputError('standard output', systemErrorText(err), stdoutFailure.code);
  // The core's own failures (out of memory while drawing) are not the input's fault, but need no stack trace either.
  if (err instanceof InputError || err instanceof OutputError || (err as Error).name === 'CoreError') {
    process.stderr.write(`flamefold: ${(err as Error).message}\n`);
    return 1;
  }
  return internalError(err);
}

/** A failure flamefold did not foresee: one line asking for a report (the stack with FLAMEFOLD_DEBUG=1). */
function internalError(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`flamefold: internal error: ${message.split('\n')[0]} — please report it\n`);
  if (process.env.FLAMEFOLD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EX_SOFTWARE;
}

// sysexits.h: an internal software error.
const EX_SOFTWARE = 70;

/**
 * Calls `attach` with process.stdout (or stderr) when something first uses it,
 * and says whether anything has. Node makes the stream on first use, loading
 * its stream modules: a few milliseconds of a small run's start-up, which a
 * run that writes only to files never needs.
 */
function onFirstUse(name: 'stdout' | 'stderr', attach: (stream: NodeJS.WriteStream) => void): () => boolean {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  const make = descriptor?.get;
  if (!make || !descriptor.configurable) {
    attach(process[name]);
    return () => true;
  }
  let made = false;
  Object.defineProperty(process, name, {
    ...descriptor,
    get(): NodeJS.WriteStream {
      const stream = make.call(process) as NodeJS.WriteStream; // Node's getter makes it once
      if (!made) {
        made = true;
        attach(stream);
      }
      return stream;
    },
  });
  return () => made;
}

// Every write to stdout, the commands' own (help, reports) included, fails here rather than
// as an unhandled 'error' event: a closed pipe or a full disk becomes an exit code and a line.
let stdoutFailure: NodeJS.ErrnoException | undefined;
let failureHandled = false;
const stdoutUsed = onFirstUse('stdout', (out) =>
  out.on('error', (err: NodeJS.ErrnoException) => {
    stdoutFailure ??= err;
  }),
);
onFirstUse('stderr', (err) => err.on('error', () => {})); // nowhere left to say it: the exit code still does

/** Waits until stdout has taken what was written to it (or failed). */
async function stdoutWritten(): Promise<void> {
  if (!stdoutUsed()) return;
  const out = process.stdout;
  // A failed synchronous write (stdout on a file) reports its error on the next tick.
  if (out.destroyed || out.writableLength === 0) return new Promise((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done).off('error', done).off('close', done);
      resolve();
    };
    out.on('drain', done).on('error', done).on('close', done);
  });
}

const stop = (err: unknown): void => {
  process.exit(failed(err));
};
process.on('uncaughtException', stop);
process.on('unhandledRejection', stop);
removeTempFilesOnSignals();

// A promise chain, not top-level await: the CLI ships as one CommonJS file (scripts/bundle-cli.mjs).
void main(process.argv.slice(2)).then(async (code) => {
  await stdoutWritten();
  // A failed write the command did not wait for (its help, say) is still a failure.
  process.exitCode = stdoutFailure && !failureHandled ? failed(stdoutFailure) || code : code;
});
