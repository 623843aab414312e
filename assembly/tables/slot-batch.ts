// Placing many keys into an open-addressing table of u32 slots (the frame
// table's and the call tree's: each slot holds the top TAG bits of its key's
// hash over id + 1, 0 when empty, linear probing from hash & mask) when the
// table is made again (it doubled, or a reader had freed it). One key after
// the other, each placement waits on the cache miss of its random slot; here
// a batch of hashes is taken first, the batch's slots are read in a loop of
// loads alone (independent, so the misses overlap), then the keys are placed
// from cache. Placing keys in the same order as one by one, the table comes
// out the same.

import { allocRaw } from "../util/memory";

/** Bits of a slot that hold id + 1 (at most: a table may take fewer); the hash's top bits take the rest. */
export const SLOT_ID_BITS: u32 = 27;
/** Keys a batch holds: it fills the memory pipeline many times over. */
export const SLOT_BATCH: u32 = 256;

let hashes: usize = 0; // u32 per key of the batch
let ids: usize = 0; // u32 per key
let pending: u32 = 0;
let sink: u32 = 0; // where the reads go, so they are kept

/**
 * Tests: the hashes the tables' slots are placed by are cut to their low
 * `bits` bits (0: whole), so that keys collide, in slot and tag.
 */
export let slotHashMask: u32 = 0xffffffff;
export function setSlotHashBits(bits: u32): void { slotHashMask = bits == 0 || bits >= 32 ? 0xffffffff : (1 << bits) - 1; }

/** Tests: lookups are batched even where it would not pay (small tables), so that path runs on small input. */
export let batchAlways = false;
export function setBatchAlways(on: bool): void { batchAlways = on; }

/** A slot's word for the key of hash `h` and id `id`, id + 1 in the low `idBits` bits. */
// @ts-ignore: decorator
@inline export function slotWord(h: u32, id: u32, idBits: u32): u32 {
  return ((h >>> idBits) << idBits) | (id + 1);
}

/** Queues a key for placing into `slots` (mask `mask`, `idBits` of id); a full batch is placed. placeQueued() places the rest. */
export function queueSlot(slots: usize, mask: u32, idBits: u32, h: u32, id: u32): void {
  if (hashes == 0) {
    hashes = allocRaw(<usize>SLOT_BATCH << 2);
    ids = allocRaw(<usize>SLOT_BATCH << 2);
  }
  store<u32>(hashes + (<usize>pending << 2), h);
  store<u32>(ids + (<usize>pending << 2), id);
  if (++pending == SLOT_BATCH) placeQueued(slots, mask, idBits);
}

/** Places the queued keys, in the order they were queued. */
export function placeQueued(slots: usize, mask: u32, idBits: u32): void {
  const n = pending;
  pending = 0;
  let read: u32 = 0;
  for (let i: u32 = 0; i < n; i++) read ^= load<u32>(slots + (<usize>(load<u32>(hashes + (<usize>i << 2)) & mask) << 2));
  sink ^= read;
  for (let i: u32 = 0; i < n; i++) {
    const h = load<u32>(hashes + (<usize>i << 2));
    let j = h & mask;
    while (load<u32>(slots + (<usize>j << 2)) != 0) j = (j + 1) & mask;
    store<u32>(slots + (<usize>j << 2), slotWord(h, load<u32>(ids + (<usize>i << 2)), idBits));
  }
}
