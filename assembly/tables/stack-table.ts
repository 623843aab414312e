// The stack table: a record's whole frame sequence maps to an entry holding
// its counts. Captures repeat the same stacks (every printa() snapshot prints
// them again), so a record is one hash probe and one sequential compare, with
// no call-tree access at all; the entries are folded into the call tree only
// if the tree is read (flushStacks). Bounded: when its budget is spent (a
// high-cardinality profile, whose stacks are mostly distinct), it is closed:
// every stack then folds straight through the tree (no probe of a table that
// will not learn it), and its hash slots are freed for the tree to grow into.
// Its entries stay where they are, with their addresses: formats that keep
// them (record-table.ts, procstat's caches) still count into them.
//
// Sized and laid out for the hot path: an entry is its length, id and count
// followed by its frame ids, in one place, so a probe touches the slot and
// the entry and nothing else. A sequence whose frame ids all fit 16 bits (the
// usual case: captures have tens of thousands of distinct frames) is stored
// in 16-bit ids. The rarer fields (second counts, tree nodes) live in side
// arrays made when first needed.

import { allocBytes, allocRaw, moveRaw, growBytes, freeBytes } from "../util/memory";
import { scaleArray } from "./counts";

// Bytes of remembered entries: a 1 GB capture's 50,000 distinct stacks take
// about 3 MB; past this, the tree's shared prefixes are the smaller form.
let budget: usize = 16 << 20;
export const NO_NODE: u32 = 0xffffffff;
// An entry: u32 length << 1 | wide, u32 id, i64 count (units, tables/counts.ts), then the frame ids (u16 or u32).
const HEAD: usize = 16;

let slots: usize = 0; // u64: hash << 32 | entry address
let mask: u32 = 0;
let entries: usize = 0; // u32 per id: the entry's address (raw: written when it is made)
let count: u32 = 0;
let cap: u32 = 0;
let counts2: usize = 0; // i64 per entry below counts2Cap, once some entry has a second count
let counts2Cap: u32 = 0;
let nodes: usize = 0; // u32 per entry below nodesCap (the tree node of its stack), once flushed
let nodesCap: u32 = 0;
// Entries live in 1 MiB blocks that are never moved or copied: growing one
// big array by doubling would leave its old copies behind as dead memory.
const BLOCK: usize = 1 << 20;
let block: usize = 0; // the block being filled
let blockUsed: usize = 0;
let blockList: usize = 0; // u32 per block made: its address (dropStackTable frees them)
let blockCount: u32 = 0;
let bytesUsed: usize = 0; // bytes of entries in all blocks, for the budget
/** Counts were added since the last flush. */
export let stacksPending = false;
/** The budget was spent: the table learns and finds no stacks (closeStackTable). */
export let stackTableClosed = false;

/** Sets how many bytes of entries (frame sequences) the table may remember. */
export function setStackBudget(bytes: usize): void { budget = bytes; }
/** Bytes of entries the table may remember, and those it holds. */
export function stackBudget(): usize { return budget; }
export function stackBytesUsed(): usize { return bytesUsed; }

export function stackCacheInit(): void {
  mask = (1 << 12) - 1;
  slots = allocBytes((<usize>mask + 1) << 3);
  cap = 1 << 11;
  entries = allocRaw(<usize>cap << 2);
  block = 0;
  blockUsed = BLOCK;
  blockList = 0;
  blockCount = 0;
  count = 0;
  bytesUsed = 0;
}

// @ts-ignore: decorator
@inline function entryAt(e: u32): usize { return <usize>load<u32>(entries + (<usize>e << 2)); }

/** Whether a sequence of frame ids (u32) needs 32-bit storage: `or` is all its ids OR-ed together. */
// @ts-ignore: decorator
@inline export function needsWide(or: u32): bool { return or > 0xffff; }

/** The i-th frame id of a stored sequence. */
// @ts-ignore: decorator
@inline export function seqFrame(seq: usize, wide: bool, i: u32): u32 {
  return wide ? load<u32>(seq + (<usize>i << 2)) : <u32>load<u16>(seq + (<usize>i << 1));
}

// u32 ids at `p` equal u16 ids at `q`, eight at a time.
function equalNarrow(p: usize, q: usize, n: u32): bool {
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) {
    const narrow = v128.load(q + (<usize>i << 1));
    const lo = i32x4.extend_low_i16x8_u(narrow);
    const hi = i32x4.extend_high_i16x8_u(narrow);
    const a = v128.load(p + (<usize>i << 2));
    const b = v128.load(p + (<usize>i << 2), 16);
    if (!v128.all_true<i32>(v128.and(i32x4.eq(a, lo), i32x4.eq(b, hi)))) return false;
  }
  for (; i < n; i++) {
    if (load<u32>(p + (<usize>i << 2)) != <u32>load<u16>(q + (<usize>i << 1))) return false;
  }
  return true;
}

