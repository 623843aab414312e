// Getting bytes into a session: files (read ahead in 1 MiB chunks while the core parses), stdin,
// Node streams, async iterables and buffers; gzip by magic bytes; the format
// detected from the first bytes when not given. Every byte reaches the core
// through session.write(), a copy into wasm memory: reading straight into the
// core's input buffer would leave nothing to read ahead into while it parses.

import { createReadStream, fstatSync } from 'node:fs';
import { open, stat, type FileHandle } from '../util/file-handle.js';
import { CoreSession, CHUNK_SIZE, type InputNotes } from '../core.js';
import { InputError, UsageError, systemErrorText } from '../errors.js';
import { DETECT_BYTES, FORMATS, detectFormat, detectionWantsMore, formatNamed, type InputFormat, type ParsedFormat } from '../formats/registry.js';
import { PARALLEL_MIN_BYTES, defaultJobs, maxJobs, planThreadRanges } from '../parallel/plan.js';
import { readRange } from '../parallel/read-range.js';
import { guarded, guardedAsync } from './guard.js';
import { snapshotIndex, type SnapshotIndex } from '../window/snapshot-index.js';
import { noTimes } from '../window/resolve.js';
import type { WindowSpec } from '../window/spec.js';
import { feedFileWindow, pickFirstEvent } from './feed-window.js';

/** Anything a capture can be read from. A string is a file path; `-` is stdin. */
export type CollapseInput = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** How inputs are fed: threads for large files, and progress. */
export interface FeedOptions {
  jobs: number;
  splitMinBytes: number;
  /** The split size came from the caller (or $FLAMEFOLD_SPLIT_MIN_BYTES): it applies to every format. */
  splitAsked?: boolean;
  /** Called with each amount of input bytes consumed (from any thread). */
  onProgress?: (bytes: number) => void;
  /** Fold only the records in this part of each input in time (--window). */
  window?: WindowSpec | undefined;
  /** Snapshot indexes of files already read (by path), so that a window reads only its bytes (serve). */
  snapshotIndexes?: ReadonlyMap<string, SnapshotIndex> | undefined;
}

/**
 * The environment variable that moves the size from which a file is split
 * across threads, for every command and every API call that does not pass
 * `splitMinBytes`: tests and benchmarks use it to run the parallel path on
 * small files (`FLAMEFOLD_SPLIT_MIN_BYTES=0 flamefold diff -j 3 a b`).
 */
export const SPLIT_MIN_BYTES_ENV = 'FLAMEFOLD_SPLIT_MIN_BYTES';

