// Errors with the context a user needs: which input, which line, what was expected.

/** Bad input: names the input and, where known, the 1-based line. Exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${input}: ${message}` : `${input}:${line}: ${message}`);
  }
}

/** Bad command line: unknown option, bad value. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The output cannot be written: names the path (or "standard output") and why, in words. Exit code 1. */
export class OutputError extends Error {
  override name = 'OutputError';
  constructor(
    readonly path: string,
    readonly reason: string,
    /** The system error code behind it (EPIPE, ENOSPC, ...), when there is one. */
    readonly code?: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

// Node's messages for system errors carry the code, the call and the path ("ENOENT: no such file
// or directory, open '.x.tmp'"); a user needs only the words.
const SYSTEM_ERROR_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EPIPE: 'the reader closed the pipe',
  ENXIO: 'no such device (or no reader)',
  ECONNREFUSED: 'connection refused',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBADF: 'not an open file descriptor',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  EXDEV: 'on a different file system',
  EINVAL: 'invalid argument',
  ERR_STREAM_DESTROYED: 'the stream was closed',
  ERR_STREAM_PREMATURE_CLOSE: 'the stream was closed',
};

/** A system error in words ("no such file or directory"), never Node's "ENOENT: ..., open 'x'". */
export function systemErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && SYSTEM_ERROR_WORDS[code] !== undefined) return SYSTEM_ERROR_WORDS[code];
  const message = err instanceof Error ? err.message : String(err);
  // Unknown codes: Node's text without the code and the call ("ENOSYS: function not implemented, open 'x'").
  return (message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/s, '').split('\n')[0] ?? message).trim() || (code ?? 'unknown error');
}
