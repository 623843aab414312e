// Parallel collapse of one file: cut into byte ranges at record boundaries,
// handed out one at a time to this thread and to worker threads (each with its
// own wasm instance) as they become free, then the workers' stacks merged
// into this session.

import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { CHUNK_SIZE, CoreError, coreModule, type CoreEvent, type CoreSession } from '../core.js';
import { formatNamed, type ParsedFormat } from '../formats/registry.js';
import type { WorkerReply, WorkerRequest, WorkerTask } from './worker.js';
import { workerScript } from './worker-script.js';

/** Below this size a file is parsed on one thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/**
 * Ranges per thread. With one range each, a worker that starts late (a new
 * isolate takes tens of milliseconds) leaves this thread idle at the end;
 * smaller ranges taken as threads become free even that out.
 */
export const RANGES_PER_THREAD = 4;
const WINDOW = 1 << 20;
/** Size of the buffer a worker hands its pieces over in (and of the pieces): small, as three copies are alive. */
export const EXCHANGE_BYTES = 1 << 18;
const WORKER_SCRIPT = workerScript('parallel/worker');

export const defaultJobs = (): number => availableParallelism();

/** Node's flags for workers: the process's, but not those that only apply to a main script given as text. */
export const workerExecArgv = (): string[] => process.execArgv.filter((a) => !a.startsWith('--input-type'));

/** `count` byte ranges of the file, cut at record boundaries near equal shares; fewer when boundaries are rare. */
export async function planRanges(fh: FileHandle, size: number, format: ParsedFormat, count: number): Promise<[number, number][]> {
  const rule = formatNamed(format).boundary;
  const cuts: number[] = [0];
  const window = Buffer.alloc(WINDOW);
  for (let k = 1; k < count; k++) {
    let at = Math.floor((size * k) / count);
    if (at <= cuts[cuts.length - 1]!) continue; // a long record ran past this share: no sliver of a range
    let cut = -1;
    // Scan forward window by window (overlapping by a line) until a boundary turns up.
    while (cut < 0 && at < size) {
      const { bytesRead } = await fh.read(window, 0, WINDOW, at - 1 >= 0 ? at - 1 : 0);
      const start = at > 0 ? 1 : 0; // the byte before `at` says whether `at` starts a line
      const atLineStart = at === 0 || window[0] === 10;
      const found = rule(window.subarray(start, bytesRead), atLineStart);
      if (found >= 0) cut = at + found;
      else if (bytesRead < WINDOW) break;
      else at += WINDOW - 4096;
    }
    if (cut < 0 || cut >= size) break; // no boundary left
    cuts.push(cut);
  }
  cuts.push(size);
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) ranges.push([cuts[i]!, cuts[i + 1]!]);
  return ranges;
}

/** Two read buffers of CHUNK_SIZE, for parseRange. */
export type ReadBuffers = readonly [Buffer, Buffer];
export const readBuffers = (): ReadBuffers => [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)];

/**
 * Parses [start, end) of an open file into the session (already begun). Two
 * buffers alternate: the next chunk is read (on libuv's threads) while the
 * core parses this one, so reading costs a memory copy instead of a wait.
 */
export async function parseRange(
  session: CoreSession,
  fh: FileHandle,
  start: number,
  end: number,
  onProgress?: (bytes: number) => void,
  buffers: ReadBuffers = readBuffers(),
): Promise<void> {
  const readInto = (i: 0 | 1, pos: number) => fh.read(buffers[i], 0, Math.min(CHUNK_SIZE, end - pos), pos);
  let i: 0 | 1 = 0;
  let pos = start;
  let pending = pos < end ? readInto(i, pos) : undefined;
  while (pending) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) break;
    pos += bytesRead;
    const next = (i ^ 1) as 0 | 1;
    pending = pos < end ? readInto(next, pos) : undefined;
    try {
      session.write(buffers[i].subarray(0, bytesRead));
    } catch (err) {
      await pending; // the file is closed next: let the read in flight finish first
      throw err;
    }
    onProgress?.(bytesRead);
    i = next;
  }
}

