// A --window on a file read by several threads: the file is indexed first (a
// parallel pass that finds where each snapshot starts: src/window/
// snapshot-index.ts), then only the bytes of the snapshots in the window are
// read, in ranges that each know the snapshot they start in, so numbering
// and times are the file's whatever the cut. `flamefold serve` indexes once
// and reads windows with feedSnapshots().

import type { FileHandle } from '../util/file-handle.js';
import { CoreSession } from '../core.js';
import type { ParsedFormat } from '../formats/registry.js';
import { guardedAsync } from './guard.js';
import { firstEventOf, planThreadRanges } from '../parallel/plan.js';
import type { InputNotes } from '../core.js';
import { snapshotEnd, snapshotIndex, stateAt, type SnapshotIndex } from '../window/snapshot-index.js';
import { resolveWindow, type ResolvedWindow } from '../window/resolve.js';
import type { WindowSpec } from '../window/spec.js';

/** What reading a window takes of the feed's options. */
export interface WindowFeed {
  jobs: number;
  onProgress?: (bytes: number) => void;
}

/** The first event of a file, picked in `session` when its format folds only that one (every range must fold it). */
export async function pickFirstEvent(session: CoreSession, fh: FileHandle, size: number, format: ParsedFormat, name: string): Promise<void> {
  if (!session.foldsOneEvent(format) || session.hasEventFilter() || session.optionsSnapshot().values.eventsOnly) return;
  const first = await guardedAsync(name, () => firstEventOf(fh, size, format));
  if (first) session.pickFirstEvent(first);
}

/**
 * Reads the whole file into `into` (without a window) on `jobs` threads and
 * returns where its snapshots start, with its notes.
 */
export async function indexFile(
  into: CoreSession,
  path: string,
  fh: FileHandle,
  size: number,
  format: ParsedFormat,
  jobs: number,
  name: string,
  onProgress?: (bytes: number) => void,
): Promise<{ index: SnapshotIndex; notes: InputNotes }> {
  const { feedRangesInParallel } = await import('../parallel/pool.js'); // worker threads load only when used
  const plan = async () => ({ ranges: await planThreadRanges(fh, size, format, jobs) });
  const { notes, snapshots } = await guardedAsync(name, () => feedRangesInParallel(into, path, fh, format, jobs, plan, onProgress));
  return { index: snapshotIndex(snapshots, size), notes };
}

/** Reads the snapshots of a resolved window (none: an empty input) into the session, on `jobs` threads. */
export async function feedSnapshots(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  format: ParsedFormat,
  jobs: number,
  index: SnapshotIndex,
  window: ResolvedWindow | undefined,
  name: string,
): Promise<void> {
  if (!window) {
    session.beginInput(format);
    session.endInput();
    return;
  }
  const from = index.snapshots[window.first]!.offset;
  session.setWindow(window.core);
  const plan = async () => {
    const ranges = await planThreadRanges(fh, snapshotEnd(index, window.last), format, jobs, from);
    return { ranges, states: ranges.map(([start]) => stateAt(index, start)) };
  };
  const { feedRangesInParallel } = await import('../parallel/pool.js');
  await guardedAsync(name, () => feedRangesInParallel(session, path, fh, format, jobs, plan));
}

// The index of a file, read with the session's options but no window, into a session of its own.
function indexWithout(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  size: number,
  format: ParsedFormat,
  feed: WindowFeed,
  name: string,
): Promise<{ index: SnapshotIndex; notes: InputNotes }> {
  const scan = new CoreSession();
  const { window: _, ...options } = session.optionsSnapshot();
  scan.applyOptions(options);
  return indexFile(scan, path, fh, size, format, feed.jobs, name, feed.onProgress);
}

/** feedFile's parallel path under a --window: index the file (unless `indexed` already), then read the window's snapshots. */
export async function feedFileWindow(
  session: CoreSession,
  path: string,
  fh: FileHandle,
  size: number,
  format: ParsedFormat,
  feed: WindowFeed,
  name: string,
  spec: WindowSpec,
  indexed?: SnapshotIndex,
): Promise<{ name: string; format: ParsedFormat; bytes: number; notes: InputNotes; snapshots: SnapshotIndex }> {
  // The event every range folds: known from the index, else found (a format may fold only its first).
  if (indexed?.firstEvent) session.pickFirstEvent(indexed.firstEvent);
  else if (!indexed) await pickFirstEvent(session, fh, size, format, name);
  const { index, notes } = indexed ? { index: indexed, notes: {} } : await indexWithout(session, path, fh, size, format, feed, name);
  await feedSnapshots(session, path, fh, format, feed.jobs, index, resolveWindow(index, spec, name), name);
  return { name, format, bytes: size, notes, snapshots: index };
}
