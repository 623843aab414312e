// Collapsing captures into a call tree, and reading the result as folded text.

import type { Writable } from 'node:stream';
import { writeChunksTo, type OutputSink } from '../output/stream-sink.js';
import { unitsText } from '../counts.js';
import { CoreSession, type CoreTotals, type KeySums, type LayoutViews, type PlacedFrames, type TreeArrays } from '../core.js';
import { coreCompiled } from '../core-module.js';
import { UsageError } from '../errors.js';
import { eventLabel, eventNameBytes } from '../formats/event-names.js';
import { missingEventError, skippedEventsWarning } from './event-checks.js';
import { feedInput, feedOptions, inputName, type CollapseInput, type FedInput } from '../input/feed.js';
import { noteWarnings } from '../input/notes.js';
import { formatOptions, type FormatOptions, type InputFormat } from '../formats/registry.js';
import { filterSession, stackFilter, type StackFilterOptions } from './stack-filter.js';
import { parseSnapshotMarker, parseWindow } from '../window/spec.js';
import type { SnapshotIndex } from '../window/snapshot-index.js';

// What a flame graph's layout reads from a result: the frames the core prepared.
export type { ExactPlaced, LayoutViews, PlacedFrames } from '../core.js';
export { GAP_FRAME, ROOT_FRAME } from '../core.js';

const KEEP_ORDER = 'a flame chart draws stacks in their input order: collapse with { keepOrder: true }';

/** How the stacks are read for a layout. */
export interface LayoutReading {
  /** Leaf first (flamegraph.pl --reverse). */
  reverse?: boolean;
  /** A flame chart: stacks in input order, each merged only with the one before it (needs `collapse(…, { keepOrder: true })`). */
  flameChart?: boolean;
}

/**
 * Options of a collapse. The formats' own options (`includeOffset` for DTrace,
 * `kernelMarks` for pmcstat, `byThread` for procstat, ...) are those of
 * FormatOptions: see each format's file in src/formats/. The stack filters
 * (`base`, `skipAfter`, `grep`, `exclude`) are those of StackFilterOptions.
 */
export interface CollapseOptions extends FormatOptions, StackFilterOptions {
  /** Input format; `auto` (the default) detects it from each input's first bytes. */
  format?: InputFormat;
  /**
   * Fold only the samples of this event: pmcstat's `@ NAME [N samples]` sections, perf's
   * records of event NAME (a string is taken as UTF-8; pass bytes for names that are not).
   * Naming an event no input has is an error that lists those present. Without it, pmcstat
   * folds every event and perf the first one of each input (with a warning naming the others).
   */
  event?: string | Uint8Array;
  /** Read only the events (pmcstat's section headers, perf's event lines), for `result.events()`; no stacks are folded. */
  eventsOnly?: boolean;
  /**
   * Fold one event, as a flame graph needs (several summed mean nothing): without `event`,
   * formats that fold every event (pmcstat) fold only each input's first, as perf always
   * does, with a warning that names the events left out.
   */
  oneEvent?: boolean;
  /** Threads for large files (default: the number of cores; at most maxJobs(): 64, or the cores if more); output is the same for any value. */
  jobs?: number;
  /**
   * Files smaller than this are parsed on one thread (default $FLAMEFOLD_SPLIT_MIN_BYTES, else 48 MiB):
   * starting workers costs more. Without either, folded stacks stay on one thread at any size.
   */
  splitMinBytes?: number;
  /**
   * Stop with an error once the core's tables (distinct frames and stacks) would pass about this
   * many MiB (default: the 4 GiB WebAssembly limit). Per thread.
   */
  maxMemoryMiB?: number;
  /**
   * Bytes of stacks (frame sequences with their counts) the stack table remembers (default
   * 16 MiB). Once they are spent the table learns no more: every later stack folds straight
   * into the call tree, slower per record, but a profile of millions of distinct stacks then
   * costs tree nodes (shared prefixes) instead of whole sequences. Per thread.
   */
  stackTableBytes?: number;
  /**
   * Also keep the records in input order, for a flame chart (`layoutViews(…, { flameChart: true })`):
   * about 12 bytes per record (a record of the same stack as the one before it adds to it).
   * Inputs are then read on one thread.
   */
  keepOrder?: boolean;
  /**
   * Fold only this part of each input in time (`--window`): snapshots `120..180` (from 0, both
   * included), elapsed `+2m..+3m`, clock `12:00:00..12:05:00` or dates; see src/window/spec.ts.
   */
  window?: string | undefined;
  /**
   * DTrace: snapshots start at the unindented lines matching this regular expression (lines
   * the script printed), instead of at probe-firing and timestamp lines.
   */
  snapshotMarker?: string | undefined;
  /**
   * Snapshot indexes of files already read (`result.inputs[i].snapshots`, by path): a window
   * of such a file then reads only its own bytes, without indexing the file again.
   */
  snapshotIndexes?: ReadonlyMap<string, SnapshotIndex> | undefined;
  /** Called with each amount of input bytes consumed, for progress displays. */
  onProgress?: (bytes: number) => void;
  /** Called with each warning (records dropped, empty inputs); they are also kept on the result. */
  onWarning?: (message: string) => void;
}

