// Differential profiles: two one-count profiles (any capture format) folded
// into the two count columns of ONE call tree, so folded output prints
// `stack before after` lines (difffolded.pl's format, sorted) and the SVG
// renderer sees both counts on every node.
//
// The core routes each input's counts to a column (a session option), so the
// inputs stream through wasm memory once and nothing is held per line in JS.

import { COUNT_COLUMN, CoreSession } from '../core.js';
import { applyFormatOptions, applyMemoryLimit, CollapseResult, warnUnusedFormatOptions, type ReadCounts } from './collapse.js';
import { missingEventError, skippedEventsWarning } from './event-checks.js';
import { filterSession, refold, stackFilter, type StackFilterOptions } from './stack-filter.js';
import { feedInput, feedOptions, inputName, type CollapseInput, type FedInput } from '../input/feed.js';
import { noteWarnings } from '../input/notes.js';
import { eventLabel, eventNameBytes } from '../formats/event-names.js';
import type { FormatOptions, InputFormat } from '../formats/registry.js';
import { parseSnapshotMarker, parseWindow } from '../window/spec.js';
import type { SnapshotIndex } from '../window/snapshot-index.js';

/** Options of a two-column collapse, and so of diff(), compare() and collapseTwoMetrics(); the stack filters apply to both columns. */
export interface ColumnsOptions extends FormatOptions, StackFilterOptions {
  /** Called with each warning (an empty profile, dropped records). */
  onWarning?: (message: string) => void;
  /** Threads for large files (default: the number of cores), as in collapse(). */
  jobs?: number;
  /** Files smaller than this are parsed on one thread (default $FLAMEFOLD_SPLIT_MIN_BYTES, else 48 MiB; folded stacks: any size). */
  splitMinBytes?: number;
  /** Cap on the tables of both columns together, as in collapse() (`--max-memory`). */
  maxMemoryMiB?: number | undefined;
  /** Fold only this part of both inputs in time (`--window`, see CollapseOptions.window); a column's own overrides it. */
  window?: string | undefined;
  /** Where DTrace snapshots start (`--snapshot-marker`, see CollapseOptions.snapshotMarker), in both inputs. */
  snapshotMarker?: string | undefined;
  /** Snapshot indexes of files already read, by path (see CollapseOptions.snapshotIndexes). */
  snapshotIndexes?: ReadonlyMap<string, SnapshotIndex> | undefined;
}

/** Options of diff() and compare(): one event of both profiles. */
export interface OneEventOptions {
  /**
   * Fold only the samples of this event (pmcstat section, perf record) in both profiles; an error
   * names the profile that lacks it. Without it, each profile's first event, with a warning that
   * names the others: counts of different events do not add up.
   */
  event?: string | Uint8Array;
}

/** Options of a diff. */
export interface DiffOptions extends ColumnsOptions, OneEventOptions {
  /** Input format of both profiles; `auto` (the default) detects each one. */
  format?: InputFormat;
  /** `-n`: scale BEFORE's counts to AFTER's total, truncating each stack's count (difffolded.pl -n). */
  normalize?: boolean;
  /** `-s`: replace hex numbers `0x[0-9a-fA-F]+` in frame names by `0x...` before merging (difffolded.pl -s). */
  stripHex?: boolean;
}

/** One column of a two-column collapse: an input and the session options that apply to it alone. */
export interface ColumnInput {
  input: CollapseInput;
  format?: InputFormat;
  /** Applied to the session before this input is fed (e.g. a pmcstat event filter). */
  setup?: (session: CoreSession) => void;
  /** Called once this input is read (e.g. to check that the event filter matched). */
  finish?: (session: CoreSession) => void;
  /** Fold only this part of it in time (`diff --window A --window B`): overrides the options' window. */
  window?: string | undefined;
  /** Snapshot indexes of files already read, by path (see CollapseOptions.snapshotIndexes). */
  snapshotIndexes?: ReadonlyMap<string, SnapshotIndex> | undefined;
}

/**
 * A column fed with only the records of `event` (pmcstat sections, perf records), checked to
 * have matched some: `role` names the column's event in that error ("the cycles").
 */
