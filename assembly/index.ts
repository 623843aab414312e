// The exported surface of the core: everything that crosses the JS/wasm
// boundary is a number (pointer, length, count, code). One instance holds one
// collapse session; src/core.ts is the only caller.

import { allocRaw, growBytes, freeBytes, setMemoryLimit } from "./util/memory";
import { sessionInit, stackClear, flushStacks, foldBatched, frameTable, lineNo, ignoredLines, droppedRecords, records, hasSecondCount } from "./tables/session";
import { countScale } from "./tables/counts";
import { samplesTotal, samples2Total, columnSums } from "./tables/column-sums";
import { setCountColumn, beginInputLines, inputLine, normalizeFirstColumn, setLineUnterminated } from "./tables/session";
import { project, endProjection } from "./tables/projection";
import { eventsInit, setEventFilter, setEventsOnly, setOneEvent, matchedSections, forgetPickedEvent } from "./tables/events";
import { setRecordOrder } from "./tables/record-log";
import { unflushedEntries, setStackBudget, stackTableClosed } from "./tables/stack-table";
import { setWholeRecords } from "./tables/record-table";
import { nodeCount, stackCount, treeColumn, treeSlotCount } from "./tables/call-tree";
import { setBlockLog } from "./tables/blocks";
import { setTreeBatch } from "./tables/tree-batch";
import { setSlotHashBits, setBatchAlways } from "./tables/slot-batch";
import { foldedBegin, foldedNext, outBuf, pathBuf, pathLen } from "./output/folded-writer";
import { Format } from "./formats/format";
import { formatOf } from "./formats/registry";
import { scaleFirstCounts } from "./output/stacks";
import { setBuffer, snapshotsReset } from "./tables/snapshots";

/** Longest line accepted: far beyond any real capture, small enough to fail fast on binary input. */
const MAX_LINE: usize = 64 << 20;

let format: Format = changetype<Format>(0);
let window: usize = 0; // input window: carried partial line, then new bytes
let windowCap: usize = 0;
let carry: usize = 0;
let windowOffset: f64 = 0; // where in the input the byte at `window` is (snapshot offsets)
let nextInputOffset: f64 = 0;
let inputStart: f64 = 0; // windowOffset at the input's (or range's) first byte
// The input begun last starts at its first byte (not a range of it) and no byte of it was parsed yet:
// a UTF-8 byte order mark there (Windows editors write one) is skipped, as no format's text.
let atInputStart = false;

export function init(): void {
  sessionInit();
  eventsInit();
  windowCap = (1 << 20) + (1 << 16); // the caller's 1 MiB reads plus a carried line
  // Raw: input is written before it is read (past it, a scan's reads find old input anyway), and a
  // zeroed MiB is a MiB of pages touched at start-up, whatever the input's size.
  window = allocRaw(windowCap);
}

// The formats (by code) and their options (by index): the names, in the order that
// gives codes and indexes, are the one table both sides read.
export { formatNames } from "./formats/registry";
export function formatOptionNames(code: i32): string { return formatOf(code).optionNames(); }
export function setFormatOption(code: i32, index: i32, value: i32): void { formatOf(code).setOption(index, value); }
/** Whether the format folds only the first event it sees when no event filter is set (Format.foldsOneEvent). */
export function formatFoldsOneEvent(code: i32): bool { return formatOf(code).foldsOneEvent(); }

/** Options of the session, whatever the format: setOption() takes their index in this list. */
export function sessionOptionNames(): string {
  return "memoryLimitMiB stackTableBytes countColumn eventsOnly event recordOrder firstEvent oneEvent wholeRecords tableBlockLog treeBatch slotHashBits";
}

