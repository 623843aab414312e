// Rust legacy symbols that DTrace (and macOS `sample`) print half demangled:
// `_$LT$alloc..vec..Vec$LT$T$GT$$GT$::from::hf1c5bb9dd6c517cb` is
// `<alloc::vec::Vec<T>>::from`. Same rules as inferno's collapsers, so that
// the corpus's Rust goldens (inferno's own output) match.

import { isBlank } from "../util/scan";

const HASH_LEN: usize = 17; // "h" + 16 hex digits

function isHex(c: u32): bool {
  return (c - 0x30 < 10) || ((c | 0x20) - 0x61 < 6);
}

function hexValue(c: u32): u32 {
  return c - 0x30 < 10 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/** True when [p, p+len) ends with a legacy Rust hash `h<16 hex>`. */
function hasRustHash(p: usize, len: usize): bool {
  if (len < HASH_LEN) return false;
  const h = p + len - HASH_LEN;
  if (load<u8>(h) != 0x68) return false;
  for (let i: usize = 1; i < HASH_LEN; i++) if (!isHex(load<u8>(h + i))) return false;
  return true;
}

// The named escapes of the legacy mangling.
function namedEscape(p: usize, n: usize): i32 {
  if (n == 2) {
    const a = load<u8>(p), b = load<u8>(p + 1);
    if (a == 0x53 && b == 0x50) return 0x40; // SP @
    if (a == 0x42 && b == 0x50) return 0x2a; // BP *
    if (a == 0x52 && b == 0x46) return 0x26; // RF &
    if (a == 0x4c && b == 0x54) return 0x3c; // LT <
    if (a == 0x47 && b == 0x54) return 0x3e; // GT >
    if (a == 0x4c && b == 0x50) return 0x28; // LP (
    if (a == 0x52 && b == 0x50) return 0x29; // RP )
  } else if (n == 1 && load<u8>(p) == 0x43) {
    return 0x2c; // C ,
  }
  return -1;
}

/** Writes the code point `cp` as UTF-8 at `out`; returns the bytes written. */
function putUtf8(out: usize, cp: u32): usize {
  if (cp < 0x80) { store<u8>(out, cp); return 1; }
  if (cp < 0x800) {
    store<u8>(out, 0xc0 | (cp >> 6)); store<u8>(out + 1, 0x80 | (cp & 0x3f)); return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, 0xe0 | (cp >> 12)); store<u8>(out + 1, 0x80 | ((cp >> 6) & 0x3f));
    store<u8>(out + 2, 0x80 | (cp & 0x3f)); return 3;
  }
  store<u8>(out, 0xf0 | (cp >> 18)); store<u8>(out + 1, 0x80 | ((cp >> 12) & 0x3f));
  store<u8>(out + 2, 0x80 | ((cp >> 6) & 0x3f)); store<u8>(out + 3, 0x80 | (cp & 0x3f)); return 4;
}

/**
 * Demangles the function part [p, p+len) into `out` (room for len bytes).
 * Trailing blanks (left by a cut ` (.llvm.N)` suffix) are ignored. Returns the
 * demangled length, or -1 when the name is not a legacy Rust symbol.
 */
export function demangleRustLegacy(p: usize, len: usize, out: usize): isize {
  while (len > 0 && isBlank(load<u8>(p + len - 1))) len--;
  if (!hasRustHash(p, len)) return -1;
  let end = p + len - HASH_LEN;
  if (end - p >= 2 && load<u8>(end - 1) == 0x3a && load<u8>(end - 2) == 0x3a) end -= 2;
  if (end - p >= 2 && load<u8>(p) == 0x5f && load<u8>(p + 1) == 0x24) p++; // "_$" prefix
  let o = out;
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c == 0x2e) { // '.': ".." is "::"
      if (p + 1 < end && load<u8>(p + 1) == 0x2e) {
        store<u16>(o, 0x3a3a); o += 2; p += 2;
      } else {
        store<u8>(o++, 0x2e); p++;
      }
      continue;
    }
    if (c != 0x24) { store<u8>(o++, <u8>c); p++; continue; }
    // '$' escape: $XX$ or $uHEX$
    let q = p + 1;
    while (q < end && load<u8>(q) != 0x24) q++;
    let decoded: i32 = -1;
    if (q < end) {
      const n = q - p - 1;
      decoded = namedEscape(p + 1, n);
      if (decoded < 0 && n >= 2 && load<u8>(p + 1) == 0x75) {
        let cp: u32 = 0;
        let ok = true;
        for (let r = p + 2; r < q; r++) {
          const d = <u32>load<u8>(r);
          if (!isHex(d)) { ok = false; break; }
          cp = (cp << 4) | hexValue(d);
        }
        if (ok && cp <= 0x10ffff) decoded = <i32>cp;
      }
    }
    if (decoded < 0) { // not an escape: keep the rest verbatim
      memory.copy(o, p, end - p);
      o += end - p;
      break;
    }
    o += putUtf8(o, <u32>decoded);
    p = q + 1;
  }
  return <isize>(o - out);
}
