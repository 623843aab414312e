// A parallel-collapse worker: instantiates its own wasm instance as soon as
// it starts (while the main thread plans the ranges), then, given its task,
// parses byte ranges of the file (taking the next range not yet taken by any
// thread, until none is left), then, when the main thread asks, hands over its stacks piece by
// piece (see assembly/output/exchange.ts), so no side ever holds them all twice.
// Pieces pass through one shared buffer, so the hand-over allocates nothing.

import { open } from '../util/file-handle.js';
import { parentPort, workerData } from 'node:worker_threads';
import { adoptCoreModule, CoreSession, type CoreEvent, type SessionOptions, type SnapshotState } from '../core.js';
import type { ParsedFormat } from '../formats/registry.js';
import type { RangeNotes } from './range-notes.js';
import { readRanges } from './read-range.js';
import { mark } from './trace.js';
mark('worker script start');

export interface WorkerTask {
  path: string;
  /** The file's ranges, each starting at a record boundary. */
  ranges: [number, number][];
  /** The snapshot each range starts in, for a --window (readRanges). */
  states?: SnapshotState[] | undefined;
  /** The range this worker starts with. */
  first: number;
  /** Int32: the index of the next range no thread has taken. */
  next: SharedArrayBuffer;
  format: ParsedFormat;
  options: SessionOptions;
  /** Post `{ progress: bytes }` messages while parsing. */
  report: boolean;
  /** A core is spare to read ahead (readRange). */
  readAhead: boolean;
  /**
   * `ranges` holds only the ranges found so far (the file is still being
   * cut): the whole list follows as an `{ allRanges }` message, awaited before
   * the worker takes another range.
   */
  partial: boolean;
}

/** What a worker starts with (its workerData), before its task is known. */
export interface WorkerBoot {
  /** The core, compiled once by the main thread. */
  module: WebAssembly.Module;
  /** Where pieces are handed over; a larger piece goes as a message of its own. */
  exchange: SharedArrayBuffer;
}

/** Worker → main. `parsed` says no range is left; then each `next` request gets a `piece` or `done`. */
export type WorkerReply =
  | { progress: number }
  | { parsed: true; events: CoreEvent[]; matchedSections: number; ranges: RangeNotes[] } // pmcstat events, for CoreSession.mergeEvents; its ranges' notes
  | { piece: number | Uint8Array } // its length in the exchange buffer, or the piece itself
  | { done: true }
  | { error: string }; // a line number in it counts from the start of the file

/** Main → worker: first its task (and the whole list of ranges, if it was partial), then requests for the next piece of stacks. */
export type WorkerRequest = WorkerTask | { allRanges: [number, number][] } | 'next';

// Progress goes out in steps of this many bytes, not per chunk.
const PROGRESS_STEP = 16 << 20;

async function parse(session: CoreSession, task: WorkerTask, rest: Promise<unknown> | undefined, post: (reply: WorkerReply) => void): Promise<RangeNotes[]> {
  mark('worker parse begin');
  session.applyOptions(task.options);
  const fh = await open(task.path, 'r');
  try {
    let pending = 0;
    const onProgress = task.report
      ? (n: number) => {
          pending += n;
          if (pending >= PROGRESS_STEP) {
            post({ progress: pending });
            pending = 0;
          }
        }
      : undefined;
    const ranges = await readRanges(session, fh, task.ranges, task.first, new Int32Array(task.next), task.format, task.readAhead, onProgress, task.states, rest);
    mark(`worker parsed`);
    if (pending > 0) post({ progress: pending });
    return ranges;
  } finally {
    await fh.close();
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  const boot = workerData as WorkerBoot;
  const post = (reply: WorkerReply, transfer?: ArrayBuffer[]): void => port.postMessage(reply, transfer);
  adoptCoreModule(boot.module);
  const exchange = new Uint8Array(boot.exchange);
  // Instantiated while the main thread plans the ranges; the task comes first, then requests for pieces.
  const session = new CoreSession();
  mark('worker instantiated');
  let pieces: Generator<Uint8Array> | undefined;
  let ranges: [number, number][] = [];
  let allRanges = (): void => {};
  port.on('message', (request: WorkerRequest) => {
    if (typeof request === 'object' && 'allRanges' in request) {
      ranges.splice(0, ranges.length, ...request.allRanges); // the array readRanges reads
      allRanges();
      return;
    }
    if (request !== 'next') {
      ranges = request.ranges;
      const rest = request.partial ? new Promise<void>((resolve) => (allRanges = resolve)) : undefined;
      parse(session, request, rest, post).then(
        (ranges) => {
          pieces = session.exportPieces(exchange.length);
          post({ parsed: true, events: session.events(), matchedSections: session.matchedSections(), ranges });
        },
        (err: Error) => post({ error: err.message }),
      );
      return;
    }
    // The main thread asks for the next piece only once it has merged this one.
    try {
      const r = pieces!.next();
      if (r.done) {
        post({ done: true });
      } else if (r.value.length <= exchange.length) {
        exchange.set(r.value);
        post({ piece: r.value.length });
      } else {
        const copy = r.value.slice();
        post({ piece: copy }, [copy.buffer]);
      }
    } catch (err) {
      post({ error: (err as Error).message });
    }
  });
}
