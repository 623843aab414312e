// The cells of a timeline heat map, from a capture's snapshot index. Samples
// that carry their own time (perf) take FlameScope's layout: a column per
// second, a row per 20 ms bucket of it (the first at the top), the columns the
// seconds that have samples in the order the capture reaches them (so a
// capture joined from two recordings shows both, side by side). Snapshots
// (DTrace printa() ticks, procstat loops) are a row of cells, one each; past
// MAX_STRIP they fill columns of COLUMN_ROWS, left to right.

import { BUCKET_SECONDS } from '../window/resolve.js';
import type { SnapshotIndex } from '../window/snapshot-index.js';

/** One cell: a snapshot at a place in the grid. */
export interface TimelineCell {
  /** Snapshot index (what --window FROM..TO counts). */
  snapshot: number;
  column: number;
  row: number;
  samples: number;
  /** What the pointer over it shows: the snapshot, its time, its samples. */
  label: string;
}

export interface TimelineGrid {
  cells: TimelineCell[];
  columns: number;
  rows: number;
  /** The largest cell's samples (the colour scale's top). */
  max: number;
  /** What a column is, for the axis caption. */
  columnName: string;
  /** What a row is. */
  rowName: string;
}

const MAX_STRIP = 240;
const COLUMN_ROWS = 60;
const ROWS_PER_SECOND = Math.round(1 / BUCKET_SECONDS);

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** A time as the capture printed it: a date for wall clocks, seconds for perf's clock. */
function timeText(index: SnapshotIndex, time: number): string {
  if (Number.isNaN(time)) return '';
  const elapsed = `+${(time - index.firstTime).toFixed(index.perSample ? 3 : 0)}s`;
  if (index.perSample) return `${time.toFixed(3)} (${elapsed})`;
  return `${new Date(time * 1000).toISOString().replace('T', ' ').replace(/\.000Z$/, '')} (${elapsed})`;
}

/** The heat map's cells for a capture's snapshots. */
export function timelineGrid(index: SnapshotIndex): TimelineGrid {
  const snaps = index.snapshots;
  const none = index.firstMarker >= index.bytes;
  const max = snaps.reduce((m, s) => Math.max(m, s.samples), 0);
  const label = (i: number): string => {
    const t = timeText(index, snaps[i]!.time);
    return `snapshot ${i}${t ? ` · ${t}` : ''} · ${plural(snaps[i]!.samples, 'sample')}`;
  };
  if (index.perSample) {
    const columnOf = new Map<number, number>();
    const cells = snaps.map((s, i) => {
      const second = Math.floor(s.key / ROWS_PER_SECOND);
      if (!columnOf.has(second)) columnOf.set(second, columnOf.size);
      return { snapshot: i, column: columnOf.get(second)!, row: s.key - second * ROWS_PER_SECOND, samples: s.samples, label: label(i) };
    });
    return { cells, columns: columnOf.size, rows: ROWS_PER_SECOND, max, columnName: 'second', rowName: `${BUCKET_SECONDS * 1000} ms` };
  }
  const rows = snaps.length <= MAX_STRIP ? 1 : COLUMN_ROWS;
  const cells = snaps.map((s, i) => ({ snapshot: i, column: Math.floor(i / rows), row: i % rows, samples: s.samples, label: label(i) }));
  const columnName = none ? 'snapshot (none found: the whole capture is snapshot 0)' : rows === 1 ? 'snapshot' : `${rows} snapshots`;
  return { cells, columns: Math.ceil(snaps.length / rows), rows, max, columnName, rowName: 'snapshot' };
}
