// Where a worker thread's script is, and the flags it runs with. Workers run
// built JavaScript from dist/, whoever starts them: the CLI bundle, the API in
// dist/, or the TypeScript source under the test runner (`npm test` builds first).

import { PACKAGE_ROOT } from '../package-root.js';

/** The built script of a module given by its path under src/ without extension, e.g. `parallel/worker`. */
export function workerScript(module: string): URL {
  return new URL(`dist/${module}.js`, PACKAGE_ROOT);
}

/** Node's flags for workers: the process's, but not those that only apply to a main script given as text. */
export const workerExecArgv = (): string[] => process.execArgv.filter((a) => !a.startsWith('--input-type'));
