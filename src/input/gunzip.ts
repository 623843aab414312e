// Reading a gzip file: a thread of its own reads and inflates it into a
// shared ring (gunzip-worker.ts) while this thread parses, so inflating and
// parsing run on two cores, and the text crosses into this thread without an
// allocation per chunk.

import { workerScript } from '../parallel/worker-script.js';
import { newRing, ringChunks } from './pipe.js';
import type { RingTask } from './pipe-ring.js';

const GUNZIP_SCRIPT = workerScript('gunzip-worker');

/** Main → the gunzip thread. */
export interface GunzipTask extends RingTask {
  /** The open gzip file (threads share descriptors), read from its start. */
  fd: number;
  /** BigInt64: compressed bytes read so far. */
  consumed: SharedArrayBuffer;
}

/**
 * The decompressed text of the gzip file open at `fd`, in chunks (views of a
 * ring, valid until the next is asked for, but the first: a copy, as format
 * detection may hold it past that); `onProgress` gets the compressed bytes
 * read as the chunks come.
 */
export async function* gunzipChunks(fd: number, onProgress?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const task = newRing({ fd, consumed: new SharedArrayBuffer(8) });
  const consumed = new BigInt64Array(task.consumed);
  let reported = 0n;
  let first = true;
  for await (const chunk of ringChunks(GUNZIP_SCRIPT, task)) {
    const now = Atomics.load(consumed, 0);
    if (now > reported) onProgress?.(Number(now - reported));
    reported = now;
    yield first ? chunk.slice() : chunk;
    first = false;
  }
  const now = Atomics.load(consumed, 0);
  if (now > reported) onProgress?.(Number(now - reported));
}
