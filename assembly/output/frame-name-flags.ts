// Which frame names need their text to be compared: a byte per frame, for the
// exports (src/core-name-flags.ts). A name past ASCII may differ from another
// only in bytes that are not UTF-8 and then reads the same (U+FFFD); a plain
// ASCII one is its own bytes. `top --by module` also asks which names hold a
// backtick past their first byte (a module, then a function).

import { allocBytes, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";
import { inRuns } from "../util/runs";

let flags: usize = 0; // frameNameFlags()

/**
 * A byte per frame: 1 when its name has a byte past ASCII, | 2 when it has
 * byte `mark` past its first byte (top --by module's backtick); at the
 * address it returns, until frameNameFlagsFree().
 */
export function frameNameFlags(mark: u32): usize {
  const n = frameTable.count;
  freeBytes(flags);
  flags = allocBytes(<usize>n);
  flagMark = mark;
  inRuns(n, flagRun);
  return flags;
}

let flagMark: u32 = 0;

// Frames [lo, hi)'s flags.
function flagRun(lo: u32, hi: u32): void {
  for (let i = lo; i < hi; i++) {
    const p = frameTable.ptr(i), len = <usize>frameTable.len(i);
    let f: u8 = 0;
    for (let b: usize = 0; b < len; b++) {
      const c = <u32>load<u8>(p + b);
      if (c >= 0x80) f |= 1;
      else if (c == flagMark && b > 0) f |= 2;
    }
    store<u8>(flags + <usize>i, f);
  }
}

/** Frees frameNameFlags()' bytes. */
export function frameNameFlagsFree(): void {
  freeBytes(flags);
  flags = 0;
}
