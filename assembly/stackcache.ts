// The stack table: a record's whole frame sequence maps to an entry holding
// its counts. Captures repeat the same stacks (every printa() snapshot prints
// them again), so a record is one hash probe and one sequential compare, with
// no call-tree access at all; the entries are folded into the call tree once,
// when the tree is read (flushStacks). Bounded: past its budget it stops
// learning new stacks, and their records fold straight through the tree.

import { allocBytes, allocRaw, moveRaw } from "./memory";
import { bytesEqual } from "./hash";

const BUDGET: usize = 64 << 20; // bytes of remembered frame sequences
export const NO_NODE: u32 = 0xffffffff;
const ENTRY: usize = 32; // node u32, sequence address u32, length u32, pad, count f64, count2 f64

let slots: usize = 0; // u64: hash << 32 | (entry + 1)
let mask: u32 = 0;
let entries: usize = 0;
let count: u32 = 0;
let cap: u32 = 0;
// Frame sequences live in 1 MiB blocks that are never moved or copied: growing
// one big array by doubling would leave its old copies behind as dead memory.
const BLOCK: usize = 1 << 20;
let block: usize = 0; // the block being filled
let blockUsed: usize = 0;
let seqsUsed: usize = 0; // bytes of sequences in all blocks, for the budget
/** Counts were added since the last flush. */
export let stacksPending = false;

export function stackCacheInit(): void {
  mask = (1 << 12) - 1;
  slots = allocBytes((<usize>mask + 1) << 3);
  cap = 1 << 11;
  entries = allocRaw(<usize>cap * ENTRY); // raw: every field is written when its entry is made
  block = 0;
  blockUsed = BLOCK;
  count = 0;
  seqsUsed = 0;
}

// @ts-ignore: decorator
@inline function entryAt(e: u32): usize { return entries + <usize>e * ENTRY; }

/** The entry of a sequence of `n` frame ids at `p` (hash `h`), or -1. */
export function stackFind(p: usize, n: u32, h: u32): i32 {
  let i = h & mask;
  const bytes = <usize>n << 2;
  while (true) {
    const s = load<u64>(slots + (<usize>i << 3));
    if (s == 0) return -1;
    if (<u32>(s >> 32) == h) {
      const e = entryAt(<u32>s - 1);
      if (load<u32>(e, 8) == n && bytesEqual(<usize>load<u32>(e, 4), p, bytes)) return <i32>(<u32>s - 1);
    }
    i = (i + 1) & mask;
  }
}

/** A new entry for the sequence, or -1 when the budget is spent. */
export function stackRemember(p: usize, n: u32, h: u32): i32 {
  const bytes = <usize>n << 2;
  if (seqsUsed + bytes > BUDGET) return -1;
  if (blockUsed + bytes > BLOCK) {
    block = allocRaw(max(BLOCK, bytes));
    blockUsed = 0;
  }
  const seq = block + blockUsed;
  blockUsed += bytes;
  if (count == cap) {
    entries = moveRaw(entries, <usize>cap * ENTRY, <usize>cap * ENTRY * 2);
    cap <<= 1;
  }
  if ((count + 1) << 1 > mask + 1) growSlots();
  const e = entryAt(count);
  store<u32>(e, NO_NODE);
  store<u32>(e, <u32>seq, 4);
  store<u32>(e, n, 8);
  store<u32>(e, 0, 12);
  store<f64>(e, 0, 16);
  store<f64>(e, 0, 24);
  memory.copy(seq, p, bytes);
  seqsUsed += bytes;
  place(h, count);
  count++;
  return <i32>(count - 1);
}

/** Adds to an entry's first or second count. */
export function stackAdd(entry: i32, n: f64, second: bool): void {
  const e = entryAt(<u32>entry) + (second ? 24 : 16);
  store<f64>(e, load<f64>(e) + n);
  stacksPending = true;
}

export function stackEntryCount(): u32 { return count; }
export function stackEntryNode(e: u32): u32 { return load<u32>(entryAt(e)); }
export function setStackEntryNode(e: u32, node: u32): void { store<u32>(entryAt(e), node); }
export function stackEntrySeq(e: u32): usize { return <usize>load<u32>(entryAt(e), 4); }
export function stackEntryLen(e: u32): u32 { return load<u32>(entryAt(e), 8); }

/** An entry whose stack is not yet in the tree, or has counts not yet moved there. */
export function stackEntryPending(e: u32): bool {
  const p = entryAt(e);
  return load<u32>(p) == NO_NODE || load<f64>(p, 16) != 0 || load<f64>(p, 24) != 0;
}

/** An entry's first or second count. */
export function stackEntryCountValue(e: u32, second: bool): f64 {
  return load<f64>(entryAt(e) + (second ? 24 : 16));
}

/** Frames of the entries not yet in the tree: at most that many nodes will be made for them. */
export function unflushedFrames(): u32 {
  let n: u32 = 0;
  for (let e: u32 = 0; e < count; e++) if (load<u32>(entryAt(e)) == NO_NODE) n += load<u32>(entryAt(e), 8);
  return n;
}

/** Entries whose stack is not yet in the tree. */
export function unflushedEntries(): u32 {
  let n: u32 = 0;
  for (let e: u32 = 0; e < count; e++) if (load<u32>(entryAt(e)) == NO_NODE) n++;
  return n;
}

/** Takes an entry's counts (first, second), leaving zeros. */
export function takeStackCount(e: u32, second: bool): f64 {
  const p = entryAt(e) + (second ? 24 : 16);
  const v = load<f64>(p);
  store<f64>(p, 0);
  return v;
}

export function stacksFlushed(): void { stacksPending = false; }

function place(h: u32, entry: u32): void {
  let i = h & mask;
  while (load<u64>(slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
  store<u64>(slots + (<usize>i << 3), (<u64>h << 32) | <u64>(entry + 1));
}

function growSlots(): void {
  const old = slots;
  const oldN = <usize>mask + 1;
  mask = <u32>(oldN << 1) - 1;
  slots = allocBytes((<usize>mask + 1) << 3);
  for (let i: usize = 0; i < oldN; i++) {
    const s = load<u64>(old + (i << 3));
    if (s != 0) place(<u32>(s >> 32), <u32>s - 1);
  }
  heap.free(old);
}
