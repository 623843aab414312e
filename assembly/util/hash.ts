// Hashing for the interning tables: word-at-a-time over byte strings, and a
// multiplicative mix for integer keys. Not cryptographic; collisions are
// resolved by comparing keys.

// @ts-ignore: decorator
@inline const K1: u64 = 0x9e3779b97f4a7c15;
// @ts-ignore: decorator
@inline const K2: u64 = 0xc2b2ae3d27d4eb4f;

// @ts-ignore: decorator
@inline export function mix64(x: u64): u32 {
  x ^= x >> 33;
  x *= K2;
  x ^= x >> 29;
  return <u32>(x ^ (x >> 32));
}

/** Hash of `len` bytes at `p`. Reads up to 7 bytes past the end: buffers carry SLACK. */
export function hashBytes(p: usize, len: usize): u32 {
  return mix64(hashWords(K1 ^ (<u64>len * K2), p, len));
}

// `h` with the `n` bytes at `p` mixed in a word at a time, the last partial word masked (reads stay within SLACK).
// @ts-ignore: decorator
@inline function hashWords(h: u64, p: usize, n: usize): u64 {
  while (n >= 8) {
    h = rotl<u64>((h ^ load<u64>(p)) * K1, 31);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    const w = load<u64>(p) & ((<u64>1 << (<u64>n << 3)) - 1);
    h = rotl<u64>((h ^ w) * K1, 31);
  }
  return h;
}

// 32 bytes of 0xff, then 32 of 0: the 32 bytes at shortMask(len) keep a name's first `len` bytes.
const MASKS: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** Names shorter than this are hashed and compared as two 16-byte vectors, with no loop. */
export const SHORT_NAME: usize = 32;

/** The address of 32 bytes whose first `len` (at most 32) are 0xff and the rest 0. */
// @ts-ignore: decorator
@inline export function shortMask(len: usize): usize { return MASKS + SHORT_NAME - len; }

/**
 * nameHash() of a name shorter than SHORT_NAME, given as its first 32 bytes
 * (`lo`, `hi`) with every byte from `len` on zero: the four words multiplied
 * apart (no chain of multiplies, no loop: a name's length is not predictable).
 */
// @ts-ignore: decorator
@inline export function shortNameHash(lo: v128, hi: v128, len: usize): u64 {
  return ((i64x2.extract_lane(lo, 0) ^ K1) * K2)
    ^ rotl<u64>((i64x2.extract_lane(lo, 1) ^ K2) * K1, 23)
    ^ rotl<u64>((i64x2.extract_lane(hi, 0) ^ K1) * K1, 41)
    ^ rotl<u64>((i64x2.extract_lane(hi, 1) ^ K2) * K2, 11)
    ^ (<u64>len * K1);
}

/**
 * Hash of the frame name of `len` bytes at `p` (tables/byte-table.ts): of a
 * short one, its 32 bytes masked (reads up to 31 bytes past its end: buffers
 * carry SLACK); of a longer one, its first 32 bytes so, then the rest a word
 * at a time.
 */
export function nameHash(p: usize, len: usize): u32 {
  if (len < SHORT_NAME) {
    const m = shortMask(len);
    return mix64(shortNameHash(v128.and(v128.load(p), v128.load(m)), v128.and(v128.load(p, 16), v128.load(m, 16)), len));
  }
  return mix64(hashWords(shortNameHash(v128.load(p), v128.load(p, 16), len), p + SHORT_NAME, len - SHORT_NAME));
}

/**
 * Byte equality of two ranges of the same length, a word at a time; the last
 * partial word is compared under a mask (reads stay within the buffers' SLACK).
 */
export function bytesEqual(a: usize, b: usize, len: usize): bool {
  while (len >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    len -= 8;
  }
  if (len == 0) return true;
  const mask = (<u64>1 << (<u64>len << 3)) - 1;
  return ((load<u64>(a) ^ load<u64>(b)) & mask) == 0;
}

/**
 * memcmp: negative, zero or positive, comparing bytes as unsigned. A word at
 * a time, the last partial word under a mask (reads stay within the buffers'
 * SLACK); the first byte that differs is found from the words' XOR (its lowest
 * set bit), not by a loop over bytes, whose exit the branch predictor misses
 * about once a call (sibling names differ at an unpredictable byte).
 */
export function compareBytes(a: usize, alen: usize, b: usize, blen: usize): i32 {
  const n = min(alen, blen);
  let i: usize = 0;
  let x: u64 = 0;
  // Equal words first (names sharing a long prefix: "libc.so.1`..."), then the word that differs.
  while (i + 8 <= n && (x = load<u64>(a + i) ^ load<u64>(b + i)) == 0) i += 8;
  if (i + 8 > n) {
    if (i == n) return <i32>alen - <i32>blen;
    x = (load<u64>(a + i) ^ load<u64>(b + i)) & ((<u64>1 << (<u64>(n - i) << 3)) - 1);
    if (x == 0) return <i32>alen - <i32>blen;
  }
  const k = i + <usize>(ctz<u64>(x) >> 3); // little-endian: the lowest byte that differs
  return <i32>load<u8>(a + k) - <i32>load<u8>(b + k);
}