/** Totals of a collapse. */
export interface CollapseTotals {
  /** Sum of all counts (the first column for two-count input), as a double: exact below 2^53. */
  samples: number;
  /** Sum of the second counts of two-count (differential) input, as a double. */
  samples2: number;
  /** `samples` exactly, as the folded output prints counts ("9007199254740993", "0.3"). */
  samplesText: string;
  /** `samples2` exactly. */
  samples2Text: string;
  /** Distinct stacks: the lines of the folded output. */
  stacks: number;
  /** Distinct frame names. */
  frames: number;
  /** Input bytes parsed (after decompression). */
  bytesRead: number;
  /** Input lines read. */
  lines: number;
  /** Lines that were neither frames nor counts (headers, probe lines, prompts). */
  linesIgnored: number;
  /** Records that never got a count (traced stacks, a cut-off last record). */
  recordsDropped: number;
}

/** An event of the input (a pmcstat PMC, a perf event), with its sections or records summed. */
export interface PmcstatEvent {
  /** The name as printed, raw bytes. */
  name: Uint8Array;
  /** The name with bytes outside printable ASCII (and `\`) written `\xHH`, as `--event` accepts it. */
  label: string;
  /** pmcstat: sum of N over the event's `@ NAME [N samples]` headers; perf: its records (samples). A double: exact below 2^53. */
  samples: number;
  /** `samples` exactly. */
  samplesText: string;
  /** pmcstat: its sections (system-mode PMCs print one per CPU); perf: its records. */
  sections: number;
}

/** One distinct stack of a result, as its folded line says it. */
export interface FoldedStack {
  /** Frame names, root first, decoded from UTF-8 (bytes that are not UTF-8 become U+FFFD). */
  frames: string[];
  /** Its count (two-count input: the first, "before" column), as a double: exact below 2^53. */
  count: number;
  /** Two-count input only: the second ("after") count. */
  count2?: number;
  /** `count` exactly, as the folded output prints it ("9007199254740993", "0.3"). */
  countText: string;
  count2Text?: string;
}

/**
 * A distinct stack as its frame ids (see CollapseResult.stackPaths()): the
 * exports' walk, which names each distinct frame once (frameNames()).
 */
export interface StackPath {
  /** Frame ids, root first: equal ids are equal names within one result. A view, valid until the walk resumes. */
  frameIds: Uint32Array;
  /** The count (two-count input: the first, "before" column) exactly, as the folded output prints it. */
  countText: string;
  /** Two-count input only: the second ("after") count's text. */
  count2Text?: string;
}

/** What reading the inputs counted: a filtered result keeps these from before its stacks were refolded. */
export type ReadCounts = Pick<CoreTotals, 'lines' | 'ignoredLines' | 'droppedRecords'>;

/** The result of a collapse: the call tree, readable as folded stacks. */
export class CollapseResult {
  readonly inputs: readonly FedInput[];
  readonly warnings: readonly string[];
  private readonly session: CoreSession;
  private readonly bytes: number;
  private readonly read: ReadCounts | undefined;

