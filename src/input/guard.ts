// Core failures (bad input the core cannot go past, out of memory) as errors
// that name the input, with its line when the core gave one.

import { CoreError } from '../core.js';
import { InputError } from '../errors.js';

/** Runs core calls for one input, turning core failures into errors that name it. */
export function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CoreError || err instanceof WebAssembly.RuntimeError) {
      const message = (err as Error).message;
      const m = /^line (\d+) (.*)$/.exec(message);
      if (m) throw new InputError(name, m[2]!, Number(m[1]));
      throw new InputError(name, message);
    }
    throw err;
  }
}

/** guarded() for async work: core failures in this thread or a worker's name the input. */
export async function guardedAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return guarded(name, () => {
      throw err;
    });
  }
}
