// The only file that touches the WebAssembly core's exports (with
// core-module.ts, which loads it, core-layout.ts, which reads a session's
// flame graph layout, and core-frame-text.ts, the instance that writes an
// SVG's frames): a session feeds input bytes straight into its memory and
// reads results back out. Everything crossing the boundary is a number;
// strings cross only for output and errors.

import { adoptCoreModule, codeOf, CoreError, coreModule, formatList, instantiateCore, tablesOf, type CoreTables } from './core-module.js';
import {
  CHUNK_SIZE, WINDOW_KINDS,
  type CoreEvent, type CoreExports, type CoreTotals, type CoreWindow, type InputNotes, type LayoutViews, type RangeSnapshots,
  type SessionOptionName, type SessionOptions, type SnapshotState, type TreeArrays, type PlacedFrames,
} from './core-types.js';
import { numbersOf, unitsToNumber } from './counts.js';
import { layoutViewsOf, placedFramesOf } from './core-layout.js';
import { keySumsOf, type KeySums } from './core-key-sums.js';
import { frameNameFlagsOf } from './core-name-flags.js';

export { adoptCoreModule, CoreError, coreModule };
export { CHUNK_SIZE, COUNT_COLUMN, GAP_FRAME, ROOT_FRAME } from './core-types.js';
export type * from './core-types.js';
export type { KeySums } from './core-key-sums.js';

/** One collapse session: a wasm instance with its own frame table and call tree. */
export class CoreSession {
  private readonly core: CoreExports;
  // Every option set so far, so a worker's session can be configured the same way.
  private readonly options: Omit<SessionOptions, 'firstEvent'> = { values: {}, formatValues: {}, event: null };
  private readonly tables: CoreTables;
  private marker: RegExp | undefined;

  constructor() {
    // Asked by the core about a line only under a --snapshot-marker (latin1: every byte is one character).
    const markerLine = (ptr: number, len: number): number =>
      this.marker?.test(Buffer.from(this.core.memory.buffer, ptr, len).toString('latin1')) ? 1 : 0;
    this.core = instantiateCore(markerLine);
    this.tables = tablesOf(this.core);
  }

  /** The formats the core reads, in code order, with the names of their options. */
  formats(): { name: string; options: string[] }[] {
    return formatList(this.tables);
  }

  setOption(name: SessionOptionName, value: number): void {
    const code = codeOf(this.tables.sessionOptions, name, 'session option');
    this.options.values[name] = value;
    this.core.setOption(code, value);
  }

  /** Sets a format option (by its name in the core) in every format that has it; false if none has. */
  setFormatOption(name: string, value: number): boolean {
    const places = this.tables.formatOptions.get(name);
    if (!places) return false;
    this.options.formatValues[name] = value;
    for (const [code, index] of places) this.core.setFormatOption(code, index, value);
    return true;
  }

  /** The options set so far, to configure another session (a worker's) the same way. */
  optionsSnapshot(): SessionOptions {
    return {
      values: { ...this.options.values },
      formatValues: { ...this.options.formatValues },
      event: this.options.event,
      firstEvent: this.pickedEvent(),
      ...(this.options.window && { window: this.options.window }),
      ...(this.options.snapshotMarker !== undefined && { snapshotMarker: this.options.snapshotMarker }),
    };
  }

  /** Sets every option of a snapshot. */
  applyOptions(snapshot: SessionOptions): void {
    for (const [name, value] of Object.entries(snapshot.values)) this.setOption(name as SessionOptionName, value);
    for (const [name, value] of Object.entries(snapshot.formatValues)) this.setFormatOption(name, value);
    if (snapshot.event) this.setEvent(snapshot.event);
    if (snapshot.firstEvent) this.pickFirstEvent(snapshot.firstEvent);
    if (snapshot.window) this.setWindow(snapshot.window);
    if (snapshot.snapshotMarker !== undefined) this.setSnapshotMarker(new RegExp(snapshot.snapshotMarker));
  }

