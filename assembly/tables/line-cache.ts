// The raw-line cache: a printed frame line (as a parser keys it, e.g. with the
// `+0x1a` offset already cut) maps to the frame id(s) its normalisation gave,
// so the naming rules run once per distinct line, not once per sample. Each
// format that names frame lines owns one, so two formats' keys never meet
// (a session may read inputs of several formats).
//
// Laid out for the hot path, which is memory-bound: an entry is its key's
// length, its successor, its frame ids and its key bytes in one place (in
// blocks that never move), so a lookup touches a slot and the entry, and a
// predicted line (below) the entry alone. An entry is named by its address.
//
// A key may be given in two parts (a line with a piece cut out of it, such as
// perf's `sym+0x1f (dso)`): it is their concatenation, compared in place
// without a copy. The hash is the caller's, of its own choosing, as long as
// it always hashes a key the same way.

import { HashSlots } from "../util/hash-slots";
import { allocRaw, moveRaw } from "../util/memory";
import { bytesEqual } from "../util/hash";

// An entry: u32 key length, u32 successor (an entry address, 0 if none),
// u32 frame-id count, u32 the frame id (count 1) or where its ids start in
// `ids`, u32 the length of the key's first part, u32 its number (entries are
// numbered from 0 as they are made: `byNumber` gives the address back, so a
// table of many references, the record table, can keep 16-bit numbers
// instead of 32-bit addresses); then the key.
const HEAD: usize = 24;
const BLOCK: usize = 256 << 10;

// @ts-ignore: decorator
@inline function keyIs(e: usize, p: usize, len: usize, p2: usize, len2: usize): bool {
  return load<u32>(e) == <u32>(len + len2) && bytesEqual(e + HEAD, p, len) && (len2 == 0 || bytesEqual(e + HEAD + len, p2, len2));
}

@unmanaged
export class LineCache extends HashSlots {
  block: usize = 0; // the block being filled
  blockUsed: usize = 0;
  ids: usize = 0; // u32: the frame ids of entries with several
  idsLen: u32 = 0;
  idsCap: u32 = 0;
  byNumber: usize = 0; // u32 per entry number: its address
  numberCap: u32 = 0;

  constructor() {
    super();
    this.blockUsed = BLOCK;
    this.idsCap = 256;
    this.ids = allocRaw(<usize>this.idsCap << 2);
    this.numberCap = 1024;
    this.byNumber = allocRaw(<usize>this.numberCap << 2);
  }

  /** The entry of the line [p, p+len) + [p2, p2+len2) whose hash is `h`, or 0. */
  find(p: usize, len: usize, p2: usize, len2: usize, h: u32): usize {
    const mask = this.mask;
    let i = h & mask;
    while (true) {
      const s = load<u64>(this.slots + (<usize>i << 3));
      if (s == 0) return 0;
      if (<u32>(s >> 32) == h) {
        const e = <usize><u32>s;
        if (keyIs(e, p, len, p2, len2)) return e;
      }
      i = (i + 1) & mask;
    }
  }

  /** Records the frame ids (`n` of them at `src`) of a line known to be absent; returns its entry. */
  add(p: usize, len: usize, p2: usize, len2: usize, h: u32, src: usize, n: u32): usize {
    const keyLen = len + len2;
    let at = (this.blockUsed + 7) & ~<usize>7;
    if (at + HEAD + keyLen > BLOCK) {
      this.block = allocRaw(max(BLOCK, HEAD + keyLen));
      at = 0;
    }
    const e = this.block + at;
    this.blockUsed = at + HEAD + keyLen;
    store<u32>(e, <u32>keyLen);
    store<u32>(e, 0, 4);
    store<u32>(e, n, 8);
    store<u32>(e, <u32>len, 16);
    if (n == 1) {
      store<u32>(e, load<u32>(src), 12);
    } else {
      while (this.idsLen + n > this.idsCap) {
        this.ids = moveRaw(this.ids, <usize>this.idsLen << 2, <usize>this.idsCap << 3);
        this.idsCap <<= 1;
      }
      store<u32>(e, this.idsLen, 12);
      memory.copy(this.ids + (<usize>this.idsLen << 2), src, <usize>n << 2);
      this.idsLen += n;
    }
    memory.copy(e + HEAD, p, len);
    memory.copy(e + HEAD + len, p2, len2);
    const number = this.count; // addSlot counts the entry
    if (number == this.numberCap) {
      this.byNumber = moveRaw(this.byNumber, <usize>number << 2, <usize>number << 3);
      this.numberCap <<= 1;
    }
    store<u32>(this.byNumber + (<usize>number << 2), <u32>e);
    store<u32>(e, number, 20);
    this.addSlot(h, e);
    return e;
  }

