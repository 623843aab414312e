// Writing to a Node stream (stdout, a socket, a caller's Writable) without
// ever waiting forever: a stream that errors or closes ends the wait with an
// error, where waiting for 'drain' alone would hang (a destroyed stream never
// drains). One helper serves the CLI's stdout and the API's writeTo/renderSvgTo.

import type { Writable } from 'node:stream';

/** Where output goes, one chunk at a time; each write resolves when the destination can take more. */
export interface OutputSink {
  write(chunk: Uint8Array | string): Promise<void>;
  /**
   * Whether a write is done with its chunk when it resolves (a file's: written), so that the
   * chunk's memory may be filled again; a stream's may still hold it, queued.
   */
  readonly releasesChunks?: boolean;
}

/** A sink over a stream; `finish` waits until the stream has taken every chunk, `release` lets go of it. */
export interface StreamSink extends OutputSink {
  finish(): Promise<void>;
  release(): void;
}

/** The error a stream that closed without one leaves us with. */
function closedError(): Error {
  return Object.assign(new Error('the stream was closed before all output was written'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * Waits for `ready` (the stream's 'drain', or a write's callback), or rejects as soon as the
 * stream errors or closes, whichever comes first; no listener outlives the wait.
 */
function settle(stream: Writable, ready: 'drain' | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      stream.off('drain', onReady);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReady = (): void => finish();
    const onError = (err: Error): void => finish(err);
    const onClose = (): void => finish(stream.errored ?? closedError());
    stream.on('error', onError);
    stream.on('close', onClose);
    if (ready === 'drain') stream.on('drain', onReady);
    else ready.then(onReady, onError);
  });
}

/**
 * A backpressure-aware sink over `stream`. While it is held, the stream's errors are
 * caught (a stream with no 'error' listener would otherwise crash the process) and
 * rejected from the next write or from `finish`, mapped through `describe`.
 */
export function streamSink(stream: Writable, describe: (err: Error) => Error = (err) => err): StreamSink {
  let failure: Error | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
  };
  stream.on('error', fail);
  // Write callbacks run in order, so the last one settling means the stream has taken everything.
  let lastWrite: Promise<void> = Promise.resolve();
  const check = (): void => {
    const err = failure ?? stream.errored ?? (stream.destroyed || stream.writableEnded ? closedError() : undefined);
    if (err) throw describe(err);
  };
  const wait = async (ready: 'drain' | Promise<void>): Promise<void> => {
    check(); // a stream that already closed emits nothing more to wait for
    try {
      await settle(stream, ready);
    } catch (err) {
      fail(err as Error);
    }
    check();
  };
  return {
    async write(chunk) {
      check();
      let ready = true;
      lastWrite = new Promise<void>((resolve) => {
        ready = stream.write(chunk, (err) => {
          if (err) fail(err);
          resolve();
        });
      });
      // A synchronous stream (stdout on a file) has failed inside write() already.
      if (!ready) await wait('drain');
      else check();
    },
    finish: () => wait(lastWrite),
    // A stream that failed keeps our listener: its 'error' event may still be on its way (Node
    // emits it on a later tick), and with no listener it would crash the process; the error has
    // been reported through the promise already.
    release: () => {
      if (failure === undefined && !stream.errored) stream.off('error', fail);
    },
  };
}

/**
 * Writes `chunks` to `stream` honouring backpressure; resolves once the stream has taken
 * them all, rejects if it errors or closes first. The stream is not ended.
 */
export async function writeChunksTo(stream: Writable, chunks: Iterable<Uint8Array>): Promise<void> {
  const sink = streamSink(stream);
  try {
    for (const chunk of chunks) await sink.write(chunk);
    await sink.finish();
  } finally {
    sink.release();
  }
}
