// The exported surface of the core: everything that crosses the JS/wasm
// boundary is a number (pointer, length, count, code). One instance holds one
// collapse session; src/core.ts is the only caller.

import { allocBytes, growBytes, setMemoryLimit } from "./util/memory";
import { sessionInit, stackClear, flushStacks, countLine, frameTable, lineNo, ignoredLines, droppedRecords, samples, samples2, records, hasSecondCount } from "./tables/session";
import { setCountColumn, beginInputLines, inputLine, normalizeFirstColumn } from "./tables/session";
import { lineCacheInit } from "./tables/line-cache";
import { findNewline } from "./util/scan";
import { unflushedEntries, setStackBudget } from "./tables/stack-table";
import { nodeCount, stackCount, parentsPtr, framesPtr, selfsPtr, selfs2Ptr } from "./tables/call-tree";
import { foldedBegin, foldedNext, outBuf } from "./output/folded-writer";
import { dtraceLine, endDtrace, setIncludeOffset } from "./formats/dtrace";
import { beginProcstat, procstatLine, setByThread } from "./formats/procstat";
import { foldedLine, setFoldedStrict } from "./formats/folded";
import {
  pmcstatInit, beginPmcstat, pmcstatLine, endPmcstat, setKernelMarks, setEventFilter, setEventsOnly, matchedSections,
} from "./formats/pmcstat";

// Format codes, as in src/core.ts FORMAT_CODES.
export const FORMAT_DTRACE: i32 = 1;
export const FORMAT_PMCSTAT: i32 = 2;
export const FORMAT_PROCSTAT: i32 = 3;
export const FORMAT_FOLDED: i32 = 4;

/** Longest line accepted: far beyond any real capture, small enough to fail fast on binary input. */
const MAX_LINE: usize = 64 << 20;

let format: i32 = 0;
let window: usize = 0; // input window: carried partial line, then new bytes
let windowCap: usize = 0;
let carry: usize = 0;

export function init(): void {
  sessionInit();
  lineCacheInit();
  pmcstatInit();
  windowCap = (1 << 20) + (1 << 16); // the caller's 1 MiB reads plus a carried line
  window = allocBytes(windowCap);
}

export const OPTION_INCLUDE_OFFSET: i32 = 1;
/** procstat: put `COMM;TDNAME;` above each stack. */
export const OPTION_BY_THREAD: i32 = 2;
export const OPTION_KERNEL_MARKS: i32 = 3;
/** pmcstat: value = length of the event name written at eventBuffer(); -1 = every event. */
export const OPTION_EVENT: i32 = 4;
/** pmcstat: read the section headers only (listing the events). */
export const OPTION_EVENTS_ONLY: i32 = 7;
/** diff: which count column this input's counts go to (0 mixed, 1 before, 2 after). */
export const OPTION_COUNT_COLUMN: i32 = 5;
/** diff: a folded line without a count is an error instead of an ignored line. */
export const OPTION_STRICT_FOLDED: i32 = 6;

/** Memory limit in MiB (0: the 4 GiB WebAssembly limit). */
export const OPTION_MEMORY_LIMIT: i32 = 8;
/** Bytes of stacks (frame sequences with their counts) the stack table remembers before stacks fold straight into the tree. */
export const OPTION_STACK_TABLE_BYTES: i32 = 9;

export function setOption(option: i32, value: i32): void {
  if (option == OPTION_INCLUDE_OFFSET) setIncludeOffset(value != 0);
  else if (option == OPTION_MEMORY_LIMIT) setMemoryLimit(value);
  else if (option == OPTION_BY_THREAD) setByThread(value != 0);
  else if (option == OPTION_KERNEL_MARKS) setKernelMarks(value != 0);
  else if (option == OPTION_EVENT) setEventFilter(value);
  else if (option == OPTION_EVENTS_ONLY) setEventsOnly(value != 0);
  else if (option == OPTION_COUNT_COLUMN) setCountColumn(value);
  else if (option == OPTION_STRICT_FOLDED) setFoldedStrict(value != 0);
  else if (option == OPTION_STACK_TABLE_BYTES) setStackBudget(<usize>value);
}

/** Where the next `size` input bytes go (after the carried partial line). */
export function inputBuffer(size: usize): usize {
  if (carry + size > windowCap) {
    let cap = windowCap << 1;
    while (cap < carry + size) cap <<= 1;
    window = growBytes(window, carry, cap);
    windowCap = cap;
  }
  return window + carry;
}