  /** Folds only the records in this window of every input from now on (tables/snapshots.ts); undefined: all. */
  setWindow(window: CoreWindow | undefined): void {
    this.options.window = window;
    this.core.setWindow(window ? WINDOW_KINDS.indexOf(window.kind) + 1 : 0, window?.lo ?? 0, window?.hi ?? 0);
  }

  /** The next beginInput() reads its file from this byte offset: the snapshots' offsets are the file's. */
  setInputOffset(offset: number): void {
    this.core.setInputOffset(offset);
  }

  /** The range just begun starts in this snapshot (call after beginInput). */
  setSnapshotState(s: SnapshotState): void {
    this.core.setSnapshotState(s.index, s.key, s.time);
  }

  /** The snapshot markers of the input or range read since beginInput (a copy), with the session's samples around it. */
  snapshots(start: number, samplesBefore: number): RangeSnapshots {
    const c = this.core;
    const n = c.snapshotMarkers() * c.snapshotFields();
    const markers = n === 0 ? new Float64Array(0) : new Float64Array(c.memory.buffer, c.snapshotsPtr(), n).slice();
    return { start, samplesBefore, samplesAfter: this.samples(), markers };
  }

  /** Samples folded so far (the first column), as a double (snapshot sizes: exact below 2^53). */
  samples(): number {
    return unitsToNumber(this.core.statSamples(), this.core.statCountScale());
  }

  /** --snapshot-marker: the lines a format skips as chatter that match this start snapshots (tables/snapshots.ts). */
  setSnapshotMarker(regex: RegExp | undefined): void {
    this.marker = regex;
    this.options.snapshotMarker = regex?.source;
    this.core.setSnapshotMarker(regex ? 1 : 0);
  }

  /** Fold only the samples of this event (a pmcstat PMC, a perf event; its name as bytes); null: every event. */
  setEvent(name: Uint8Array | null): void {
    this.options.event = name;
    this.setEventOption('event', name);
  }

  /**
   * Folds only this event, as the input's first event: what a format that
   * folds one event (foldsOneEvent) picks by itself when it reads the input
   * from its start. Forgotten when the next input starts (newInput).
   */
  pickFirstEvent(name: Uint8Array): void {
    this.setEventOption('firstEvent', name);
  }

  private setEventOption(option: 'event' | 'firstEvent', name: Uint8Array | null): void {
    if (name !== null) this.copyIn(this.core.eventBuffer(name.length), name);
    this.core.setOption(codeOf(this.tables.sessionOptions, option, 'session option'), name?.length ?? -1);
  }

  /** Whether the format folds only the first event it sees when no event is asked for. */
  foldsOneEvent(format: string): boolean {
    // Asked each time: the oneEvent session option makes every format fold one event.
    return this.core.formatFoldsOneEvent(codeOf(this.tables.formats, format, 'format')) !== 0;
  }

  /** The event folded because it came first in the input (not because it was asked for), if any. */
  pickedEvent(): Uint8Array | null {
    const c = this.core;
    if (!c.eventFilterPicked()) return null;
    return new Uint8Array(c.memory.buffer, c.eventFilterPtr(), c.eventFilterLen()).slice();
  }

  /** Whether an event filter is on: asked for, or picked as an input's first. */
  hasEventFilter(): boolean {
    return this.options.event !== null || this.core.eventFilterPicked() !== 0;
  }

  /** A new input (not a range of one) is about to be read: its first event is its own to pick. */
  newInput(): void {
    this.core.newInput();
  }

  /** The events (pmcstat PMCs, perf events) seen so far, in order of first appearance. */
  events(): CoreEvent[] {
    const c = this.core;
    return Array.from({ length: c.eventCount() }, (_, i) => ({
      name: new Uint8Array(c.memory.buffer, c.eventNamePtr(i), c.eventNameLen(i)).slice(),
      samples: c.eventSamples(i),
      sections: c.eventSections(i),
      first: c.eventFirstOffset(i),
    }));
  }