  /**
   * Reads entry `e` where a check of a line against it will (its head, its
   * key's first 32 bytes: at most two cache lines), for a caller reading
   * entries ahead (record-table.ts touch); returns what it read.
   */
  // @ts-ignore: decorator
  @inline touch(e: usize): u32 { return load<u32>(e) ^ load<u32>(e, HEAD + 31); }

  /** The number of entry `e` (from 0, in the order entries were made). */
  // @ts-ignore: decorator
  @inline numberOf(e: usize): u32 { return load<u32>(e, 20); }

  /** The entry numbered `n`. */
  // @ts-ignore: decorator
  @inline entryNumbered(n: u32): usize { return <usize>load<u32>(this.byNumber + (<usize>n << 2)); }

  // @ts-ignore: decorator
  @inline idCount(e: usize): u32 {
    return load<u32>(e, 8);
  }

  /** The single frame id of an entry whose count is 1. */
  // @ts-ignore: decorator
  @inline firstId(e: usize): u32 {
    return load<u32>(e, 12);
  }

  /** The i-th frame id of an entry with several. */
  // @ts-ignore: decorator
  @inline idAt(e: usize, i: u32): u32 {
    return load<u32>(this.ids + (<usize>(load<u32>(e, 12) + i) << 2));
  }

  /** An entry's key: its bytes, length, and the length of the first of the two parts it was given in. */
  // @ts-ignore: decorator
  @inline keyAt(e: usize): usize { return e + HEAD; }
  // @ts-ignore: decorator
  @inline keyLength(e: usize): usize { return <usize>load<u32>(e); }
  // @ts-ignore: decorator
  @inline keySplit(e: usize): usize { return <usize>load<u32>(e, 16); }

  /** Whether entry `e` is of the line [p, p+len) (a one-part key). */
  // @ts-ignore: decorator
  @inline matches(e: usize, p: usize, len: usize): bool { return keyIs(e, p, len, 0, 0); }

  /** The entry that followed `prev` last time (0 if none): for a parser that checks the guess its own way. */
  // @ts-ignore: decorator
  @inline successor(prev: usize): usize { return prev == 0 ? 0 : <usize>load<u32>(prev, 4); }

  // Successor prediction: a capture repeats its stacks (each printa() snapshot
  // prints them again, perf prints a hot path's callers the same way every
  // time), so the line after a given line is usually the one that followed it
  // last time. Checking that guess is one compare and no hashing.

  /** The entry that followed `prev` last time, if [p, p+len) + [p2, p2+len2) is that line; else 0. */
  // @ts-ignore: decorator
  @inline predicted(prev: usize, p: usize, len: usize, p2: usize, len2: usize): usize {
    if (prev == 0) return 0;
    const e = <usize>load<u32>(prev, 4);
    return e != 0 && keyIs(e, p, len, p2, len2) ? e : 0;
  }

  /** Remembers that entry `e` followed entry `prev`. */
  // @ts-ignore: decorator
  @inline follows(prev: usize, e: usize): void {
    if (prev != 0) store<u32>(prev, <u32>e, 4);
  }
}
