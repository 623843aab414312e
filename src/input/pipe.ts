// Reading a pipe fast. A pipe gives at most its buffer (64 KiB) per read, and
// reads that each come back through the event loop cost more than the bytes
// (1 GB: 16,000 reads, twice the parse time). So a large pipe is read by a
// thread of its own with blocking reads into a ring of shared 1 MiB slots,
// and this thread parses each slot as it fills: the two overlap on two cores.

import { openWaiting } from '../util/file-handle.js';
import { CHUNK_SIZE } from '../core.js';
import { LEAN_WORKER_LIMITS, newWorker, workerScript } from '../parallel/worker-script.js';
import { END, FAILED, type RingTask } from './pipe-ring.js';

const SLOTS = 4;
const READER_SCRIPT = workerScript('pipe-worker');

/** A ring of SLOTS slots of CHUNK_SIZE bytes for a thread to fill, its other fields given. */
export function newRing<T extends object>(fields: T): T & RingTask {
  return {
    ...fields,
    data: new SharedArrayBuffer(SLOTS * CHUNK_SIZE),
    states: new SharedArrayBuffer(4 * SLOTS),
    slots: SLOTS,
    slotBytes: CHUNK_SIZE,
  };
}

/**
 * The bytes of the pipe (or other unseekable file) at `path` in chunks of up
 * to CHUNK_SIZE. A chunk may be a view of memory reused once the next one is
 * asked for: copy what must be kept. The pipe is opened once and held open to
 * the end: a writer never sees it without a reader.
 */
export async function* pipeChunks(path: string): AsyncGenerator<Uint8Array> {
  const fh = await openWaiting(path, 'r');
  try {
    // The first chunk is read here: a small input needs no reader thread.
    let first = Buffer.allocUnsafe(CHUNK_SIZE);
    let size = 0;
    for (let n = -1; n !== 0 && size < first.length; size += n) n = (await fh.read(first, size, first.length - size, null)).bytesRead;
    first = first.subarray(0, size);
    if (first.length > 0) yield first;
    if (first.length === CHUNK_SIZE) yield* ringChunks(READER_SCRIPT, newRing({ fd: fh.fd }));
  } finally {
    await fh.close();
  }
}

/**
 * The chunks a thread running `script` fills a ring with (its task: the
 * ring, and what the script needs), each yielded as a view of the ring that
 * is handed back to the thread when the next is asked for.
 */
export async function* ringChunks(script: URL, task: RingTask): AsyncGenerator<Uint8Array> {
  const state = new Int32Array(task.states);
  const reader = newWorker(script, { workerData: task, resourceLimits: LEAN_WORKER_LIMITS });
  let message: string | undefined;
  let failure: Error | undefined;
  // This listener also keeps the event loop alive while the slots are awaited (Atomics.waitAsync does not).
  reader.on('message', (m: string) => (message = m));
  reader.on('error', (err) => (failure = err));
  const exited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));
  try {
    for (let slot = 0; ; slot = (slot + 1) % task.slots) {
      while (Atomics.load(state, slot) === 0) {
        if (failure) throw failure;
        const wait = Atomics.waitAsync(state, slot, 0);
        if (!wait.async) continue;
        // The reader marks every slot before it ends; if it ended without, it died.
        if ((await Promise.race([wait.value, exited.then(() => 'exited' as const)])) === 'exited' && Atomics.load(state, slot) === 0) {
          throw failure ?? new Error('the reader thread stopped');
        }
      }
      const n = Atomics.load(state, slot);
      if (n === END) return;
      if (n === FAILED) {
        await exited; // its message comes before it ends
        throw new Error(message ?? 'read error');
      }
      yield new Uint8Array(task.data, slot * task.slotBytes, n);
      Atomics.store(state, slot, 0);
      Atomics.notify(state, slot);
    }
  } finally {
    // Also when the consumer gives up (it must return() this generator): the reader stops.
    await reader.terminate();
  }
}
