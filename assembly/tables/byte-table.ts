// Interning of byte strings: each distinct string is stored once and gets a
// dense u32 id. Open addressing with linear probing; a slot's first word (u32)
// holds id + 1 and, above it, some top bits of the hash (a tag, idBitsFor), and
// a lookup reads the bytes' place only when the tag matches, so the table can
// be kept up to 3/4 full: a probe past a few occupied slots stays in one cache
// line. While the table is small (WIDE_SLOTS), a slot is 8 bytes: its second
// word is the address of the name's length and bytes, so a lookup goes from
// the slot straight to the bytes, not through the id's address first (a load
// fewer in each lookup's chain of dependent loads). Beyond that, slots are 4
// bytes: with millions of short names, slots are much of the table's memory
// (5.3 bytes a name at 3/4), and they no longer fit the cache anyway. While
// slots are wide, names are hashed by util/hash.ts nameHash: a name shorter
// than 32 bytes with no loop over its bytes (ByteTable.internShort: a reader
// that has its first 32 bytes in hand); narrow ones use hashBytes (see
// hash()). The bytes live in blocks that never move, and so do each
// id's address and length (tables/blocks.ts): arrays grown by doubling would
// leave their old copies behind as dead memory.

import { allocBytes, allocRaw, freeBytes, roomAhead, AHEAD_LOG, AHEAD_FROM, copyBytes } from "../util/memory";
import { hashBytes, nameHash, shortNameHash, shortMask, mix64, bytesEqual } from "../util/hash";
import { BlockArray, blockLog } from "./blocks";
import { SLOT_ID_BITS, slotWord, queueSlot, placeQueued, slotHashMask, batchAlways } from "./slot-batch";

const BLOCK_MIN: usize = 4 << 10;
const BLOCK_MAX: usize = 1 << 20;
const LONG: u32 = 255; // a length byte saying that a u32 length follows
const SLOT: usize = 4; // u32: tag << idBits | id + 1 (0: empty)
const WIDE: usize = 8; // that word, then the u32 address of the name's length byte
/** Tables of up to this many slots have wide ones (1 MiB of them: 98,304 names). */
const WIDE_SLOTS: u32 = 1 << 17;
/** Ids the slots can name: 134 million distinct strings. */
const MAX_IDS: u32 = (1 << SLOT_ID_BITS) - 1;
const CACHED_SLOTS: usize = (1 << 20) / SLOT; // narrow ones
/** The most slots a table grows to ahead for what it is told to expect (512 MiB of them). */
const EXPECTED_SLOTS_MAX: u32 = 1 << 27;

// How many ids `nslots` slots take before they double: 3/4 of them.
// @ts-ignore: decorator
@inline function idsFor(nslots: u32): u32 { return nslots - (nslots >> 2); }

// The bits a slot gives id + 1 while ids stay below `idCap`: the tag takes
// the rest, from 5 bits (134 million ids) to 20 (a new table), so a probe
// past other names' slots rarely matches a tag and reads a name (a miss).
// The slots are placed anew as they double, so the split can change then.
// @ts-ignore: decorator
@inline function idBitsFor(idCap: u32): u32 { return min<u32>(SLOT_ID_BITS, 32 - clz<u32>(idCap)); }

// @ts-ignore: decorator
@inline function slotSizeFor(nslots: u32): usize { return nslots <= WIDE_SLOTS ? WIDE : SLOT; }

// Whether the name stored at `at` (its length byte, then its bytes) is the `len` bytes at `p`.
// @ts-ignore: decorator
@inline function nameIs(at: usize, p: usize, len: usize): bool {
  const n = <u32>load<u8>(at);
  return n < LONG ? n == <u32>len && bytesEqual(at + 1, p, len) : load<u32>(at + 1) == <u32>len && bytesEqual(at + 5, p, len);
}

@unmanaged
export class ByteTable {
  block: usize = 0; // the block being filled
  blockUsed: usize = 0;
  blockSize: usize = 0;
  /** Bytes stored in all blocks. */
  arenaUsed: usize = 0;
  /** Per id: the u32 address of its length and bytes. */
  names: BlockArray;
  count: u32 = 0;
  idCap: u32 = 0;
  slots: usize = 0;
  mask: u32 = 0;
  idBits: u32 = 0;
  /** Bytes a slot takes: WIDE or SLOT. */
  slotSize: usize = 0;
  /**
   * Ids the table is expected to hold in all (tables/projection.ts; 0: not known): when it must
   * grow, it grows to hold them at once instead of doubling, when memory allows.
   */
  expected: u32 = 0;

