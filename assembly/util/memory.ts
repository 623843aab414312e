// Unmanaged buffers for the core's tables. The TLSF allocator behind `heap`
// traps with a bare `unreachable` when `memory.grow` fails, so every request
// is checked against the 4 GiB wasm limit first and turned into a clear error.

const MAX_PAGES: i32 = 65536; // 4 GiB of 64 KiB pages
const MAX_BLOCK: usize = (1 << 30) - 64; // TLSF's largest block

// A lower limit the caller may set (to bound a batch job, or to test this path).
let limitPages: i32 = MAX_PAGES;

/** Limits the core's memory to about `mib` MiB (0: the 4 GiB WebAssembly limit). */
export function setMemoryLimit(mib: i32): void {
  limitPages = mib <= 0 || mib >= 4096 ? MAX_PAGES : mib << 4;
}

/**
 * Extra bytes after every buffer, so word-at-a-time reads past the end stay
 * inside it: up to 31 (a frame name shorter than 32 bytes is read as 32: util/hash.ts nameHash).
 */
export const SLACK: usize = 32;

function checkRoom(size: usize): void {
  const pages = <i32>((size + 0x1ffff) >>> 16);
  if (size > MAX_BLOCK || memory.size() + pages > limitPages) {
    const limit = limitPages == MAX_PAGES ? "the WebAssembly limit of 4 GiB" : "the limit of " + (limitPages >> 4).toString() + " MiB";
    throw new Error("out of memory: the tables of distinct frames and stacks need more than " + limit);
  }
}

/**
 * A table that grows ahead to what it is told to expect (tables/projection.ts) grows at most to
 * 2^AHEAD_LOG times its size at once: by then it has been projected again from more of the
 * input, and a projection that overshoots (keys new at the start, fewer later) costs at most that.
 */
export const AHEAD_LOG: u32 = 4;

/**
 * A table grows ahead only once its slots take this much: below it, doubling costs little (all
 * the doublings up to it place a few hundred thousand keys again), and names that keep coming
 * ever more slowly (W2's 18,000, new ones all through the file) would get slots several times
 * what they need.
 */
export const AHEAD_FROM: usize = 1 << 20;

/**
 * Whether a table sized ahead may take `size` bytes: at most an eighth of the room left under the
 * limit, so that a projection that overshoots (the input's new keys slowed down) leaves the
 * limit to what the keys themselves take (several times their slots).
 */
export function roomAhead(size: usize): bool {
  const pages = <i32>((size + SLACK + 0xffff) >>> 16);
  return size + SLACK <= MAX_BLOCK && memory.size() + (pages << 3) <= limitPages;
}

/**
 * A buffer whose bytes are undefined, for arrays whose every element is
 * written before it is read: capacity never written costs no resident memory.
 */
export function allocRaw(size: usize): usize {
  checkRoom(size + SLACK);
  return heap.alloc(size + SLACK);
}

/** Moves a raw buffer to a larger one, copying only its first `used` bytes. */
export function moveRaw(p: usize, used: usize, size: usize): usize {
  const q = allocRaw(size);
  memory.copy(q, p, used);
  heap.free(p);
  return q;
}

export function allocBytes(size: usize): usize {
  checkRoom(size + SLACK);
  const p = heap.alloc(size + SLACK);
  memory.fill(p, 0, size + SLACK);
  return p;
}

/**
 * Grows a buffer to `size` bytes, keeping its first `used` bytes and zeroing
 * the rest (a null `p` is a new buffer). realloc extends in place when it
 * can, so a growing table does not leave its old copy behind as dead memory.
 */
export function growBytes(p: usize, used: usize, size: usize): usize {
  if (p == 0) return allocBytes(size);
  checkRoom(size + SLACK);
  const q = heap.realloc(p, size + SLACK);
  memory.fill(q + used, 0, size + SLACK - used);
  return q;
}

/**
 * Grows a raw buffer (allocRaw) to `size` bytes, keeping its contents; the
 * new part stays undefined, so capacity not yet written costs no resident memory.
 */
export function growRaw(p: usize, size: usize): usize {
  if (p == 0) return allocRaw(size);
  checkRoom(size + SLACK);
  return heap.realloc(p, size + SLACK);
}

export function freeBytes(p: usize): void {
  if (p != 0) heap.free(p);
}

/**
 * Copies `len` bytes 16 at a time, for the short copies (a frame's name, a
 * line's prefix) output writers make millions of: V8 runs `memory.copy` as a
 * call out of wasm, which costs more than the copy of a short name. It reads
 * and writes up to 15 bytes past each end: `src` must be inside a buffer of
 * this file (SLACK) and `dst` must have that room; no overlap.
 */
@inline
export function copyShort(dst: usize, src: usize, len: usize): void {
  for (let i: usize = 0; i < len; i += 16) v128.store(dst + i, v128.load(src + i));
}

/** Bytes up to which copyBytes() copies as copyShort() does: past them, memory.copy's call costs less than the loop. */
const COPY_LOOP_MAX: usize = SLACK << 2;

/**
 * Copies `len` bytes for a path that copies one per line or per name (a
 * stack, a name stored): copyShort() while they are few, memory.copy past
 * that. copyShort()'s conditions hold: buffers of this file, room past `dst`.
 */
@inline
export function copyBytes(dst: usize, src: usize, len: usize): void {
  if (len <= COPY_LOOP_MAX) copyShort(dst, src, len);
  else memory.copy(dst, src, len);
}
