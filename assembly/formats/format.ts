// What every input format is to the core: an object that reads one line at a
// time (a state machine over bytes, so an input can arrive in any pieces),
// knows what to do when an input ends, and takes its own options. The
// registry (formats/registry.ts) lists them; nothing else names a format.

import { findNewline } from "../util/scan";
import { countLine } from "../tables/session";

export abstract class Format {
  /** The name users give it (`--format NAME`): lower case, no blanks. */
  abstract name(): string;
  /** The names of this format's options, blank-separated; setOption() takes their index. */
  abstract optionNames(): string;
  abstract setOption(index: i32, value: i32): void;
  /** Starts an input, or a range of one cut at a record boundary. */
  begin(): void {}
  /** One line, [start, end) without its newline (a `\r` before it is the format's to trim). */
  abstract line(start: usize, end: usize): void;
  /** Every whole line of [p, end); returns where the unfinished last line starts. */
  abstract lines(p: usize, end: usize): usize;
  /** The input ended (after its last line, terminated or not): what is pending is settled. */
  end(): void {}
  /**
   * Whether, without an event filter, only the first event seen is folded
   * (tables/events.ts, eventSelectedOrFirst) rather than every one: a
   * parallel collapse then finds that event before cutting the file, reading
   * from its start until one turns up. A format whose records name events
   * says so; one whose records name none never needs that search (which
   * would read the whole file to find nothing).
   */
  foldsOneEvent(): bool { return false; }
}

/**
 * The one line loop, for a format's lines(): instantiated per format class,
 * so the line handler is a direct call in the hot loop, not a virtual one.
 */
// @ts-ignore: decorator
@inline export function eachLine<F extends Format>(format: F, p: usize, end: usize): usize {
  while (true) {
    const next = oneLine<F>(format, p, end);
    if (next == 0) return p;
    p = next;
  }
}

/**
 * eachLine() for a format that can read a record whole (a record it knows
 * from before): before each line, `format.wholeRecord(p, end)` reads the
 * record starting there, returning where reading goes on (`p`: it read
 * nothing, and the line goes to the line handler).
 */
// @ts-ignore: decorator
@inline export function eachRecordOrLine<F extends Format>(format: F, p: usize, end: usize): usize {
  while (true) {
    // @ts-ignore: the format class has wholeRecord()
    const q: usize = format.wholeRecord(p, end);
    if (q != p) {
      p = q;
      continue;
    }
    const next = oneLine<F>(format, p, end);
    if (next == 0) return p;
    p = next;
  }
}

/** Hands the line at `p` to the line handler; where the next starts, or 0 when the line is not whole. */
// @ts-ignore: decorator
@inline function oneLine<F extends Format>(format: F, p: usize, end: usize): usize {
  const nl = findNewline(p, end);
  if (nl == end) return 0;
  countLine();
  format.line(p, nl);
  return nl + 1;
}
