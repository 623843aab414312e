// What `top` ranks, at any number of names in bounded time and memory: the
// core sums each key's self and total exactly (CollapseResult.keySums(), read
// from the stacks in no particular order: no sort, no text), and the entries
// kept are picked by a heap of `limit` keys, not a sort of every name. A name
// is decoded only when it is kept, or to compare it with one that is not
// plain ASCII; plain ASCII names compare as their bytes (the same order).

import type { CollapseResult } from '../api/collapse.js';
import { NAME_HAS_MARK, NAME_NOT_ASCII } from '../core-name-flags.js';

/** A line of the report before its numbers are made: its key's name and exact sums (units, src/counts.ts). */
export interface KeptSums {
  name: string;
  self: bigint;
  total: bigint;
}

/** The sums of a report: its lists (best first) and totals. */
export interface RankedSums {
  bySelf: KeptSums[];
  byTotal: KeptSums[];
  /** Sum of the counts ≥ 0 (units). */
  samples: bigint;
  stacks: number;
  negativeStacks: number;
}

const BACKTICK = 0x60;
const SELF = 0;
const TOTAL = 1;

/** The module of a frame name, for `by: 'module'`. */
export function moduleOf(name: string): string {
  const at = name.indexOf('`');
  return at > 0 ? name.slice(0, at) : name;
}

/**
 * The report's keys: every frame whose name is plain (ASCII, and by module without a
 * backtick) is its own key, named by its bytes. The others are keyed by their text
 * (the module; names differing only in bytes that are not UTF-8 decode alike): the
 * first frame of each text stands for it (`text`), the rest are `shared` onto it.
 */
function keysOf(result: CollapseResult, byModule: boolean): { shared: Map<number, number>; text: Map<number, string> } {
  const flags = result.frameNameFlags(BACKTICK);
  const keyed = byModule ? NAME_NOT_ASCII | NAME_HAS_MARK : NAME_NOT_ASCII;
  const bytes = result.frameNameBytes();
  const decoder = new TextDecoder();
  const first = new Map<string, number>();
  const shared = new Map<number, number>();
  const text = new Map<number, string>();
  for (let f = 0; f < flags.length; f++) {
    if ((flags[f]! & keyed) === 0) continue;
    const name = decoder.decode(bytes(f));
    const key = byModule ? moduleOf(name) : name;
    const k = first.get(key);
    if (k === undefined) {
      first.set(key, f);
      text.set(f, key);
    } else shared.set(f, k);
  }
  // By module, a plain name may be another name's module ("libc" and "libc`memcpy"). By function
  // it cannot be a keyed name's text: that holds a character past ASCII (U+FFFD for a bad byte).
  if (byModule && first.size > 0) {
    for (let f = 0; f < flags.length; f++) {
      if ((flags[f]! & keyed) !== 0) continue;
      const k = first.get(decoder.decode(bytes(f)));
      if (k !== undefined) shared.set(f, k);
    }
  }
  return { shared, text };
}

/** Bytewise order of two names (UTF-16 order too, for ASCII ones). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The `limit` keys for which `include` holds that `before` ranks first, best first: a heap
 * whose root is the last one kept, so each other key costs one comparison with it.
 */
function best(count: number, limit: number, include: (k: number) => boolean, before: (a: number, b: number) => number): number[] {
  const heap: number[] = [];
  const later = (i: number, j: number): boolean => before(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number): void => void ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  for (let k = 0; k < count; k++) {
    if (!include(k)) continue;
    if (heap.length < limit) {
      heap.push(k);
      for (let i = heap.length - 1; i > 0 && later(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (before(k, heap[0]!) < 0) {
      heap[0] = k;
      for (let i = 0; ; ) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let last = i;
        if (l < heap.length && later(l, last)) last = l;
        if (r < heap.length && later(r, last)) last = r;
        if (last === i) break;
        swap(i, last);
        i = last;
      }
    }
  }
  return heap.sort(before);
}

/** The `limit` best keys by self (of those with a self count) and by total, with the totals: see topFunctions(). */
export function rankedSums(result: CollapseResult, byModule: boolean, limit: number): RankedSums {
  const { shared, text } = keysOf(result, byModule);
  const { words, stamps, stacks, negatives, samples } = result.keySums(shared);
  const bytes = result.frameNameBytes();
  const decoder = new TextDecoder();
  // Every sum is at most `samples`: below 2^53 they are exact doubles, else they are compared as bigints.
  const exact = (k: number, side: number): bigint => (BigInt(words[4 * k + 2 * side + 1]!) << 32n) | BigInt(words[4 * k + 2 * side]!);
  const small = samples <= 2n ** 53n;
  const value = small ? (k: number, side: number): number => words[4 * k + 2 * side + 1]! * 4294967296 + words[4 * k + 2 * side]! : exact;
  const most = (a: number | bigint, b: number | bigint): number => (a > b ? -1 : a < b ? 1 : 0);
  const name = (k: number): string => text.get(k) ?? decoder.decode(bytes(k));
  const byName = (a: number, b: number): number => {
    if (!text.has(a) && !text.has(b)) return compareBytes(bytes(a), bytes(b));
    const [x, y] = [name(a), name(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  // Most first, ties by the other sum (most first), then by name: keys are distinct names, so no two tie.
  const by = (side: number) => (a: number, b: number): number => most(value(a, side), value(b, side)) || most(value(a, 1 - side), value(b, 1 - side)) || byName(a, b);
  const seen = (k: number): boolean => stamps[k] !== 0;
  const hasSelf = (k: number): boolean => seen(k) && (words[4 * k] !== 0 || words[4 * k + 1] !== 0);
  const kept = (keys: number[]): KeptSums[] => keys.map((k) => ({ name: name(k), self: exact(k, SELF), total: exact(k, TOTAL) }));
  return {
    bySelf: kept(best(stamps.length, limit, hasSelf, by(SELF))),
    byTotal: kept(best(stamps.length, limit, seen, by(TOTAL))),
    samples,
    stacks,
    negativeStacks: negatives,
  };
}
