// The reader thread of a large pipe (see src/pipe.ts): blocking reads gather
// the pipe's small pieces into whole slots of a shared ring while the main
// thread parses the slots filled before.

import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { END, FAILED, type PipeReaderTask } from './pipe-ring.js';

if (parentPort && workerData) {
  const { fd, data, states, slots, slotBytes } = workerData as PipeReaderTask;
  const bytes = new Uint8Array(data);
  const state = new Int32Array(states);
  try {
    for (let slot = 0; ; slot = (slot + 1) % slots) {
      while (Atomics.load(state, slot) !== 0) Atomics.wait(state, slot, Atomics.load(state, slot)); // until parsed
      let size = 0;
      while (size < slotBytes) {
        const n = readSync(fd, bytes, slot * slotBytes + size, slotBytes - size, null);
        if (n === 0) break;
        size += n;
      }
      Atomics.store(state, slot, size > 0 ? size : END);
      Atomics.notify(state, slot);
      if (size < slotBytes) {
        if (size > 0) {
          const next = (slot + 1) % slots;
          while (Atomics.load(state, next) !== 0) Atomics.wait(state, next, Atomics.load(state, next));
          Atomics.store(state, next, END);
          Atomics.notify(state, next);
        }
        break;
      }
    }
  } catch (err) {
    parentPort.postMessage((err as Error).message);
    for (let slot = 0; slot < slots; slot++) {
      Atomics.store(state, slot, FAILED); // the main thread stops at the first slot it reads
      Atomics.notify(state, slot);
    }
  }
}
