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
//
// Events are listed in the order they first appear. Each keeps the input
// offset where it was first seen, so that when a file was read in ranges by
// several sessions (worker threads), the file's events, merged in whatever
// order the threads finished, can be put back in file order (eventsInFileOrder).

import { ByteTable } from "./byte-table";
import { bytesEqual } from "../util/hash";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { checkedAdd, setMerging } from "./counts";
import { inputOffsetAt } from "./snapshots";

let names: ByteTable = changetype<ByteTable>(0); // interned by first appearance
let samplesBuf: usize = 0; // i64 per event: samples its headers announced (whole counts, checked)
let sectionsBuf: usize = 0; // u32 per event: how many sections (or records) it had
let firstsBuf: usize = 0; // f64 per event: the input offset where it was first seen
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
  firstsBuf = allocBytes(<usize>cap << 3);
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

/** The id of the event named by `len` bytes at `name`, made (first seen at `first`) if new. */
function eventId(name: usize, len: usize, first: f64): u32 {
  let e = <u32>lastEvent;
  if (lastEvent >= 0 && names.len(e) == <u32>len && bytesEqual(names.ptr(e), name, len)) return e;
  const known = names.count;
  e = names.intern(name, len);
  lastEvent = <i32>e;
  if (e >= cap) {
    samplesBuf = growBytes(samplesBuf, <usize>cap << 3, <usize>cap << 4);
    sectionsBuf = growBytes(sectionsBuf, <usize>cap << 2, <usize>cap << 3);
    firstsBuf = growBytes(firstsBuf, <usize>cap << 3, <usize>cap << 4);
    cap <<= 1;
  }
  if (names.count > known) store<f64>(firstsBuf + (<usize>e << 3), first);
  return e;
}

function addToEvent(e: u32, samples: i64, sections: u32): void {
  const sp = samplesBuf + (<usize>e << 3);
  store<i64>(sp, checkedAdd(load<i64>(sp), samples));
  const cp = sectionsBuf + (<usize>e << 2);
  store<u32>(cp, load<u32>(cp) + sections);
}

/** Counts a section (or record) of the event named by `len` bytes at `name` (in the buffer being parsed), announcing `samples`. */
export function countEvent(name: usize, len: usize, samples: i64, sections: u32): void {
  addToEvent(eventId(name, len, inputOffsetAt(name)), samples, sections);
}

/** Counts one section or record folded under the filter. */
export function countMatched(): void { matchedSections++; }

/**
 * Adds to the event whose name is the first `len` bytes at eventBuffer(),
 * first seen at `first`: how another session (a worker that parsed part of
 * the file) merges its events in.
 */
export function eventAdd(len: usize, samples: i64, sections: u32, first: f64): void {
  setMerging(true);
  const e = eventId(inPtr, len, first);
  addToEvent(e, samples, sections);
  const fp = firstsBuf + (<usize>e << 3);
  if (first < load<f64>(fp)) store<f64>(fp, first);
  setMerging(false);
}

/**
 * Puts the events from index `from` on (those first seen in the file just
 * read in ranges, merged from several sessions) in the order they first
 * appear in it, as one session reading it from its start lists them. The
 * events before `from` (earlier inputs') keep their places.
 */
export function eventsInFileOrder(from: u32): void {
  const n = names.count;
  if (n - from < 2) return;
  // Few events (a capture's counters): an insertion sort of their ids, stable for equal offsets.
  const order = allocBytes(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) {
    let j = i;
    const first = load<f64>(firstsBuf + (<usize>i << 3));
    while (j > from && load<f64>(firstsBuf + (<usize>load<u32>(order + (<usize>(j - 1) << 2)) << 3)) > first) {
      store<u32>(order + (<usize>j << 2), load<u32>(order + (<usize>(j - 1) << 2)));
      j--;
    }
    store<u32>(order + (<usize>j << 2), i);
  }
  // The ids are the names' order in the table: intern the names anew in the new order (the old
  // table, a few hundred bytes once per file read by threads, is left behind).
  const old = names;
  const samples = samplesBuf;
  const sections = sectionsBuf;
  const firsts = firstsBuf;
  names = new ByteTable(6);
  samplesBuf = allocBytes(<usize>cap << 3);
  sectionsBuf = allocBytes(<usize>cap << 2);
  firstsBuf = allocBytes(<usize>cap << 3);
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(order + (<usize>i << 2));
    const id = names.intern(old.ptr(e), old.len(e));
    store<i64>(samplesBuf + (<usize>id << 3), load<i64>(samples + (<usize>e << 3)));
    store<u32>(sectionsBuf + (<usize>id << 2), load<u32>(sections + (<usize>e << 2)));
    store<f64>(firstsBuf + (<usize>id << 3), load<f64>(firsts + (<usize>e << 3)));
  }
  lastEvent = -1;
  freeBytes(order);
  freeBytes(samples);
  freeBytes(sections);
  freeBytes(firsts);
}

/** Adds sections folded under the filter by another session. */
export function eventMatchedAdd(n: u32): void { matchedSections += n; }

export function eventCount(): u32 { return names.count; }
export function eventNamePtr(i: u32): usize { return names.ptr(i); }
export function eventNameLen(i: u32): u32 { return names.len(i); }
export function eventSamples(i: u32): i64 { return load<i64>(samplesBuf + (<usize>i << 3)); }
export function eventSections(i: u32): u32 { return load<u32>(sectionsBuf + (<usize>i << 2)); }
export function eventFirstOffset(i: u32): f64 { return load<f64>(firstsBuf + (<usize>i << 3)); }
