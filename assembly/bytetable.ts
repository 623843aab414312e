// Interning of byte strings: each distinct string is stored once in an arena
// and gets a dense u32 id. Open addressing with linear probing; a slot holds
// the 32-bit hash beside the id, so most mismatches never touch the arena.

import { allocBytes, growBytes } from "./memory";
import { hashBytes, bytesEqual } from "./hash";

@unmanaged
export class ByteTable {
  arena: usize = 0;
  arenaUsed: usize = 0;
  arenaCap: usize = 0;
  offsets: usize = 0; // u32 per id
  lengths: usize = 0; // u32 per id
  count: u32 = 0;
  idCap: u32 = 0;
  slots: usize = 0; // u64 per slot: hash << 32 | (id + 1)
  mask: u32 = 0;

  constructor(slotsLog2: u32, arenaBytes: usize) {
    const nslots: u32 = 1 << slotsLog2;
    this.mask = nslots - 1;
    this.slots = allocBytes(<usize>nslots << 3);
    this.arenaCap = arenaBytes;
    this.arena = allocBytes(arenaBytes);
    this.idCap = nslots >> 1;
    this.offsets = allocBytes(<usize>this.idCap << 2);
    this.lengths = allocBytes(<usize>this.idCap << 2);
  }

  /** Id of the bytes, or -1. `h` is hashBytes(p, len). */
  find(p: usize, len: usize, h: u32): i32 {
    const mask = this.mask;
    let i = h & mask;
    while (true) {
      const s = load<u64>(this.slots + (<usize>i << 3));
      if (s == 0) return -1;
      if (<u32>(s >> 32) == h) {
        const id = <u32>s - 1;
        if (load<u32>(this.lengths + (<usize>id << 2)) == <u32>len &&
            bytesEqual(this.arena + load<u32>(this.offsets + (<usize>id << 2)), p, len)) {
          return <i32>id;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds bytes known to be absent; returns the new id. */
  add(p: usize, len: usize, h: u32): u32 {
    if (this.count >= this.idCap) this.grow();
    if (this.arenaUsed + len > this.arenaCap) {
      let cap = this.arenaCap << 1;
      while (cap < this.arenaUsed + len) cap <<= 1;
      this.arena = growBytes(this.arena, this.arenaUsed, cap);
      this.arenaCap = cap;
    }
    const id = this.count++;
    memory.copy(this.arena + this.arenaUsed, p, len);
    store<u32>(this.offsets + (<usize>id << 2), <u32>this.arenaUsed);
    store<u32>(this.lengths + (<usize>id << 2), <u32>len);
    this.arenaUsed += len;
    this.place(h, id);
    return id;
  }

  intern(p: usize, len: usize): u32 {
    const h = hashBytes(p, len);
    const found = this.find(p, len, h);
    return found >= 0 ? <u32>found : this.add(p, len, h);
  }

  ptr(id: u32): usize {
    return this.arena + load<u32>(this.offsets + (<usize>id << 2));
  }

  len(id: u32): u32 {
    return load<u32>(this.lengths + (<usize>id << 2));
  }

  private place(h: u32, id: u32): void {
    const mask = this.mask;
    let i = h & mask;
    while (load<u64>(this.slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
    store<u64>(this.slots + (<usize>i << 3), (<u64>h << 32) | <u64>(id + 1));
  }

  // Doubles the slot table (kept at most half full) and the id arrays.
  private grow(): void {
    const oldSlots = this.slots;
    const oldN = <usize>this.mask + 1;
    const n = oldN << 1;
    this.slots = allocBytes(n << 3);
    this.mask = <u32>n - 1;
    for (let i: usize = 0; i < oldN; i++) {
      const s = load<u64>(oldSlots + (i << 3));
      if (s != 0) this.place(<u32>(s >> 32), <u32>s - 1);
    }
    heap.free(oldSlots);
    const cap = this.idCap << 1;
    this.offsets = growBytes(this.offsets, <usize>this.count << 2, <usize>cap << 2);
    this.lengths = growBytes(this.lengths, <usize>this.count << 2, <usize>cap << 2);
    this.idCap = cap;
  }
}
