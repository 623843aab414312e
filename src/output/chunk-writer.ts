// Text output gathered into UTF-8 buffers of about 1 MiB, so a writer can emit
// many small strings (a frame, a stack) without making one huge string or
// awaiting a write for each piece.

const CHUNK = 1 << 20;

/**
 * Collects the output as UTF-8 in buffers of about CHUNK bytes: each piece of
 * text goes straight into a buffer, so a large output never becomes one huge
 * string (measured on SVGs: fewer garbage collections than joining pieces per
 * chunk). Full buffers wait in `full` for the caller to take.
 */
export class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK + (64 << 10));
  private pos = 0;
  readonly full: Uint8Array[] = [];
  // The buffers behind `full`; those takeFull() handed out, in order; and those free to be written again.
  private fullBuffers: Buffer<ArrayBuffer>[] = [];
  private handedOut: Buffer<ArrayBuffer>[] = [];
  private taken: Buffer<ArrayBuffer>[] = [];

  /**
   * `reuse`: by the time takeFull() is called again, the caller is done with every buffer it
   * was given but the last (it writes one out while the next is made, one write at a time):
   * their memory is then filled again, instead of new buffers' (the page faults of a fresh MiB
   * cost about 0.6 ms).
   */
  constructor(private readonly reuse = false) {}

  /** The full buffers, for the caller to write out (under `reuse`, see the constructor). */
  takeFull(): Uint8Array[] {
    if (this.reuse) {
      // All handed out before the last one are written: free again.
      if (this.handedOut.length > 1) this.taken.push(...this.handedOut.splice(0, this.handedOut.length - 1));
      this.handedOut.push(...this.fullBuffers);
    }
    this.fullBuffers = [];
    return this.full.splice(0);
  }

  write(s: string): void {
    if (this.pos + 3 * s.length > this.buf.length) {
      this.flush();
      if (3 * s.length > this.buf.length) this.buf = Buffer.allocUnsafe(3 * s.length);
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    if (this.pos >= CHUNK) this.flush();
  }
  /** Bytes already encoded (UTF-8), copied in: they may be a view that changes after the call. */
  writeBytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) this.buf = Buffer.allocUnsafe(b.length);
    }
    this.buf.set(b, this.pos);
    this.pos += b.length;
    if (this.pos >= CHUNK) this.flush();
  }
  flush(): void {
    if (this.pos === 0) return;
    this.full.push(this.buf.subarray(0, this.pos));
    if (this.reuse) this.fullBuffers.push(this.buf);
    this.buf = this.taken.pop() ?? Buffer.allocUnsafe(CHUNK + (64 << 10));
    this.pos = 0;
  }
}
