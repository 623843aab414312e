// What an export keeps per frame (a pprof function id, a speedscope frame
// index, top's sums), made once per frame id of a result from the frame's
// name: the stacks then go by id, never hashing a name again.

import type { CollapseResult } from '../api/collapse.js';

/** `make(name)` of each frame id of `result`, made on first use and remembered. */
export function perFrame<T>(result: CollapseResult, make: (name: string) => T): (id: number) => T {
  const name = result.frameNames();
  // Ids index a typed array: a plain array written at scattered ids would go sparse (a dictionary).
  const slot = new Int32Array(result.totals.frames); // 1 + the index of the id's value; 0 before it is made
  const values: T[] = [];
  return (id) => {
    const k = slot[id]!;
    if (k !== 0) return values[k - 1]!;
    values.push(make(name(id)));
    slot[id] = values.length;
    return values[values.length - 1]!;
  };
}
