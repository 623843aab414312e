// The thread that decompresses a gzip file (see gunzip.ts): it reads the
// file, inflates it and fills a shared ring with the text while the main
// thread parses the slots filled before. Inflating here rather than on the
// main thread's stream keeps the chunks read and inflated, garbage once
// copied, in a small heap collected often (garbage.ts), not beside the tables.

import { readSync } from 'node:fs';
import { once } from 'node:events';
import { createGunzip, type Gunzip } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter } from './pipe-ring.js';
import { garbageCounter } from './garbage.js';
import type { GunzipTask } from './gunzip.js';

const READ_BYTES = 256 << 10;

/**
 * Writes the file into the gunzip, read at positions (the descriptor is the
 * main thread's: it is neither moved nor closed here), then ends it.
 */
async function feed(task: GunzipTask, gunzip: Gunzip): Promise<void> {
  const consumed = new BigInt64Array(task.consumed);
  for (let pos = 0; ; ) {
    const chunk = Buffer.allocUnsafe(READ_BYTES); // the gunzip holds it until inflated: not reused
    const n = readSync(task.fd, chunk, 0, READ_BYTES, pos);
    if (n === 0) break;
    pos += n;
    Atomics.add(consumed, 0, BigInt(n));
    if (!gunzip.write(chunk.subarray(0, n))) await once(gunzip, 'drain');
  }
  gunzip.end();
}

async function run(task: GunzipTask, ring: RingWriter): Promise<void> {
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  const fed = feed(task, gunzip);
  fed.catch((err: Error) => gunzip.destroy(err)); // a read error ends the iteration below
  const garbage = garbageCounter();
  for await (const text of gunzip as AsyncIterable<Buffer>) {
    ring.write(text); // waits (blocking this thread) for free slots
    garbage(text.length);
  }
  await fed;
  ring.end();
}

if (parentPort && workerData) {
  const port = parentPort;
  const ring = new RingWriter(workerData as GunzipTask);
  run(workerData as GunzipTask, ring).catch((err: Error) => {
    port.postMessage(err.message);
    ring.fail();
  });
}
