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

/** The bytes putVarint() takes for `v`. */
function varintLength(v: number | bigint): number {
  if (typeof v === 'number' && v >= 0 && v <= 0xffffffff) return v < 128 ? 1 : v < 16384 ? 2 : v < 2097152 ? 3 : v < 268435456 ? 4 : 5;
  let x = BigInt.asUintN(64, BigInt(v));
  let n = 1;
  while (x > 127n) {
    x >>= 7n;
    n++;
  }
  return n;
}

const HEAD = 11; // room before a message for its field's tag (one byte: fields < 16) and length (up to 10)

/**
 * A message being built (a sample, a location, ...) after HEAD bytes of room, then written as one
 * length-delimited field with its tag and length put in that room: one copy into the output per record.
 */
export class ProtoWriter {
  readonly out = new ChunkWriter();
  private msg = new Uint8Array(1 << 12);
  private len = HEAD;

  private room(n: number): void {
    if (this.len + n <= this.msg.length) return;
    const bigger = new Uint8Array(Math.max(this.msg.length * 2, this.len + n));
    bigger.set(this.msg.subarray(0, this.len));
    this.msg = bigger;
  }

  /** Appends a varint. */
  private varint(v: number | bigint): void {
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
    let n = 0;
    for (let i = 0; i < values.length; i++) n += varintLength(values[i]!);
    this.varint(tag);
    this.varint(n);
    this.room(10 * values.length);
    for (let i = 0; i < values.length; i++) this.len = putVarint(this.msg, this.len, values[i]!);
  }

  /** Appends a location's one line: the function `fn` (field 4, a Line of field 1). */
  line(fn: number): void {
    this.varint(34);
    this.varint(1 + varintLength(fn));
    this.varint(8);
    this.varint(fn);
  }

  /** Writes the message built as a top-level field `tag`, and starts the next. */
  record(tag: number): void {
    const n = this.len - HEAD;
    const start = HEAD - 1 - varintLength(n);
    this.msg[start] = tag;
    putVarint(this.msg, start + 1, n);
    this.out.writeBytes(this.msg.subarray(start, this.len));
    this.len = HEAD;
  }

  /** A string of the string table: its UTF-8 bytes. */
  string(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.msg.set(bytes, this.len);
    this.len += bytes.length;
    this.record(STRING);
  }
}
