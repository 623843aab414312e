// The record table: a record, as the lines a format read it in, maps to the
// stack-table entry it folded to. Captures print the same stacks again and
// again (every DTrace printa() snapshot prints them all), so a record seen
// before is found by a hash of its first line (the format's choice), checked
// line by line against what it was the first time, and counted without
// naming or collecting a single frame.
//
// A record is never trusted on a hash: each entry keeps the line-cache entry
// (tables/line-cache.ts) of every line, and the format checks each line of
// the new record against it the way its own line handler would have looked
// the line up, so a hit folds exactly what the per-line path would have.
// Lines are kept as 4-byte references, not their text: a capture's distinct
// records can outweigh its distinct lines many times over.
//
// An entry: u32 line count, u32 stack-table entry, u32 tag (what the
// format's reading depended on, e.g. an option), u32 width, then per line
// its line-cache entry (0 for a line that names no frame): as the entry's
// number + 1 in a u16 (width 2) while the cache numbers fit, else as its
// address in a u32 (width 4). The u16 form halves the table (W1, 1 GB of
// DTrace: 2 MB less per thread). Entries live in blocks that never move;
// past its budget the table stops learning.

import { HashSlots } from "../util/hash-slots";
import { mix64 } from "../util/hash";
import { allocRaw } from "../util/memory";
import { LineCache } from "./line-cache";

const HEAD: usize = 16;
const BLOCK: usize = 256 << 10;
let budget: usize = 32 << 20; // bytes of entries each table may hold

/**
 * Test hooks (session option wholeRecords): 0, no format reads records whole
 * (every line goes through its line handler: the oracle); 2, every record
 * hashes alike, so each lookup meets every entry and only the line checks
 * tell them apart. 1, the default: records are read whole. The same modes
 * switch pmcstat's cache of names (formats/pmcstat.ts): off, or one slot for all.
 */
export let wholeRecords = true;
export let collideRecords = false;
export function setWholeRecords(mode: i32): void {
  wholeRecords = mode != 0;
  collideRecords = mode == 2;
}

@unmanaged
export class RecordTable extends HashSlots {
  block: usize = 0;
  blockUsed: usize = 0;
  bytesUsed: usize = 0;
  // The probe in progress (first()/next()).
  at: u32 = 0;
  hash: u32 = 0;
  /** The line cache whose entries the records name. */
  cache: LineCache;

  constructor(cache: LineCache) {
    super();
    this.blockUsed = BLOCK;
    this.cache = cache;
  }

  /**
   * The hash a record is kept under: its first line's hash `line` mixed with the format's
   * `tag` (what else the record's stack depends on), one way for every format; constant
   * under the test hook.
   */
  // @ts-ignore: decorator
  @inline keyHash(line: u32, tag: u32): u32 { return collideRecords ? 1 : line ^ mix64(<u64>tag); }

  /** The first entry whose hash is `h` (0 if none); next() gives the others. */
  first(h: u32): usize {
    this.hash = h;
    this.at = h & this.mask;
    return this.next();
  }

  next(): usize {
    const mask = this.mask;
    while (true) {
      const s = load<u64>(this.slots + (<usize>this.at << 3));
      if (s == 0) return 0;
      this.at = (this.at + 1) & mask;
      if (<u32>(s >> 32) == this.hash) return <usize><u32>s;
    }
  }

  /**
   * Remembers a record of `lines` lines (their line-cache entries at `refs`,
   * u32 each) that folded to stack-table entry `stack`. Nothing is
   * remembered past the budget or for a stack the stack table did not keep (0).
   */
  add(h: u32, lines: u32, tag: u32, stack: usize, refs: usize): void {
    const cache = this.cache;
    let width: usize = 2;
    for (let i: u32 = 0; i < lines; i++) {
      const ref = <usize>load<u32>(refs + (<usize>i << 2));
      if (ref != 0 && cache.numberOf(ref) >= 0xffff) width = 4;
    }
    const size = (HEAD + <usize>lines * width + 3) & ~<usize>3; // entries stay 4-byte aligned
    if (stack == 0 || this.bytesUsed + size > budget) return;
    if (this.blockUsed + size > BLOCK) {
      this.block = allocRaw(max(BLOCK, size));
      this.blockUsed = 0;
    }
    const e = this.block + this.blockUsed;
    this.blockUsed += size;
    this.bytesUsed += size;
    store<u32>(e, lines);
    store<u32>(e, <u32>stack, 4);
    store<u32>(e, tag, 8);
    store<u32>(e, <u32>width, 12);
    if (width == 4) {
      memory.copy(e + HEAD, refs, <usize>lines << 2);
    } else {
      for (let i: u32 = 0; i < lines; i++) {
        const ref = <usize>load<u32>(refs + (<usize>i << 2));
        store<u16>(e + HEAD + (<usize>i << 1), ref == 0 ? 0 : <u16>(cache.numberOf(ref) + 1));
      }
    }
    this.addSlot(h, e);
  }

  /**
   * Reads, in a loop of loads alone, what matching entry `e` will read at
   * random: each line's line-cache entry (its head and the cache line after,
   * where most keys end) and the stack-table entry it folds to. A record's
   * lines are checked one after another, each behind a compare and a branch;
   * read so first, their cache misses overlap instead of coming one at a
   * time (W1: 23 lines a record, 47,000 line-cache entries, 2.6 MB). Returns
   * what it read, for the caller to keep, so that the loads are not dropped.
   */
  touch(e: usize): u32 {
    const lines = this.lineCount(e);
    let sink = load<u32>(this.stackOf(e));
    for (let i: u32 = 0; i < lines; i++) {
      const ref = this.lineRef(e, i);
      if (ref != 0) sink ^= this.cache.touch(ref);
    }
    return sink;
  }

  /** How many lines entry `e` has. */
  // @ts-ignore: decorator
  @inline lineCount(e: usize): u32 { return load<u32>(e); }

  /** The stack-table entry of entry `e`. */
  // @ts-ignore: decorator
  @inline stackOf(e: usize): usize { return <usize>load<u32>(e, 4); }

  /** What entry `e` was read under (the format's options). */
  // @ts-ignore: decorator
  @inline tagOf(e: usize): u32 { return load<u32>(e, 8); }

  /** The line-cache entry of line `i` of entry `e` (0: a line that names no frame). */
  // @ts-ignore: decorator
  @inline lineRef(e: usize, i: u32): usize {
    if (load<u32>(e, 12) == 4) return <usize>load<u32>(e + HEAD + (<usize>i << 2));
    const n = <u32>load<u16>(e + HEAD + (<usize>i << 1));
    return n == 0 ? 0 : this.cache.entryNumbered(n - 1);
  }
}
