// The raw-line cache: a printed frame line (as a parser keys it, e.g. with the
// `+0x1a` offset already cut) maps to the frame id(s) its normalisation gave,
// so the naming rules run once per distinct line, not once per sample.

import { ByteTable } from "./byte-table";
import { allocRaw, moveRaw } from "../util/memory";
import { bytesEqual } from "../util/hash";

let lines: ByteTable = changetype<ByteTable>(0);
// Per entry: one frame id stored inline (the common case), or an index into
// `ids`. The arrays are raw: every field is written when its entry is made.
let firsts: usize = 0; // u32: the frame id, or the start in `ids` when count != 1
let counts: usize = 0; // u32
let nexts: usize = 0; // u32: entry + 1 of the line that followed this one last time, 0 if none
let cap: u32 = 0;
let ids: usize = 0;
let idsLen: u32 = 0;
let idsCap: u32 = 0;

export function lineCacheInit(): void {
  lines = new ByteTable(12);
  cap = 1 << 11;
  firsts = allocRaw(<usize>cap << 2);
  counts = allocRaw(<usize>cap << 2);
  nexts = allocRaw(<usize>cap << 2);
  idsCap = 256;
  ids = allocRaw(<usize>idsCap << 2);
}

/** Entry of the line, or -1. */
// @ts-ignore: decorator
@inline export function lineFind(p: usize, len: usize, h: u32): i32 {
  return lines.find(p, len, h);
}

/** Records the frame ids (`n` of them at `src`) for a line known to be absent. */
export function lineAdd(p: usize, len: usize, h: u32, src: usize, n: u32): u32 {
  const e = lines.add(p, len, h);
  if (e >= cap) {
    firsts = moveRaw(firsts, <usize>cap << 2, <usize>cap << 3);
    counts = moveRaw(counts, <usize>cap << 2, <usize>cap << 3);
    nexts = moveRaw(nexts, <usize>cap << 2, <usize>cap << 3);
    cap <<= 1;
  }
  store<u32>(counts + (<usize>e << 2), n);
  store<u32>(nexts + (<usize>e << 2), 0);
  if (n == 1) {
    store<u32>(firsts + (<usize>e << 2), load<u32>(src));
  } else {
    while (idsLen + n > idsCap) {
      ids = moveRaw(ids, <usize>idsLen << 2, <usize>idsCap << 3);
      idsCap <<= 1;
    }
    store<u32>(firsts + (<usize>e << 2), idsLen);
    memory.copy(ids + (<usize>idsLen << 2), src, <usize>n << 2);
    idsLen += n;
  }
  return e;
}

// @ts-ignore: decorator
@inline export function lineIdCount(e: u32): u32 {
  return load<u32>(counts + (<usize>e << 2));
}

/** The single frame id of an entry whose count is 1. */
// @ts-ignore: decorator
@inline export function lineFirstId(e: u32): u32 {
  return load<u32>(firsts + (<usize>e << 2));
}

/** The i-th frame id of an entry with several. */
// @ts-ignore: decorator
@inline export function lineIdAt(e: u32, i: u32): u32 {
  return load<u32>(ids + (<usize>(load<u32>(firsts + (<usize>e << 2)) + i) << 2));
}

// Successor prediction: a capture repeats its stacks (each printa() snapshot
// prints them again), so the line after a given line is usually the one that
// followed it last time. Checking that guess is one compare and no hashing.

/** The entry that followed `prev` last time, if [p, p+len) is that line; else -1. */
// @ts-ignore: decorator
@inline export function linePredicted(prev: i32, p: usize, len: usize): i32 {
  if (prev < 0) return -1;
  const guess = load<u32>(nexts + (<usize>prev << 2));
  if (guess == 0) return -1;
  const e = guess - 1;
  if (lines.len(e) != <u32>len || !bytesEqual(lines.ptr(e), p, len)) return -1;
  return <i32>e;
}

/** Remembers that entry `e` followed entry `prev`. */
// @ts-ignore: decorator
@inline export function lineFollows(prev: i32, e: u32): void {
  if (prev >= 0) store<u32>(nexts + (<usize>prev << 2), e + 1);
}
