// A regular file written through its temp file (src/output/atomic-file.ts): a
// large one has its data synced as it is written (fdatasync on libuv's
// threads while the rest is made), so that the fsync before the rename waits
// only for the last part; a failed sync is an output error, and nothing is
// left behind.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/index.js';
import { OutputError } from '../../src/errors.js';
import { FileHandle } from '../../src/util/file-handle.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Writes `chunks` (sizes in bytes, each of one repeated letter) to `name` in tmp.dir; returns the path and the bytes. */
async function write(name: string, chunks: number[]): Promise<{ path: string; bytes: Buffer }> {
  const path = join(tmp.dir, name);
  const parts = chunks.map((n, i) => Buffer.alloc(n, 97 + (i % 26)));
  await writeFileAtomic(path, async (sink) => {
    for (const part of parts) await sink.write(part);
  });
  return { path, bytes: Buffer.concat(parts) };
}

const tempFiles = (): string[] => readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'));

describe('a regular file, written atomically', () => {
  it('a large file: its data is synced while it is written (fdatasync before the last chunk), then fsynced and renamed', async () => {
    const proto = FileHandle.prototype; // the writer's (src/util/file-handle.ts), whose datasync() it calls
    const calls: string[] = [];
    const datasync = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: FileHandle) {
      calls.push('datasync');
      return datasync.call(this);
    });
    const sync = proto.sync;
    vi.spyOn(proto, 'sync').mockImplementation(function (this: FileHandle) {
      calls.push('sync');
      return sync.call(this);
    });
    const { path, bytes } = await write('large.out', [1 << 20, 1 << 20, 700_000, 12]);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(calls[0]).toBe('datasync');
    expect(calls.at(-1)).toBe('sync');
    expect(tempFiles()).toEqual([]);
  });

  it('a small file (one write): only the fsync, nothing ahead', async () => {
    const proto = FileHandle.prototype; // the writer's (src/util/file-handle.ts), whose datasync() it calls
    const datasync = vi.spyOn(proto, 'datasync');
    const { path, bytes } = await write('small.out', [30_000]);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(datasync).not.toHaveBeenCalled();
  });

  it('a sync that fails while the file is written: an output error naming the path, no file, no temp file', async () => {
    const proto = FileHandle.prototype; // the writer's (src/util/file-handle.ts), whose datasync() it calls
    vi.spyOn(proto, 'datasync').mockImplementation(() => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    const err = await write('failed.out', [1 << 20, 1 << 20, 5]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as Error).message).toContain('failed.out');
    expect(existsSync(join(tmp.dir, 'failed.out'))).toBe(false);
    expect(tempFiles()).toEqual([]);
  });
});
