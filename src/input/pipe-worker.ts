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
  const whenFree = (slot: number): void => {
    for (let s = Atomics.load(state, slot); s !== 0; s = Atomics.load(state, slot)) Atomics.wait(state, slot, s); // until parsed
  };
  const mark = (slot: number, value: number): void => {
    Atomics.store(state, slot, value);
    Atomics.notify(state, slot);
  };
  try {
    for (let slot = 0; ; slot = (slot + 1) % slots) {
      whenFree(slot);
      let size = 0;
      while (size < slotBytes) {
        const n = readSync(fd, bytes, slot * slotBytes + size, slotBytes - size, null);
        if (n === 0) break;
        size += n;
      }
      if (size === slotBytes) {
        mark(slot, size);
        continue;
      }
      // The end: a last short slot, then END.
      if (size > 0) {
        mark(slot, size);
        slot = (slot + 1) % slots;
        whenFree(slot);
      }
      mark(slot, END);
      break;
    }
  } catch (err) {
    parentPort.postMessage((err as Error).message);
    for (let slot = 0; slot < slots; slot++) mark(slot, FAILED); // the main thread stops at the first slot it reads
  }
}
