// The data that crosses the boundary with src/core.ts, as types and the
// constants that go with them: the core's exports as declared by
// assembly/index.ts, and what CoreSession returns.
// Kept apart from core.ts so the one file that touches wasm memory stays short.

/** Count columns for setOption('countColumn'): diff folds BEFORE into the first, AFTER into the second. */
export const COUNT_COLUMN = { mixed: 0, before: 1, after: 2 } as const;

/** Size of the reads into wasm memory: large enough to amortise calls, small enough for the cache. */
export const CHUNK_SIZE = 1 << 20;

/** Options of the session, whatever the format (their codes come from the core's sessionOptionNames()). */
export type SessionOptionName = 'memoryLimitMiB' | 'stackTableBytes' | 'countColumn' | 'eventsOnly' | 'recordOrder' | 'oneEvent' | 'wholeRecords' | 'tableBlockLog'
  | 'treeBatch' | 'slotHashBits';

/** The options of a session, as plain data (it crosses to worker threads). */
export interface SessionOptions {
  values: Partial<Record<SessionOptionName, number>>;
  /** Format options by their name in the core (`includeOffset`, ...), for every format that has one. */
  formatValues: Record<string, number>;
  event: Uint8Array | null;
  /** The first event of the input being read, when its format folds only that one (pickFirstEvent). */
  firstEvent: Uint8Array | null;
  /** The --window every input's records are folded in (setWindow); absent: all of them. */
  window?: CoreWindow | undefined;
  /** --snapshot-marker's regular expression (its source), for setSnapshotMarker. */
  snapshotMarker?: string | undefined;
}

/**
 * A window as the core tests each record against it (assembly/tables/snapshots.ts):
 * snapshot indexes [lo, hi] inclusive; seconds [lo, hi) after the input's first time
 * (elapsed), since 1970 (time), or of the day (daytime, wrapping past midnight when lo > hi).
 */
export interface CoreWindow {
  kind: 'index' | 'elapsed' | 'time' | 'daytime';
  lo: number;
  hi: number;
}

/** The core's window kinds, from 1 (0: no window): assembly/tables/snapshots.ts. */
export const WINDOW_KINDS: readonly CoreWindow['kind'][] = ['index', 'elapsed', 'time', 'daytime'];

/** The snapshot a range read from the middle of a file starts in: its index, key and time (NaN: none). */
export interface SnapshotState {
  index: number;
  key: number;
  time: number;
}

/**
 * The snapshots that started in an input or a range of one: per marker its
 * byte offset in the file, time, key (NaN: always a new snapshot) and the
 * session's samples before it, four numbers each; and the samples before and
 * after the range, so that each snapshot's total is a difference.
 */
export interface RangeSnapshots {
  start: number;
  samplesBefore: number;
  samplesAfter: number;
  markers: Float64Array;
}

