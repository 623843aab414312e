// Events of a capture: the counters or probes its samples came from (a
// pmcstat PMC, a perf event). A format records each event it sees here, and
// asks whether the user's filter selects it; the caller lists them
// (--list-events), and workers' events merge into the main session's.
// Names are raw bytes: pmcstat prints a PMC name unchecked.

import { ByteTable } from "./byte-table";
import { bytesEqual } from "../util/hash";
import { allocBytes, growBytes, freeBytes } from "../util/memory";

let names: ByteTable = changetype<ByteTable>(0); // interned by first appearance
let samplesBuf: usize = 0; // f64 per event: samples its headers announced
let sectionsBuf: usize = 0; // u32 per event: how many sections (or records) it had
let cap: u32 = 0;
/** Sections or records the filter selected so far. */
export let matchedSections: u32 = 0;

let filterOn = false; // fold only one event's samples
let filterPtr: usize = 0; // its name
let filterLen: usize = 0;
let filterCap: usize = 0;
let inPtr: usize = 0; // where JS writes an event name (eventBuffer)
let inCap: usize = 0;
/** Read the event headers only (listing the events); fold nothing. */
export let eventsOnly = false;

export function eventsInit(): void {
  names = new ByteTable(6);
  cap = 32;
  samplesBuf = allocBytes(<usize>cap << 3);
  sectionsBuf = allocBytes(<usize>cap << 2);
}

export function setEventsOnly(on: bool): void { eventsOnly = on; }
/** Whether an event filter is set. */
export function eventFilterOn(): bool { return filterOn; }

/** A region of `len` bytes where JS writes an event name, for setEventFilter() or eventAdd(). */
export function eventBuffer(len: usize): usize {
  if (len > inCap) {
    freeBytes(inPtr);
    inPtr = allocBytes(len);
    inCap = len;
  }
  return inPtr;
}

/** Folds only the samples of the event whose name is the first `len` bytes at eventBuffer(); len < 0: all. */
export function setEventFilter(len: i32): void {
  filterOn = len >= 0;
  filterLen = len >= 0 ? <usize>len : 0;
  if (filterLen > filterCap) {
    freeBytes(filterPtr);
    filterPtr = allocBytes(filterLen);
    filterCap = filterLen;
  }
  if (filterLen > 0) memory.copy(filterPtr, inPtr, filterLen);
}

/** Whether the filter (if any) selects the event named by `len` bytes at `name`. */
export function eventSelected(name: usize, len: usize): bool {
  return !filterOn || (len == filterLen && bytesEqual(name, filterPtr, len));
}

/** Counts a section (or record) of the event named by `len` bytes at `name`, announcing `samples`. */
export function countEvent(name: usize, len: usize, samples: f64, sections: u32): void {
  const e = names.intern(name, len);
  if (e >= cap) {
    samplesBuf = growBytes(samplesBuf, <usize>cap << 3, <usize>cap << 4);
    sectionsBuf = growBytes(sectionsBuf, <usize>cap << 2, <usize>cap << 3);
    cap <<= 1;
  }
  const sp = samplesBuf + (<usize>e << 3);
  store<f64>(sp, load<f64>(sp) + samples);
  const cp = sectionsBuf + (<usize>e << 2);
  store<u32>(cp, load<u32>(cp) + sections);
}

/** Counts one section or record folded under the filter. */
export function countMatched(): void { matchedSections++; }

/**
 * Adds to the event whose name is the first `len` bytes at eventBuffer(): how
 * another session (a worker that parsed part of the file) merges its events in.
 */
export function eventAdd(len: usize, samples: f64, sections: u32): void {
  countEvent(inPtr, len, samples, sections);
}

/** Adds sections folded under the filter by another session. */
export function eventMatchedAdd(n: u32): void { matchedSections += n; }

export function eventCount(): u32 { return names.count; }
export function eventNamePtr(i: u32): usize { return names.ptr(i); }
export function eventNameLen(i: u32): u32 { return names.len(i); }
export function eventSamples(i: u32): f64 { return load<f64>(samplesBuf + (<usize>i << 3)); }
export function eventSections(i: u32): u32 { return load<u32>(sectionsBuf + (<usize>i << 2)); }