export function eventColumn(input: CollapseInput, index: number, format: InputFormat, name: string | Uint8Array | undefined, role?: string): ColumnInput {
  const event = eventNameBytes(name);
  let before = 0;
  let seen = new Map<string, bigint>(); // events of earlier inputs (the same capture may be read twice)
  const events = (session: CoreSession): Map<string, bigint> => new Map(session.events().map((e) => [eventLabel(e.name), e.samples]));
  return {
    input,
    format,
    setup: (session) => {
      session.setEvent(event ?? null);
      before = session.matchedSections();
      seen = events(session);
    },
    finish: (session) => {
      if (!event || session.matchedSections() > before) return;
      const present = [...events(session)]
        .filter(([label, samples]) => samples > (seen.get(label) ?? 0n))
        .map(([label, samples]) => `${label} (${samples - (seen.get(label) ?? 0n)} samples)`);
      throw missingEventError(inputName(input, index), event, present, role);
    },
  };
}

const HEX = /0x[0-9a-fA-F]+/g;

/** difffolded.pl -s on one stack: every hex number becomes `0x...`. */
export function stripHexNumbers(stack: string): string {
  return stack.replace(HEX, '0x...');
}

/**
 * Folds `first` into the first count column and `second` into the second one of
 * one tree. Each input must be a one-count profile: a folded line with two counts,
 * or without a count, is an error naming its line.
 */
export async function collapseColumns(
  first: ColumnInput,
  second: ColumnInput,
  options: ColumnsOptions = {},
): Promise<{ session: CoreSession; inputs: FedInput[]; warnings: string[]; read: ReadCounts }> {
  const filter = stackFilter(options); // a bad expression stops us before any input is read
  const windows = [first, second].map((side) => side.window ?? options.window).map((w) => (w === undefined ? undefined : parseWindow(w)));
  const marker = options.snapshotMarker === undefined ? undefined : parseSnapshotMarker(options.snapshotMarker);
  // Large files are parsed by several threads, their stacks merged into the column.
  const feed = feedOptions({ jobs: options.jobs, splitMinBytes: options.splitMinBytes, snapshotIndexes: options.snapshotIndexes });
  const session = new CoreSession();
  session.setSnapshotMarker(marker);
  applyMemoryLimit(session, options.maxMemoryMiB);
  applyFormatOptions(session, options);
  // Each column holds one event: its side's own (setup), else the input's first, never a sum of several.
  session.setOption('oneEvent', 1);
  session.setFormatOption('strict', 1); // folded input: a line without a count is an error, not ignored
  const inputs: FedInput[] = [];
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const sides: [ColumnInput, number][] = [
    [first, COUNT_COLUMN.before],
    [second, COUNT_COLUMN.after],
  ];
  for (const [i, [side, column]] of sides.entries()) {
    const name = inputName(side.input, i);
    side.setup?.(session);
    session.setOption('countColumn', column);
    const before = session.totals();
    const eventsBefore = session.events();
    const fed = await feedInput(session, side.input, side.format ?? 'auto', name, { ...feed, window: windows[i] });
    inputs.push(fed);
    const skipped = skippedEventsWarning(session, name, eventsBefore);
    if (skipped) warn(skipped);
    side.finish?.(session);
    const after = session.totals();
    const dropped = after.droppedRecords - before.droppedRecords;
    if (dropped > 0) warn(`${name}: ${dropped} record${dropped === 1 ? '' : 's'} without a count dropped`);
    noteWarnings(fed).forEach(warn);
    if (after.records === before.records) warn(`${name}: no stacks found`);
  }
  warnUnusedFormatOptions(options, inputs, warn);
  return { session: filterSession(session, filter, warn), inputs, warnings, read: session.totals() };
}

/** Windows of each side of a diff (`diff --window A --window B ONE_CAPTURE`: both of one capture). */
export interface DiffWindows {
  beforeWindow?: string | undefined;
  afterWindow?: string | undefined;
}

/**
 * Differential of two profiles: every stack with its BEFORE and AFTER counts
 * (zero where a profile lacks it), as difffolded.pl computes it, sorted.
 */
export async function diff(before: CollapseInput, after: CollapseInput, options: DiffOptions & DiffWindows = {}): Promise<CollapseResult> {
  const format = options.format ?? 'auto';
  const folded = await collapseColumns(
    { ...eventColumn(before, 0, format, options.event), window: options.beforeWindow },
    { ...eventColumn(after, 1, format, options.event), window: options.afterWindow },
    options,
  );
  let session = folded.session;
  // Stacks that differ only in addresses merge when the hex numbers go.
  if (options.stripHex) session = refold(session, stripHexNumbers).session;
  if (options.normalize) session.normalizeFirst();
  return new CollapseResult(session, folded.inputs, folded.warnings, folded.read);
}
