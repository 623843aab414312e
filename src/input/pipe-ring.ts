// The ring a pipe's reader thread fills (src/pipe-worker.ts) and the main
// thread drains (src/pipe.ts): what both sides agree on.

/** Main → reader: what to read and which ring to fill. */
export interface PipeReaderTask {
  /** A descriptor the main thread opened (threads share them), read from where it stands. */
  fd: number;
  /** `slots` slots of `slotBytes` bytes each. */
  data: SharedArrayBuffer;
  /** Int32 per slot: 0 free, n > 0 filled with n bytes, END after the last byte, FAILED on an error. */
  states: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

export const END = -1;
export const FAILED = -2;
