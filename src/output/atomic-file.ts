// Output files: a regular file is written to a temporary file beside it and
// renamed into place, so a failed or interrupted run never leaves a partial or
// corrupt file, and the replaced file keeps its mode (and owner, where
// permitted). What cannot be replaced atomically (a device, a FIFO, a socket,
// /dev/stdout) is written through instead, never replaced by a regular file.

import { constants, createWriteStream } from 'node:fs';
import { open, openWaiting, rename, unlink, type FileHandle } from '../util/file-handle.js';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { OutputError, systemErrorText } from '../errors.js';
import { findDestination, type Destination } from './destination.js';
import { streamSink, type OutputSink } from './stream-sink.js';
import { tempPrefix, trackTempFiles } from './temp-files.js';

export type { OutputSink } from './stream-sink.js';

type Produce = (sink: OutputSink) => Promise<void>;

/** A system error of writing `path` as an OutputError; other errors (the producer's) pass unchanged. */
function outputError(path: string, err: unknown): unknown {
  if (err instanceof OutputError || !(err instanceof Error) || (err as NodeJS.ErrnoException).code === undefined) return err;
  return new OutputError(path, systemErrorText(err), (err as NodeJS.ErrnoException).code);
}

/** Runs one file-system step of writing `path`, its failure an OutputError naming `path`. */
async function step<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw outputError(path, err);
  }
}

/** A sink over an open file; writes loop until every byte is taken (a pipe may take part of a write). */
function fileSink(fh: FileHandle, path: string, onWritten?: (bytes: number) => void): OutputSink {
  return {
    releasesChunks: true, // each write resolves once the file has every byte
    async write(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let done = 0; done < bytes.length; ) {
        const { bytesWritten } = await step(path, () => fh.write(bytes, done, bytes.length - done));
        done += bytesWritten;
      }
      onWritten?.(bytes.length);
    },
  };
}

/** Bytes written since the last fdatasync that start another (syncAhead): an SVG's chunks are 1 MiB. */
const SYNC_AHEAD_BYTES = 512 << 10;

/**
 * The data of a large file being written goes to disk as it is written, one fdatasync at a
 * time on libuv's threads while the output is still being made, so that the fsync before the
 * rename waits only for the rest: W2's 3.5 MB SVG, fsync and rename 2.2-2.7 and 1.0-1.3 ms,
 * then 0.2 and 0.2. (A small file's one write has nothing to overlap: its fsync does it all.)
 * `settled` waits for the one in flight and reports its failure.
 */
function syncAhead(fh: FileHandle, path: string): { written: (bytes: number) => void; settled: () => Promise<void> } {
  let inFlight: Promise<void> | undefined;
  let failure: unknown;
  let unsynced = 0;
  return {
    written(bytes) {
      unsynced += bytes;
      if (inFlight || failure !== undefined || unsynced < SYNC_AHEAD_BYTES) return;
      unsynced = 0;
      inFlight = fh.datasync().then(
        () => {
          inFlight = undefined;
        },
        (err: unknown) => {
          failure = outputError(path, err);
          inFlight = undefined;
        },
      );
    },
    async settled() {
      await inFlight;
      if (failure !== undefined) throw failure;
    },
  };
}

