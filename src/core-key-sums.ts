// `flamefold top`'s sums as the core makes them (assembly/output/key-sums.ts):
// CoreSession.keySums() (src/core.ts), kept apart from core.ts for its
// length; it reads the same session's exports.

import type { CoreExports } from './core-types.js';

/**
 * Per key (a frame id that stands for itself and any frames mapped onto it), its
 * self and total count of one column, exactly (below 2^63: see key-sums.ts):
 * views of wasm memory, valid until the next call into the session.
 */
export interface KeySums {
  /** Per key, 4 words: self's low 32 bits and high 32, then total's. */
  words: Uint32Array;
  /** Per key, 0 when no stack (of a count ≥ 0) had it: not in the report. */
  stamps: Uint32Array;
  /** Stacks read (the lines of the folded output), and those whose count is negative, which count as zero. */
  stacks: number;
  negatives: number;
  /** Sum of the stacks' counts ≥ 0, in units (src/counts.ts). */
  samples: bigint;
}

/** Sums of the second count column (`second`) or the first; `shared` maps a frame id onto the id whose key it shares. */
export function keySumsOf(c: CoreExports, shared: ReadonlyMap<number, number>, second: boolean): KeySums {
  if (shared.size > 0) {
    const keys = new Uint32Array(c.memory.buffer, c.keySumsKeys(), c.statFrames());
    for (const [frame, key] of shared) keys[frame] = key;
  }
  c.keySums(second ? 1 : 0);
  const n = c.keySumsCount();
  const buf = c.memory.buffer; // read after the calls: memory may have grown
  return {
    words: new Uint32Array(buf, c.keySumsPtr(), 4 * n),
    stamps: new Uint32Array(buf, c.keySumsStamps(), n),
    stacks: c.keySumsStacks(),
    negatives: c.keySumsNegatives(),
    samples: c.keySumsSamples(),
  };
}
