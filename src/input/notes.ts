// The notes of an input (src/core.ts, InputNotes) told to the user as
// warnings that name the lines.

import { formatNamed } from '../formats/registry.js';
import type { FedInput } from './feed.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `a, b, c` and how many more there were than listed. */
function listed(items: string[], count: number): string {
  return items.join(', ') + (count > items.length ? ` and ${count - items.length} more` : '');
}

/**
 * The warnings an input's notes give, each naming the lines (the first few) it is about,
 * and saying what a malformed line is not (its format's Format.malformed).
 */
export function noteWarnings({ name, notes, format }: FedInput): string[] {
  const malformed = formatNamed(format).malformed;
  const warnings: string[] = [];
  const bad = notes.malformedLine;
  if (bad) {
    const where = listed(bad.first.map((n) => String(n.line)), bad.count);
    const why = malformed === undefined ? '' : `: ${malformed}`;
    warnings.push(`${name}: ${plural(bad.count, 'malformed line')} ignored (line${bad.count === 1 ? '' : 's'} ${where})${why}`);
  }
  const empty = notes.emptyRecord;
  if (empty) {
    const where = listed(empty.first.map((n) => `line ${n.line}: count ${n.value}`), empty.count);
    warnings.push(`${name}: ${plural(empty.count, 'record')} without frames dropped (${where})`);
  }
  return warnings;
}
