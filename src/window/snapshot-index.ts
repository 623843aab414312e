// The snapshots of one capture, numbered from 0 in the file: where each
// starts (byte offset), its time when the capture has one, and its samples.
// Built from what the core found while parsing (one input, or the ranges of a
// parallel collapse in any order: RangeSnapshots), so the numbering is the
// same however the file was cut. A capture without markers is one snapshot.

import type { RangeSnapshots, SnapshotState } from '../core.js';

/** One snapshot of a capture. */
export interface Snapshot {
  /** Byte offset of its first line in the (decompressed) capture; snapshot 0 starts at 0. */
  offset: number;
  /** Seconds since 1970 (DTrace timestamps) or as perf prints them; NaN when the capture printed none. */
  time: number;
  /** Its marker's key (perf: the 20 ms bucket); NaN when every marker starts a new snapshot. */
  key: number;
  /** Samples folded in it. */
  samples: number;
}

export interface SnapshotIndex {
  snapshots: Snapshot[];
  /** Bytes of the capture (decompressed): the end of the last snapshot. */
  bytes: number;
  /** The first time of the capture, if any snapshot has one. */
  firstTime: number;
  /** Whether samples carry their own time (perf), rather than a snapshot's. */
  perSample: boolean;
  /** Where the first marker is (snapshot 0 starts at 0 with what precedes it); the end when there is none. */
  firstMarker: number;
  /** The event folded as the capture's first (perf), which a window of it folds too; null: none picked. */
  firstEvent: Uint8Array | null;
}

const FIELDS = 4;

/** The index of a capture from its ranges' snapshots (one range when read from its start in one piece). */
export function snapshotIndex(ranges: readonly RangeSnapshots[], bytes: number): SnapshotIndex {
  const snapshots: Snapshot[] = [{ offset: 0, time: NaN, key: NaN, samples: 0 }];
  let marked = false; // snapshot 0 takes the first marker's time and key (records before it count in it)
  let firstMarker = bytes;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    let before = r.samplesBefore;
    for (let i = 0; i < r.markers.length; i += FIELDS) {
      const [offset, time, key, samplesAt] = [r.markers[i]!, r.markers[i + 1]!, r.markers[i + 2]!, r.markers[i + 3]!];
      snapshots[snapshots.length - 1]!.samples += samplesAt - before;
      before = samplesAt;
      const last = snapshots[snapshots.length - 1]!;
      if (!marked) {
        Object.assign(last, { time, key });
        firstMarker = offset;
        marked = true;
      } else if (!(key === last.key)) {
        snapshots.push({ offset, time, key, samples: 0 });
      }
    }
    snapshots[snapshots.length - 1]!.samples += r.samplesAfter - before;
  }
  const timed = snapshots.find((s) => !Number.isNaN(s.time));
  return {
    snapshots,
    bytes,
    firstTime: timed ? timed.time : NaN,
    perSample: timed !== undefined && !Number.isNaN(timed.key),
    firstMarker,
    firstEvent: null,
  };
}

/**
 * The snapshot being read just before byte `offset`, where a range starts:
 * a marker at `offset` itself is the range's to read (and count).
 */
export function stateAt(index: SnapshotIndex, offset: number): SnapshotState {
  if (offset <= index.firstMarker) return { index: -1, key: NaN, time: NaN };
  const s = index.snapshots;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]!.offset < offset) lo = mid;
    else hi = mid - 1;
  }
  return { index: lo, key: s[lo]!.key, time: s[lo]!.time };
}

/** Where snapshot `i` ends: the next one's start, or the end of the capture. */
export const snapshotEnd = (index: SnapshotIndex, i: number): number => index.snapshots[i + 1]?.offset ?? index.bytes;
