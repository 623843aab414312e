// The notes of a file parsed in ranges (src/core.ts, InputNotes): each
// range's lines are counted from its own start, so they are placed in the
// file by the line counts of the ranges before it.

import type { InputNotes, NoteKind, NoteTally, RangeSnapshots } from '../core.js';

/** What parsing one range of a file left to report: its line count places the next range's lines. */
export interface RangeNotes {
  /** The range's index in the file's plan. */
  range: number;
  lines: number;
  /** Lines counted from the range's start. */
  notes: InputNotes;
  /** The snapshots that started in it (src/window/snapshot-index.ts numbers them in the file). */
  snapshots: RangeSnapshots;
}

/** Both tallies as one: counts summed, the first `kept` notes by line. */
function mergeTally(a: NoteTally | undefined, b: NoteTally, kept: number): NoteTally {
  if (!a) return b;
  const first = [...a.first, ...b.first].sort((x, y) => x.line - y.line).slice(0, kept);
  return { count: a.count + b.count, first };
}

/** The notes of a file from those of its ranges (any order), lines counted from the file's start. */
export function notesInFile(ranges: readonly RangeNotes[], kept: number): InputNotes {
  const notes: InputNotes = {};
  let before = 0;
  for (const r of [...ranges].sort((x, y) => x.range - y.range)) {
    for (const [kind, tally] of Object.entries(r.notes) as [NoteKind, NoteTally][]) {
      const shifted = { count: tally.count, first: tally.first.map((n) => ({ line: n.line + before, value: n.value })) };
      notes[kind] = mergeTally(notes[kind], shifted, kept);
    }
    before += r.lines;
  }
  return notes;
}
