// The raw-line cache: a printed frame line (as a parser keys it, e.g. with the
// `+0x1a` offset already cut) maps to the frame id(s) its normalisation gave,
// so the naming rules run once per distinct line, not once per sample. Each
// format that names frame lines owns one, so two formats' keys never meet
// (a session may read inputs of several formats).

import { ByteTable } from "./byte-table";
import { allocRaw, moveRaw } from "../util/memory";
import { bytesEqual } from "../util/hash";

@unmanaged
export class LineCache {
  lines: ByteTable;
  // Per entry: one frame id stored inline (the common case), or an index into
  // `ids`. The arrays are raw: every field is written when its entry is made.
  firsts: usize = 0; // u32: the frame id, or the start in `ids` when count != 1
  counts: usize = 0; // u32
  nexts: usize = 0; // u32: entry + 1 of the line that followed this one last time, 0 if none
  cap: u32 = 0;
  ids: usize = 0;
  idsLen: u32 = 0;
  idsCap: u32 = 0;

  constructor() {
    this.lines = new ByteTable(12);
    this.cap = 1 << 11;
    this.firsts = allocRaw(<usize>this.cap << 2);
    this.counts = allocRaw(<usize>this.cap << 2);
    this.nexts = allocRaw(<usize>this.cap << 2);
    this.idsCap = 256;
    this.ids = allocRaw(<usize>this.idsCap << 2);
  }

  /** Entry of the line, or -1. */
  // @ts-ignore: decorator
  @inline find(p: usize, len: usize, h: u32): i32 {
    return this.lines.find(p, len, h);
  }

  /** Records the frame ids (`n` of them at `src`) for a line known to be absent. */
  add(p: usize, len: usize, h: u32, src: usize, n: u32): u32 {
    const e = this.lines.add(p, len, h);
    if (e >= this.cap) {
      const cap = this.cap;
      this.firsts = moveRaw(this.firsts, <usize>cap << 2, <usize>cap << 3);
      this.counts = moveRaw(this.counts, <usize>cap << 2, <usize>cap << 3);
      this.nexts = moveRaw(this.nexts, <usize>cap << 2, <usize>cap << 3);
      this.cap = cap << 1;
    }
    store<u32>(this.counts + (<usize>e << 2), n);
    store<u32>(this.nexts + (<usize>e << 2), 0);
    if (n == 1) {
      store<u32>(this.firsts + (<usize>e << 2), load<u32>(src));
    } else {
      while (this.idsLen + n > this.idsCap) {
        this.ids = moveRaw(this.ids, <usize>this.idsLen << 2, <usize>this.idsCap << 3);
        this.idsCap <<= 1;
      }
      store<u32>(this.firsts + (<usize>e << 2), this.idsLen);
      memory.copy(this.ids + (<usize>this.idsLen << 2), src, <usize>n << 2);
      this.idsLen += n;
    }
    return e;
  }

  // @ts-ignore: decorator
  @inline idCount(e: u32): u32 {
    return load<u32>(this.counts + (<usize>e << 2));
  }

  /** The single frame id of an entry whose count is 1. */
  // @ts-ignore: decorator
  @inline firstId(e: u32): u32 {
    return load<u32>(this.firsts + (<usize>e << 2));
  }

  /** The i-th frame id of an entry with several. */
  // @ts-ignore: decorator
  @inline idAt(e: u32, i: u32): u32 {
    return load<u32>(this.ids + (<usize>(load<u32>(this.firsts + (<usize>e << 2)) + i) << 2));
  }

  // Successor prediction: a capture repeats its stacks (each printa() snapshot
  // prints them again, perf prints a hot path's callers the same way every
  // time), so the line after a given line is usually the one that followed it
  // last time. Checking that guess is one compare and no hashing.

  /** The entry that followed `prev` last time, if [p, p+len) is that line; else -1. */
  // @ts-ignore: decorator
  @inline predicted(prev: i32, p: usize, len: usize): i32 {
    if (prev < 0) return -1;
    const guess = load<u32>(this.nexts + (<usize>prev << 2));
    if (guess == 0) return -1;
    const e = guess - 1;
    const lines = this.lines;
    if (lines.len(e) != <u32>len || !bytesEqual(lines.ptr(e), p, len)) return -1;
    return <i32>e;
  }

  /** Remembers that entry `e` followed entry `prev`. */
  // @ts-ignore: decorator
  @inline follows(prev: i32, e: u32): void {
    if (prev >= 0) store<u32>(this.nexts + (<usize>prev << 2), e + 1);
  }
}