export function setOption(option: i32, value: i32): void {
  if (option == 0) setMemoryLimit(value); // MiB; 0: the 4 GiB WebAssembly limit
  else if (option == 1) setStackBudget(<usize>value); // bytes of stacks the stack table remembers before stacks fold into the tree
  else if (option == 2) setCountColumn(value); // diff: which count column this input's counts go to (0 mixed, 1 before, 2 after)
  else if (option == 3) setEventsOnly(value != 0); // read the event headers only (listing the events)
  else if (option == 4) setEventFilter(value); // length of the event name written at eventBuffer(); -1 = every event
  else if (option == 5) setRecordOrder(value != 0); // flame charts: log every record in input order (tables/record-log.ts)
  else if (option == 6) setEventFilter(value, true); // the same as event, for the input's first event found by the caller
  else if (option == 7) setOneEvent(value != 0); // every format folds one event (tables/events.ts, oneEvent)
  else if (option == 8) setWholeRecords(value); // tests: records seen before read whole (1, the default), never (0), or all hashed alike (2)
  else if (option == 9) { // tests, before any input: 2^value elements per block of the tables (tables/blocks.ts; 0: the default)
    setBlockLog(value);
    sessionInit(); // the tables again, in blocks of that size
  }
  else if (option == 10) { // tests: stacks walked into the tree `value` at a time (tables/tree-batch.ts; 1: one at a time, 0: the default), names touched ahead even in small tables (2 and up)
    setTreeBatch(value);
    setBatchAlways(value >= 2);
  }
  else if (option == 11) setSlotHashBits(value); // tests: the tables' slot hashes cut to this many bits, so keys collide (tables/slot-batch.ts; 0: whole)
  else throw new Error("unknown session option " + option.toString());
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

/** A new input (a file, a stream; not a range of one) is about to begin: its first event is still to be picked. */
export function newInput(): void {
  forgetPickedEvent();
}

/** Starts one input (a file, a stream), or a range of one, of the given format; inputs of one session merge. */
export function beginInput(code: i32): void {
  format = formatOf(code);
  carry = 0;
  windowOffset = nextInputOffset;
  inputStart = windowOffset;
  atInputStart = nextInputOffset == 0;
  nextInputOffset = 0;
  snapshotsReset();
  stackClear();
  beginInputLines();
  endProjection(); // until the caller tells this input's size
  format.begin();
}

/** The input just begun is this many bytes long, its records distinct stacks (folded): tables/projection.ts. */
export { expectDistinctStacks } from "./tables/projection";

/** The next beginInput() is of a range that starts at this byte offset of its file (snapshot offsets are the file's). */
export function setInputOffset(offset: f64): void { nextInputOffset = offset; }

// Snapshots found in the input or range just read, and the --window (tables/snapshots.ts).
export {
  snapshotMarkers, snapshotsPtr, snapshotFields, setSnapshotState, setWindow, setSnapshotMarker,
} from "./tables/snapshots";

/** Parses `len` new bytes written at inputBuffer(); keeps the unfinished last line. */
export function parse(len: usize): void {
  const end = window + carry + len;
  let start = window;
  if (atInputStart) {
    const have = end - window;
    if (have < 3 && isMarkPrefix(window, have)) { // the rest of a mark may come with the next bytes
      carry = have;
      return;
    }
    atInputStart = false;
    if (have >= 3 && isMarkPrefix(window, 3)) {
      start += 3;
      windowOffset += 3;
    }
  }
  setBuffer(start, windowOffset);
  const rest = format.lines(start, end);
  carry = end - rest;
  windowOffset += <f64>(rest - start);
  if (carry > MAX_LINE) {
    throw new Error("line " + (<i64>inputLine() + 1).toString() + " a line longer than 64 MiB: not a text capture of this format");
  }
  memory.copy(window, rest, carry);
  foldBatched(); // no batched stack outlives the call (tables/tree-batch.ts)
  project(windowOffset - inputStart);
}

/** The `n` (at most 3) bytes at `p` begin a UTF-8 byte order mark, EF BB BF. */
function isMarkPrefix(p: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) {
    if (load<u8>(p + i) != (i == 0 ? 0xef : i == 1 ? 0xbb : 0xbf)) return false;
  }
  return true;
}

/** End of the current input: its unterminated last line, then what the format leaves pending. */
export function endInput(): void {
  if (carry > 0) {
    // The last line has no newline: give it one, so it is read like every other.
    const end = inputBuffer(1);
    store<u8>(end, 0x0a);
    setBuffer(window, windowOffset);
    setLineUnterminated(true);
    format.lines(window, end + 1);
    setLineUnterminated(false);
  }
  carry = 0;
  format.end();
  foldBatched();
  endProjection();
}

/** diff -n: the first column scaled to the second's total (difffolded.pl's int(c1 * total2 / total1)). */
export function normalizeFirst(): void { normalizeFirstColumn(scaleFirstCounts); }

// Totals
export function statLines(): f64 { return lineNo; }
export function statIgnoredLines(): f64 { return ignoredLines; }
export function statDroppedRecords(): f64 { return droppedRecords; }
/** The columns' sums of counts, exact, in units of 10^-statCountScale() (tables/counts.ts). */
export function statSamples(): i64 { return samplesTotal(); }
export function statSamples2(): i64 { return samples2Total(); }
/** Decimals of the session's count units: a count v crosses the boundary as the i64 v * 10^scale. */
export function statCountScale(): i32 { return countScale; }
/**
 * Whether doubles hold every count and sum of counts exactly: whole counts
 * whose column sums (positive and negative) stay within 2^53.
 */