/** The core's exports (assembly/index.ts). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  init(): void;
  formatNames(): number;
  formatOptionNames(code: number): number;
  sessionOptionNames(): number;
  setFormatOption(code: number, index: number, value: number): void;
  formatFoldsOneEvent(code: number): number;
  newInput(): void;
  setOption(option: number, value: number): void;
  beginInput(format: number): void;
  setInputOffset(offset: number): void;
  expectDistinctStacks(bytes: number): void;
  statStackTableOpen(): number;
  statIndexSlots(which: number): number;
  setSnapshotState(index: number, key: number, time: number): void;
  setWindow(kind: number, lo: number, hi: number): void;
  snapshotMarkers(): number;
  snapshotsPtr(): number;
  snapshotFields(): number;
  setSnapshotMarker(on: number): void;
  inputBuffer(size: number): number;
  parse(len: number): void;
  endInput(): void;
  normalizeFirst(): void;
  statLines(): number;
  statIgnoredLines(): number;
  statDroppedRecords(): number;
  statSamples(): bigint;
  statSamples2(): bigint;
  statCountScale(): number;
  statCountsExactInDoubles(): number;
  statRecords(): number;
  statTwoCounts(): number;
  statFrames(): number;
  statNodes(): number;
  statStacks(): number;
  eventBuffer(len: number): number;
  eventCount(): number;
  eventNamePtr(i: number): number;
  eventNameLen(i: number): number;
  eventSamples(i: number): bigint;
  eventSections(i: number): number;
  eventMatchedSections(): number;
  eventFirstOffset(i: number): number;
  eventsInFileOrder(from: number): void;
  eventAdd(len: number, samples: bigint, sections: number, first: number): void;
  eventMatchedAdd(n: number): void;
  eventFilterPicked(): number;
  eventFilterPtr(): number;
  eventFilterLen(): number;
  noteKindNames(): number;
  noteCount(kind: number): number;
  noteLine(kind: number, i: number): number;
  noteValue(kind: number, i: number): number;
  notesKept(): number;
  notesClear(): void;
  foldedLines(inputOrder: number, paths: number): number;
  foldedNext(): number;
  foldedBuffer(): number;
  foldedPaths(): number;
  foldedPathsLength(): number;
  exportBegin(size: number): void;
  exportNext(): number;
  exportPiece(): number;
  importBuffer(size: number): number;
  importPiece(len: number): void;
  treeColumnPtr(column: number): number;
  treeColumnFree(ptr: number): void;
  frameBlocks(): number;
  frameBlockLog(): number;
  frameSums(): void;
  frameSumsPtr(): number;
  frameSumsCount(): number;
  keySumsKeys(): number;
  keySums(second: number): void;
  keySumsPtr(): number;
  keySumsStamps(): number;
  keySumsCount(): number;
  keySumsStacks(): number;
  keySumsNegatives(): number;
  keySumsSamples(): bigint;
  frameNameFlags(mark: number): number;
  frameNameFlagsFree(): void;
  layoutBegin(reverse: number, twoCounts: number, inputOrder: number): number;
  layoutKeep(min: number): number;
  layoutSamples(): bigint;
  layoutNegatives(): number;
  layoutMaxDelta(): number;
  layoutNodeCount(): number;
  layoutFramesPtr(): number;
  layoutSelfsPtr(): number;
  layoutTotalsPtr(): number;
  layoutBaseSelfsPtr(): number;
  layoutBaseTotalsPtr(): number;
  layoutKeptIndexPtr(): number;
  layoutOffsetsPtr(): number;
  layoutListPtr(): number;
  layoutListLength(): number;
  placeFrames(kept: number, two: number, exact: number): number;
  placeFree(): void;
  placeMaxDepth(): number;
  placeFramesPtr(): number;
  placeDepthsPtr(): number;
  placeStartsPtr(): number;
  placeValuesPtr(): number;
  placeSelfsPtr(): number;
  placeBaseValuesPtr(): number;
  placeBaseSelfsPtr(): number;
  placeExactValuesPtr(): number;
  placeExactSelfsPtr(): number;
  placeExactBaseValuesPtr(): number;
  placeExactBaseSelfsPtr(): number;
  placeNameSums(): number;
  placeNameBytes(): number;
  frameTextBegin(frames: number, depths: number, names: number): number;
  frameTextSetup(xpad: number, perSample: number, scale: number, glyph: number, kind: number, factor: number, total: number, whole: number): number;
  frameTextOthers(): number;
  frameTextStrings(strings: number, bytes: number, byName: number, dressed: number, open: number, close: number, heightFill: number, countName: number): number;
  frameTextEnd(): void;
  frameTextOut(): number;
  frameTextLength(): number;
  frameRects(from: number): number;
  frameTooltips(from: number): number;
  frameNumbersWhole(): number;
  frameNumbers(from: number, widths: number): number;
}

/**
 * What a format reports about its input besides stacks: lines it could not
 * read (`malformedLine`), records it dropped for having no frame, with their
 * count as `value` (`emptyRecord`). The core names the kinds (noteKindNames).
 */
export type NoteKind = 'malformedLine' | 'emptyRecord';

/** How many notes of a kind an input had, and the first few (by line, counted from the input's start). */
export interface NoteTally {
  count: number;
  first: { line: number; value: number }[];
}

