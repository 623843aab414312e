// What an output path names, found before anything is written (and before any
// input is read, so a mistake in -o costs nothing): a regular file to replace
// atomically, or something to write through (a device, a FIFO, a socket, one
// of this process's file descriptors), never replaced by a regular file.

import { constants } from 'node:fs';
import { access, lstat, readlink, stat } from '../util/file-handle.js';
import { fstatSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError, systemErrorText } from '../errors.js';

export type Destination =
  /** A regular file (existing or not) at `target`, the path with symbolic links followed. */
  | { kind: 'file'; path: string; target: string; existing?: { mode: number; uid: number; gid: number } }
  /** A character or block device, or a FIFO: opened and written in place. */
  | { kind: 'device'; path: string; target: string }
  /** A Unix socket: connected to and written. */
  | { kind: 'socket'; path: string; target: string }
  /** /dev/stdout, /dev/fd/N, ...: a descriptor this process was given, written as it is. */
  | { kind: 'fd'; path: string; fd: number };

// Symbolic links followed before giving up, as the kernel's ELOOP limit.
const MAX_LINKS = 40;

/** The file descriptor a path names by itself (/dev/stdout, /dev/fd/3, /proc/self/fd/3), if any. */
function fdNamedBy(path: string): number | undefined {
  const std = /^\/dev\/std(in|out|err)$/.exec(path);
  if (std) return ['in', 'out', 'err'].indexOf(std[1]!);
  const fd = /^\/(?:dev\/fd|proc\/(?:self|thread-self|(\d+))\/fd)\/(\d+)$/.exec(path);
  if (fd && (fd[1] === undefined || Number(fd[1]) === process.pid)) return Number(fd[2]);
  return undefined;
}

/**
 * Whether descriptor `fd` (past stderr) may be one handed to this process (`3>file`, a
 * process substitution's /dev/fd/63) rather than one of Node's own, whose writing would
 * break it (libuv's event descriptors and signal pipes): never an anonymous inode, and a
 * pipe or socket only without close-on-exec (libuv opens its own with it). Linux's /proc
 * tells; where it does not, no descriptor past stderr is written.
 */
function givenFd(fd: number): boolean {
  const O_CLOEXEC = 0o2000000; // as /proc prints it (Node's fs.constants lacks it)
  try {
    const link = readlinkSync(`/proc/self/fd/${fd}`);
    if (link.startsWith('anon_inode:')) return false;
    if (!link.startsWith('pipe:') && !link.startsWith('socket:')) return true; // a file or device by name
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return flags !== null && (parseInt(flags[1]!, 8) & O_CLOEXEC) === 0;
  } catch {
    return false;
  }
}

const errorOf = (path: string, err: unknown): OutputError =>
  err instanceof OutputError ? err : new OutputError(path, systemErrorText(err), (err as NodeJS.ErrnoException).code);

/** A new file will be created in `dir`: it must be a directory we may create files in. */
async function checkFolder(path: string, dir: string): Promise<void> {
  let folder: Stats;
  try {
    folder = await stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OutputError(path, `no such directory ${dir}`, code);
    throw errorOf(path, err);
  }
  if (!folder.isDirectory()) throw new OutputError(path, `${dir} is not a directory`, 'ENOTDIR');
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new OutputError(path, `cannot create files in ${dir}: ${systemErrorText(err)}`, (err as NodeJS.ErrnoException).code);
  }
}

/**
 * What `path` names as an output, checked: its folder exists and is writable, it is
 * not a folder, a file descriptor it names is open. Throws an OutputError naming `path`.
 */
export async function findDestination(path: string): Promise<Destination> {
  if (path === '') throw new OutputError("''", 'an empty file name');
  let target = path;
  for (let links = 0; ; links++) {
    const fd = fdNamedBy(target);
    if (fd !== undefined) {
      let st: Stats;
      try {
        st = fstatSync(fd);
      } catch (err) {
        throw errorOf(path, err);
      }
      if (st.isDirectory()) throw new OutputError(path, 'is a directory', 'EISDIR');
      if (fd > 2 && !givenFd(fd)) throw new OutputError(path, 'not a descriptor given to flamefold', 'EBADF');
      return { kind: 'fd', path, fd };
    }
    let st: Stats;
    try {
      st = await lstat(target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw errorOf(path, err);
      await checkFolder(path, dirname(target));
      return { kind: 'file', path, target };
    }
    if (st.isSymbolicLink()) {
      // The link stays; what it points to is written (created, when the link dangles).
      if (links === MAX_LINKS) throw new OutputError(path, systemErrorText({ code: 'ELOOP' }), 'ELOOP');
      target = resolve(dirname(target), await readlink(target).catch((err: unknown) => Promise.reject(errorOf(path, err))));
      continue;
    }
    if (st.isDirectory()) throw new OutputError(path, 'is a directory', 'EISDIR');
    if (st.isSocket()) return { kind: 'socket', path, target };
    if (!st.isFile()) return { kind: 'device', path, target };
    await checkFolder(path, dirname(target)); // the replacement is created beside it
    return { kind: 'file', path, target, existing: { mode: st.mode, uid: st.uid, gid: st.gid } };
  }
}
