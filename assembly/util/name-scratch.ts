// Scratch space for naming one frame line (formats/dtrace-frames.ts and
// perf-frames.ts): bytes for the text being rebuilt (demangled, one part of
// an `a->b` inline), and per part its bounds and the frame id it named.
// Grown to the longest line named, never shrunk; its contents do not outlive
// the naming of one line.

import { allocBytes, freeBytes } from "./memory";

@unmanaged
export class NameScratch {
  /** Text: at least twice the line's length plus the slack asked for. */
  bytes: usize = 0;
  cap: usize = 0;
  /** u32 per part: the frame ids named, in push order. */
  ids: usize = 0;
  /** u32 pairs per part: (start, end) offsets of the part in the line. */
  bounds: usize = 0;

  /** Room for naming a line of `len` bytes: 2 × len + `slack` bytes of text, and one part per "->" (2 bytes each) plus one. */
  ensure(len: usize, slack: usize): void {
    const need = (len << 1) + slack;
    if (need <= this.cap) return;
    freeBytes(this.bytes);
    freeBytes(this.ids);
    freeBytes(this.bounds);
    this.cap = need;
    this.bytes = allocBytes(need);
    const parts = (len >> 1) + 4;
    this.ids = allocBytes(parts << 2);
    this.bounds = allocBytes(parts << 3);
  }
}
