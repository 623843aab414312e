// The reader thread of a large pipe (see src/pipe.ts): blocking reads gather
// the pipe's small pieces into whole slots of a shared ring while the main
// thread parses the slots filled before.

import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter, type PipeReaderTask } from './pipe-ring.js';

if (parentPort && workerData) {
  const task = workerData as PipeReaderTask;
  const ring = new RingWriter(task);
  try {
    for (;;) {
      const room = ring.free();
      const n = readSync(task.fd, room, 0, room.length, null);
      if (n === 0) break;
      ring.filled(n);
    }
    ring.end();
  } catch (err) {
    parentPort.postMessage((err as Error).message);
    ring.fail();
  }
}
