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
  /** The buffer being filled; none from a flush until the next piece comes (room()). */
  private buf: Buffer<ArrayBuffer> | undefined;
  private pos = 0;
  readonly full: Uint8Array[] = [];
  // The buffers behind `full`; those takeFull() handed out, in order; and those free to be written again.
  private fullBuffers: Buffer<ArrayBuffer>[] = [];
  private handedOut: Buffer<ArrayBuffer>[] = [];
  private taken: Buffer<ArrayBuffer>[] = [];

  /**
   * `reuse`: once the caller writes here again after takeFull(), it is done with every buffer it
   * was given but the last (it writes one out while the next is made, one write at a time, and
   * comes back for more once the one before is written): their memory is then filled again,
   * instead of new buffers' (the page faults of a fresh MiB cost about 0.6 ms). The next buffer
   * is taken when the first piece after a flush comes, not at the flush, when the chunk before
   * the one flushed may still be being written: two buffers take turns, not four (W2's SVG).
   */
  constructor(private readonly reuse = false) {}

  /** The full buffers, for the caller to write out (under `reuse`, see the constructor). */
  takeFull(): Uint8Array[] {
    if (this.reuse) this.handedOut.push(...this.fullBuffers);
    this.fullBuffers = [];
    return this.full.splice(0);
  }

  write(s: string): void {
    let buf = this.room();
    if (this.pos + 3 * s.length > buf.length) {
      this.flush();
      buf = this.room(3 * s.length);
    }
    this.pos += buf.write(s, this.pos, 'utf8');
    if (this.pos >= CHUNK) this.flush();
  }
  /** Bytes already encoded (UTF-8), copied in: they may be a view that changes after the call. */
  writeBytes(b: Uint8Array): void {
    let buf = this.room();
    if (this.pos + b.length > buf.length) {
      this.flush();
      buf = this.room(b.length);
    }
    buf.set(b, this.pos);
    this.pos += b.length;
    if (this.pos >= CHUNK) this.flush();
  }
  flush(): void {
    if (this.pos === 0 || this.buf === undefined) return;
    this.full.push(this.buf.subarray(0, this.pos));
    if (this.reuse) this.fullBuffers.push(this.buf);
    this.buf = undefined;
    this.pos = 0;
  }

  /** The buffer to fill, with room for `need` bytes once empty: one written out and given back (`reuse`), or a new one. */
  private room(need = 0): Buffer<ArrayBuffer> {
    if (this.buf === undefined) {
      // All handed out before the last one are written: free again.
      if (this.reuse && this.handedOut.length > 1) this.taken.push(...this.handedOut.splice(0, this.handedOut.length - 1));
      this.buf = this.taken.pop() ?? Buffer.allocUnsafe(CHUNK + (64 << 10));
    }
    // A piece larger than a buffer (a long text) gets one of its own, not kept for reuse.
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    return this.buf;
  }
}
