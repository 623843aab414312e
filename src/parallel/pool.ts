// Parallel collapse of one file: its ranges (see plan.ts) handed out one at a
// time to this thread and to worker threads (each with its own wasm instance)
// as they become free, then the workers' stacks merged into this session.

import type { FileHandle } from '../util/file-handle.js';
import type { Worker } from 'node:worker_threads';
import { CoreError, coreModule, type CoreEvent, type CoreSession, type InputNotes, type RangeSnapshots, type SessionOptions, type SnapshotState } from '../core.js';
import type { ParsedFormat } from '../formats/registry.js';
import { defaultJobs } from './plan.js';
import { notesInFile, type RangeNotes } from './range-notes.js';
import { readRanges } from './read-range.js';
import type { WorkerBoot, WorkerReply, WorkerRequest, WorkerTask } from './worker.js';
import { LEAN_WORKER_LIMITS, newWorker, workerScript } from './worker-script.js';
import { mark } from './trace.js';

/** Size of the buffer a worker hands its pieces over in (and of the pieces): small, as three copies are alive. */
const EXCHANGE_BYTES = 1 << 18;
const WORKER_SCRIPT = workerScript('parallel-worker');

/** A worker parsing ranges; `merge` pulls its stacks into the session, piece by piece. */
interface RangeWorker {
  /** Hands the worker its task: it has booted meanwhile (a new isolate takes tens of milliseconds). */
  start(task: RangeTask): void;
  /** Hands a worker started with a partial list of ranges the whole list. */
  allRanges(ranges: [number, number][]): void;
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
  const worker = newWorker(WORKER_SCRIPT, { workerData: boot, resourceLimits: LEAN_WORKER_LIMITS });
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
    allRanges: (ranges) => worker.postMessage({ allRanges: ranges } satisfies WorkerRequest),
    parsed: parsedOrFailed,
    worker,
    async merge(session) {
      // The next piece is asked for as soon as this one is copied out of the exchange buffer:
      // the worker makes it while this thread merges this one.
      for (let piece = await nextPiece(); piece !== null; ) {
        let next: Promise<Uint8Array | null> | undefined;
        session.importPiece(piece, () => {
          next = nextPiece();
          next.catch(() => {}); // not awaited when this merge fails (and the workers are stopped)
        });
        piece = await next!;
      }
    },
  };
}

/**
 * Parses a file's ranges with `jobs` threads: this one and workers, each
 * taking the next range as it becomes free; then merges the workers' stacks.
 * The workers are started first and boot while `plan` cuts the file (and
 * picks what every range must know, such as the event to fold, before it
 * tells a cut: the session's options are read then). A plan that tells each
 * cut as it finds it (`onCut`) has each thread start on its first range as
 * soon as that range is known, the rest of the list following when the plan
 * is done: cutting a file whose boundaries are far apart (pmcstat's sections,
 * tens of MB) reads a good part of it, and no thread parsed meanwhile.
 * Returns the file's notes and its ranges' snapshots.
 */
export async function feedRangesInParallel(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  format: ParsedFormat,
  jobs: number,
  plan: (onCut: (cut: number) => void) => Promise<RangePlan>,
  onProgress?: (bytes: number) => void,
): Promise<{ notes: InputNotes; snapshots: RangeSnapshots[] }> {
  mark('pool start');
  const eventsBefore = session.events().length; // the file's new events are put in file order once merged
  const workers = Array.from({ length: jobs - 1 }, () => spawnWorker(onProgress));
  try {
    // The ranges this thread reads from: those found so far, then all of them.
    const ranges: [number, number][] = [];
    const next = new Int32Array(new SharedArrayBuffer(4));
    const report = onProgress !== undefined;
    // A core left over reads ahead for each thread; with every core parsing, chunks are read straight into wasm memory.
    const readAhead = jobs < defaultJobs();
    let options: SessionOptions | undefined;
    let states: SnapshotState[] | undefined;
    let started = 0; // workers given their task
    const task = (k: number, list: [number, number][], partial: boolean): RangeTask =>
      ({ path, ranges: list, states, first: k + 1, next: next.buffer as SharedArrayBuffer, format, options: options!, report, readAhead, partial });
    let firstKnown = (): void => {};
    const first = new Promise<void>((resolve) => (firstKnown = resolve));
    const planned = plan((cut) => {
      ranges.push([ranges.length === 0 ? 0 : ranges[ranges.length - 1]![1], cut]);
      if (ranges.length === 1) {
        // Taken once the first range is known: the workers started on the next ones need them.
        options = session.optionsSnapshot();
        firstKnown();
      } else if (started < workers.length) {
        workers[started]!.start(task(started, ranges.slice(), true));
        started++;
      }
    });
    planned.catch(() => {}); // awaited through `rest`
    await Promise.race([first, planned]);
    options ??= session.optionsSnapshot();
    const rest = (async () => {
      const full = await planned;
      const told = ranges.length;
      if (full.ranges.slice(0, told).some(([a, b], i) => a !== ranges[i]![0] || b !== ranges[i]![1]) || (told > 0 && full.states)) {
        throw new Error("internal: a plan's ranges differ from the cuts it told");
      }
      ranges.splice(0, told, ...full.ranges);
      states = full.states;
      // Each thread starts with a range of its own (this one: the first), then takes the next free one.
      const threads = Math.min(jobs, ranges.length);
      for (const w of workers.splice(threads - 1)) void w.worker.terminate(); // none started: each had a range
      next[0] = threads;
      workers.forEach((w, k) => (k < started ? w.allRanges(ranges) : w.start(task(k, ranges, false))));
      mark('workers started');
    })();
    rest.catch(() => {}); // awaited below, unless this thread fails first
    if (ranges.length === 0) await rest; // no cut told: the plan is whole
    const read = await readRanges(session, fh, ranges, 0, next, format, readAhead, onProgress, states, rest);
    await rest; // a plan that failed while the first range was read
    mark(`main parsed`);
    // Merged one after another, each worker freed as soon as its stacks are in.
    for (const [k, w] of workers.entries()) {
      const { events, matchedSections, ranges: notes } = await w.parsed;
      mark(`worker parsed seen`);
      await w.merge(session);
      mark(`merged`);
      session.mergeEvents(events, matchedSections);
      read.push(...notes);
      // Its memory goes before the next worker's merge adds to this thread's; the last one's
      // goes while the output is made (terminating takes 4-6 ms, and this thread's memory is at its peak now).
      const exited = w.worker.terminate();
      if (k < workers.length - 1) await exited;
    }
    session.eventsInFileOrder(eventsBefore);
    return { notes: notesInFile(read, session.notesKept()), snapshots: read.map((r) => r.snapshots) };
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
