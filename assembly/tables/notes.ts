// What an input did that its user should hear about, by line: lines a format
// could not read (neither part of a record nor the chatter it skips), and
// records it dropped because they had no frame, with the count they carried.
// Every note is counted; the first few of each kind keep their line (within
// the current input) and value, for a warning that points at them. The caller
// takes them after each input, or each range of one, and clears them.

import { inputLine, ignoreLine } from "./session";

/** The kinds, by index: src/core.ts reads the names from noteKindNames(). */
const MALFORMED_LINE: i32 = 0;
const EMPTY_RECORD: i32 = 1;
const KINDS: i32 = 2;

export function noteKindNames(): string { return "malformedLine emptyRecord"; }

/** How many notes of each kind keep their line and value. */
export const NOTES_KEPT: i32 = 8;

const counts = memory.data(KINDS * 8); // f64 per kind
const lines = memory.data(KINDS * NOTES_KEPT * 8); // f64 per kept note
const values = memory.data(KINDS * NOTES_KEPT * 8); // f64 per kept note

function note(kind: i32, value: f64): void {
  const n = load<f64>(counts + (<usize>kind << 3));
  if (n < <f64>NOTES_KEPT) {
    const at = (<usize>(kind * NOTES_KEPT) + <usize>n) << 3;
    store<f64>(lines + at, inputLine());
    store<f64>(values + at, value);
  }
  store<f64>(counts + (<usize>kind << 3), n + 1);
}

/** The line being read is not one the format can read: it is ignored, and reported. */
export function malformedLine(): void {
  ignoreLine();
  note(MALFORMED_LINE, 0);
}

/** A record that ends on this line has no frame: it is dropped, and reported with its count. */
export function emptyRecord(count: f64): void {
  note(EMPTY_RECORD, count);
}

export function noteCount(kind: i32): f64 { return load<f64>(counts + (<usize>kind << 3)); }
/** Line (within its input) of the i-th kept note of a kind, i < min(noteCount, NOTES_KEPT). */
export function noteLine(kind: i32, i: i32): f64 { return load<f64>(lines + (<usize>(kind * NOTES_KEPT + i) << 3)); }
export function noteValue(kind: i32, i: i32): f64 { return load<f64>(values + (<usize>(kind * NOTES_KEPT + i) << 3)); }
export function notesKept(): i32 { return NOTES_KEPT; }

export function notesClear(): void {
  memory.fill(counts, 0, KINDS * 8);
}