  /** @internal */
  constructor(session: CoreSession, inputs: FedInput[], warnings: string[], read?: ReadCounts) {
    this.session = session;
    this.inputs = inputs;
    this.warnings = warnings;
    this.bytes = inputs.reduce((sum, i) => sum + i.bytes, 0);
    this.read = read;
  }

  get totals(): CollapseTotals {
    const t: CoreTotals = this.session.totals();
    const read = this.read ?? t;
    return {
      samples: t.samples,
      samples2: t.samples2,
      samplesText: unitsText(t.exact.samples, t.exact.scale),
      samples2Text: unitsText(t.exact.samples2, t.exact.scale),
      stacks: t.stacks,
      frames: t.frames,
      bytesRead: this.bytes,
      lines: read.lines,
      linesIgnored: read.ignoredLines,
      recordsDropped: read.droppedRecords,
    };
  }

  /** Decimals of the exact counts (src/counts.ts): the most any count of the inputs had. */
  get countScale(): number {
    return this.session.countScale();
  }

  /** True when the input carried two counts per stack (differential folded input). */
  get twoCounts(): boolean {
    return this.session.hasTwoCounts();
  }

  /** True when the last input's format folded only its first event (no event was asked for): perf. */
  get firstEventOnly(): boolean {
    return this.session.pickedEvent() !== null;
  }

  /** The events (pmcstat PMCs, perf events) of the inputs in order of first appearance, summed over their sections. */
  events(): PmcstatEvent[] {
    return this.session.events().map((e) => ({
      name: e.name,
      label: eventLabel(e.name),
      samples: Number(e.samples),
      samplesText: e.samples.toString(),
      sections: e.sections,
    }));
  }

  /** Folded text as byte chunks, sorted bytewise by stack. */
  chunks(): Iterable<Uint8Array> {
    return this.session.folded();
  }

  /** Writes the folded output to a sink, straight from the core's memory: each write is awaited. */
  async writeFolded(sink: OutputSink): Promise<void> {
    for (const view of this.session.foldedViews()) await sink.write(view);
  }

  /** Folded lines, without their newlines. */
  *lines(): Generator<string> {
    const decoder = new TextDecoder();
    let rest = '';
    for (const chunk of this.chunks()) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  }

  /**
   * Each distinct stack of the folded output, in its order (sorted bytewise): the one walk
   * every export (pprof, speedscope, top) reads, so none of them walks the stacks again.
   */
  *stacks(): Generator<FoldedStack> {
    const name = this.frameNames();
    for (const { frameIds, countText, count2Text } of this.stackPaths()) {
      const frames = new Array<string>(frameIds.length);
      for (let i = 0; i < frameIds.length; i++) frames[i] = name(frameIds[i]!);
      yield { frames, count: Number(countText), countText, ...(count2Text !== undefined && { count2: Number(count2Text), count2Text }) };
    }
  }

  /**
   * stacks() as frame ids, in the same order: no names are decoded, so a consumer that
   * keys its tables by id (the exports) names each distinct frame once, with frameNames().
   */
  *stackPaths(): Generator<StackPath> {
    const two = this.twoCounts;
    for (const { text, paths } of this.session.foldedPaths()) {
      const chars = Buffer.from(text.buffer, text.byteOffset, text.length);
      // Per line: its frame count n, where its count text starts and ends, its n frame ids.
      for (let at = 0; at < paths.length; ) {
        const n = paths[at]!;
        const counts = chars.toString('latin1', paths[at + 1]!, paths[at + 2]!); // digits, '-', '.' and a space
        const frameIds = paths.subarray(at + 3, at + 3 + n);
        at += 3 + n;
        if (!two) {
          yield { frameIds, countText: counts };
          continue;
        }
        const space = counts.indexOf(' ');
        yield { frameIds, countText: counts.slice(0, space), count2Text: counts.slice(space + 1) };
      }
    }
  }

  /** A frame's name by its id (stackPaths()), decoded from UTF-8 once per id (bytes that are not UTF-8 become U+FFFD). */
  frameNames(): (id: number) => string {
    return this.perFrame((name) => name);
  }

