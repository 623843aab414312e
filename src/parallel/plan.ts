// Planning a parallel collapse: whether a file is worth splitting, where to
// cut it (at record boundaries, near equal shares) so that each range can be
// parsed on its own, and what every range must know of the file's start (the
// event to fold, for a format that folds the first one).

import { availableParallelism } from 'node:os';
import type { FileHandle } from '../util/file-handle.js';
import { CHUNK_SIZE, CoreSession } from '../core.js';
import { formatNamed, type ParsedFormat } from '../formats/registry.js';

/** Below this size a file is parsed on one thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/** The smallest range a file is cut into for threads (a few milliseconds of parsing), unless it is small. */
export const MIN_RANGE_BYTES = 4 << 20;
/** How much is read first while looking for a boundary: one is usually a few lines on; the buffer stays in RSS until a GC. */
const WINDOW = 64 << 10;
/**
 * The most read at a time: each read that finds no boundary doubles the next, so a format whose
 * boundaries are far apart (a pmcstat section is tens of MB) costs a few reads, not hundreds.
 */
const MAX_WINDOW = 4 << 20;

export const defaultJobs = (): number => availableParallelism();

/**
 * The most threads a file is parsed on (--jobs). Parsing is CPU-bound: threads beyond the
 * cores only add time and memory, about 14 MB each (a V8 heap, the tables), and -j 99999
 * started that many workers until V8 died out of memory. 64 stay near 1 GB anywhere.
 */
export const maxJobs = (): number => Math.max(64, availableParallelism());

/**
 * Where to cut a file for `threads` threads (guided scheduling): each range
 * takes 1/(2 × threads) of what is left, down to MIN_RANGE_BYTES (or a
 * quarter of a thread's share, for a small file), so ranges shrink toward the end of the file. Threads take the next free range as
 * they finish one, and the last range taken is small: no thread waits long
 * for another at the end (equal shares left one idle for up to a whole share).
 */
export function guidedShares(from: number, size: number, threads: number): number[] {
  const ends: number[] = [];
  const least = Math.max(1, Math.min(MIN_RANGE_BYTES, Math.floor((size - from) / (4 * threads))));
  for (let at = from; ; ) {
    const step = Math.max(least, Math.floor((size - at) / (2 * threads)));
    if (size - at - step < least) return ends; // the rest is the last range
    at += step;
    ends.push(at);
  }
}

/**
 * The byte ranges a file is read in by `threads` threads: cut at record boundaries near guidedShares().
 * `onCut`: told each cut (a range's end but the last's) as soon as it is found, before the next is looked for.
 */
export function planThreadRanges(
  fh: FileHandle,
  size: number,
  format: ParsedFormat,
  threads: number,
  from = 0,
  onCut?: (cut: number) => void,
): Promise<[number, number][]> {
  return cutRanges(fh, size, format, guidedShares(from, size, threads), from, onCut);
}

/** `count` byte ranges of the file up to `size`, cut at record boundaries near equal shares. */
export function planRanges(fh: FileHandle, size: number, format: ParsedFormat, count: number, from = 0): Promise<[number, number][]> {
  const ends = Array.from({ length: count - 1 }, (_, k) => from + Math.floor(((size - from) * (k + 1)) / count));
  return cutRanges(fh, size, format, ends, from);
}

/**
 * Byte ranges of the file up to `size`, cut at the first record boundary at
 * or after each of `targets` (ascending); fewer when boundaries are rare.
 * `from`: where the first starts (a record boundary: a window's first snapshot).
 */
async function cutRanges(
  fh: FileHandle,
  size: number,
  format: ParsedFormat,
  targets: readonly number[],
  from: number,
  onCut?: (cut: number) => void,
): Promise<[number, number][]> {
  const rule = formatNamed(format).boundary;
  const cuts: number[] = [from];
  let window = Buffer.alloc(WINDOW);
  for (const target of targets) {
    let at = target;
    if (at <= cuts[cuts.length - 1]!) continue; // a long record ran past this share: no sliver of a range
    let cut = -1;
    // Scan forward window by window (overlapping by a line) until a boundary turns up.
    for (let length = WINDOW; cut < 0 && at < size; length = Math.min(2 * length, MAX_WINDOW)) {
      if (window.length < length) window = Buffer.allocUnsafe(length);
      const { bytesRead } = await fh.read(window, 0, length, at - 1 >= 0 ? at - 1 : 0);
      const start = at > 0 ? 1 : 0; // the byte before `at` says whether `at` starts a line
      const atLineStart = at === 0 || window[0] === 10;
      const found = rule(window.subarray(start, bytesRead), atLineStart);
      if (found >= 0) cut = at + found;
      else if (bytesRead < length) break;
      else at += length - 4096;
    }
    if (cut < 0 || cut >= size) break; // no boundary left
    cuts.push(cut);
    onCut?.(cut);
  }
  cuts.push(size);
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) ranges.push([cuts[i]!, cuts[i + 1]!]);
  return ranges;
}

/**
 * The first event of a file whose format folds only its first event unless
 * one is asked for (CoreSession.foldsOneEvent): read from the start before the
 * file is cut, so that every range folds that one. Usually in its first
 * lines, so it is read a window at a time, doubling up to a chunk: no thread
 * parses until it is known, and a new core parses a chunk slowly (its code
 * not yet optimised: 8–50 ms for 1 MiB of perf script, against 1–3 for
 * 64 KiB). A capture that names no event is read to its end (events only,
 * nothing folded).
 */
export async function firstEventOf(fh: FileHandle, size: number, format: ParsedFormat): Promise<Uint8Array | null> {
  const scan = new CoreSession();
  scan.setOption('eventsOnly', 1);
  scan.beginInput(format);
  const buf = Buffer.allocUnsafe(CHUNK_SIZE);
  for (let pos = 0, length = WINDOW; pos < size && scan.events().length === 0; length = Math.min(2 * length, CHUNK_SIZE)) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(length, size - pos), pos);
    if (bytesRead === 0) break;
    scan.write(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  if (scan.events().length === 0) scan.endInput(); // a last line without a newline
  return scan.events()[0]?.name ?? null;
}