/** Newlines in [0, end) of the file: turns a worker's line number into the file's. */
async function linesBefore(fh: FileHandle, end: number): Promise<number> {
  const buf = Buffer.alloc(WINDOW);
  let lines = 0;
  for (let pos = 0; pos < end; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(WINDOW, end - pos), pos);
    if (bytesRead === 0) break;
    for (let i = buf.indexOf(10, 0); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) lines++;
    pos += bytesRead;
  }
  return lines;
}

/**
 * Parses range `first`, then the ranges a shared counter hands this thread
 * (`next`: the index of the next range not taken, across all threads), each
 * from a record boundary. An error's line is counted from the start of the file.
 */
export async function parseRanges(
  session: CoreSession,
  fh: FileHandle,
  ranges: readonly [number, number][],
  first: number,
  next: Int32Array,
  format: ParsedFormat,
  onProgress?: (bytes: number) => void,
): Promise<void> {
  const buffers = readBuffers(); // one pair for all the ranges: garbage would count in RSS
  for (let i = first; i < ranges.length; i = Atomics.add(next, 0, 1)) {
    const [start, end] = ranges[i]!;
    try {
      session.beginInput(format);
      await parseRange(session, fh, start, end, onProgress, buffers);
      session.endInput();
    } catch (err) {
      if (!(err instanceof CoreError) || start === 0) throw err;
      throw await inFile(err.message, start, fh);
    }
  }
}

/** A worker parsing ranges; `merge` pulls its stacks into the session, piece by piece. */
interface RangeWorker {
  /** Resolves when no range is left, with its pmcstat events (section headers are not stacks). */
  parsed: Promise<{ events: CoreEvent[]; matchedSections: number }>;
  merge(session: CoreSession): Promise<void>;
  worker: Worker;
}

type RangeTask = Omit<WorkerTask, 'module' | 'exchange'>;

function startWorker(ranges: RangeTask, onProgress?: (bytes: number) => void): RangeWorker {
  const exchange = new SharedArrayBuffer(EXCHANGE_BYTES);
  const task: WorkerTask = { ...ranges, module: coreModule(), exchange };
  // A small young generation: the worker's JavaScript makes little garbage, and RSS counts.
  const worker = new Worker(WORKER_SCRIPT, {
    workerData: task,
    execArgv: workerExecArgv(),
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  let onPiece: ((piece: Uint8Array | null) => void) | undefined;
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const parsed = new Promise<{ events: CoreEvent[]; matchedSections: number }>((resolve) => {
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
    parsed: parsedOrFailed,
    worker,
    async merge(session) {
      for (let piece = await nextPiece(); piece !== null; piece = await nextPiece()) session.importPiece(piece);
    },
  };
}

/** An error in a range starting at `start`, its line number counted from the start of the file. */
async function inFile(message: string, start: number, fh: FileHandle): Promise<CoreError> {
  const m = /^line (\d+) (.*)$/s.exec(message);
  if (!m || start === 0) return new CoreError(message);
  return new CoreError(`line ${Number(m[1]) + (await linesBefore(fh, start))} ${m[2]}`);
}

/**
 * Parses the ranges with `jobs` threads: this one and workers, each taking
 * the next range as it becomes free; then merges the workers' stacks.
 */
export async function feedRangesInParallel(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  ranges: [number, number][],
  format: ParsedFormat,
  jobs: number,
  onProgress?: (bytes: number) => void,
): Promise<void> {
  const options = session.optionsSnapshot();
  const report = onProgress !== undefined;
  // Each thread starts with a range of its own (this one: the first), then takes the next free one.
  const threads = Math.min(jobs, ranges.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  next[0] = threads;
  const workers = Array.from({ length: threads - 1 }, (_, k) =>
    startWorker({ path, ranges, first: k + 1, next: next.buffer as SharedArrayBuffer, format, options, report }, onProgress),
  );
  try {
    await parseRanges(session, fh, ranges, 0, next, format, onProgress);
    // Merged one after another, each worker freed as soon as its stacks are in.
    for (const w of workers) {
      const { events, matchedSections } = await w.parsed;
      await w.merge(session);
      session.mergeEvents(events, matchedSections);
      void w.worker.terminate();
    }
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
