// The file system as promises, over the functions of node:fs, for everything
// flamefold reads and writes. Node's bootstrap has already loaded node:fs;
// node:fs/promises is another module graph (readline, watchers, dir handles,
// stream pieces) that cost about 1 ms of every run, a small graph's whole
// drawing. Errors are the ones node:fs gives (code, syscall, path and message
// as node:fs/promises has them), so every message built on them stays.
//
// Two kinds of call:
// - Reads, writes and syncs, whose time is the disk's, and opening what may
//   wait for its other end (a FIFO, a device): on libuv's thread pool, so that
//   the thread goes on parsing or drawing meanwhile; but readNow(), for a
//   thread that has nothing to do until its bytes are in.
// - The rest (stat, open of a regular file, close, chmod, rename, ...): one
//   short system call on a file's metadata, done at once. The thread pool's
//   round trip (the call queued, a pool thread woken, the answer posted back
//   through the event loop) costs more than such a call, and far more on a
//   busy host, where each wake-up waits for a core: a small graph's run made
//   about 15 of them. They still answer as promises, one path for callers.
//
// A FileHandle keeps fs/promises' rules: close() waits for the operations in
// flight, and one started after close() fails with EBADF 'file closed'
// instead of reaching a descriptor number the system may have given again.

import * as fs from 'node:fs';
import type { Stats } from 'node:fs';

/** Runs a callback-style node:fs call on the thread pool as a promise; an argument it throws on (a bad offset) rejects it too. */
function settle<T>(call: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));
}

/** Runs a synchronous node:fs call now, as a promise: its error rejects it. */
function now<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** An open file: its descriptor, and operations on it as promises (a subset of fs/promises' FileHandle). */
export class FileHandle {
  #fd: number;
  /** The handle itself until close(), and each operation in flight. */
  #refs = 1;
  #closing: Promise<void> | undefined;
  #released: (() => void) | undefined;

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** The descriptor (-1 once closed), for a thread or a synchronous call that reads it. */
  get fd(): number {
    return this.#fd;
  }

  /** Reads up to `length` bytes into `buffer` at `offset`, from `position` (null: the file's own position). */
  read(buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }> {
    return this.#use('read', (fd) => settle<number>((done) => fs.read(fd, buffer, offset, length, position, done)).then((bytesRead) => ({ bytesRead })));
  }

  /**
   * Reads as read() does, but on this thread, at once: for a thread with nothing to do until the
   * bytes are in (every core parsing), where the thread pool's round trip only adds its wake-ups.
   */
  readNow(buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number): number {
    if (this.#fd === -1) throw Object.assign(new Error('file closed'), { code: 'EBADF', syscall: 'read' });
    return fs.readSync(this.#fd, buffer, offset, length, position);
  }

  /** Writes up to `length` bytes of `buffer` from `offset` at the file's position; a pipe may take fewer. */
  write(buffer: NodeJS.ArrayBufferView, offset: number, length: number): Promise<{ bytesWritten: number }> {
    return this.#use('write', (fd) => settle<number>((done) => fs.write(fd, buffer, offset, length, null, done)).then((bytesWritten) => ({ bytesWritten })));
  }

  stat(): Promise<Stats> {
    return this.#use('fstat', (fd) => now(() => fs.fstatSync(fd)));
  }

  sync(): Promise<void> {
    return this.#use('fsync', (fd) => settle<void>((done) => fs.fsync(fd, done)));
  }

  datasync(): Promise<void> {
    return this.#use('fdatasync', (fd) => settle<void>((done) => fs.fdatasync(fd, done)));
  }

  chmod(mode: number): Promise<void> {
    return this.#use('fchmod', (fd) => now(() => fs.fchmodSync(fd, mode)));
  }

  chown(uid: number, gid: number): Promise<void> {
    return this.#use('fchown', (fd) => now(() => fs.fchownSync(fd, uid, gid)));
  }

  /** Closes the descriptor once the operations in flight are done; again, the same promise (or none left to wait for). */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#fd === -1) return Promise.resolve();
    const fd = this.#fd;
    const closed = () => now(() => fs.closeSync(fd));
    this.#refs--;
    if (this.#refs === 0) {
      this.#fd = -1;
      this.#closing = closed();
    } else {
      this.#closing = new Promise<void>((resolve) => (this.#released = resolve)).then(closed);
    }
    return this.#closing;
  }

  async #use<T>(syscall: string, operation: (fd: number) => Promise<T>): Promise<T> {
    if (this.#fd === -1) throw Object.assign(new Error('file closed'), { code: 'EBADF', syscall });
    this.#refs++;
    try {
      return await operation(this.#fd);
    } finally {
      if (--this.#refs === 0) {
        this.#fd = -1;
        this.#released?.();
      }
    }
  }
}

/** Opens the regular file at `path` (flags as node:fs takes them; `mode` for a file it creates), at once. */
export function open(path: string, flags: string | number, mode?: number): Promise<FileHandle> {
  return now(() => new FileHandle(fs.openSync(path, flags, mode)));
}

/** Opens a FIFO or device at `path`, on the thread pool: opening one waits for its other end (`cat > fifo` does too). */
export function openWaiting(path: string, flags: string | number): Promise<FileHandle> {
  return settle<number>((done) => fs.open(path, flags, done)).then((fd) => new FileHandle(fd));
}

export function stat(path: string): Promise<Stats> {
  return now(() => fs.statSync(path));
}

export function lstat(path: string): Promise<Stats> {
  return now(() => fs.lstatSync(path));
}

export function readlink(path: string): Promise<string> {
  return now(() => fs.readlinkSync(path));
}

export function access(path: string, mode: number): Promise<void> {
  return now(() => fs.accessSync(path, mode));
}

export function rename(from: string, to: string): Promise<void> {
  return now(() => fs.renameSync(from, to));
}

export function unlink(path: string): Promise<void> {
  return now(() => fs.unlinkSync(path));
}

/** Makes `path` and any folders above it that are missing. */
export function mkdirs(path: string): Promise<void> {
  return now(() => void fs.mkdirSync(path, { recursive: true }));
}

/** A whole file as UTF-8 text. */
export function readText(path: string): Promise<string> {
  return settle<string>((done) => fs.readFile(path, 'utf8', done));
}
