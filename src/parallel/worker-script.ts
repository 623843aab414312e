// Where a worker thread's script is, and the flags it runs with. Workers run
// one bundled file each (dist/flamefold-NAME.cjs, made by scripts/bundle-cli.mjs
// from tsc's modules), whoever starts them: the CLI bundle, the API in dist/,
// or the TypeScript source under the test runner (`npm test` builds first). A
// worker is a new isolate that loads its modules anew: one file instead of
// about 20 of tsc's saves it tens of milliseconds of start-up and a few MB.

import { Worker, type WorkerOptions } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../package-root.js';

/** The worker threads' scripts: scripts/bundle-cli.mjs's WORKERS names the module each is built from. */
export type WorkerName = 'parallel-worker' | 'gunzip-worker' | 'pipe-worker' | 'batch-worker';

/** The bundled script of a worker thread. */
export function workerScript(name: WorkerName): URL {
  return new URL(`dist/flamefold-${name}.cjs`, PACKAGE_ROOT);
}

/** The built script of a module given by its path under src/ without extension (e.g. `api/bench-child`), for a child process. */
export function builtScript(module: string): URL {
  return new URL(`dist/${module}.js`, PACKAGE_ROOT);
}

/**
 * Heap limits for a worker whose JavaScript holds little (a range parser, a
 * pipe or gzip reader: their bytes live in wasm memory or shared buffers), as
 * RSS counts: a small young generation, as it makes little garbage; and an old
 * generation limit, which has V8 size the new isolate's heap for it and not
 * for the machine's memory (0.9 MB less RSS per worker at start, from 256 MB
 * down alike; the default is about 4 GB here). A range worker's heap held
 * about 6 MB on W1.
 */
export const LEAN_WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 256 } as const;

/**
 * A worker running `script` under the process's Node flags, where a worker can take them. A worker
 * inherits them by default, V8's own included (`--max-old-space-size`, `--trace-gc`), which Node
 * refuses when they are passed to a worker as execArgv; but an inherited `--input-type` (a flag
 * for a main script given as text: `node --input-type=module -e`) fails the worker. Only then are
 * the flags passed, without it and V8's profiling flags (`--perf-*`, process-wide anyway); if Node
 * refuses some of the rest, the worker runs with none.
 */
export function newWorker(script: URL, options: WorkerOptions): Worker {
  if (!process.execArgv.some((a) => a.startsWith('--input-type'))) return new Worker(script, options);
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && !a.startsWith('--perf-'));
  try {
    return new Worker(script, { ...options, execArgv });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(script, { ...options, execArgv: [] });
  }
}