function equalWide(p: usize, q: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    if (load<u32>(p + (<usize>i << 2)) != load<u32>(q + (<usize>i << 2))) return false;
  }
  return true;
}

/**
 * The entry of a sequence of `n` frame ids (u32) at `p` (hash `h`; `wide` by
 * needsWide), as its address for stackAdd(), or 0.
 */
export function stackFind(p: usize, n: u32, wide: bool, h: u32): usize {
  let i = h & mask;
  const meta = (n << 1) | <u32>wide;
  while (true) {
    const s = load<u64>(slots + (<usize>i << 3));
    if (s == 0) return 0;
    if (<u32>(s >> 32) == h) {
      const e = <usize><u32>s;
      if (load<u32>(e) == meta && (wide ? equalWide(p, e + HEAD, n) : equalNarrow(p, e + HEAD, n))) return e;
    }
    i = (i + 1) & mask;
  }
}

/** A new entry for the sequence (its address for stackAdd()), or 0 when the budget is spent. */
export function stackRemember(p: usize, n: u32, wide: bool, h: u32): usize {
  const bytes = HEAD + (<usize>n << (wide ? 2 : 1));
  if (bytesUsed + bytes > budget) return 0;
  let at = (blockUsed + 7) & ~<usize>7; // 8-byte aligned: the count is an i64
  if (at + bytes > BLOCK) {
    block = allocRaw(max(BLOCK, bytes));
    at = 0;
    blockList = growBytes(blockList, <usize>blockCount << 2, (<usize>blockCount + 1) << 2);
    store<u32>(blockList + (<usize>(blockCount++) << 2), <u32>block);
  }
  const e = block + at;
  blockUsed = at + bytes;
  if (count == cap) {
    entries = moveRaw(entries, <usize>cap << 2, <usize>cap << 3);
    cap <<= 1;
  }
  if ((count + 1) << 1 > mask + 1) growSlots();
  store<u32>(e, (n << 1) | <u32>wide);
  store<u32>(e, count, 4);
  store<i64>(e, 0, 8); // its second count and node read as 0 and NO_NODE until set
  const seq = e + HEAD;
  if (wide) {
    memory.copy(seq, p, <usize>n << 2);
  } else {
    // Eight ids at a time narrowed to 16 bits (each fits: needsWide), the rest one by one.
    let i: u32 = 0;
    for (; i + 8 <= n; i += 8) {
      const q = p + (<usize>i << 2);
      v128.store(seq + (<usize>i << 1), i16x8.narrow_i32x4_u(v128.load(q), v128.load(q, 16)));
    }
    for (; i < n; i++) store<u16>(seq + (<usize>i << 1), <u16>load<u32>(p + (<usize>i << 2)));
  }
  bytesUsed += bytes;
  store<u32>(entries + (<usize>count << 2), <u32>e);
  place(h, e);
  count++;
  return e;
}

/** Adds to the first or second count of the entry at address `e`. */
export function stackAdd(e: usize, n: i64, second: bool): void {
  stacksPending = true;
  if (!second) {
    store<i64>(e, load<i64>(e, 8) + n, 8);
    return;
  }
  const id = load<u32>(e, 4);
  if (id >= counts2Cap) {
    if (n == 0) return;
    counts2 = growBytes(counts2, <usize>counts2Cap << 3, <usize>cap << 3);
    counts2Cap = cap;
  }
  const p = counts2 + (<usize>id << 3);
  store<i64>(p, load<i64>(p) + n);
}

/** The id of the entry at address `e` (as stackFind() and stackRemember() give it). */
export function stackEntryIdAt(e: usize): u32 { return load<u32>(e, 4); }

export function stackEntryCount(): u32 { return count; }

// The first `orderedEntries` entries are known to be in flamegraph.pl's order
// of whole stacks (output/stacks.ts compareEntryNames), root first.
let orderedEntries: u32 = 0;

/**
 * A reader that knows the stack it just folded comes, in that order, after
 * every stack it folded before (formats/folded.ts: a sorted file) vouches for
 * the entry it made, if any: `before` is stackEntryCount() before that stack.
 * An entry made any other way in between (another input's, a thread's) is
 * vouched for by no one, and the entries stay unvouched from then on.
 */
export function vouchEntries(before: u32): void {
  if (orderedEntries == before) orderedEntries = count;
}

