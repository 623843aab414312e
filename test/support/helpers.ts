// Shared test helpers: running the built CLI, generating captures, feeding the core in pieces.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CoreSession } from '../../src/core.js';
import type { ParsedFormat } from '../../src/formats/registry.js';
import { TOOLS } from './corpus.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The `flamefold` command as installed: the bundle npm run build makes (scripts/bundle-cli.mjs). */
export const CLI = join(ROOT, 'dist', 'flamefold.cjs');

/** Runs `flamefold ARGS` (with extra environment variables) and returns its outcome (stdout as a Buffer). */
export function runCli(args: string[], input?: string | Buffer, env?: Record<string, string>): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [CLI, ...args], { input, maxBuffer: 1 << 30, ...(env && { env: { ...process.env, ...env } }) });
}

/**
 * An environment under which every Node process (and its worker threads)
 * logs the script of each worker thread it starts (see count-workers.mjs);
 * `started()` reads the log. Pass `env` to a command, through a shell too.
 */
export function workerLog(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; started: () => string[]; cleanup: () => void } {
  const tmp = tempDir();
  const log = join(tmp.dir, 'workers.log');
  const preload = pathToFileURL(join(ROOT, 'test', 'support', 'count-workers.mjs')).href;
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' ');
  return {
    env: { ...process.env, ...extra, NODE_OPTIONS: nodeOptions, FLAMEFOLD_TEST_WORKER_LOG: log },
    started: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    cleanup: tmp.cleanup,
  };
}

/** Runs `flamefold ARGS` with extra environment variables, counting the worker threads it starts to parse ranges of a file. */
export function runCliCountingWorkers(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<Buffer> & { workers: number } {
  const log = workerLog(env);
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { env: log.env, maxBuffer: 1 << 30 });
    return { ...r, workers: log.started().filter((script) => script.endsWith('/flamefold-parallel-worker.cjs')).length };
  } finally {
    log.cleanup();
  }
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flamefold-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a generator from ../shared/tools with `--out` and `--expect` into `dir`; returns both paths. */
export function generate(tool: string, dir: string, name: string, args: string[]): { input: string; expected: string } {
  const input = join(dir, `${name}.txt`);
  const expected = join(dir, `${name}.expected.folded`);
  const r = spawnSync(process.execPath, [join(TOOLS, tool), ...args, '--out', input, '--expect', expected]);
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr.toString()}`);
  return { input, expected };
}

/** Folds `bytes` by feeding the core pieces of the given sizes (cycled), returning the folded text. */
export function foldInPieces(format: ParsedFormat, bytes: Uint8Array, sizes: number[], setup?: (s: CoreSession) => void): string {
  const session = new CoreSession();
  setup?.(session);
  session.beginInput(format);
  let off = 0;
  for (let i = 0; off < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    session.write(bytes.subarray(off, off + n));
    off += n;
  }
  session.endInput();
  return Buffer.concat([...session.folded()]).toString('utf8');
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** Sums the counts of folded texts and sorts the lines bytewise (the goldens' order): an oracle for merging. */
export function mergeFolded(...texts: string[]): string {
  const sum = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const at = line.lastIndexOf(' ');
      const stack = line.slice(0, at);
      sum.set(stack, (sum.get(stack) ?? 0) + Number(line.slice(at + 1)));
    }
  }
  return [...sum.keys()]
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => `${k} ${sum.get(k)}\n`)
    .join('');
}

/** The folded text of `lines` summed per stack and sorted bytewise, as collapse (and stackcollapse.pl) prints it. */
export function sortedSums(lines: [string, number][]): string {
  const sums = new Map<string, number>();
  for (const [stack, n] of lines) sums.set(stack, (sums.get(stack) ?? 0) + n);
  return [...sums.keys()]
    .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
    .map((k) => `${k} ${sums.get(k)}\n`)
    .join('');
}
