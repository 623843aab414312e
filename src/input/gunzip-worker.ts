// The thread that decompresses a gzip file (see gunzip.ts): it reads the
// file and inflates it straight into the free bytes of a shared ring while
// the main thread parses the slots filled before.
//
// It drives the zlib handle under Node's gunzip stream synchronously, as
// zlib.gunzipSync() does, but into the ring's memory and from one reused
// input buffer: the stream allocated a fresh output buffer per 256 KiB (page
// faults, then garbage to collect) and its text was copied into the ring. On
// W1's 1 GB (275 MB gzipped) inflating alone took 1.81 s of CPU through the
// stream and takes 1.43 s so (medians of 3, loaded host). The handle is not
// public API: it is checked for when the thread starts, and the gzip tests
// fail if a Node version changes it. Errors are the stream's own (the handle
// reports them by destroying it): "unexpected end of file", "incorrect header check".

import { readSync } from 'node:fs';
import { constants, createGunzip, type Gunzip } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter } from './pipe-ring.js';
import type { GunzipTask } from './gunzip.js';

const READ_BYTES = 1 << 20;

/** What zlib.gunzipSync() calls under the stream: inflate from `input` into `output`, then `state` = [output left, input left]. */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, output: Uint8Array, outOff: number, outLen: number): void;
}

function zlibHandleOf(gunzip: Gunzip): { handle: ZlibHandle; state: Uint32Array } {
  const inner = gunzip as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: Uint32Array };
  const handle = inner._handle;
  if (typeof handle?.writeSync !== 'function' || !(inner._writeState instanceof Uint32Array)) {
    throw new Error(`this Node (${process.version}) has no synchronous zlib handle for gzip input`);
  }
  return { handle: handle as ZlibHandle, state: inner._writeState };
}

/**
 * Reads the file at positions (the descriptor is the main thread's: it is
 * neither moved nor closed here) and inflates it into the ring, then ends it.
 */
function inflateInto(task: GunzipTask, ring: RingWriter): void {
  const gunzip = createGunzip();
  gunzip.on('error', () => {}); // thrown below, where the handle reported it
  const { handle, state } = zlibHandleOf(gunzip);
  const consumed = new BigInt64Array(task.consumed);
  const input = Buffer.allocUnsafe(READ_BYTES);
  let pos = 0;
  let inOff = 0;
  let inLen = 0;
  let flush = constants.Z_NO_FLUSH;
  for (;;) {
    if (inOff === inLen && flush === constants.Z_NO_FLUSH) {
      inLen = readSync(task.fd, input, 0, READ_BYTES, pos);
      inOff = 0;
      pos += inLen;
      Atomics.add(consumed, 0, BigInt(inLen));
      if (inLen === 0) flush = constants.Z_FINISH; // the end: what is left comes out, or a cut file says so
    }
    const output = ring.free();
    handle.writeSync(flush, input, inOff, inLen - inOff, output, 0, output.length);
    if (gunzip.destroyed) throw gunzip.errored ?? new Error('bad gzip data');
    const outputLeft = state[0]!;
    inOff = inLen - state[1]!;
    ring.filled(output.length - outputLeft); // a full slot goes to the parser
    if (flush === constants.Z_FINISH && outputLeft > 0) break; // room to spare after the end: all is out
  }
  gunzip.destroy();
  ring.end();
}

if (parentPort && workerData) {
  const port = parentPort;
  const ring = new RingWriter(workerData as GunzipTask);
  try {
    inflateInto(workerData as GunzipTask, ring);
  } catch (err) {
    port.postMessage((err as Error).message);
    ring.fail();
  }
}