/** Writes a regular file through a temp file renamed onto it; the temp file never outlives a failure. */
async function replaceFile(dest: Extract<Destination, { kind: 'file' }>, produce: Produce): Promise<void> {
  const { path, target, existing } = dest;
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  // Random enough to keep concurrent writers apart (the file is created exclusively); not node:crypto, whose
  // loading costs more start-up than a small graph's whole drawing.
  const tmp = join(dir, `${prefix}${Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0')}.tmp`);
  const untrack = trackTempFiles(dir, prefix); // before it exists: a signal may come at any time
  let fh: FileHandle | undefined;
  try {
    fh = await step(path, () => open(tmp, 'wx', existing ? existing.mode & 0o777 : 0o666));
    const handle = fh;
    if (existing) {
      // The owner first: chown clears set-id bits, which the mode then restores. Only root may
      // give a file away; anyone else's replacement is theirs, as any new file would be.
      if (existing.uid !== process.geteuid?.() || existing.gid !== process.getegid?.()) {
        await handle.chown(existing.uid, existing.gid).catch(() => {});
      }
      await step(path, () => handle.chmod(existing.mode & 0o7777)); // exactly, whatever the umask
    }
    const ahead = syncAhead(handle, path);
    try {
      await produce(fileSink(handle, path, ahead.written));
    } catch (err) {
      await ahead.settled().catch(() => {}); // before the file is closed; the producer's failure is the one to report
      throw err;
    }
    await ahead.settled();
    await step(path, () => handle.sync());
    fh = undefined;
    await step(path, () => handle.close());
    await step(path, () => rename(tmp, target));
  } catch (err) {
    if (fh) await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  } finally {
    untrack();
  }
}

/** Writes a device or FIFO in place (no truncation, no temp file): O_WRONLY, never O_CREAT. */
async function writeDevice(dest: Extract<Destination, { kind: 'device' }>, produce: Produce): Promise<void> {
  // Opening a FIFO waits for its reader, as `cat > fifo` does.
  const fh = await step(dest.path, () => openWaiting(dest.target, constants.O_WRONLY | constants.O_NOCTTY));
  try {
    await produce(fileSink(fh, dest.path));
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Writes through a stream (a socket, a file descriptor), waiting until it has taken everything. */
async function writeStream(stream: Writable, path: string, produce: Produce): Promise<void> {
  const sink = streamSink(stream, (err) => outputError(path, err) as Error);
  try {
    await produce(sink);
    await sink.finish();
  } finally {
    sink.release();
  }
}

/** The stream for a descriptor; stdout and stderr are Node's own (one writer each). */
function fdStream(fd: number): Writable {
  if (fd === 1) return process.stdout;
  if (fd === 2) return process.stderr;
  return createWriteStream('', { fd, autoClose: false });
}

async function writeSocket(dest: Extract<Destination, { kind: 'socket' }>, produce: Produce): Promise<void> {
  const { createConnection } = await import('node:net'); // sockets are rare outputs
  const socket = createConnection({ path: dest.target });
  await step(dest.path, () => new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject)));
  try {
    await writeStream(socket, dest.path, produce);
    await step(dest.path, () => new Promise<void>((resolve, reject) => socket.end(resolve).once('error', reject)));
  } finally {
    socket.destroy();
  }
}

/** Writes a destination found by findDestination: `produce` writes into the sink. */
export function writeToDestination(dest: Destination, produce: Produce): Promise<void> {
  switch (dest.kind) {
    case 'file':
      return replaceFile(dest, produce);
    case 'device':
      return writeDevice(dest, produce);
    case 'socket':
      return writeSocket(dest, produce);
    case 'fd':
      return writeStream(fdStream(dest.fd), dest.path, produce);
  }
}

/**
 * Writes `path`: `produce` writes into the sink. A regular file (or the file a symbolic
 * link points to) appears only if `produce` succeeds, replaced atomically with its mode
 * and owner kept; a device, FIFO, socket or /dev/std* is written through as it is.
 * Failures to write are OutputErrors naming `path`.
 */
export async function writeFileAtomic(path: string, produce: Produce): Promise<void> {
  return writeToDestination(await findDestination(path), produce);
}

/**
 * Marks the temp files that writing `path` from another thread (a batch worker) will
 * create, so that a signal received by this thread removes them too; the returned
 * function unmarks them. (Worker threads receive no signals of their own.)
 */
export async function trackTempFilesOf(path: string): Promise<() => void> {
  const dest = await findDestination(path).catch(() => undefined); // the writer reports what is wrong
  if (dest?.kind !== 'file') return () => {};
  return trackTempFiles(dirname(dest.target), tempPrefix(dest.target));
}
