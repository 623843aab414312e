// Reading a byte range of a file into a session: the whole of a file on one
// thread, or the ranges a parallel collapse hands each thread (this one and
// the workers alike). With a core spare, bytes pass through one JavaScript
// buffer, so the next chunk is read while the core parses this one, and are
// then copied into wasm memory; when every core parses, they are read
// straight into wasm memory, on this thread.

import type { FileHandle } from '../util/file-handle.js';
import { CHUNK_SIZE, CoreError, type CoreSession, type SnapshotState } from '../core.js';
import type { ParsedFormat } from '../formats/registry.js';
import type { RangeNotes } from './range-notes.js';
import { mark } from './trace.js';

/** How much is read at a time while counting lines. */
const WINDOW = 1 << 20;

/** Resolves on the event loop's next turn: the I/O and messages that came meanwhile are handled first. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The read buffer of readRange: one of CHUNK_SIZE. */
export const readBuffer = (): Buffer => Buffer.allocUnsafe(CHUNK_SIZE);

/**
 * Reads [start, end) of an open file into the session (already begun).
 * Through `buffer`, reading ahead: the next chunk is read (on libuv's
 * threads) while the core parses this one, so reading costs a memory copy
 * instead of a wait; one buffer does, as each chunk is copied into wasm memory
 * before the core parses it there (a second buffer was 1 MiB more per thread
 * for nothing). Without one (null), each chunk is read straight into wasm
 * memory, then parsed: for threads that keep every core parsing, where a
 * read ahead has no core of its own and only adds the copy. That read is a
 * system call on this thread: through the thread pool, the two wake-ups of
 * each 1 MiB chunk (a pool thread, then this one) cost more than the copy on a
 * busy host (W1, 1 GB, at -j 2 on 2 cores: 0.83 s against 0.97).
 * The event loop still turns between chunks, as it did while awaiting a read.
 */
export async function readRange(
  session: CoreSession,
  fh: FileHandle,
  start: number,
  end: number,
  onProgress?: (bytes: number) => void,
  buffer: Buffer | null = readBuffer(),
): Promise<void> {
  if (buffer === null) {
    for (let pos = start; pos < end; ) {
      const n = Math.min(CHUNK_SIZE, end - pos);
      const bytesRead = fh.readNow(session.inputView(n), 0, n, pos);
      if (bytesRead === 0) break;
      session.commit(bytesRead);
      pos += bytesRead;
      onProgress?.(bytesRead);
      await nextTurn(); // the plan still cutting the file reads meanwhile, and workers' messages come in
    }
    return;
  }
  const readAt = (pos: number) => fh.read(buffer, 0, Math.min(CHUNK_SIZE, end - pos), pos);
  let pos = start;
  let pending = pos < end ? readAt(pos) : undefined;
  while (pending) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) break;
    pos += bytesRead;
    session.inputView(bytesRead).set(buffer.subarray(0, bytesRead));
    pending = pos < end ? readAt(pos) : undefined;
    try {
      session.commit(bytesRead);
    } catch (err) {
      await pending; // the file is closed next: let the read in flight finish first
      throw err;
    }
    onProgress?.(bytesRead);
  }
}

/**
 * Reads range `first`, then the ranges a shared counter hands this thread
 * (`next`: the index of the next range not taken, across all threads), each
 * from a record boundary. An error's line is counted from the start of the
 * file; so are notes, once every range's line count is known (notesInFile).
 * `states`: the snapshot each range starts in, when a --window needs the
 * file's numbering (src/window/); else each range numbers its own markers.
 * `readAhead`: a core is spare to read the next chunk while this thread parses (readRange).
 * `rest`: settles once `ranges` holds every range and `next` counts them (the
 * first range is read while the file is still being cut): awaited before
 * another range is taken.
 */
export async function readRanges(
  session: CoreSession,
  fh: FileHandle,
  ranges: readonly [number, number][],
  first: number,
  next: Int32Array,
  format: ParsedFormat,
  readAhead: boolean,
  onProgress?: (bytes: number) => void,
  states?: readonly SnapshotState[],
  rest?: Promise<unknown>,
): Promise<RangeNotes[]> {
  const buffer = readAhead ? readBuffer() : null; // one for all the ranges: garbage would count in RSS
  const read: RangeNotes[] = [];
  const take = async (): Promise<number> => {
    await rest;
    return Atomics.add(next, 0, 1);
  };
  for (let i = first; i < ranges.length; i = await take()) {
    const [start, end] = ranges[i]!;
    mark(`range ${i} ${start}-${end}`);
    try {
      const linesBefore = session.lines();
      const samplesBefore = session.samples();
      session.setInputOffset(start);
      session.beginInput(format);
      if (states) session.setSnapshotState(states[i]!);
      await readRange(session, fh, start, end, onProgress, buffer);
      session.endInput();
      read.push({ range: i, lines: session.lines() - linesBefore, notes: session.takeNotes(), snapshots: session.snapshots(start, samplesBefore) });
    } catch (err) {
      if (!(err instanceof CoreError) || start === 0) throw err;
      throw await inFile(err.message, start, fh);
    }
  }
  return read;
}

/** An error in a range starting at `start`, its line number counted from the start of the file. */
async function inFile(message: string, start: number, fh: FileHandle): Promise<CoreError> {
  const m = /^line (\d+) (.*)$/s.exec(message);
  if (!m || start === 0) return new CoreError(message);
  return new CoreError(`line ${Number(m[1]) + (await linesBefore(fh, start))} ${m[2]}`);
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
