// The ring a reader thread fills (a pipe's, pipe-worker.ts; a gzip file's,
// gunzip-worker.ts) and the main thread drains (pipe.ts, ringChunks): what
// both sides agree on, and the filling side's loop.

/** Main → reader: which ring to fill. */
export interface RingTask {
  /** `slots` slots of `slotBytes` bytes each. */
  data: SharedArrayBuffer;
  /** Int32 per slot: 0 free, n > 0 filled with n bytes, END after the last byte, FAILED on an error. */
  states: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

/** Main → a pipe's reader: what to read. */
export interface PipeReaderTask extends RingTask {
  /** A descriptor the main thread opened (threads share them), read from where it stands. */
  fd: number;
}

export const END = -1;
export const FAILED = -2;

/**
 * The filling side of a ring: bytes written in go out in whole slots, each
 * once the main thread has handed it back; end() sends the last short slot
 * and END, fail() FAILED in every slot (the main thread stops at the first).
 */
export class RingWriter {
  private readonly bytes: Uint8Array;
  private readonly state: Int32Array;
  private slot = 0;
  private size = 0;

  constructor(private readonly task: RingTask) {
    this.bytes = new Uint8Array(task.data);
    this.state = new Int32Array(task.states);
    this.whenFree();
  }

  /** Where the current slot's free bytes are: fill some, then filled(). */
  free(): Uint8Array {
    const at = this.slot * this.task.slotBytes;
    return this.bytes.subarray(at + this.size, at + this.task.slotBytes);
  }

  /** `n` more bytes of the current slot were filled; a full slot goes out. */
  filled(n: number): void {
    this.size += n;
    if (this.size === this.task.slotBytes) this.next(this.size);
  }

  /** Copies bytes in. */
  write(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length; ) {
      const room = this.free();
      const n = Math.min(room.length, chunk.length - off);
      room.set(chunk.subarray(off, off + n));
      off += n;
      this.filled(n);
    }
  }

  end(): void {
    if (this.size > 0) this.next(this.size);
    this.mark(this.slot, END);
  }

  fail(): void {
    for (let slot = 0; slot < this.task.slots; slot++) this.mark(slot, FAILED);
  }

  private next(value: number): void {
    this.mark(this.slot, value);
    this.slot = (this.slot + 1) % this.task.slots;
    this.size = 0;
    this.whenFree();
  }

  private whenFree(): void {
    for (let s = Atomics.load(this.state, this.slot); s !== 0; s = Atomics.load(this.state, this.slot)) Atomics.wait(this.state, this.slot, s); // until parsed
  }

  private mark(slot: number, value: number): void {
    Atomics.store(this.state, slot, value);
    Atomics.notify(this.state, slot);
  }
}
