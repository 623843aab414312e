// Where a worker thread's script is. Workers run built JavaScript: under the
// test runner this module is the TypeScript source in src/, and the scripts
// are its compiled twins in dist/ (`npm test` builds first).

const SOURCE_ROOT = new URL('../', import.meta.url); // src/ or dist/
const BUILT_ROOT = import.meta.url.endsWith('.ts') ? new URL('../dist/', SOURCE_ROOT) : SOURCE_ROOT;

/** The built script of a module given by its path under src/ without extension, e.g. `parallel/worker`. */
export function workerScript(module: string): URL {
  return new URL(`${module}.js`, BUILT_ROOT);
}
