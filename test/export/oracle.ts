// Independent readings of folded text, for checking the exports against it:
// the stacks with their counts, and per-name self and total sums.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, casesWith } from '../support/corpus.js';

/** A folded text's stacks: "stack" → its count(s), read from the end of each line. */
export function stacksOf(text: string, columns: 1 | 2): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    const counts = parts.splice(parts.length - columns).map(Number);
    const stack = parts.join(' ');
    if (out.has(stack)) throw new Error(`stack twice in folded output: ${stack}`);
    out.set(stack, counts);
  }
  return out;
}

/**
 * Self (stacks ending in it) and total (stacks having it, once each) of every key, from folded
 * text; `negatives: 'as zero'` leaves out the stacks whose count is negative (as top does).
 */
export function sumsOf(
  text: string,
  keyOf: (frame: string) => string = (f) => f,
  negatives: 'summed' | 'as zero' = 'summed',
): Map<string, { self: number; total: number }> {
  const sums = new Map<string, { self: number; total: number }>();
  for (const [stack, [count]] of stacksOf(text, 1)) {
    if (negatives === 'as zero' && count! < 0) continue;
    const keys = stack.split(';').map(keyOf);
    for (const key of new Set(keys)) {
      const s = sums.get(key) ?? { self: 0, total: 0 };
      s.total += count!;
      sums.set(key, s);
    }
    sums.get(keys[keys.length - 1]!)!.self += count!;
  }
  return sums;
}

/** The raw captures of the corpus that have a golden folded output (dtrace, pmcstat, procstat, bpftrace). */
export function corpusCaptures(): string[] {
  const out: string[] = [];
  for (const dir of ['dtrace', 'pmcstat', 'procstat', 'bpftrace']) {
    const files = new Set(readdirSync(join(CORPUS, dir)));
    for (const name of casesWith(dir, '.expected.folded')) {
      out.push(join(CORPUS, dir, files.has(`${name}.txt`) ? `${name}.txt` : `${name}.txt.gz`));
    }
  }
  return out;
}