  constructor(slotsLog2: u32) {
    const nslots: u32 = 1 << slotsLog2;
    this.mask = nslots - 1;
    this.names = new BlockArray(4, blockLog());
    this.slotSize = slotSizeFor(nslots);
    this.slots = allocBytes(<usize>nslots * this.slotSize);
    this.idCap = idsFor(nslots);
    this.idBits = idBitsFor(idsFor(nslots));
  }

  /**
   * The hash this table places the name of `len` bytes at `p` by (find()'s `h`): nameHash while
   * its slots are wide (internShort's, from the 32 bytes a reader has in hand), hashBytes once they
   * are narrow (millions of names, looked up ahead by slotAt: there, nameHash measured 4-6% slower
   * on HC2's fold). The slots are placed again when they change width.
   */
  // @ts-ignore: decorator
  @inline hash(p: usize, len: usize): u32 {
    return (this.slotSize == WIDE ? nameHash(p, len) : hashBytes(p, len)) & slotHashMask;
  }

  /** Id of the bytes, or -1. `h` is hash(p, len). */
  find(p: usize, len: usize, h: u32): i32 {
    if (this.slots == 0) this.placeAll();
    const mask = this.mask;
    const idBits = this.idBits;
    const tag = h >>> idBits;
    const idMask = (<u32>1 << idBits) - 1;
    let i = h & mask;
    if (this.slotSize == WIDE) {
      while (true) {
        const slot = this.slots + (<usize>i << 3);
        const s = load<u32>(slot);
        if (s == 0) return -1;
        if (s >>> idBits == tag && nameIs(<usize>load<u32>(slot, 4), p, len)) return <i32>((s & idMask) - 1);
        i = (i + 1) & mask;
      }
    }
    while (true) {
      const s = load<u32>(this.slots + (<usize>i << 2));
      if (s == 0) return -1;
      if (s >>> idBits == tag) {
        const id = (s & idMask) - 1;
        if (nameIs(<usize>load<u32>(this.names.at(id)), p, len)) return <i32>id;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Whether reading slots ahead (slotAt) pays: the slots outgrew the cache
   * (1 MiB), so a lookup of a name not seen lately misses it (tests: always).
   */
  touchPays(): bool { return batchAlways || <usize>this.mask + 1 > CACHED_SLOTS; }

  /**
   * The address of the slot where find() of a name of hash `h` (hash()'s)
   * starts (0 while the slots are freed). A caller about to look up many
   * names can read these slots first, in a short loop of their own: the
   * reads are independent, so their cache misses overlap, and each find()
   * then reads its slot from cache.
   */
  // @ts-ignore: decorator
  @inline slotAt(h: u32): usize {
    return this.slots == 0 ? 0 : this.slots + <usize>(h & this.mask) * this.slotSize;
  }

  /**
   * A number that changes when hash() of a name may: when the slots change
   * width. A caller keeping hashes (formats/folded.ts touchNames) uses them
   * only while it is what it was when they were made.
   */
  // @ts-ignore: decorator
  @inline hashKind(): usize { return this.slotSize; }

  /** intern() of a name whose hash() (`h`) the caller has, made while hashKind() was what it is. */
  // @ts-ignore: decorator
  @inline internHashed(p: usize, len: usize, h: u32): u32 {
    const found = this.find(p, len, h);
    return found >= 0 ? <u32>found : this.add(p, len, h);
  }

  /** Adds bytes known to be absent; returns the new id. */
  add(p: usize, len: usize, h: u32): u32 {
    if (this.slots == 0) this.placeAll();
    if (this.count >= this.idCap) {
      const size = this.slotSize;
      this.grow();
      if (this.slotSize != size) h = this.hash(p, len); // the slots changed width, and their hash with it
    }
    if (this.count >= MAX_IDS) throw new Error("out of memory: more than " + MAX_IDS.toString() + " distinct names");
    const head: usize = len < LONG ? 1 : 5;
    if (this.blockUsed + head + len > this.blockSize) {
      this.blockSize = min(BLOCK_MAX, max(BLOCK_MIN, this.blockSize << 1));
      this.block = allocRaw(max(this.blockSize, head + len));
      this.blockUsed = 0;
    }
    const at = this.block + this.blockUsed;
    if (head == 1) store<u8>(at, <u8>len);
    else {
      store<u8>(at, <u8>LONG);
      store<u32>(at + 1, <u32>len);
    }
    // A short name (most are) copied 16 bytes at a time, past its end into the block's free part
    // and SLACK: memory.copy is a call out of wasm, dearer than the copy (5 M names: 5 M calls).
    copyBytes(at + head, p, len);
    this.blockUsed += head + len;
    this.arenaUsed += len;
    const id = this.count++;
    store<u32>(this.names.room(id), <u32>at);
    this.place(h, id, at);
    return id;
  }

  intern(p: usize, len: usize): u32 { return this.internHashed(p, len, this.hash(p, len)); }

  /**
   * intern() of a name shorter than SHORT_NAME, given also as its first 32
   * bytes (`lo`, `hi`: what follows it may be anything), which the caller has
   * read (formats/folded.ts finds the ';' that ends it in them): hashed and,
   * with wide slots, compared from them, with no loop over its bytes.
   */
  internShort(p: usize, len: usize, lo: v128, hi: v128): u32 {
    if (this.slots == 0 || this.slotSize != WIDE) return this.intern(p, len);
    const m = shortMask(len);
    const mlo = v128.load(m), mhi = v128.load(m, 16);
    const h = mix64(shortNameHash(v128.and(lo, mlo), v128.and(hi, mhi), len)) & slotHashMask;
    const mask = this.mask;
    const idBits = this.idBits;
    const tag = h >>> idBits;
    let i = h & mask;
    while (true) {
      const slot = this.slots + (<usize>i << 3);
      const s = load<u32>(slot);
      if (s == 0) return this.add(p, len, h);
      if (s >>> idBits == tag) {
        // The stored name: its length byte (a short name's), then its bytes, read as 32 (SLACK).
        const at = <usize>load<u32>(slot, 4);
        const differ = v128.or(v128.and(v128.xor(v128.load(at, 1), lo), mlo), v128.and(v128.xor(v128.load(at, 17), hi), mhi));
        if (<usize>load<u8>(at) == len && !v128.any_true(differ)) return (s & ((<u32>1 << idBits) - 1)) - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** The address of the bytes of `id`. */
  // @ts-ignore: decorator
  @inline ptr(id: u32): usize {
    const at = <usize>load<u32>(this.names.at(id));
    return load<u8>(at) < LONG ? at + 1 : at + 5;
  }

  // @ts-ignore: decorator
  @inline len(id: u32): u32 {
    const at = <usize>load<u32>(this.names.at(id));
    const n = <u32>load<u8>(at);
    return n < LONG ? n : load<u32>(at + 1);
  }

  /**
   * Frees the slots while the table is only read (names are looked up by id
   * only: readers' arrays can reuse the memory); the next find() makes them again.
   */
  releaseSlots(): void {
    freeBytes(this.slots);
    this.slots = 0;
  }

  // Makes the slots (mask + 1 of them) and places every id, its hash computed again.
  // Wide slots are few (they fit the cache): placed one by one.
  private placeAll(): void {
    this.slots = allocBytes((<usize>this.mask + 1) * this.slotSize);
    if (this.slotSize == WIDE) {
      for (let id: u32 = 0; id < this.count; id++) this.place(this.hash(this.ptr(id), this.len(id)), id, <usize>load<u32>(this.names.at(id)));
      return;
    }
    for (let id: u32 = 0; id < this.count; id++) queueSlot(this.slots, this.mask, this.idBits, this.hash(this.ptr(id), this.len(id)), id);
    placeQueued(this.slots, this.mask, this.idBits);
  }

  // Places id (its name stored at `at`) in the first empty slot from its hash's.
  private place(h: u32, id: u32, at: usize): void {
    const mask = this.mask;
    const size = this.slotSize;
    let i = h & mask;
    while (load<u32>(this.slots + <usize>i * size) != 0) i = (i + 1) & mask;
    const slot = this.slots + <usize>i * size;
    store<u32>(slot, slotWord(h, id, this.idBits));
    if (size == WIDE) store<u32>(slot, <u32>at, 4);
  }

  // Doubles the slot table (kept at most 3/4 full), or makes it as large as the ids expected need
  // (once it is AHEAD_FROM, at most 2^AHEAD_LOG times as large, and if memory allows:
  // util/memory.ts); the slots keep only a tag of each hash, so every name is hashed again.
  private grow(): void {
    freeBytes(this.slots);
    const before = this.mask + 1;
    let nslots = before << 1;
    if (<usize>before * this.slotSize >= AHEAD_FROM) while (idsFor(nslots) <= this.expected && nslots < EXPECTED_SLOTS_MAX && nslots < before << AHEAD_LOG && roomAhead(<usize>(nslots << 1) * slotSizeFor(nslots << 1))) nslots <<= 1;
    this.mask = nslots - 1;
    this.slotSize = slotSizeFor(this.mask + 1);
    this.idCap = idsFor(this.mask + 1);
    this.idBits = idBitsFor(this.idCap);
    this.placeAll();
  }
}