/** Whether every entry was vouched for in order: a reader of the stacks in that order then need not check it. */
export function entriesVouched(): bool { return orderedEntries == count; }
export function stackEntrySeq(e: u32): usize { return entryAt(e) + HEAD; }
export function stackEntryLen(e: u32): u32 { return load<u32>(entryAt(e)) >> 1; }
/** Whether the entry's sequence holds 32-bit frame ids (else 16-bit). */
export function stackEntryWide(e: u32): bool { return (load<u32>(entryAt(e)) & 1) != 0; }

/** The tree node of an entry's stack, NO_NODE until it is walked into the tree. */
export function stackEntryNode(e: u32): u32 {
  return e < nodesCap ? load<u32>(nodes + (<usize>e << 2)) : NO_NODE;
}

export function setStackEntryNode(e: u32, node: u32): void {
  if (e >= nodesCap) {
    nodes = moveRaw(nodes, <usize>nodesCap << 2, <usize>cap << 2);
    for (let i = nodesCap; i < cap; i++) store<u32>(nodes + (<usize>i << 2), NO_NODE);
    nodesCap = cap;
  }
  store<u32>(nodes + (<usize>e << 2), node);
}

/** An entry whose stack is not yet in the tree, or has counts not yet moved there. */
export function stackEntryPending(e: u32): bool {
  return stackEntryNode(e) == NO_NODE || stackEntryCountValue(e, false) != 0 || stackEntryCountValue(e, true) != 0;
}

/** An entry's first or second count. */
export function stackEntryCountValue(e: u32, second: bool): i64 {
  if (!second) return load<i64>(entryAt(e), 8);
  return e < counts2Cap ? load<i64>(counts2 + (<usize>e << 3)) : 0;
}

/** Sets an entry's first count. */
export function setStackEntryCount(e: u32, n: i64): void {
  store<i64>(entryAt(e) + 8, n);
}

/** Multiplies every count by `factor` (the scale of the counts grew: tables/counts.ts). */
export function rescaleStackTable(factor: i64): void {
  for (let e: u32 = 0; e < count; e++) {
    const p = entryAt(e) + 8;
    store<i64>(p, load<i64>(p) * factor);
  }
  scaleArray(counts2, <usize>counts2Cap, factor);
}

/** Sets every entry's second count to its first (the session became two-count: session.ts). */
export function copyStackFirstToSecond(): void {
  for (let e: u32 = 0; e < count; e++) {
    const a = entryAt(e);
    const v = load<i64>(a, 8);
    if (v != 0) stackAdd(a, v, true); // the second is 0: nothing went there before
  }
}

/** Entries whose stack is not yet in the tree. */
export function unflushedEntries(): u32 {
  let n: u32 = 0;
  for (let e: u32 = 0; e < count; e++) if (stackEntryNode(e) == NO_NODE) n++;
  return n;
}

/** Takes an entry's counts (first, second), leaving zeros. */
export function takeStackCount(e: u32, second: bool): i64 {
  const v = stackEntryCountValue(e, second);
  if (v != 0) store<i64>(second ? counts2 + (<usize>e << 3) : entryAt(e) + 8, 0);
  return v;
}

export function stacksFlushed(): void { stacksPending = false; }

/** Stops finding and learning stacks: the slots are freed; entries keep their addresses and counts. */
export function closeStackTable(): void {
  freeBytes(slots);
  slots = 0;
  mask = 0;
  stackTableClosed = true;
}

/**
 * Frees a closed table's entries, once their stacks and counts are in the
 * tree (session.ts, flushStacks) and nobody holds their addresses or ids: the
 * table is then empty, and stays closed.
 */
export function dropStackTable(): void {
  for (let b: u32 = 0; b < blockCount; b++) freeBytes(<usize>load<u32>(blockList + (<usize>b << 2)));
  freeBytes(blockList);
  freeBytes(entries);
  freeBytes(counts2);
  freeBytes(nodes);
  blockList = 0;
  blockCount = 0;
  entries = 0;
  counts2 = 0;
  counts2Cap = 0;
  nodes = 0;
  nodesCap = 0;
  cap = 0;
  count = 0;
  orderedEntries = 0;
  bytesUsed = 0;
  block = 0;
  blockUsed = BLOCK;
}

function place(h: u32, e: usize): void {
  let i = h & mask;
  while (load<u64>(slots + (<usize>i << 3)) != 0) i = (i + 1) & mask;
  store<u64>(slots + (<usize>i << 3), (<u64>h << 32) | <u64>e);
}

function growSlots(): void {
  const old = slots;
  const oldN = <usize>mask + 1;
  mask = <u32>(oldN << 1) - 1;
  slots = allocBytes((<usize>mask + 1) << 3);
  for (let i: usize = 0; i < oldN; i++) {
    const s = load<u64>(old + (i << 3));
    if (s != 0) place(<u32>(s >> 32), <usize><u32>s);
  }
  heap.free(old);
}
