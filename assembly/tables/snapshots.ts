// Snapshots: the pieces of a long capture in time, found while parsing. A
// format says where each one starts (formats call snapshotAt() on the line
// that starts one: DTrace's probe-firing or timestamp line, procstat's
// header, a perf sample in a new time bucket); this table keeps, for the
// input or range being read, where each started (absolute byte offset), its
// time when the capture printed one, and the samples folded before it (the
// caller takes differences for each snapshot's total). It also holds the
// time window a command asked for (--window), which the session consults
// for every record before folding it (recordInWindow).
//
// Numbering: samples before the first marker of an input belong to snapshot
// 0, as do those after it; each later marker starts the next snapshot. A
// marker whose key equals the current snapshot's (perf: the same 20 ms
// bucket) continues it. A range read from the middle of a file is told the
// snapshot it starts in (setSnapshotState), so numbering does not depend on
// how the file was cut.

import { allocBytes, growBytes } from "../util/memory";
import { recordTime } from "./session";
import { samplesTotal } from "./column-sums";
import { unitsToF64 } from "./counts";

/** Numbers kept per marker: offset, time, key, samples before it. */
const FIELDS: usize = 4;

let table: usize = 0;
let cap: u32 = 0;
let markerCount: u32 = 0;

// Where the bytes being parsed came from: the byte at bufStart is at bufOffset in the input.
let bufStart: usize = 0;
let bufOffset: f64 = 0;

// The snapshot being read.
let curIndex: f64 = -1; // -1: no marker yet (its records count in snapshot 0)
let curKey: f64 = NaN;
let curTime: f64 = NaN;
let recordsSinceMarker: f64 = 0;
/** The first time seen in this input (elapsed windows count from it). */
export let firstTime: f64 = NaN;


// The window asked for.
export const WINDOW_NONE: i32 = 0;
export const WINDOW_INDEX: i32 = 1; // snapshot indexes [lo, hi], inclusive
export const WINDOW_ELAPSED: i32 = 2; // seconds [lo, hi) after firstTime
export const WINDOW_TIME: i32 = 3; // absolute seconds [lo, hi)
export const WINDOW_DAYTIME: i32 = 4; // seconds of the day [lo, hi) (UTC) on the day the input starts; lo >= hi wraps past midnight
let windowKind: i32 = WINDOW_NONE;
let windowLo: f64 = 0;
let windowHi: f64 = 0;

export function setWindow(kind: i32, lo: f64, hi: f64): void {
  windowKind = kind;
  windowLo = lo;
  windowHi = hi;
}

/** The bytes at `start` are at `offset` in the input (index.ts says so before each parse). */
export function setBuffer(start: usize, offset: f64): void {
  bufStart = start;
  bufOffset = offset;
}

/** Where the byte at `p` of the buffer being parsed is in the input (a file's offset, in a range of it). */
export function inputOffsetAt(p: usize): f64 { return bufOffset + <f64>(p - bufStart); }

/** A range read from the middle of an input starts in this snapshot (its index, key and time). */
export function setSnapshotState(index: f64, key: f64, time: f64): void {
  curIndex = index;
  curKey = key;
  curTime = time;
  recordsSinceMarker = 0;
}

/** A new input from its start: no snapshot seen yet, no markers kept. */
export function snapshotsReset(): void {
  setSnapshotState(-1, NaN, NaN);
  firstTime = NaN;
  markerCount = 0;
}

function noteTime(t: f64): void {
  if (t != t) return;
  if (firstTime != firstTime) firstTime = t;
}

/**
 * The line at `lineStart` starts a snapshot of this time (NaN: none printed)
 * and key (NaN: every marker is a new snapshot).
 */
export function snapshotAt(lineStart: usize, time: f64, key: f64): void {
  if (key == curKey) return; // the same bucket: the snapshot goes on (NaN never equals)
  curIndex = curIndex < 0 ? 0 : curIndex + 1;
  curKey = key;
  curTime = time;
  recordsSinceMarker = 0;
  noteTime(time);
  if (markerCount == cap) {
    const next: u32 = cap == 0 ? 256 : cap << 1;
    table = growBytes(table, <usize>cap * FIELDS << 3, <usize>next * FIELDS << 3);
    cap = next;
  }
  const at = table + (<usize>markerCount * FIELDS << 3);
  store<f64>(at, inputOffsetAt(lineStart));
  store<f64>(at, time, 8);
  store<f64>(at, key, 16);
  store<f64>(at, unitsToF64(samplesTotal()), 24); // a heat map's figure: a double, exact below 2^53
  markerCount++;
}

/**
 * A line printed the time of the snapshot (DTrace's `printf("%Y", walltimestamp)`):
 * the time of the one just started, if it has none and no record yet; else
 * the start of a new one (`dtrace -q` output, where the timestamp is the marker).
 */
export function snapshotTime(lineStart: usize, time: f64): void {
  if (curIndex >= 0 && curTime != curTime && recordsSinceMarker == 0) {
    curTime = time;
    noteTime(time);
    if (markerCount > 0) store<f64>(table + (<usize>(markerCount - 1) * FIELDS << 3), time, 8);
    return;
  }
  if (!markerSet) snapshotAt(lineStart, time, NaN); // under a --snapshot-marker only its lines start one
}

/** Whether the record being folded is in the window; counts it for its snapshot. */
export function recordInWindow(): bool {
  recordsSinceMarker += 1;
  if (windowKind == WINDOW_NONE) return true;
  if (windowKind == WINDOW_INDEX) {
    const i = curIndex < 0 ? 0 : curIndex;
    return i >= windowLo && i <= windowHi;
  }
  const t = recordTime == recordTime ? recordTime : curTime;
  if (t != t) return false;
  if (firstTime != firstTime) firstTime = t;
  if (windowKind != WINDOW_TIME) windowFromFirstTime();
  return t >= windowLo && t < windowHi;
}

/**
 * Elapsed and time-of-day windows become times once the input's first time is
 * known: elapsed counts from it; a time of day is its first occurrence at or
 * after the start of that day, the end past the start (the next day when it is
 * not). src/window/resolve.ts does the same from an index.
 */
function windowFromFirstTime(): void {
  if (windowKind == WINDOW_ELAPSED) {
    windowLo += firstTime;
    windowHi += firstTime;
  } else {
    const day = Math.floor(firstTime / 86400) * 86400;
    windowLo += day;
    windowHi += day;
    if (windowHi <= windowLo) windowHi += 86400;
  }
  windowKind = WINDOW_TIME;
}

export function snapshotMarkers(): u32 { return markerCount; }
export function snapshotsPtr(): usize { return table; }
export function snapshotFields(): i32 { return <i32>FIELDS; }

// --snapshot-marker REGEX: the caller's regular expression, asked (through an
// import) only about the lines a format would otherwise skip as chatter.
// @ts-ignore: decorator
@external("env", "markerLine") declare function markerLine(p: usize, len: usize): i32;
/** Whether a --snapshot-marker is set: then only its lines start snapshots. */
export let markerSet: bool = false;
export function setSnapshotMarker(on: bool): void { markerSet = on; }
/** Whether [p, end) matches the --snapshot-marker. */
export function isMarkerLine(p: usize, end: usize): bool {
  return markerSet && markerLine(p, end - p) != 0;
}
