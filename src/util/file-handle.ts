// The file system as promises, over the callback functions of node:fs, for
// everything flamefold reads and writes. Node's bootstrap has already loaded
// node:fs; node:fs/promises is another module graph (readline, watchers, dir
// handles, stream pieces) that cost about 1 ms of every run, a small graph's
// whole drawing. Errors are the ones node:fs gives (code, syscall, path and
// message as node:fs/promises has them), so every message built on them stays.
// A FileHandle keeps fs/promises' rules: close() waits for the operations in
// flight, and one started after close() fails with EBADF 'file closed'
// instead of reaching a descriptor number the system may have given again.

import * as fs from 'node:fs';
import type { Stats } from 'node:fs';

/** Runs a callback-style node:fs call as a promise; an argument it throws on (a bad offset) rejects it too. */
function settle<T>(call: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));
}

/** The same, for calls that give nothing back. */
function settleVoid(call: (done: (err: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => call((err) => (err ? reject(err) : resolve())));
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

  /** Writes up to `length` bytes of `buffer` from `offset` at the file's position; a pipe may take fewer. */
  write(buffer: NodeJS.ArrayBufferView, offset: number, length: number): Promise<{ bytesWritten: number }> {
    return this.#use('write', (fd) => settle<number>((done) => fs.write(fd, buffer, offset, length, null, done)).then((bytesWritten) => ({ bytesWritten })));
  }

  stat(): Promise<Stats> {
    return this.#use('fstat', (fd) => settle<Stats>((done) => fs.fstat(fd, done)));
  }

  sync(): Promise<void> {
    return this.#use('fsync', (fd) => settleVoid((done) => fs.fsync(fd, done)));
  }

  datasync(): Promise<void> {
    return this.#use('fdatasync', (fd) => settleVoid((done) => fs.fdatasync(fd, done)));
  }

  chmod(mode: number): Promise<void> {
    return this.#use('fchmod', (fd) => settleVoid((done) => fs.fchmod(fd, mode, done)));
  }

  chown(uid: number, gid: number): Promise<void> {
    return this.#use('fchown', (fd) => settleVoid((done) => fs.fchown(fd, uid, gid, done)));
  }

  /** Closes the descriptor once the operations in flight are done; again, the same promise (or none left to wait for). */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#fd === -1) return Promise.resolve();
    const fd = this.#fd;
    const closed = () => settleVoid((done) => fs.close(fd, done));
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

/** Opens `path` (flags as node:fs takes them; `mode` for a file it creates). */
export function open(path: string, flags: string | number, mode?: number): Promise<FileHandle> {
  return settle<number>((done) => fs.open(path, flags, mode, done)).then((fd) => new FileHandle(fd));
}

export function stat(path: string): Promise<Stats> {
  return settle<Stats>((done) => fs.stat(path, done));
}

export function lstat(path: string): Promise<Stats> {
  return settle<Stats>((done) => fs.lstat(path, done));
}

export function readlink(path: string): Promise<string> {
  return settle<string>((done) => fs.readlink(path, done));
}

export function access(path: string, mode: number): Promise<void> {
  return settleVoid((done) => fs.access(path, mode, done));
}

export function rename(from: string, to: string): Promise<void> {
  return settleVoid((done) => fs.rename(from, to, done));
}

export function unlink(path: string): Promise<void> {
  return settleVoid((done) => fs.unlink(path, done));
}

/** Makes `path` and any folders above it that are missing. */
export function mkdirs(path: string): Promise<void> {
  return settleVoid((done) => fs.mkdir(path, { recursive: true }, done));
}

/** A whole file as UTF-8 text. */
export function readText(path: string): Promise<string> {
  return settle<string>((done) => fs.readFile(path, 'utf8', done));
}
