// Events of a capture: the counters or probes its samples came from (a
// pmcstat PMC, a perf event). A format records each event it sees here, and
// asks whether the user's filter selects it; the caller lists them
// (--list-events), and workers' events merge into the main session's.
// Names are raw bytes: pmcstat prints a PMC name unchecked.
//
// Without a filter, a format either folds every event (pmcstat: a capture of
// several PMCs is read section by section) or only the first one it sees
// (perf: summing cycles and instructions would be meaningless), which then
// becomes the filter, marked as picked: the caller warns about the events it
// left out, and forgets the pick when the next input starts.

import { ByteTable } from "./byte-table";
import { bytesEqual } from "../util/hash";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { checkedAdd, setMerging } from "./counts";

let names: ByteTable = changetype<ByteTable>(0); // interned by first appearance
let samplesBuf: usize = 0; // i64 per event: samples its headers announced (whole counts, checked)
let sectionsBuf: usize = 0; // u32 per event: how many sections (or records) it had
let cap: u32 = 0;
/** Sections or records the filter selected so far. */
export let matchedSections: u32 = 0;

let filterOn = false; // fold only one event's samples
let picked = false; // the filter is the first event of the input, not the user's
let filterPtr: usize = 0; // its name
let filterLen: usize = 0;
let filterCap: usize = 0;
let inPtr: usize = 0; // where JS writes an event name (eventBuffer)
let inCap: usize = 0;
/** Read the event headers only (listing the events); fold nothing. */
export let eventsOnly = false;
/**
 * Every format folds one event, as those that always do (perf): what a flame
 * graph needs, several events summed meaning nothing (a pmcstat capture of
 * cycles and instructions).
 */
export let oneEvent = false;

export function eventsInit(): void {
  names = new ByteTable(6);
  cap = 32;
  samplesBuf = allocBytes(<usize>cap << 3);
  sectionsBuf = allocBytes(<usize>cap << 2);
}

export function setEventsOnly(on: bool): void { eventsOnly = on; }
export function setOneEvent(on: bool): void { oneEvent = on; }
/** Whether the user set an event filter (a picked first event is not one). */
export function eventFilterOn(): bool { return filterOn && !picked; }

/** A region of `len` bytes where JS writes an event name, for setEventFilter() or eventAdd(). */
export function eventBuffer(len: usize): usize {
  if (len > inCap) {
    freeBytes(inPtr);
    inPtr = allocBytes(len);
    inCap = len;
  }
  return inPtr;
}

/**
 * Folds only the samples of the event whose name is the first `len` bytes at
 * eventBuffer(); len < 0: all. `first`: the name is the input's first event,
 * found by the caller (a parallel collapse reads it before cutting the file),
 * as eventSelectedOrFirst() would pick it.
 */
export function setEventFilter(len: i32, first: bool = false): void {
  filterOn = len >= 0;
  picked = filterOn && first;
  setFilterName(inPtr, len >= 0 ? <usize>len : 0);
}

function setFilterName(p: usize, len: usize): void {
  if (len > filterCap) {
    freeBytes(filterPtr);
    filterPtr = allocBytes(len);
    filterCap = len;
  }
  filterLen = len;
  if (len > 0) memory.copy(filterPtr, p, len);
}

// @ts-ignore: decorator
@inline function filterMatches(name: usize, len: usize): bool {
  return len == filterLen && bytesEqual(name, filterPtr, len);
}

/**
 * For a format that folds every event without a filter: whether the user's
 * filter (if any) selects this one; under oneEvent, as eventSelectedOrFirst().
 */
export function eventSelected(name: usize, len: usize): bool {
  if (oneEvent) return eventSelectedOrFirst(name, len);
  return !eventFilterOn() || filterMatches(name, len);
}

/**
 * For a format that folds only one event: whether the filter selects the
 * event named by `len` bytes at `name`; without a filter, this first event
 * seen becomes it.
 */
export function eventSelectedOrFirst(name: usize, len: usize): bool {
  if (!filterOn) {
    setFilterName(name, len);
    filterOn = true;
    picked = true;
    return true;
  }
  return filterMatches(name, len);
}

/** A new input starts: an event picked as the last one's first is forgotten. */
export function forgetPickedEvent(): void {
  if (!picked) return;
  filterOn = false;
  picked = false;
}

/** Whether the filter is an input's first event rather than the user's. */
export function eventFilterPicked(): bool { return picked; }
/** The filter's name (filterLen bytes), when one is on. */
export function eventFilterPtr(): usize { return filterPtr; }
export function eventFilterLen(): usize { return filterOn ? filterLen : 0; }

// The event counted last: a capture's records mostly follow one another's (perf: one per record).
let lastEvent: i32 = -1;

/** Counts a section (or record) of the event named by `len` bytes at `name`, announcing `samples`. */
export function countEvent(name: usize, len: usize, samples: i64, sections: u32): void {
  let e = <u32>lastEvent;
  if (lastEvent < 0 || names.len(e) != <u32>len || !bytesEqual(names.ptr(e), name, len)) {
    e = names.intern(name, len);
    lastEvent = <i32>e;
  }
  if (e >= cap) {
    samplesBuf = growBytes(samplesBuf, <usize>cap << 3, <usize>cap << 4);
    sectionsBuf = growBytes(sectionsBuf, <usize>cap << 2, <usize>cap << 3);
    cap <<= 1;
  }
  const sp = samplesBuf + (<usize>e << 3);
  store<i64>(sp, checkedAdd(load<i64>(sp), samples));
  const cp = sectionsBuf + (<usize>e << 2);
  store<u32>(cp, load<u32>(cp) + sections);
}

/** Counts one section or record folded under the filter. */
export function countMatched(): void { matchedSections++; }

/**
 * Adds to the event whose name is the first `len` bytes at eventBuffer(): how
 * another session (a worker that parsed part of the file) merges its events in.
 */
export function eventAdd(len: usize, samples: i64, sections: u32): void {
  setMerging(true);
  countEvent(inPtr, len, samples, sections);
  setMerging(false);
}

/** Adds sections folded under the filter by another session. */
export function eventMatchedAdd(n: u32): void { matchedSections += n; }

export function eventCount(): u32 { return names.count; }
export function eventNamePtr(i: u32): usize { return names.ptr(i); }
export function eventNameLen(i: u32): u32 { return names.len(i); }
export function eventSamples(i: u32): i64 { return load<i64>(samplesBuf + (<usize>i << 3)); }
export function eventSections(i: u32): u32 { return load<u32>(sectionsBuf + (<usize>i << 2)); }
