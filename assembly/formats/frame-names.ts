// Naming helpers the formats share.

import { allocBytes, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";

// Scratch for names holding ';', which would split a folded stack.
let scratch: usize = 0;
let scratchCap: usize = 0;

/** Interns the frame name [p, p + len), with every ';' written as ':'. */
export function internFrameName(p: usize, len: usize): u32 {
  let q = p;
  const end = p + len;
  while (q < end && load<u8>(q) != 0x3b) q++;
  if (q == end) return frameTable.intern(p, len);
  if (len > scratchCap) {
    freeBytes(scratch);
    scratchCap = len << 1;
    scratch = allocBytes(scratchCap);
  }
  for (let i: usize = 0; i < len; i++) {
    const b = load<u8>(p + i);
    store<u8>(scratch + i, b == 0x3b ? 0x3a : b);
  }
  return frameTable.intern(scratch, len);
}

/** [p, end) less trailing blanks, tabs and a CR. */
export function trimBlanksRight(p: usize, end: usize): usize {
  while (end > p) {
    const c = load<u8>(end - 1);
    if (c != 0x20 && c != 0x09 && c != 0x0d) break;
    end--;
  }
  return end;
}
