// Interning of byte strings: each distinct string is stored once and gets a
// dense u32 id. Open addressing with linear probing; a slot holds the hash and
// the id (8 bytes), and a lookup reads the bytes' place only when the hash
// matches, so the table can be kept up to 3/4 full: a probe past a few
// occupied slots stays in one cache line. (Slots are most of its memory with
// millions of short names: 16 to 32 bytes a name at most half full, 11 to 21
// at 3/4.) The bytes live in blocks that never move.

import { allocBytes, allocRaw, moveRaw } from "../util/memory";
import { hashBytes, bytesEqual } from "../util/hash";

const BLOCK_MIN: usize = 4 << 10;
const BLOCK_MAX: usize = 1 << 20;
const SLOT: usize = 8; // hash u32, id + 1 u32 (0: empty)

// How many ids `nslots` slots take before they double: 3/4 of them.
// @ts-ignore: decorator
@inline function idsFor(nslots: u32): u32 { return nslots - (nslots >> 2); }

@unmanaged
export class ByteTable {
  block: usize = 0; // the block being filled
  blockUsed: usize = 0;
  blockSize: usize = 0;
  /** Bytes stored in all blocks. */
  arenaUsed: usize = 0;
  ptrs: usize = 0; // u32 address per id (raw: written as ids are made)
  lengths: usize = 0; // u32 per id (raw)
  count: u32 = 0;
  idCap: u32 = 0;
  slots: usize = 0;
  mask: u32 = 0;

  constructor(slotsLog2: u32) {
    const nslots: u32 = 1 << slotsLog2;
    this.mask = nslots - 1;
    this.slots = allocBytes(<usize>nslots * SLOT);
    this.idCap = idsFor(nslots);
    this.ptrs = allocRaw(<usize>this.idCap << 2);
    this.lengths = allocRaw(<usize>this.idCap << 2);
  }

  /** Id of the bytes, or -1. `h` is hashBytes(p, len). */
  find(p: usize, len: usize, h: u32): i32 {
    const mask = this.mask;
    let i = h & mask;
    while (true) {
      const s = load<u64>(this.slots + <usize>i * SLOT);
      if (s == 0) return -1;
      if (<u32>s == h) {
        const id = <u32>(s >> 32) - 1;
        if (this.len(id) == <u32>len && bytesEqual(this.ptr(id), p, len)) return <i32>id;
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds bytes known to be absent; returns the new id. */
  add(p: usize, len: usize, h: u32): u32 {
    if (this.count >= this.idCap) this.grow();
    if (this.blockUsed + len > this.blockSize) {
      this.blockSize = min(BLOCK_MAX, max(BLOCK_MIN, this.blockSize << 1));
      this.block = allocRaw(max(this.blockSize, len));
      this.blockUsed = 0;
    }
    const at = this.block + this.blockUsed;
    memory.copy(at, p, len);
    this.blockUsed += len;
    this.arenaUsed += len;
    const id = this.count++;
    store<u32>(this.ptrs + (<usize>id << 2), <u32>at);
    store<u32>(this.lengths + (<usize>id << 2), <u32>len);
    this.place(h, id);
    return id;
  }

  intern(p: usize, len: usize): u32 {
    const h = hashBytes(p, len);
    const found = this.find(p, len, h);
    return found >= 0 ? <u32>found : this.add(p, len, h);
  }

  ptr(id: u32): usize {
    return <usize>load<u32>(this.ptrs + (<usize>id << 2));
  }

  len(id: u32): u32 {
    return load<u32>(this.lengths + (<usize>id << 2));
  }

  private place(h: u32, id: u32): void {
    const mask = this.mask;
    let i = h & mask;
    while (load<u64>(this.slots + <usize>i * SLOT) != 0) i = (i + 1) & mask;
    store<u64>(this.slots + <usize>i * SLOT, (<u64>(id + 1) << 32) | <u64>h);
  }

  // Doubles the slot table (kept at most 3/4 full) and the id arrays.
  private grow(): void {
    const oldSlots = this.slots;
    const oldN = <usize>this.mask + 1;
    const n = oldN << 1;
    this.slots = allocBytes(n * SLOT);
    this.mask = <u32>n - 1;
    for (let i: usize = 0; i < oldN; i++) {
      const s = load<u64>(oldSlots + i * SLOT);
      if (s != 0) this.place(<u32>s, <u32>(s >> 32) - 1);
    }
    heap.free(oldSlots);
    const cap = idsFor(<u32>n);
    this.ptrs = moveRaw(this.ptrs, <usize>this.count << 2, <usize>cap << 2);
    this.lengths = moveRaw(this.lengths, <usize>this.count << 2, <usize>cap << 2);
    this.idCap = cap;
  }
}
