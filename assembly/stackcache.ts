// The stack cache: a whole record's frame sequence maps to the node it ends
// at. Captures repeat the same stacks (every printa() snapshot prints them
// again), so most records are one hash probe and one sequential compare
// instead of a call-tree lookup per frame. Bounded: past its budget it stops
// learning new stacks and records fold through the tree as usual.

import { allocBytes, growBytes } from "./memory";
import { bytesEqual } from "./hash";

const BUDGET: usize = 64 << 20; // bytes of remembered frame sequences

let slots: usize = 0; // u64: hash << 32 | (entry + 1)
let mask: u32 = 0;
let entries: usize = 0; // per entry: node u32, sequence offset u32, sequence length u32, pad
let count: u32 = 0;
let cap: u32 = 0;
let seqs: usize = 0;
let seqsUsed: usize = 0;
let seqsCap: usize = 0;

export function stackCacheInit(): void {
  mask = (1 << 12) - 1;
  slots = allocBytes((<usize>mask + 1) << 3);
  cap = 1 << 11;
  entries = allocBytes(<usize>cap << 4);
  seqsCap = 1 << 16;
  seqs = allocBytes(seqsCap);
  count = 0;
  seqsUsed = 0;
}

/** The node a sequence of `n` frame ids at `p` (hash `h`) ends at, or -1. */
export function stackFind(p: usize, n: u32, h: u32): i64 {
  let i = h & mask;
  const bytes = <usize>n << 2;
  while (true) {
    const s = load<u64>(slots + (<usize>i << 3));
    if (s == 0) return -1;
    if (<u32>(s >> 32) == h) {
      const e = entries + (<usize>(<u32>s - 1) << 4);
      if (load<u32>(e, 8) == n && bytesEqual(seqs + <usize>load<u32>(e, 4), p, bytes)) {
        return <i64>load<u32>(e);
      }
    }
    i = (i + 1) & mask;
  }
}

/** Remembers that the sequence ends at `node`, unless the budget is spent. */
export function stackRemember(p: usize, n: u32, h: u32, node: u32): void {
  const bytes = <usize>n << 2;
  if (seqsUsed + bytes > BUDGET) return;
  if (seqsUsed + bytes > seqsCap) {
    let c = seqsCap << 1;
    while (c < seqsUsed + bytes) c <<= 1;
    seqs = growBytes(seqs, seqsUsed, c);
    seqsCap = c;
  }
  if (count == cap) {
    entries = growBytes(entries, <usize>cap << 4, <usize>cap << 5);
    cap <<= 1;
  }
  if ((count + 1) << 1 > mask + 1) growSlots();
  const e = entries + (<usize>count << 4);
  store<u32>(e, node);
  store<u32>(e, <u32>seqsUsed, 4);
  store<u32>(e, n, 8);
  memory.copy(seqs + seqsUsed, p, bytes);
  seqsUsed += bytes;
  place(h, count);
  count++;
}

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
