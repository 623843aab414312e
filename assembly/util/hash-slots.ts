// Open-addressing slots for tables whose entries live in blocks that never
// move, so an entry's address names it: u64 each, hash << 32 | address, kept
// at most 3/4 full. A probe compares the stored 32-bit hashes first, so the
// longer runs of a fuller table stay within a cache line or two, and a
// thread holds 1 MiB less of slots per table at W1's 33,000 lines and 47,000
// records (half full, both took 1 MiB instead of 512 KiB). The line cache and the record table extend this; they
// probe `slots` in their own hot loops, and add and grow through here.

import { allocBytes } from "./memory";

@unmanaged
export class HashSlots {
  slots: usize = 0; // u64: hash << 32 | entry address
  mask: u32 = 0;
  count: u32 = 0;

  constructor() {
    this.mask = (1 << 12) - 1;
    this.slots = allocBytes((<usize>this.mask + 1) << 3);
  }

  /** Adds entry `e` under hash `h`, doubling the slots first if they would pass 3/4 full. */
  protected addSlot(h: u32, e: usize): void {
    const slots = this.mask + 1;
    if (this.count + 1 > slots - (slots >> 2)) this.grow();
    this.place(h, e);
    this.count++;
  }

  private place(h: u32, e: usize): void {
    const mask = this.mask;
    let i = h & mask;
    while (load<u64>(this.slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
    store<u64>(this.slots + (<usize>i << 3), (<u64>h << 32) | <u64>e);
  }

  // Doubles the slots; the entries stay where they are.
  private grow(): void {
    const old = this.slots;
    const n = <usize>this.mask + 1;
    this.slots = allocBytes(n << 4);
    this.mask = <u32>(n << 1) - 1;
    for (let i: usize = 0; i < n; i++) {
      const s = load<u64>(old + (i << 3));
      if (s != 0) this.place(<u32>(s >> 32), <usize><u32>s);
    }
    heap.free(old);
  }
}
