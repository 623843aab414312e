#!/usr/bin/env node
// The `flamefold` command: a thin layer of argument parsing over the API.

import { existsSync, readFileSync } from 'node:fs';
import { InputError, OutputError, UsageError } from '../errors.js';

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
  batch: () => import('./batch.js'),
  bench: () => import('./bench.js'),
};

const usage = `Usage: flamefold <command> [options] [FILE...]
       flamefold CAPTURE... [options] -o out.svg   (draw captures as a flame graph)

Commands:
  collapse   fold captures (DTrace, pmcstat, procstat, folded) into folded stacks
  diff       two profiles into two-count folded stacks (differential input)
  compare    functions whose share grew or shrank most; exit 1 above --threshold
  cpi        CPI flame graph: widths from cycles, colours from cycles per instruction
  svg        draw folded stacks as an interactive SVG flame graph
  batch      convert many captures at once, one output file each, with a summary
  bench      measure read / fold / end-to-end throughput (MB/s) on your captures

Run "flamefold <command> --help" for a command's options.
Options: -h, --help  this help;  -V, --version  the version.
Exit codes: 0 success, 1 bad input (compare: also a regression), 2 usage error.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
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
    if (err instanceof UsageError) {
      process.stderr.write(`flamefold: ${err.message}\nRun "flamefold --help" for usage.\n`);
      return 2;
    }
    // The reader of our output went away (`flamefold collapse big | head`): it has what it wanted.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    // The core's own failures (out of memory while drawing) are not the input's fault, but need no stack trace either.
    if (err instanceof InputError || err instanceof OutputError || (err as Error).name === 'CoreError') {
      process.stderr.write(`flamefold: ${(err as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`flamefold: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
