/// <reference lib="dom" />
// The viewer's search: which frames a regular expression matches, and the
// share of the samples in view that they cover (Matched %). Part of the script
// embedded in every SVG (viewer.ts embeds this function's source beside its
// own: it may use nothing from outside its body but its arguments).

import type { FrameIndex } from './viewer-index.js';

export interface FrameSearch {
  /** Sets matching[i] to whether frame i's name matches `re`. */
  match(re: RegExp, matching: Uint8Array): void;
  /** The percentage of the samples of frame `view` that have a matching frame in their stack. */
  matchedShare(matching: Uint8Array, view: number, zoomed: boolean): number;
}

export function frameSearch(index: FrameIndex): FrameSearch {
  return {
    match(re: RegExp, matching: Uint8Array): void {
      const { distinctNames, nameId, count } = index;
      const answers = new Uint8Array(distinctNames.length);
      for (let n = 0; n < distinctNames.length; n++) {
        re.lastIndex = 0;
        answers[n] = re.test(distinctNames[n]!) ? 1 : 0;
      }
      for (let i = 0; i < count; i++) matching[i] = answers[nameId[i]!]!;
    },
    matchedShare(matching: Uint8Array, view: number, zoomed: boolean): number {
      const { x0, w0, depth, count } = index;
      if (view < 0 || w0[view]! <= 0) return 0;
      const lo = x0[view]!;
      const hi = lo + w0[view]!;
      // Frames are written depth-first, so their starts never decrease: the matching spans come
      // sorted, and one sweep adds up what they cover. (Sorted first if a document says otherwise.)
      const from: number[] = [];
      const to: number[] = [];
      let sorted = true;
      for (let i = 0; i < count; i++) {
        if (!matching[i]) continue;
        const x = x0[i]!;
        const w = w0[i]!;
        if (zoomed && depth[i]! < depth[view]!) {
          if (x <= lo && x + w >= hi) return 100; // an ancestor in view covers everything
          continue;
        }
        const a = Math.max(lo, x);
        const b = Math.min(hi, x + w);
        if (b <= a) continue;
        if (from.length > 0 && a < from[from.length - 1]!) sorted = false;
        from.push(a);
        to.push(b);
      }
      const order = from.map((_, k) => k);
      if (!sorted) order.sort((p, q) => from[p]! - from[q]!);
      let covered = 0;
      let end = -Infinity;
      for (const k of order) {
        const b = to[k]!;
        if (b <= end) continue;
        covered += b - Math.max(from[k]!, end);
        end = b;
      }
      return (100 * covered) / w0[view]!;
    },
  };
}
