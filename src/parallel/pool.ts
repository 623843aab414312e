// Parallel collapse of one file: its ranges (see plan.ts) handed out one at a
// time to this thread and to worker threads (each with its own wasm instance)
// as they become free, then the workers' stacks merged into this session.

import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { CoreError, coreModule, type CoreEvent, type CoreSession, type InputNotes, type RangeSnapshots, type SnapshotState } from '../core.js';
import type { ParsedFormat } from '../formats/registry.js';
import { defaultJobs } from './plan.js';
import { notesInFile, type RangeNotes } from './range-notes.js';
import { readRanges } from './read-range.js';
import type { WorkerBoot, WorkerReply, WorkerRequest, WorkerTask } from './worker.js';
import { LEAN_WORKER_LIMITS, workerExecArgv, workerScript } from './worker-script.js';
import { mark } from './trace.js';

/** Size of the buffer a worker hands its pieces over in (and of the pieces): small, as three copies are alive. */
const EXCHANGE_BYTES = 1 << 18;
const WORKER_SCRIPT = workerScript('parallel-worker');

/** A worker parsing ranges; `merge` pulls its stacks into the session, piece by piece. */
interface RangeWorker {
  /** Hands the worker its task: it has booted meanwhile (a new isolate takes tens of milliseconds). */
  start(task: RangeTask): void;
  /** Resolves when no range is left, with its pmcstat events (section headers are not stacks) and its ranges' notes. */
  parsed: Promise<{ events: CoreEvent[]; matchedSections: number; ranges: RangeNotes[] }>;
  merge(session: CoreSession): Promise<void>;
  worker: Worker;
}

type RangeTask = Omit<WorkerTask, 'module' | 'exchange'>;

/** What a parallel read of a file needs: its ranges, and the snapshot each starts in (a --window), if any. */
export interface RangePlan {
  ranges: [number, number][];
  states?: SnapshotState[] | undefined;
}

function spawnWorker(onProgress?: (bytes: number) => void): RangeWorker {
  const exchange = new SharedArrayBuffer(EXCHANGE_BYTES);
  const boot: WorkerBoot = { module: coreModule(), exchange };
  const worker = new Worker(WORKER_SCRIPT, { workerData: boot, execArgv: workerExecArgv(), resourceLimits: LEAN_WORKER_LIMITS });
  let onPiece: ((piece: Uint8Array | null) => void) | undefined;
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const parsed = new Promise<{ events: CoreEvent[]; matchedSections: number; ranges: RangeNotes[] }>((resolve) => {
    worker.on('message', (reply: WorkerReply) => {
      if ('progress' in reply) onProgress?.(reply.progress);
      else if ('parsed' in reply) resolve(reply);
      else if ('piece' in reply) onPiece?.(typeof reply.piece === 'number' ? new Uint8Array(exchange, 0, reply.piece) : reply.piece);
      else if ('done' in reply) onPiece?.(null);
      else fail(new CoreError(reply.error));
    });
  });
  worker.once('error', (err) => fail(err));
  worker.once('exit', (code) => code !== 0 && fail(new Error(`worker exited with code ${code}`)));
  const nextPiece = (): Promise<Uint8Array | null> =>
    Promise.race([
      new Promise<Uint8Array | null>((resolve) => {
        onPiece = resolve;
        worker.postMessage('next' satisfies WorkerRequest);
      }),
      failed,
    ]);
  const parsedOrFailed = Promise.race([parsed, failed]);
  parsedOrFailed.catch(() => {}); // not awaited when this thread fails first (and stops the worker)
  return {
    start: (task) => worker.postMessage(task satisfies WorkerRequest),
    parsed: parsedOrFailed,
    worker,
    async merge(session) {
      for (let piece = await nextPiece(); piece !== null; piece = await nextPiece()) session.importPiece(piece);
    },
  };
}

/**
 * Parses a file's ranges with `jobs` threads: this one and workers, each
 * taking the next range as it becomes free; then merges the workers' stacks.
 * The workers are started first and boot while `plan` cuts the file (and
 * picks what every range must know, such as the event to fold: the session's
 * options are read once it resolves). Returns the file's notes and its
 * ranges' snapshots.
 */
export async function feedRangesInParallel(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  format: ParsedFormat,
  jobs: number,
  plan: () => Promise<RangePlan>,
  onProgress?: (bytes: number) => void,
): Promise<{ notes: InputNotes; snapshots: RangeSnapshots[] }> {
  mark('pool start');
  const eventsBefore = session.events().length; // the file's new events are put in file order once merged
  const workers = Array.from({ length: jobs - 1 }, () => spawnWorker(onProgress));
  try {
    const { ranges, states } = await plan();
    // Each thread starts with a range of its own (this one: the first), then takes the next free one.
    const threads = Math.min(jobs, ranges.length);
    for (const w of workers.splice(threads - 1)) void w.worker.terminate();
    const next = new Int32Array(new SharedArrayBuffer(4));
    next[0] = threads;
    const options = session.optionsSnapshot();
    const report = onProgress !== undefined;
    // A core left over reads ahead for each thread; with every core parsing, chunks are read straight into wasm memory.
    const readAhead = threads < defaultJobs();
    workers.forEach((w, k) => w.start({ path, ranges, states, first: k + 1, next: next.buffer as SharedArrayBuffer, format, options, report, readAhead }));
    mark('workers started');
    const read = await readRanges(session, fh, ranges, 0, next, format, readAhead, onProgress, states);
    mark(`main parsed`);
    // Merged one after another, each worker freed as soon as its stacks are in.
    for (const w of workers) {
      const { events, matchedSections, ranges: notes } = await w.parsed;
      mark(`worker parsed seen`);
      await w.merge(session);
      mark(`merged`);
      session.mergeEvents(events, matchedSections);
      read.push(...notes);
      await w.worker.terminate(); // its memory goes before the next worker's merge, or the output, adds to this thread's
    }
    session.eventsInFileOrder(eventsBefore);
    return { notes: notesInFile(read, session.notesKept()), snapshots: read.map((r) => r.snapshots) };
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