/** An input's notes, by kind; a kind it had none of is absent. */
export type InputNotes = Partial<Record<NoteKind, NoteTally>>;

/** Counts a session keeps, as reported by the core. */
export interface CoreTotals {
  lines: number;
  ignoredLines: number;
  droppedRecords: number;
  /** The columns' sums, as doubles (exact below 2^53); exactly, in `exact`. */
  samples: number;
  samples2: number;
  /** The columns' sums exactly: units of 10^-scale (src/counts.ts). */
  exact: { samples: bigint; samples2: bigint; scale: number };
  records: number;
  twoCounts: boolean;
  frames: number;
  nodes: number;
  stacks: number;
}

/** One event (a pmcstat PMC, a perf event) seen in the input: its sections (pmcstat) or records (perf) summed. */
export interface CoreEvent {
  /** The name as printed: raw bytes (pmcstat prints it unchecked, so it need not be UTF-8). */
  name: Uint8Array;
  /** Sum of N over its sections' headers, exactly. */
  samples: bigint;
  /** How many sections it had (system-mode PMCs print one per CPU). */
  sections: number;
  /** The offset in its input where it was first seen (a file's, in a range of it): orders a file's events read by threads. */
  first: number;
}

/** Frame id of the root node (it has no name of its own). */
export const ROOT_FRAME = 0xffffffff;
/**
 * Frame id of a flame chart's own-samples run: a child that is never drawn but
 * takes its place among its siblings, adding to its parent's own samples (in a
 * flame chart a frame's own samples fall between its children, in time order).
 * As assembly/output/sweep.ts GAP_FRAME.
 */
export const GAP_FRAME = 0xfffffffe;

/**
 * The frames of a flame graph as the core prepared them (totals, the frames
 * wide enough to draw with their children in drawing order), as views of
 * wasm memory: valid until the next call into the session. Collapse results
 * expose them (src/api/collapse.ts); src/render/placement.ts places them.
 */
export interface LayoutViews {
  /**
   * By node of the tree laid out (the frames wide enough and their children;
   * node 0 is the root, a parent comes before its children): frame-name id
   * (or GAP_FRAME), own count and total of the width column.
   */
  frame: Uint32Array;
  self: Float64Array;
  total: Float64Array;
  /** Two-count input: the first column's own counts and totals by node (widths use the second). */
  base?: { self: Float64Array; total: Float64Array };
  /**
   * The same counts exactly, in units of 10^-scale (src/counts.ts), for what is
   * printed; the doubles above are for geometry and colours. Absent when the
   * doubles are exact (whole counts, sums within 2^53: the common case, with
   * no bigint per frame), and in views not made by the core (test oracles).
   */
  exact?: ExactViews;
  /** By node: 1 + its index among the kept frames, 0 when pruned. */
  keptIndex: Uint32Array;
  keptCount: number;
  /** The children of kept frame k are list[offsets[k] .. offsets[k + 1]), in drawing order (flamegraph.pl's). */
  offsets: Uint32Array;
  list: Uint32Array;
  /** Sum of the counts, and how many stacks had a negative count (counted as zero). */
  samples: number;
  negatives: number;
  /** Two-count input: the largest change between a stack's counts, at least 1. */
  maxDelta: number;
  /** A frame name's bytes (a view: copy what must outlive the views). */
  name(frame: number): Uint8Array;
  nameCount: number;
}

/**
 * The frames of a flame graph placed by the core (assembly/output/placement.ts),
 * in drawing order (depth-first, root first): copies, arrays indexed by frame,
 * each `count` long. src/render/placement.ts makes the Layout of them.
 */