export function statCountsExactInDoubles(): bool {
  if (countScale != 0) return false;
  for (let i = 0; i < 4; i++) {
    const s = columnSums(i);
    if (s > 9007199254740992 || s < -9007199254740992) return false;
  }
  return true;
}
export function statRecords(): f64 { return records; }
export function statTwoCounts(): bool { return hasSecondCount; }
export function statFrames(): u32 { return frameTable.count; }
export function statNodes(): u32 { return nodeCount(); }
export function statStackTableOpen(): bool { return !stackTableClosed; }
/** How many slots the frame table's index (0) or the call tree's (1) has grown to (tests: tables sized ahead, tables/projection.ts). */
export function statIndexSlots(which: i32): u32 { return which == 0 ? frameTable.mask + 1 : treeSlotCount(); }
export function statStacks(): u32 {
  // Stacks are table entries not yet in the tree plus the tree's; when both kinds
  // exist one stack may be in both, so they are merged first.
  const inTree = stackCount();
  if (inTree == 0) return unflushedEntries();
  flushStacks();
  return stackCount();
}

// Events (pmcstat PMCs): the filter's name goes in at eventBuffer(); the events seen come back out.
export {
  eventBuffer, eventCount, eventNamePtr, eventNameLen, eventSamples, eventSections, eventAdd, eventMatchedAdd,
  eventFilterPicked, eventFilterPtr, eventFilterLen, eventFirstOffset, eventsInFileOrder,
} from "./tables/events";
export function eventMatchedSections(): u32 { return matchedSections; }

// Notes (malformed lines, records without frames) of the input or range just read: taken, then cleared.
export { noteKindNames, noteCount, noteLine, noteValue, notesKept, notesClear } from "./tables/notes";

// flamefold compare: per-frame self and total counts of both columns
export { frameSums, frameSumsPtr, frameSumsCount } from "./output/frame-sums";

// flamefold top: per key (frame, module) self and total counts
export {
  keySumsKeys, keySums, keySumsPtr, keySumsStamps, keySumsCount, keySumsStacks, keySumsNegatives, keySumsSamples,
} from "./output/key-sums";

// The exports (top, pprof, speedscope): which frame names are not plain ASCII
export { frameNameFlags, frameNameFlagsFree } from "./output/frame-name-flags";

// Parallel collapse: a worker's stacks out, into the main session
export { exportBegin, exportNext, exportPiece, importBuffer, importPiece } from "./output/exchange";

// Folded output
export function foldedLines(inputOrder: bool, paths: bool): u32 { return foldedBegin(inputOrder, paths); }
export { foldedNext };
export function foldedBuffer(): usize { return outBuf; }
/** With foldedLines(…, paths): each line's path record, u32 words (output/folded-writer.ts). */
export function foldedPaths(): usize { return pathBuf; }
export function foldedPathsLength(): u32 { return pathLen; }

// Layout preparation for flame graphs (totals, the frames wide enough to draw): output/layout.ts.
export {
  layoutBegin, layoutKeep, layoutSamples, layoutNegatives, layoutMaxDelta, layoutNodeCount, layoutFramesPtr,
  layoutSelfsPtr, layoutTotalsPtr, layoutBaseSelfsPtr, layoutBaseTotalsPtr, layoutKeptIndexPtr, layoutOffsetsPtr,
  layoutListPtr, layoutListLength,
} from "./output/layout";
// The frames kept, placed in drawing order: output/placement.ts.
export {
  placeFrames, placeFree, placeMaxDepth, placeFramesPtr, placeDepthsPtr, placeStartsPtr, placeValuesPtr, placeSelfsPtr,
  placeBaseValuesPtr, placeBaseSelfsPtr, placeExactValuesPtr, placeExactSelfsPtr, placeExactBaseValuesPtr,
  placeExactBaseSelfsPtr, placeNameSums, placeNameBytes,
} from "./output/placement";

// The SVG's frames as text (src/render/frame-writer.ts fills the block and reads the pieces): output/frame-text.ts.
export {
  frameTextBegin, frameTextSetup, frameTextOthers, frameTextStrings, frameTextEnd, frameTextOut, frameTextLength, frameRects, frameTooltips, frameNumbersWhole, frameNumbers,
} from "./output/frame-text";

// The call tree, one column at a time by node id (parent < child): a new
// array for the caller to copy out, then free with treeColumnFree().
// Columns: 0 parents, 1 frames (u32 each); 2 own counts, 3 second counts (i64 units, statCountScale()).
export function treeColumnPtr(column: i32): usize {
  if (column == 0) flushStacks();
  return treeColumn(column);
}
export function treeColumnFree(p: usize): void { freeBytes(p); }
/**
 * Frame names by id, in blocks of 2^frameBlockLog() ids: frameBlocks() is a
 * u32 address per block; a block holds a u32 address per id, where its
 * length is (a byte below 255, else 255 and a u32) and then its bytes.
 */
export function frameBlocks(): usize { return frameTable.names.table; }
export function frameBlockLog(): u32 { return frameTable.names.log; }