  /** Sections (or records) folded under the setEvent() filter so far. */
  matchedSections(): number {
    return this.core.eventMatchedSections();
  }

  /** Adds another session's events() and matchedSections() (a worker's part of a file) to this one's. */
  mergeEvents(events: readonly CoreEvent[], matchedSections: number): void {
    const c = this.core;
    for (const e of events) {
      this.copyIn(c.eventBuffer(e.name.length), e.name);
      c.eventAdd(e.name.length, e.samples, e.sections, e.first);
    }
    c.eventMatchedAdd(matchedSections);
  }

  /** Lists the events from index `from` on (a file's, merged from threads that read it in ranges) in the order the file shows them first. */
  eventsInFileOrder(from: number): void {
    this.core.eventsInFileOrder(from);
  }

  /**
   * The notes of the input (or range) read since the last call, their lines
   * counted from its start plus `lineOffset`; the core's are cleared.
   */
  takeNotes(lineOffset = 0): InputNotes {
    const c = this.core;
    const notes: InputNotes = {};
    this.tables.noteKinds.forEach((kind, k) => {
      const count = c.noteCount(k);
      if (count === 0) return;
      const first = Array.from({ length: Math.min(count, this.tables.notesKept) }, (_, i) => ({
        line: c.noteLine(k, i) + lineOffset,
        value: c.noteValue(k, i),
      }));
      notes[kind] = { count, first };
    });
    c.notesClear();
    return notes;
  }

  /** How many notes of a kind keep their line: merged notes keep as many. */
  notesKept(): number {
    return this.tables.notesKept;
  }

  /** Lines read so far, in every input of the session. */
  lines(): number {
    return this.core.statLines();
  }

  /** Starts an input (or a range of one that starts at a record boundary) in the format of this name. */
  beginInput(format: string): void {
    this.core.beginInput(codeOf(this.tables.formats, format, 'format'));
  }

  /**
   * The input just begun is `bytes` long and its records are distinct stacks (a format's
   * `distinctStacks`): when its first MiB shows the whole would overflow the stack table, the
   * table is closed at once, and the frame table and the call tree grow to what the rest is
   * projected to need (assembly/tables/projection.ts).
   */
  expectDistinctStacks(bytes: number): void {
    this.core.expectDistinctStacks(bytes);
  }

  /** Whether the stack table still learns stacks (it closes past its budget, or ahead: expectDistinctStacks). */
  stackTableOpen(): boolean {
    return this.core.statStackTableOpen() !== 0;
  }

  /**
   * How many slots the frame table's index and the call tree's have grown to: they double as
   * they fill, or grow at once to what the input is projected to need (expectDistinctStacks).
   */
  indexSlots(): { names: number; nodes: number } {
    return { names: this.core.statIndexSlots(0), nodes: this.core.statIndexSlots(1) };
  }

  /** A view of wasm memory where up to `size` input bytes may be written; valid until the next call. */
  inputView(size: number): Uint8Array {
    const ptr = this.core.inputBuffer(size);
    return new Uint8Array(this.core.memory.buffer, ptr, size);
  }

  /** Parses `len` bytes written into the last inputView(). */
  commit(len: number): void {
    if (len > 0) this.core.parse(len);
  }

