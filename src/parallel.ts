// Parallel collapse of one file: cut into byte ranges at record boundaries,
// the first range parsed here while worker threads (each with its own wasm
// instance) parse the others, then their stacks merged into this session.

import { availableParallelism } from 'node:os';
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { CHUNK_SIZE, CoreError, coreModule, type CoreEvent, type CoreSession, type ParsedFormat } from './core.js';
import { BOUNDARY_RULES } from './split.js';
import type { WorkerReply, WorkerRequest, WorkerTask } from './worker.js';

/** Below this size a file is parsed on one thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
const WINDOW = 1 << 20;
/** Size of the buffer a worker hands its pieces over in (and of the pieces): small, as three copies are alive. */
export const EXCHANGE_BYTES = 1 << 18;
// Workers run built JavaScript; under the test runner this module is the TypeScript source.
const WORKER_SCRIPT = import.meta.url.endsWith('.ts')
  ? new URL('../dist/worker.js', import.meta.url)
  : new URL('./worker.js', import.meta.url);

export const defaultJobs = (): number => availableParallelism();

/** Node's flags for workers: the process's, but not those that only apply to a main script given as text. */
export const workerExecArgv = (): string[] => process.execArgv.filter((a) => !a.startsWith('--input-type'));

/** Byte ranges of the file, cut at record boundaries near equal shares; fewer when boundaries are rare. */
export async function planRanges(fh: FileHandle, size: number, format: ParsedFormat, jobs: number): Promise<[number, number][]> {
  const rule = BOUNDARY_RULES[format];
  const cuts: number[] = [0];
  const window = Buffer.alloc(WINDOW);
  for (let k = 1; k < jobs; k++) {
    let at = Math.max(Math.floor((size * k) / jobs), cuts[cuts.length - 1]!);
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
    if (cut <= cuts[cuts.length - 1]! || cut >= size) break;
    cuts.push(cut);
  }
  cuts.push(size);
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) ranges.push([cuts[i]!, cuts[i + 1]!]);
  return ranges;
}

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
): Promise<void> {
  const buffers = [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)] as const;
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

/** A worker parsing one range; `merge` pulls its stacks into the session, piece by piece. */
interface RangeWorker {
  /** Resolves when the range is read, with its pmcstat events (section headers are not stacks). */
  parsed: Promise<{ events: CoreEvent[]; matchedSections: number }>;
  merge(session: CoreSession): Promise<void>;
  worker: Worker;
}

type RangeTask = Omit<WorkerTask, 'module' | 'exchange'>;

function startWorker(range: RangeTask, fh: FileHandle, onProgress?: (bytes: number) => void): RangeWorker {
  const exchange = new SharedArrayBuffer(EXCHANGE_BYTES);
  const task: WorkerTask = { ...range, module: coreModule(), exchange };
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
      else void workerError(reply.error, task.start, fh).then(fail, fail);
    });
  });
  worker.once('error', (err) => fail(err));
  worker.once('exit', (code) => code !== 0 && fail(new Error(`worker exited with code ${code}`)));
  const next = (): Promise<Uint8Array | null> =>
    Promise.race([
      new Promise<Uint8Array | null>((resolve) => {
        onPiece = resolve;
        worker.postMessage('next' satisfies WorkerRequest);
      }),
      failed,
    ]);
  return {
    parsed: Promise.race([parsed, failed]),
    worker,
    async merge(session) {
      for (let piece = await next(); piece !== null; piece = await next()) session.importPiece(piece);
    },
  };
}

/** A worker's error as the core's, its line number counted from the start of the file. */
async function workerError(message: string, start: number, fh: FileHandle): Promise<CoreError> {
  const m = /^line (\d+) (.*)$/s.exec(message);
  if (!m) return new CoreError(message);
  return new CoreError(`line ${Number(m[1]) + (await linesBefore(fh, start))} ${m[2]}`);
}

/**
 * Parses the ranges after the first in workers while this thread parses the
 * first (the session has begun its input), then merges their stacks.
 */
export async function feedRangesInParallel(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  ranges: [number, number][],
  format: ParsedFormat,
  onProgress?: (bytes: number) => void,
): Promise<void> {
  const options = session.optionsSnapshot();
  const report = onProgress !== undefined;
  const workers = ranges.slice(1).map(([start, end]) => startWorker({ path, start, end, format, options, report }, fh, onProgress));
  try {
    const [start, end] = ranges[0]!;
    await parseRange(session, fh, start, end, onProgress);
    session.endInput();
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