function splitMinBytesFromEnv(): number | undefined {
  const value = process.env[SPLIT_MIN_BYTES_ENV];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${SPLIT_MIN_BYTES_ENV} needs a whole number of bytes, not '${value}'`);
  }
  return Number(value);
}

/**
 * Feed options from a caller's: large files on every core, split past
 * PARALLEL_MIN_BYTES (or $FLAMEFOLD_SPLIT_MIN_BYTES), unless it says otherwise.
 */
export function feedOptions(o: {
  jobs?: number | undefined;
  splitMinBytes?: number | undefined;
  onProgress?: ((bytes: number) => void) | undefined;
  window?: WindowSpec | undefined;
  snapshotIndexes?: ReadonlyMap<string, SnapshotIndex> | undefined;
}): FeedOptions {
  const asked = o.splitMinBytes ?? splitMinBytesFromEnv();
  return {
    ...(o.window && { window: o.window }),
    ...(o.snapshotIndexes && { snapshotIndexes: o.snapshotIndexes }),
    jobs: Math.min(o.jobs ?? defaultJobs(), maxJobs()), // the API's jobs too: see maxJobs
    splitMinBytes: asked ?? PARALLEL_MIN_BYTES,
    splitAsked: asked !== undefined,
    ...(o.onProgress && { onProgress: o.onProgress }),
  };
}

/** What feeding one input did. */
export interface FedInput {
  name: string;
  format: ParsedFormat;
  bytes: number;
  gzip: boolean;
  /** Lines the format could not read and records it dropped for having no frame, by line (see noteWarnings). */
  notes: InputNotes;
  /** Where its snapshots start, their times and samples (without a --window: with one, those read). */
  snapshots: SnapshotIndex;
}

/** A display name for an input, used in errors and warnings. */
export function inputName(input: CollapseInput, index: number): string {
  if (typeof input === 'string') return input === '-' ? '<stdin>' : input;
  if (input instanceof Uint8Array) return `<buffer ${index + 1}>`;
  return `<stream ${index + 1}>`;
}

const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

function chooseFormat(format: InputFormat, head: Uint8Array, complete: boolean, name: string): ParsedFormat {
  if (format !== 'auto') return format;
  const found = detectFormat(head, complete);
  if (found) return found;
  const nul = head.subarray(0, DETECT_BYTES).indexOf(0);
  if (nul >= 0) {
    throw new InputError(name, `cannot tell the input format: binary data (a NUL byte at offset ${nul}), not a text capture; --format forces one of: ${FORMATS.join(', ')}`);
  }
  throw new InputError(name, `cannot tell the input format from its first bytes; use --format with one of: ${FORMATS.join(', ')}`);
}

async function* chunksOf(input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

const join = (parts: Uint8Array[]): Uint8Array => (parts.length === 1 ? parts[0]! : Buffer.concat(parts));

/** Reads up to `limit` bytes from the front of a chunk stream; returns them and the rest. */
async function takeHead(
  it: AsyncIterator<Uint8Array>,
  limit: number,
): Promise<{ head: Uint8Array; done: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const r = await it.next();
    if (r.done) return { head: join(parts), done: true };
    parts.push(r.value);
    size += r.value.length;
  }
  return { head: join(parts), done: false };
}

/** The first bytes of a chunk stream that detection reads (detectionWantsMore); a copy when it had to read on. */
async function takeDetectionHead(it: AsyncIterator<Uint8Array>): Promise<{ head: Uint8Array; done: boolean }> {
  let { head, done } = await takeHead(it, DETECT_BYTES);
  while (!done && detectionWantsMore(head)) {
    head = head.slice(); // the source may reuse a chunk's memory once the next is asked for
    const more = await takeHead(it, head.length);
    head = join([head, more.head]);
    done = more.done;
  }
  return { head, done };
}

/** The first bytes of a file that detection reads (detectionWantsMore); `complete`: the whole file. */
async function readDetectionHead(fh: FileHandle): Promise<{ head: Uint8Array; complete: boolean }> {
  let head = Buffer.alloc(DETECT_BYTES);
  let length = (await fh.read(head, 0, head.length, 0)).bytesRead;
  while (length === head.length && detectionWantsMore(head)) {
    const more = Buffer.alloc(head.length * 2);
    head.copy(more);
    head = more;
    length += (await fh.read(head, length, head.length - length, length)).bytesRead;
  }
  return { head: head.subarray(0, length), complete: length < head.length };
}

async function* copies(it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value.slice();
  }
}

async function* prepend(head: Uint8Array, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/**
 * Standard input. A file is read through fs with large read-ahead buffers,
 * and a pipe by a reader thread (pipe.ts), so reading overlaps parsing
 * (process.stdin reads a pipe only while the event loop is idle, in small
 * pieces); a terminal or a socket stays as it is.
 */
function stdinChunks(): AsyncIterable<Uint8Array> {
  const stat = fstatSync(0);
  if (stat.isFile()) return chunksOf(createReadStream('', { highWaterMark: 4 * CHUNK_SIZE, fd: 0, autoClose: false }));
  // A pipe is reopened by path: a new, blocking file description (Node makes fd 0 of a pipe non-blocking).
  if (stat.isFIFO() && process.platform === 'linux') return pipeChunksOf('/dev/stdin');
  return chunksOf(process.stdin); // a terminal or a socket
}

/**
 * A pipe's chunks, read by a thread (pipe.ts). Modules that only some inputs
 * need (the pipe reader, gunzip, the worker pool) are loaded when one does:
 * a small file's run is mostly Node's start-up and the modules it loads.
 */
async function* pipeChunksOf(path: string): AsyncGenerator<Uint8Array> {
  const { pipeChunks } = await import('./pipe.js');
  yield* pipeChunks(path);
}

/** Reports the bytes of each chunk as it is taken from the source. */
async function* counted(source: AsyncIterable<Uint8Array>, onProgress?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onProgress?.(chunk.length);
    yield chunk;
  }
}

/**
 * Feeds a chunk stream (possibly gzip) into the session. A source may reuse a
 * chunk's memory once the next is asked for (a pipe's ring), so chunks held
 * longer (queued for decompression) are copied.
 */
async function feedChunks(
  session: CoreSession,
  source: AsyncIterable<Uint8Array>,
  format: InputFormat,
  name: string,
  onProgress?: (bytes: number) => void,
  gunzipped = false,
): Promise<FedInput> {
  const it = counted(source, onProgress)[Symbol.asyncIterator]();
  try {
    return await feedFrom(session, it, format, name, gunzipped);
  } catch (err) {
    // Let the source go (a pipe's reader thread, a file); not awaited, as it may be mid-read.
    it.return?.(undefined)?.catch(() => {});
    throw err;
  }
}

async function feedFrom(session: CoreSession, source: AsyncIterator<Uint8Array>, format: InputFormat, name: string, gunzipped: boolean): Promise<FedInput> {
  const { head, done } = await takeDetectionHead(source).catch((e: Error) => {
    throw gunzipped ? new InputError(name, `bad gzip data: ${e.message}`) : e;
  });
  if (!isGzip(head)) return feedText(session, source, head, done, format, name, gunzipped);
  // Large buffers let decompression (on libuv's threads) run ahead of parsing. pipeline()
  // hands a failure of the compressed side (a file closed under it) to the gunzip, whose
  // iteration reports it; both are destroyed once we stop, whatever stopped us.
  const [{ Readable, pipeline }, { createGunzip }] = await Promise.all([import('node:stream'), import('node:zlib')]);
  const compressed = Readable.from(prepend(head.slice(), copies(source)), { highWaterMark: 8 });
  const gunzip = createGunzip({ chunkSize: 256 << 10 }).setMaxListeners(0);
  pipeline(compressed, gunzip, () => {}); // errors are surfaced by the iteration below
  try {
    const it = chunksOf(gunzip)[Symbol.asyncIterator]();
    const text = await takeDetectionHead(it).catch((e: Error) => {
      throw new InputError(name, `bad gzip data: ${e.message}`);
    });
    return await feedText(session, it, text.head, text.done, format, name, true);
  } finally {
    gunzip.destroy();
    compressed.destroy();
  }
}

/** Feeds text whose first bytes (`head`) were read from `it` already. */
async function feedText(
  session: CoreSession,
  it: AsyncIterator<Uint8Array>,
  head: Uint8Array,
  done: boolean,
  format: InputFormat,
  name: string,
  gzip: boolean,
): Promise<FedInput> {
  const fmt = chooseFormat(format, head, done, name);
  let bytes = head.length;
  const samplesBefore = session.samples();
  guarded(name, () => {
    session.beginInput(fmt);
    session.write(head);
  });
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      bytes += r.value.length;
      guarded(name, () => session.write(r.value));
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(name, gzip ? `bad gzip data: ${(err as Error).message}` : (err as Error).message);
  }
  guarded(name, () => session.endInput());
  const snapshots = snapshotIndex([session.snapshots(0, samplesBefore)], bytes);
  return { name, format: fmt, bytes, gzip, notes: session.takeNotes(), snapshots };
}

// What feeding a window of a file did, as any input's.
function fedWindow(fed: { name: string; format: ParsedFormat; bytes: number; notes: InputNotes; snapshots: SnapshotIndex }): FedInput {
  return { ...fed, gzip: false };
}

/**
 * Feeds a file: read ahead in 1 MiB chunks that are copied into wasm memory
 * (see readRange), in parallel when large; a compressed file is streamed
 * through gunzip instead.
 */
async function feedFile(
  session: CoreSession,
  path: string,
  format: InputFormat,
  feed: FeedOptions,
  name = path,
): Promise<FedInput> {
  let fh;
  try {
    const kind = await stat(path);
    if (kind.isDirectory()) throw new InputError(name, 'is a directory, not a capture');
    // A named pipe or a process substitution (`<(zcat capture.gz)`) cannot be seeked: read it as a stream.
    if (!kind.isFile()) return await feedChunks(session, pipeChunksOf(path), format, name, feed.onProgress);
    fh = await open(path, 'r');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(name, `cannot open: ${systemErrorText(err)}`);
  }
  try {
    const { head: first, complete } = await readDetectionHead(fh);
    const bytesRead = first.length;
    if (isGzip(first)) {
      const { gunzipChunks } = await import('./gunzip.js'); // its thread and ring load only for gzip input
      return await feedChunks(session, gunzipChunks(fh.fd, feed.onProgress), format, name, undefined, true);
    }
    const fmt = chooseFormat(format, first, complete, name);
    const { size } = await fh.stat();
    const indexed = feed.snapshotIndexes?.get(path);
    if (feed.window && indexed?.bytes === size) return fedWindow(await feedFileWindow(session, path, fh, size, fmt, feed, name, feed.window, indexed));
    if (feed.jobs > 1 && size >= feed.splitMinBytes && (feed.splitAsked || !formatNamed(fmt).distinctStacks)) {
      if (feed.window) return fedWindow(await feedFileWindow(session, path, fh, size, fmt, feed, name, feed.window));
      const { feedRangesInParallel } = await import('../parallel/pool.js');
      const plan = async (onCut: (cut: number) => void) => {
        // Every range must fold the event the whole file would (a format may fold only its first): known before any is read.
        await pickFirstEvent(session, fh!, size, fmt, name);
        return { ranges: await planThreadRanges(fh!, size, fmt, feed.jobs, 0, onCut) };
      };
      const { notes, snapshots } = await guardedAsync(name, () => feedRangesInParallel(session, path, fh!, fmt, feed.jobs, plan, feed.onProgress));
      return { name, format: fmt, bytes: size, gzip: false, notes, snapshots: snapshotIndex(snapshots, size) };
    }
    const samplesBefore = session.samples();
    guarded(name, () => {
      session.beginInput(fmt);
      if (formatNamed(fmt).distinctStacks) session.expectDistinctStacks(size);
      session.write(first);
    });
    feed.onProgress?.(bytesRead);
    await guardedAsync(name, () => readRange(session, fh!, bytesRead, size, feed.onProgress));
    guarded(name, () => session.endInput());
    const snapshots = snapshotIndex([session.snapshots(0, samplesBefore)], size);
    return { name, format: fmt, bytes: size, gzip: false, notes: session.takeNotes(), snapshots };
  } finally {
    await fh.close();
  }
}

/**
 * Feeds one input of any kind into the session, only the records in
 * `feed.window` when one is given (a time window on a capture that printed
 * no times is an error).
 */
export async function feedInput(
  session: CoreSession,
  input: CollapseInput,
  format: InputFormat,
  name: string,
  feed: FeedOptions = { jobs: 1, splitMinBytes: PARALLEL_MIN_BYTES },
): Promise<FedInput> {
  session.setWindow(feed.window); // afresh for each input: the core turns a time window into its input's times
  const fed = await feedAnyInput(session, input, format, name, feed);
  fed.snapshots.firstEvent = session.pickedEvent();
  if (feed.window && feed.window.kind !== 'index' && Number.isNaN(fed.snapshots.firstTime)) throw noTimes(name, feed.window);
  return fed;
}

async function feedAnyInput(session: CoreSession, input: CollapseInput, format: InputFormat, name: string, feed: FeedOptions): Promise<FedInput> {
  session.newInput();
  if (typeof input === 'string') {
    if (input === '-') {
      // Redirected from a file: read it like one (read ahead, in parallel when large).
      if (process.platform === 'linux' && fstatSync(0).isFile()) return feedFile(session, '/dev/stdin', format, feed, name);
      return feedChunks(session, stdinChunks(), format, name, feed.onProgress);
    }
    return feedFile(session, input, format, feed);
  }
  if (input instanceof Uint8Array) {
    const bytes = input;
    return feedChunks(session, (async function* () { yield bytes; })(), format, name, feed.onProgress);
  }
  return feedChunks(session, chunksOf(input), format, name, feed.onProgress);
}