  /**
   * `make(name)` of each frame id (stackPaths()), made on first use and remembered: what a
   * consumer keeps per frame (a pprof function id, a speedscope frame index, top's sums),
   * so that its walk goes by id and no name is decoded or hashed twice.
   */
  perFrame<T>(make: (name: string) => T): (id: number) => T {
    const bytes = this.session.names();
    const decoder = new TextDecoder();
    // Ids index a typed array: a plain array written at scattered ids would go sparse (a dictionary).
    const slot = new Int32Array(this.session.totals().frames); // 1 + the index of the id's value; 0 before it is made
    const values: T[] = [];
    return (id) => {
      const k = slot[id]!;
      if (k !== 0) return values[k - 1]!;
      values.push(make(decoder.decode(bytes(id))));
      slot[id] = values.length;
      return values[values.length - 1]!;
    };
  }

  /**
   * Per key, the exact self and total of the count column an SVG's widths show (the second of
   * two), stacks of a negative count counted as zero: what `top` ranks (src/export/top-sums.ts).
   * A key is a frame id; `shared` maps others onto it. Views, valid until the next call on this result.
   */
  keySums(shared: ReadonlyMap<number, number>): KeySums {
    return this.session.keySums(shared, this.twoCounts);
  }

  /** A byte per frame id: NAME_NOT_ASCII when its name has a byte past ASCII, | NAME_HAS_MARK when it has byte `mark` past its first (src/core-name-flags.ts). */
  frameNameFlags(mark: number): Uint8Array {
    return this.session.frameNameFlags(mark);
  }

  /** A frame's name as raw bytes by its id: views, valid until the next call on this result. */
  frameNameBytes(): (id: number) => Uint8Array {
    return this.session.names();
  }

  /** The whole folded output as one string. */
  text(): string {
    return Buffer.concat([...this.chunks()]).toString('utf8');
  }

  /**
   * Writes the folded output to a stream, honouring backpressure; resolves once the stream
   * has taken it all, rejects if the stream errors or closes first. The stream is not ended.
   */
  writeTo(stream: Writable): Promise<void> {
    return writeChunksTo(stream, this.chunks());
  }

  /**
   * The frames of a flame graph prepared in the core (totals, the frames at least
   * `minimum(samples)` wide, sibling order): views of wasm memory, valid until the next
   * call on this result. Two-count input is laid out by its second count. A flame chart
   * needs a result collapsed with `keepOrder`.
   */
  layoutViews(minimum: (samples: number) => number, reading: LayoutReading = {}): LayoutViews {
    const flameChart = reading.flameChart ?? false;
    const views = this.session.layoutViews(minimum, reading.reverse ?? false, this.twoCounts, flameChart);
    if (!views) throw new UsageError(KEEP_ORDER);
    return views;
  }

  /**
   * layoutViews()'s frames placed in drawing order by the core, with their
   * geometry in samples (copies: what src/render/placement.ts makes a Layout of).
   */
  placedFrames(minimum: (samples: number) => number, reading: LayoutReading = {}): PlacedFrames {
    const placed = this.session.placedFrames(minimum, reading.reverse ?? false, this.twoCounts, reading.flameChart ?? false);
    if (!placed) throw new UsageError(KEEP_ORDER);
    return placed;
  }

  /** The call tree as parallel arrays, for layout. */
  tree(): TreeArrays {
    return this.session.tree();
  }
}

/** Sets the formats' options a caller gave (each goes to every format that has it). */
export function applyFormatOptions(session: CoreSession, options: FormatOptions): void {
  for (const { key } of formatOptions()) if (options[key]) session.setFormatOption(key, 1);
}

/** `--max-memory`: the cap on the session's tables, in whole MiB (none when absent or 0). */
export function applyMemoryLimit(session: CoreSession, mib: number | undefined): void {
  if (mib) session.setOption('memoryLimitMiB', Math.ceil(mib));
}

/** A second '-' would read a redirected file again (counting it twice) or an exhausted pipe: a usage error. */
export function checkStdinOnce(inputs: readonly CollapseInput[]): void {
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError("standard input ('-') can be read only once");
}

