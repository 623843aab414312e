#!/usr/bin/env node
// The `flamefold` command: a thin layer of argument parsing over the API.

import { readFileSync } from 'node:fs';
import { InputError, UsageError } from './errors.js';

interface Command {
  help: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  collapse: () => import('./commands/collapse.js'),
};

const usage = `Usage: flamefold <command> [options] [FILE...]

Commands:
  collapse   fold captures (DTrace, pmcstat, procstat, folded) into folded stacks

Run "flamefold <command> --help" for a command's options.
Options: -h, --help  this help;  -V, --version  the version.
Exit codes: 0 success, 1 bad input, 2 usage error.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
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
    if (!load) throw new UsageError(`unknown command '${first}'`);
    return await (await load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`flamefold: ${err.message}\nRun "flamefold --help" for usage.\n`);
      return 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`flamefold: ${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`flamefold: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
