// The file system as promises over node:fs (src/util/file-handle.ts), in
// place of node:fs/promises: the same errors (messages are built on their
// code, syscall and path), and fs/promises' rules for closing a handle.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ours from '../../src/util/file-handle.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const file = join(tmp.dir, 'file.txt');
writeFileSync(file, 'héllo\n');
const folder = join(tmp.dir, 'folder');
mkdirSync(folder);
const missing = join(tmp.dir, 'missing', 'x');

/** What a failure says: the parts messages are made of. */
async function failure(action: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const err = (await action().then(
    () => new Error('no failure'),
    (e: unknown) => e,
  )) as NodeJS.ErrnoException;
  return { message: err.message, code: err.code, syscall: err.syscall, path: err.path, dest: (err as { dest?: string }).dest };
}

describe('failures are those of node:fs/promises', () => {
  const cases: [string, (m: typeof ours | typeof fsp) => Promise<unknown>][] = [
    ['open a missing file', (m) => m.open(missing, 'r')],
    ['open a file exclusively that exists', (m) => m.open(file, 'wx', 0o666)],
    ['open a folder to write', (m) => m.open(folder, 'w')],
    ['open a missing FIFO', (m) => ('openWaiting' in m ? m.openWaiting(missing, 'r') : m.open(missing, 'r'))],
    ['stat', (m) => m.stat(missing)],
    ['lstat', (m) => m.lstat(missing)],
    ['readlink of a file', (m) => m.readlink(file)],
    ['access', (m) => m.access(missing, 2)],
    ['rename', (m) => m.rename(missing, join(tmp.dir, 'y'))],
    ['unlink', (m) => m.unlink(missing)],
  ];
  it.each(cases)('%s', async (_, action) => {
    const expected = await failure(() => action(fsp));
    expect(expected.code).toBeDefined();
    expect(await failure(() => action(ours))).toEqual(expected);
  });

  it('readText, mkdirs', async () => {
    expect(await failure(() => ours.readText(folder))).toEqual(await failure(() => fsp.readFile(folder, 'utf8')));
    expect(await failure(() => ours.readText(missing))).toEqual(await failure(() => fsp.readFile(missing, 'utf8')));
    expect(await failure(() => ours.mkdirs(join(file, 'sub')))).toEqual(await failure(() => fsp.mkdir(join(file, 'sub'), { recursive: true })));
  });
});

describe('what succeeds', () => {
  it('reads, writes, syncs, stats and makes folders', async () => {
    expect(await ours.readText(file)).toBe('héllo\n');
    const fh = await ours.open(file, 'r');
    const buf = Buffer.alloc(16);
    expect(await fh.read(buf, 2, 3, 1)).toEqual({ bytesRead: 3 });
    expect(buf.subarray(2, 5)).toEqual(Buffer.from('héllo\n').subarray(1, 4));
    expect((await fh.stat()).size).toBe(7);
    await fh.close();
    const out = join(tmp.dir, 'deep', 'er', 'out');
    await ours.mkdirs(join(tmp.dir, 'deep', 'er'));
    const w = await ours.open(out, 'wx', 0o600);
    expect(await w.write(Buffer.from('abcdef'), 1, 4)).toEqual({ bytesWritten: 4 });
    await w.chmod(0o640);
    await w.datasync();
    await w.sync();
    await w.close();
    expect(readFileSync(out, 'latin1')).toBe('bcde');
    expect(statSync(out).mode & 0o777).toBe(0o640);
    await ours.rename(out, `${out}2`);
    await ours.unlink(`${out}2`);
    expect(await failure(() => ours.stat(`${out}2`))).toMatchObject({ code: 'ENOENT' });
  });

  it('a bad offset rejects (not throws)', async () => {
    const fh = await ours.open(file, 'r');
    const read = fh.read(Buffer.alloc(4), 2, 8, 0);
    await expect(read).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await fh.close();
  });
});

describe('a FIFO', () => {
  it('is opened on the thread pool: the open waits for its other end while this thread goes on', async () => {
    const fifo = join(tmp.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'sleep 0.1; printf abc > "$0"', fifo]);
    const writerGone = new Promise((resolve) => writer.once('exit', resolve));
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 1);
    const input = await ours.openWaiting(fifo, 'r');
    clearInterval(ticking);
    expect(ticks).toBeGreaterThan(0);
    const buf = Buffer.alloc(8);
    let got = 0;
    for (let n = -1; n !== 0; got += n) n = (await input.read(buf, got, 8 - got, null)).bytesRead;
    expect(buf.toString('latin1', 0, got)).toBe('abc');
    await input.close();
    await writerGone;
  });
});

describe('reading at once (readNow), on the calling thread', () => {
  it('reads what read() reads, at a position, short at the end of the file', async () => {
    const fh = await ours.open(file, 'r');
    const buf = Buffer.alloc(16);
    const n = fh.readNow(buf, 2, 16 - 2, 1);
    expect(n).toBe((await fh.read(Buffer.alloc(16), 0, 16, 1)).bytesRead);
    expect(buf.subarray(2, 2 + n)).toEqual(readFileSync(file).subarray(1));
    expect(fh.readNow(buf, 0, 4, 1000)).toBe(0);
    await fh.close();
  });
});

describe('closing, as fs/promises closes', () => {
  it('waits for the reads in flight, then closes; a read after close fails with EBADF, not on a reused descriptor', async () => {
    const fh = await ours.open(file, 'r');
    const settled: string[] = [];
    const reads = [0, 1, 2].map((at) => fh.read(Buffer.alloc(1), 0, 1, at).finally(() => settled.push(`read ${at}`)));
    const closed = fh.close().finally(() => settled.push('close'));
    expect(fh.fd).toBeGreaterThan(2); // still open for the reads
    expect(await Promise.all(reads)).toEqual([{ bytesRead: 1 }, { bytesRead: 1 }, { bytesRead: 1 }]);
    await closed;
    expect(settled.at(-1)).toBe('close');
    expect(fh.fd).toBe(-1);
    await expect(fh.read(Buffer.alloc(1), 0, 1, 0)).rejects.toMatchObject({ message: 'file closed', code: 'EBADF', syscall: 'read' });
    expect(() => fh.readNow(Buffer.alloc(1), 0, 1, 0)).toThrow(expect.objectContaining({ message: 'file closed', code: 'EBADF', syscall: 'read' }));
    await fh.close(); // again: nothing to do
    const once = await ours.open(file, 'r');
    expect(once.close()).toBe(once.close()); // one close, whoever asks
  });
});
