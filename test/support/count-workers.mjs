// Preloaded (`--import` in NODE_OPTIONS, set by workerLog in helpers.ts): appends
// the script of each worker thread the process starts to the file named by
// $FLAMEFOLD_TEST_WORKER_LOG, so a test can tell that a file really was
// parsed by several threads (equal output alone cannot show it). Workers get
// the process's flags, so this runs in them too and counts the threads they
// start (batch's per-file threads starting range workers).
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const log = process.env.FLAMEFOLD_TEST_WORKER_LOG;
const threads = createRequire(import.meta.url)('node:worker_threads');
if (log) {
  const Worker = threads.Worker;
  threads.Worker = class CountedWorker extends Worker {
    constructor(script, options) {
      super(script, options);
      appendFileSync(log, `${String(script)}\n`);
    }
  };
  syncBuiltinESMExports(); // `import { Worker } from 'node:worker_threads'` now gets the counting one
}
