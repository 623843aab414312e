// An array of fixed-size elements kept in blocks that never move: growing it
// adds a block, so it never leaves an old copy behind. (Wasm memory never
// shrinks: an array grown by doubling costs its final size plus every copy it
// outgrew, as dead pages, in the peak.) An element is found through a small
// table of block addresses, which stays in cache.

import { allocRaw, growBytes, freeBytes } from "../util/memory";

/** log2 of the elements a block holds by default: 64 Ki (1 MiB of 16-byte elements). */
export const BLOCK_LOG: u32 = 16;
let defaultLog: u32 = BLOCK_LOG;

/** Tests: blocks of 2^log elements for every array made from now on, so block boundaries fall everywhere. */
export function setBlockLog(log: u32): void { defaultLog = log == 0 ? BLOCK_LOG : log; }
export function blockLog(): u32 { return defaultLog; }

@unmanaged
export class BlockArray {
  /** u32 per block: its address. */
  table: usize = 0;
  tableCap: u32 = 0;
  blocks: u32 = 0;
  log: u32;
  size: u32;

  /** Elements of `size` bytes, 2^log a block. */
  constructor(size: u32, log: u32) {
    this.log = log;
    this.size = size;
  }

  /** The address of element `i` (its block exists). */
  // @ts-ignore: decorator
  @inline at(i: u32): usize {
    const block = <usize>load<u32>(this.table + (<usize>(i >>> this.log) << 2));
    return block + <usize>(i & ((1 << this.log) - 1)) * <usize>this.size;
  }

  /** The address of element `i`, making its block if it has none (elements are made in order). Raw: write it. */
  room(i: u32): usize {
    const b = i >>> this.log;
    if (b >= this.blocks) {
      if (b >= this.tableCap) {
        const cap = max<u32>(16, this.tableCap << 1);
        this.table = growBytes(this.table, <usize>this.tableCap << 2, <usize>cap << 2);
        this.tableCap = cap;
      }
      store<u32>(this.table + (<usize>b << 2), <u32>allocRaw((<usize>1 << this.log) * <usize>this.size));
      this.blocks = b + 1;
    }
    return this.at(i);
  }

  free(): void {
    for (let b: u32 = 0; b < this.blocks; b++) freeBytes(<usize>load<u32>(this.table + (<usize>b << 2)));
    freeBytes(this.table);
    this.table = 0;
    this.blocks = 0;
    this.tableCap = 0;
  }
}
