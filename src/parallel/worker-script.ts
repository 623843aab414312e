// Where a worker thread's script is, and the flags it runs with. Workers run
// built JavaScript: under the test runner this module is the TypeScript source
// in src/, and the scripts are its compiled twins in dist/ (`npm test` builds first).

const SOURCE_ROOT = new URL('../', import.meta.url); // src/ or dist/
const BUILT_ROOT = import.meta.url.endsWith('.ts') ? new URL('../dist/', SOURCE_ROOT) : SOURCE_ROOT;

/** The built script of a module given by its path under src/ without extension, e.g. `parallel/worker`. */
export function workerScript(module: string): URL {
  return new URL(`${module}.js`, BUILT_ROOT);
}

/** Node's flags for workers: the process's, but not those that only apply to a main script given as text. */
export const workerExecArgv = (): string[] => process.execArgv.filter((a) => !a.startsWith('--input-type'));
