// profile.proto's wire format, written a record at a time into ChunkWriter
// buffers: the bytes pprof-format's Profile.encode() gives for the same
// profile (fields in its order, zeros left out as it leaves them out), but
// without an object per sample, location, function and string (at millions
// of distinct frames those objects took more memory than V8 has).

import { ChunkWriter } from '../output/chunk-writer.js';

// Profile's fields (profile.proto), as a tag byte: field << 3 | wire type (0 varint, 2 length-delimited).
export const SAMPLE_TYPE = 10;
export const SAMPLE = 18;
export const LOCATION = 34;
export const FUNCTION = 42;
export const STRING = 50;

/** Writes `v` as a varint at `at` (room for 10 bytes), as pprof-format does: a negative one as its 64-bit two's complement. Returns the end. */
function putVarint(m: Uint8Array, at: number, v: number | bigint): number {
  if (typeof v === 'number' && v >= 0 && v <= 0xffffffff) {
    while (v > 127) {
      m[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    m[at++] = v;
    return at;
  }
  let x = BigInt.asUintN(64, BigInt(v));
  while (x > 127n) {
    m[at++] = Number(x & 127n) | 128;
    x >>= 7n;
  }
  m[at++] = Number(x);
  return at;
}

/** A message being built (a sample, a location, ...), then written as one length-delimited field. */
export class ProtoWriter {
  readonly out = new ChunkWriter();
  private msg = new Uint8Array(1 << 12);
  private len = 0;
  private readonly head = new Uint8Array(20); // a field's tag and length

  private room(n: number): void {
    if (this.len + n <= this.msg.length) return;
    const bigger = new Uint8Array(Math.max(this.msg.length * 2, this.len + n));
    bigger.set(this.msg.subarray(0, this.len));
    this.msg = bigger;
  }

  /** Appends a varint. */
  varint(v: number | bigint): void {
    this.room(10);
    this.len = putVarint(this.msg, this.len, v);
  }

  /** Appends a varint field (tag, value), left out when the value is 0 as pprof-format does. */
  field(tag: number, v: number): void {
    if (v === 0) return;
    this.varint(tag);
    this.varint(v);
  }

  /** Appends a packed field of varints (tag, length, values), left out when empty. */
  packed(tag: number, values: ArrayLike<number | bigint>): void {
    if (values.length === 0) return;
    const start = this.len;
    for (let i = 0; i < values.length; i++) this.varint(values[i]!);
    this.prefix(start, tag);
  }

  /** Appends a nested message: `body` appends its fields. */
  nested(tag: number, body: () => void): void {
    const start = this.len;
    body();
    this.prefix(start, tag);
  }

  // Puts the tag and length of the bytes from `start` in front of them.
  private prefix(start: number, tag: number): void {
    const n = putVarint(this.head, putVarint(this.head, 0, tag), this.len - start);
    this.room(n);
    this.msg.copyWithin(start + n, start, this.len);
    this.msg.set(this.head.subarray(0, n), start);
    this.len += n;
  }

  /** Writes the message built as a top-level field `tag`, and starts the next. */
  record(tag: number): void {
    this.out.writeBytes(this.head.subarray(0, putVarint(this.head, putVarint(this.head, 0, tag), this.len)));
    this.out.writeBytes(this.msg.subarray(0, this.len));
    this.len = 0;
  }

  /** A string of the string table: its UTF-8 bytes. */
  string(bytes: Uint8Array): void {
    this.out.writeBytes(this.head.subarray(0, putVarint(this.head, putVarint(this.head, 0, STRING), bytes.length)));
    this.out.writeBytes(bytes);
  }
}
