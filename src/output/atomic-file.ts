// Output files are written to a temporary file beside the target and renamed
// into place, so a failed run never leaves a partial or corrupt file.

import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** A sink that collects writes for one file. */
export interface OutputSink {
  write(chunk: Uint8Array | string): Promise<void>;
}

/** Writes `path` atomically: `produce` writes into the sink; the file appears only if it succeeds. */
export async function writeFileAtomic(path: string, produce: (sink: OutputSink) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fh: FileHandle | undefined = await open(tmp, 'wx');
  try {
    const handle = fh;
    await produce({
      async write(chunk) {
        await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      },
    });
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (err) {
    if (fh) await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** A sink over stdout that respects backpressure. */
export function stdoutSink(): OutputSink {
  // A closed pipe (`flamefold svg big.folded | head`) fails each write through its callback;
  // without a listener the stream's 'error' event would also crash the process with a trace.
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => {});
  return {
    write(chunk) {
      return new Promise((resolve, reject) => {
        process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
