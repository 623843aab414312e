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