/** Warns about each format option given that no input's format has: it changed nothing. */
export function warnUnusedFormatOptions(options: FormatOptions, inputs: readonly FedInput[], warn: (message: string) => void): void {
  const read = new Set(inputs.map((i) => i.format));
  const byKey = new Map<keyof FormatOptions, ReturnType<typeof formatOptions>>();
  for (const o of formatOptions()) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
  for (const [key, owners] of byKey) {
    if (!options[key] || owners.some((o) => read.has(o.format))) continue;
    const flags = owners.map((o) => `--${o.flag}`).join(' / ');
    warn(`${flags} does nothing for ${[...read].join(', ')} input (it is an option of ${owners.map((o) => o.format).join(', ')})`);
  }
}

/** Collapses one or more inputs (merged into one tree). */
export async function collapse(
  input: CollapseInput | readonly CollapseInput[],
  options: CollapseOptions = {},
): Promise<CollapseResult> {
  const inputs = Array.isArray(input) ? (input as readonly CollapseInput[]) : [input as CollapseInput];
  checkStdinOnce(inputs);
  const filter = options.eventsOnly ? undefined : stackFilter(options); // a bad expression stops us before any input is read
  const window = options.window === undefined ? undefined : parseWindow(options.window);
  const marker = options.snapshotMarker === undefined ? undefined : parseSnapshotMarker(options.snapshotMarker);
  await coreCompiled(); // the launcher's compile of the core, when there is one
  const session = new CoreSession();
  session.setSnapshotMarker(marker);
  applyMemoryLimit(session, options.maxMemoryMiB);
  if (options.stackTableBytes !== undefined) session.setOption('stackTableBytes', Math.min(2 ** 31 - 1, Math.max(0, Math.floor(options.stackTableBytes))));
  applyFormatOptions(session, options);
  if (options.eventsOnly) session.setOption('eventsOnly', 1);
  if (options.keepOrder) session.setOption('recordOrder', 1);
  if (options.oneEvent) session.setOption('oneEvent', 1);
  const event = eventNameBytes(options.event);
  if (event) session.setEvent(event);
  const fed: FedInput[] = [];
  const missing: string[] = [];
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  // Records in input order are logged by one thread: ranges read in parallel would merge out of order.
  const feed = feedOptions({ ...options, ...(options.keepOrder && { jobs: 1 }), window });
  for (const [i, source] of inputs.entries()) {
    const name = inputName(source, i);
    const before = session.totals();
    const eventsBefore = session.events();
    const matchedBefore = session.matchedSections();
    const result = await feedInput(session, source, options.format ?? 'auto', name, feed);
    fed.push(result);
    const after = session.totals();
    const dropped = after.droppedRecords - before.droppedRecords;
    if (dropped > 0) warn(`${name}: ${dropped} record${dropped === 1 ? '' : 's'} without a count dropped`);
    noteWarnings(result).forEach(warn);
    const skipped = skippedEventsWarning(session, name, eventsBefore);
    if (skipped) warn(skipped);
    const count = result.snapshots.snapshots.length;
    if (window && result.snapshots.firstMarker >= result.snapshots.bytes) {
      warn(`${name}: no snapshots found (DTrace probe or timestamp lines, procstat headers, perf sample times): the whole capture is snapshot 0`);
    }
    if (window?.kind === 'index' && window.lo >= count) {
      warn(`${name}: --window ${window.text} starts past its last snapshot: it has ${count} (0..${count - 1})`);
    } else if (event && !options.eventsOnly && session.matchedSections() === matchedBefore) {
      // said once all inputs are read: an error when no input has the event, else a warning
      missing.push(`${name}: no section of event '${eventLabel(event)}'`);
    } else if (after.records === before.records && !options.eventsOnly) {
      warn(`${name}: no stacks found`);
    }
  }
  const result = new CollapseResult(session, fed, warnings);
  warnUnusedFormatOptions(options, fed, warn);
  if (event && !options.eventsOnly && session.matchedSections() === 0) {
    const present = result.events().map((e) => `${e.label} (${e.samplesText} samples)`);
    throw missingEventError(result.inputs.map((i) => i.name).join(', '), event, present);
  }
  missing.forEach(warn);
  if (!filter) return result;
  return new CollapseResult(filterSession(session, filter, warn), fed, warnings, session.totals());
}