/** Starts one input (a file, a stream) of the given format; inputs of one session merge. */
export function beginInput(fmt: i32): void {
  format = fmt;
  carry = 0;
  stackClear();
  beginInputLines();
  if (fmt == FORMAT_PMCSTAT) beginPmcstat();
  if (fmt == FORMAT_PROCSTAT) beginProcstat();
}

/** Parses `len` new bytes written at inputBuffer(); keeps the unfinished last line. */
export function parse(len: usize): void {
  const end = window + carry + len;
  const rest = parseLines(window, end);
  carry = end - rest;
  if (carry > MAX_LINE) {
    throw new Error("line " + (<i64>inputLine() + 1).toString() + " a line longer than 64 MiB: not a text capture of this format");
  }
  memory.copy(window, rest, carry);
}

// Every format is read line by line: this is the one loop, and a format is
// its line handler (formats/*.ts) plus what it does when an input ends.
function parseLines(p: usize, end: usize): usize {
  while (true) {
    const nl = findNewline(p, end);
    if (nl == end) return p;
    formatLine(p, nl);
    p = nl + 1;
  }
}

// @ts-ignore: decorator
@inline function formatLine(start: usize, end: usize): void {
  countLine();
  if (format == FORMAT_DTRACE) dtraceLine(start, end);
  else if (format == FORMAT_FOLDED) foldedLine(start, end);
  else if (format == FORMAT_PMCSTAT) pmcstatLine(start, end);
  else if (format == FORMAT_PROCSTAT) procstatLine(start, end);
  else throw new Error("unknown format");
}

/** End of the current input: its unterminated last line, then what the format leaves pending. */
export function endInput(): void {
  if (carry > 0) formatLine(window, window + carry);
  carry = 0;
  if (format == FORMAT_DTRACE) endDtrace(); // a record without a count is dropped
  else if (format == FORMAT_PMCSTAT) endPmcstat(); // the open call path closes
}

/** diff -n: the first column scaled to the second's total (difffolded.pl's int(c1 * total2 / total1)). */
export function normalizeFirst(): void { normalizeFirstColumn(); }

// Totals
export function statLines(): f64 { return lineNo; }
export function statIgnoredLines(): f64 { return ignoredLines; }
export function statDroppedRecords(): f64 { return droppedRecords; }
export function statSamples(): f64 { return samples; }
export function statSamples2(): f64 { return samples2; }
export function statRecords(): f64 { return records; }
export function statTwoCounts(): bool { return hasSecondCount; }
export function statFrames(): u32 { return frameTable.count; }
export function statNodes(): u32 { return nodeCount(); }
export function statStacks(): u32 {
  // Stacks are table entries not yet in the tree plus the tree's; when both kinds
  // exist one stack may be in both, so they are merged first.
  const inTree = stackCount();
  if (inTree == 0) return unflushedEntries();
  flushStacks();
  return stackCount();
}

// pmcstat events: the filter's name goes in at eventBuffer(); the events seen come back out.
export {
  eventBuffer, eventCount, eventNamePtr, eventNameLen, eventSamples, eventSections, eventAdd, eventMatchedAdd,
} from "./formats/pmcstat";
export function eventMatchedSections(): u32 { return matchedSections; }

// flamefold compare: per-frame self and total counts of both columns
export { frameSums, frameSumsPtr, frameSumsCount } from "./output/frame-sums";

// Parallel collapse: a worker's stacks out, into the main session
export { exportBegin, exportNext, exportPiece, importBuffer, importPiece } from "./output/exchange";

// Folded output
export function foldedLines(): u32 { return foldedBegin(); }
export { foldedNext };
export function foldedBuffer(): usize { return outBuf; }

// The call tree, for layout: parallel arrays indexed by node id (parent < child).
// Layout preparation for flame graphs (totals, the frames wide enough to draw): assembly/layout.ts.
export {
  layoutBegin, layoutKeep, layoutSamples, layoutNegatives, layoutMaxDelta, layoutNodeCount, layoutFramesPtr,
  layoutSelfsPtr, layoutTotalsPtr, layoutBaseSelfsPtr, layoutBaseTotalsPtr, layoutKeptIndexPtr, layoutOffsetsPtr,
  layoutListPtr, layoutListLength,
} from "./output/layout";

export function treeParents(): usize { flushStacks(); return parentsPtr(); }
export function treeFrames(): usize { return framesPtr(); }
export function treeSelf(): usize { return selfsPtr(); }
export function treeSelf2(): usize { return selfs2Ptr(); }
/** Frame names: u32 address and u32 length per frame id. */
export function framePtrs(): usize { return frameTable.ptrs; }
export function frameLengths(): usize { return frameTable.lengths; }
