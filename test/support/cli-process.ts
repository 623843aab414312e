// Running the CLI as a child process the test can watch, signal and time out:
// the output tests need a process that is still running (to signal it while it
// writes, to see it fail before it reads a FIFO nobody writes to).

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { CLI } from './helpers.js';

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from start to exit. */
  ms: number;
  /** The test gave up waiting and killed it. */
  timedOut: boolean;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
}

/** Starts `flamefold ARGS`; it is killed (timedOut) if it runs past `timeoutMs`. */
export function startCli(
  args: string[],
  options: { cwd?: string; stdio?: StdioOptions; timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Running {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
  return { child, done };
}

/** Runs `flamefold ARGS` to the end. */
export const runCliAsync = (args: string[], options: Parameters<typeof startCli>[1] = {}): Promise<Finished> =>
  startCli(args, options).done;

/** The temporary files (`.NAME.PID.HEX.tmp`) in `dir`. */
export const tempFilesIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

/** Waits (polling every millisecond or so) until `test` holds; false if `child` exits or `ms` pass first. */
export async function waitUntil(test: () => boolean, child: ChildProcess, ms = 30_000): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end && child.exitCode === null && child.signalCode === null) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return false;
}

/** Stderr has no Node stack trace or unhandled-error report in it. */
export function noStackTrace(stderr: string): boolean {
  return !/\n\s+at |Unhandled|node:internal|throw er;/.test(stderr);
}