  /** Copies bytes in (for input that arrives in JS buffers: streams, decompressors). */
  write(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; off += CHUNK_SIZE) {
      const piece = bytes.subarray(off, Math.min(off + CHUNK_SIZE, bytes.length));
      this.inputView(piece.length).set(piece);
      this.commit(piece.length);
    }
  }

  endInput(): void {
    this.core.endInput();
  }

  /** diff -n: scales the first count column to the second's total, truncating each stack's count. */
  normalizeFirst(): void {
    this.core.normalizeFirst();
  }

  /** Decimals of the session's count units (src/counts.ts). */
  countScale(): number {
    return this.core.statCountScale();
  }

  /** Whether some stack carried a second count (two-count folded input, or a diff). */
  hasTwoCounts(): boolean {
    return this.core.statTwoCounts() !== 0;
  }

  totals(): CoreTotals {
    const c = this.core;
    const exact = { samples: c.statSamples(), samples2: c.statSamples2(), scale: c.statCountScale() };
    return {
      lines: c.statLines(),
      ignoredLines: c.statIgnoredLines(),
      droppedRecords: c.statDroppedRecords(),
      samples: unitsToNumber(exact.samples, exact.scale),
      samples2: unitsToNumber(exact.samples2, exact.scale),
      exact,
      records: c.statRecords(),
      twoCounts: c.statTwoCounts() !== 0,
      frames: c.statFrames(),
      nodes: c.statNodes(),
      stacks: c.statStacks(),
    };
  }

  /** Folded text, sorted, in chunks of about 1 MiB (each a fresh copy). */
  *folded(): Generator<Uint8Array> {
    for (const view of this.foldedViews()) yield view.slice();
  }

  /**
   * Folded text as views of wasm memory, without copies: each is valid only
   * until the generator resumes, so a consumer must be done with it by then
   * (e.g. await its write before asking for the next). Sorted; or, when
   * `inputOrder`, one line per logged record in input order (a session with
   * setOption('recordOrder', 1)).
   */
  *foldedViews(inputOrder = false): Generator<Uint8Array> {
    const c = this.core;
    if (inputOrder && this.options.values.recordOrder !== 1) throw new Error('records in input order need recordOrder set before any input');
    c.foldedLines(inputOrder ? 1 : 0, 0);
    yield* this.pieces(() => c.foldedNext(), () => c.foldedBuffer());
  }

  /**
   * The sorted folded text with each line's path: views of wasm memory, valid
   * until the generator resumes. `paths` holds a record per line of `text`:
   * its frame count n, where its count text starts and ends in `text`, then
   * its n frame ids (see names()), root first.
   */
  *foldedPaths(): Generator<{ text: Uint8Array; paths: Uint32Array }> {
    const c = this.core;
    c.foldedLines(0, 1);
    for (let n = c.foldedNext(); n !== 0; n = c.foldedNext()) {
      const buf = c.memory.buffer;
      yield { text: new Uint8Array(buf, c.foldedBuffer(), n), paths: new Uint32Array(buf, c.foldedPaths(), c.foldedPathsLength()) };
    }
  }

  /**
   * This session's stacks and totals as pieces of about `size` bytes (a
   * record larger than that is a piece of its own) that another session
   * merges with importPiece(), in order. Each is a view of wasm memory, valid
   * until the next piece is asked for.
   */
  *exportPieces(size = 1 << 18): Generator<Uint8Array> {
    const c = this.core;
    c.exportBegin(size);
    yield* this.pieces(() => c.exportNext(), () => c.exportPiece());
  }

  /**
   * Merges the next piece of another session's exportPieces(); `copied` is
   * called once the piece is in this session's memory and before it merges
   * (the piece's own memory may be reused from then on).
   */
  importPiece(piece: Uint8Array, copied?: () => void): void {
    this.copyIn(this.core.importBuffer(piece.length), piece);
    copied?.();
    this.core.importPiece(piece.length);
  }

  /**
   * Totals and the frames wide enough to draw; `minimum` gives the width from
   * the sum of the counts. Stacks are read leaf first when `reverse`, in input
   * order when `inputOrder` (a flame chart); widths come from the second count
   * when `twoCounts`. Undefined for input order when the session did not log
   * its records (setOption('recordOrder', 1) before any input).
   */
  layoutViews(minimum: (samples: number) => number, reverse: boolean, twoCounts: boolean, inputOrder: boolean): LayoutViews | undefined {
    return layoutViewsOf(this.core, () => this.names(), { minimum, reverse, twoCounts, inputOrder });
  }

  /** layoutViews()'s frames placed by the core, in drawing order (copies). */
  placedFrames(minimum: (samples: number) => number, reverse: boolean, twoCounts: boolean, inputOrder: boolean): PlacedFrames | undefined {
    return placedFramesOf(this.core, { minimum, reverse, twoCounts, inputOrder });
  }

  /**
   * Per frame id, of each count column: the self count (stacks ending in the
   * frame) and the total (stacks it is on, once per stack), as four numbers a
   * frame: self, total of the first column, then of the second, as doubles
   * (shares and ratios: exact below 2^53).
   */
  frameSums(): Float64Array {
    const c = this.core;
    c.frameSums();
    return numbersOf(new BigInt64Array(c.memory.buffer, c.frameSumsPtr(), 4 * c.frameSumsCount()), c.statCountScale());
  }

  /** `top`'s exact per-key sums of one count column (src/core-key-sums.ts): `shared` maps frame ids onto the id whose key they share. */
  keySums(shared: ReadonlyMap<number, number>, second: boolean): KeySums {
    return keySumsOf(this.core, shared, second);
  }

  /** A byte per frame id: 1 when its name has a byte past ASCII, | 2 when it has byte `mark` past its first. */
  frameNameFlags(mark: number): Uint8Array {
    return frameNameFlagsOf(this.core, mark);
  }

  /**
   * Frame names as raw bytes by frame id (views: valid until the next call into the
   * session). The frames must not change meanwhile; memory may grow (a walk's buffers).
   */
  names(): (frame: number) => Uint8Array {
    const c = this.core;
    // An id's address sits in blocks of 2^log ids (assembly/tables/blocks.ts), found through a table of block addresses;
    // at the address, the name's length (a byte below 255, else 255 and a u32), then its bytes.
    const [blocks, log] = [c.frameBlocks() >>> 2, c.frameBlockLog()];
    const low = (1 << log) - 1;
    let buf = c.memory.buffer;
    let [words, bytes, view] = [new Uint32Array(buf), new Uint8Array(buf), new DataView(buf)];
    return (f) => {
      if (c.memory.buffer !== buf) {
        buf = c.memory.buffer; // memory grew: the old views are detached
        [words, bytes, view] = [new Uint32Array(buf), new Uint8Array(buf), new DataView(buf)];
      }
      const at = words[(words[blocks + (f >>> log)]! >>> 2) + (f & low)]!;
      const n = bytes[at]!;
      return n < 255 ? new Uint8Array(buf, at + 1, n) : new Uint8Array(buf, at + 5, view.getUint32(at + 1, true));
    };
  }

  tree(): TreeArrays {
    const c = this.core;
    // A column of every node copied out of the tree's blocks, then freed. Column 0 first: it moves the stack table's counts into the tree.
    const column = <T>(k: number, read: (buf: ArrayBuffer, ptr: number) => T): T => {
      const ptr = c.treeColumnPtr(k);
      const value = read(c.memory.buffer, ptr);
      c.treeColumnFree(ptr);
      return value;
    };
    const parent = column(0, (buf, ptr) => new Uint32Array(buf, ptr, c.statNodes()).slice());
    const frame = column(1, (buf, ptr) => new Uint32Array(buf, ptr, parent.length).slice());
    const counts = (k: number) => column(k, (buf, ptr) => numbersOf(new BigInt64Array(buf, ptr, parent.length), c.statCountScale()));
    const [self, self2] = [counts(2), counts(3)];
    const name = this.names(); // after the columns: making one may grow memory, detaching the views names() holds
    return { parent, frame, self, self2, names: Array.from({ length: c.statFrames() }, (_, i) => name(i).slice()) };
  }

  // Copies bytes to where the core asked for them. The pointer comes first: asking may grow memory, detaching older views.
  private copyIn(ptr: number, bytes: Uint8Array): void {
    new Uint8Array(this.core.memory.buffer, ptr, bytes.length).set(bytes);
  }

  // The pieces a writer of the core hands out one at a time: `next` fills its buffer (at `ptr`) and says how many bytes, 0 when done.
  private *pieces(next: () => number, ptr: () => number): Generator<Uint8Array> {
    for (let n = next(); n !== 0; n = next()) yield new Uint8Array(this.core.memory.buffer, ptr(), n);
  }
}