export interface PlacedFrames {
  /** Frames kept. */
  count: number;
  /**
   * Name id of each frame (ROOT_FRAME for the root): an index into `names`. Ids are
   * numbered in drawing order, so a profile of millions of names costs only those drawn.
   */
  frame: Uint32Array;
  depth: Uint32Array;
  /** Left edge, in samples from the left of the graph. */
  start: Float64Array;
  /** Width in samples: the frame's total (its own samples plus its children's). */
  value: Float64Array;
  /** The frame's own samples. */
  self: Float64Array;
  /** Two-count input: the first column's total and own samples ("before"); widths use the second column. */
  base?: { value: Float64Array; self: Float64Array };
  /**
   * `value`, `self` and `samples` (and base's) exactly, in units of
   * 10^-scale (src/counts.ts): what titles print. Absent when the doubles
   * are exact (or in test oracles).
   */
  exact?: ExactPlaced;
  /** Raw names of the frames drawn, by name id. */
  names: readonly Uint8Array[];
  /** When `names` are views of one block, end to end: it, and where each name starts in it (and the last ends). */
  nameBlock?: { bytes: Uint8Array; offsets: Uint32Array };
  /**
   * By name id: the sum of the name's code points (unsigned 32-bit), which seeds flamegraph.pl's
   * colour of it, when its bytes are ASCII (the core adds them up); NaN for another name.
   */
  nameSums?: Float64Array;
  /** Sum of all counts. */
  samples: number;
  /** Deepest depth drawn (the root is depth 0). */
  maxDepth: number;
  /** Stacks whose negative count was drawn as zero. */
  negativeStacks: number;
  /** Whether the input carried two counts per stack. */
  twoCounts: boolean;
  /** Two-count input: the largest |second − first| of any stack, at least 1 (flamegraph.pl's colour scale). */
  maxDelta: number;
}

/** PlacedFrames' counts exactly, by frame: units of 10^-scale. */
export interface ExactPlaced {
  value: BigInt64Array;
  self: BigInt64Array;
  base?: { value: BigInt64Array; self: BigInt64Array };
  samples: bigint;
  scale: number;
}

/** LayoutViews' counts exactly: units of 10^-scale, by node (base: two-count input's first column). */
export interface ExactViews {
  self: BigInt64Array;
  total: BigInt64Array;
  base?: { self: BigInt64Array; total: BigInt64Array };
  /** LayoutViews.samples exactly. */
  samples: bigint;
  scale: number;
}

/** The call tree as parallel arrays (copied out of wasm memory). Node 0 is the root; parent < child. */
export interface TreeArrays {
  parent: Uint32Array;
  frame: Uint32Array;
  self: Float64Array;
  self2: Float64Array;
  /** Frame names as raw bytes, by frame id. */
  names: Uint8Array[];
}

/**
 * The columns of an SVG's frames in the core (assembly/output/frame-text.ts frameTextBegin):
 * views of its memory, valid until CoreFrameText.strings().
 */
export interface FrameTextColumns {
  /** Per frame, from the layout. */
  start: Float64Array;
  value: Float64Array;
  /** Per frame, made by setup(): the rect's edges in pixels. */
  x1: Float64Array;
  x2: Float64Array;
  /** Per frame, the exact count when the figures are FIGURES_EXACT's. */
  exact: BigInt64Array;
  depth: Uint32Array;
  frame: Uint32Array;
  /** Per frame, string ids: its fill (unless by name), what opens and closes its rect (--nameattr), its whole tooltip (else NO_TIP). */
  fill: Uint32Array;
  open: Uint32Array;
  close: Uint32Array;
  tip: Uint32Array;
  /** Per name id, and the root after them: its first frame (made by setup()), its fill and its name as JSON text (string ids). */
  first: Uint32Array;
  nameFill: Uint32Array;
  nameJson: Uint32Array;
  /** Per depth: the string id of the rect's text from y to width's value. */
  row: Uint32Array;
}

/** How the frames' rects are written (CoreFrameText.strings). */
export interface FrameTextStyle {
  /** Fills by name (FrameTextColumns.nameFill) rather than by frame (fill). */
  fillsByName: boolean;
  /** Rects opened and closed by frame (open, close: --nameattr) rather than all by `open` and `close`. */
  dressed: boolean;
  open: number;
  close: number;
  /** The string ids of what every rect has between its width and fill, and every tooltip between count and share. */
  heightFill: number;
  countName: number;
}
