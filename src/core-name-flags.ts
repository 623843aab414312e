// Which frame names the exports must read as text (assembly/output/frame-name-flags.ts):
// CoreSession.frameNameFlags() (src/core.ts), kept apart from core.ts for its length.

import type { CoreExports } from './core-types.js';

/** frameNameFlagsOf()'s bits: the name has a byte past ASCII; it has the byte asked for past its first. */
export const NAME_NOT_ASCII = 1;
export const NAME_HAS_MARK = 2;

/** A byte per frame id: NAME_NOT_ASCII when its name has a byte past ASCII, | NAME_HAS_MARK when it has byte `mark` past its first (a copy). */
export function frameNameFlagsOf(c: CoreExports, mark: number): Uint8Array {
  const ptr = c.frameNameFlags(mark);
  const flags = new Uint8Array(c.memory.buffer, ptr, c.statFrames()).slice();
  c.frameNameFlagsFree();
  return flags;
}
