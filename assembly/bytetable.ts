// Interning of byte strings: each distinct string is stored once and gets a
// dense u32 id. Open addressing with linear probing; a slot holds the hash,
// the id and where the bytes are, so a lookup touches the slot and the bytes
// and nothing else. The bytes live in 1 MiB blocks that never move.

import { allocBytes, growBytes } from "./memory";
import { hashBytes, bytesEqual } from "./hash";

const BLOCK_MIN: usize = 4 << 10;
const BLOCK_MAX: usize = 1 << 20;
const SLOT: usize = 16; // hash u32, id + 1 u32 (0: empty), address u32, length u32

@unmanaged
export class ByteTable {
  block: usize = 0; // the block being filled
  blockUsed: usize = 0;
  blockSize: usize = 0;
  /** Bytes stored in all blocks. */
  arenaUsed: usize = 0;
  ptrs: usize = 0; // u32 address per id
  lengths: usize = 0; // u32 per id
  count: u32 = 0;
  idCap: u32 = 0;
  slots: usize = 0;
  mask: u32 = 0;

  constructor(slotsLog2: u32) {
    const nslots: u32 = 1 << slotsLog2;
    this.mask = nslots - 1;
    this.slots = allocBytes(<usize>nslots * SLOT);
    this.idCap = nslots >> 1;
    this.ptrs = allocBytes(<usize>this.idCap << 2);
    this.lengths = allocBytes(<usize>this.idCap << 2);
  }

  /** Id of the bytes, or -1. `h` is hashBytes(p, len). */
  find(p: usize, len: usize, h: u32): i32 {
    const mask = this.mask;
    let i = h & mask;
    while (true) {
      const s = this.slots + <usize>i * SLOT;
      const id1 = load<u32>(s, 4);
      if (id1 == 0) return -1;
      if (load<u32>(s) == h && load<u32>(s, 12) == <u32>len && bytesEqual(<usize>load<u32>(s, 8), p, len)) {
        return <i32>(id1 - 1);
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds bytes known to be absent; returns the new id. */
  add(p: usize, len: usize, h: u32): u32 {
    if (this.count >= this.idCap) this.grow();
    if (this.blockUsed + len > this.blockSize) {
      this.blockSize = min(BLOCK_MAX, max(BLOCK_MIN, this.blockSize << 1));
      this.block = allocBytes(max(this.blockSize, len));
      this.blockUsed = 0;
    }
    const at = this.block + this.blockUsed;
    memory.copy(at, p, len);
    this.blockUsed += len;
    this.arenaUsed += len;
    const id = this.count++;
    store<u32>(this.ptrs + (<usize>id << 2), <u32>at);
    store<u32>(this.lengths + (<usize>id << 2), <u32>len);
    this.place(h, id, at, len);
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

  private place(h: u32, id: u32, at: usize, len: usize): void {
    const mask = this.mask;
    let i = h & mask;
    while (load<u32>(this.slots + <usize>i * SLOT, 4) != 0) i = (i + 1) & mask;
    const s = this.slots + <usize>i * SLOT;
    store<u32>(s, h);
    store<u32>(s, id + 1, 4);
    store<u32>(s, <u32>at, 8);
    store<u32>(s, <u32>len, 12);
  }

  // Doubles the slot table (kept at most half full) and the id arrays.
  private grow(): void {
    const oldSlots = this.slots;
    const oldN = <usize>this.mask + 1;
    const n = oldN << 1;
    this.slots = allocBytes(n * SLOT);
    this.mask = <u32>n - 1;
    for (let i: usize = 0; i < oldN; i++) {
      const s = oldSlots + i * SLOT;
      const id1 = load<u32>(s, 4);
      if (id1 != 0) this.place(load<u32>(s), id1 - 1, <usize>load<u32>(s, 8), <usize>load<u32>(s, 12));
    }
    heap.free(oldSlots);
    const cap = this.idCap << 1;
    this.ptrs = growBytes(this.ptrs, <usize>this.count << 2, <usize>cap << 2);
    this.lengths = growBytes(this.lengths, <usize>this.count << 2, <usize>cap << 2);
    this.idCap = cap;
  }
}
