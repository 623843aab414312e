// A --window against a capture's snapshot index: the snapshots it covers (so
// only their bytes need reading) and the window as the core then tests each
// record, in times of the capture. Elapsed and clock windows count from the
// capture's first time, as the core does when it reads a capture from its
// start (assembly/tables/snapshots.ts, windowFromFirstTime).

import type { CoreWindow } from '../core.js';
import { InputError } from '../errors.js';
import type { SnapshotIndex } from './snapshot-index.js';
import type { WindowSpec } from './spec.js';

/** perf's snapshots are buckets of this many seconds (assembly/formats/perf.ts, SNAPSHOT_SECONDS). */
export const BUCKET_SECONDS = 0.02;

/** The snapshots a window covers (first..last, both included; none: undefined) and the core's window. */
export interface ResolvedWindow {
  first: number;
  last: number;
  core: CoreWindow;
}

/** The window in the capture's own times (kind 'index' or 'time'). */
export function absoluteWindow(spec: CoreWindow, firstTime: number): CoreWindow {
  if (spec.kind === 'elapsed') return { kind: 'time', lo: firstTime + spec.lo, hi: firstTime + spec.hi };
  if (spec.kind !== 'daytime') return { kind: spec.kind, lo: spec.lo, hi: spec.hi };
  const day = Math.floor(firstTime / 86400) * 86400;
  const lo = day + spec.lo;
  let hi = day + spec.hi;
  if (hi <= lo) hi += 86400;
  return { kind: 'time', lo, hi };
}

/** Resolves a window against a capture's index; a time window on a capture without times is an error naming it. */
export function resolveWindow(index: SnapshotIndex, spec: WindowSpec, name: string): ResolvedWindow | undefined {
  const n = index.snapshots.length;
  if (spec.kind === 'index') {
    if (spec.lo > n - 1) return undefined;
    return { first: spec.lo, last: Math.min(spec.hi, n - 1), core: spec };
  }
  if (Number.isNaN(index.firstTime)) throw noTimes(name, spec);
  const core = absoluteWindow(spec, index.firstTime);
  let first = -1;
  let last = -1;
  index.snapshots.forEach((s, i) => {
    if (Number.isNaN(s.time)) return;
    if (index.perSample) {
      // A perf snapshot spans its bucket, widened against rounding: the core tests its samples one by one.
      const start = s.key * BUCKET_SECONDS - 1e-6;
      if (start + BUCKET_SECONDS + 2e-6 <= core.lo || start >= core.hi) return;
    } else if (!(s.time >= core.lo && s.time < core.hi)) {
      return;
    }
    if (first < 0) first = i;
    last = i;
  });
  return first < 0 ? undefined : { first, last, core };
}

/** The error for a time window on a capture that printed no times. */
export function noTimes(name: string, spec: WindowSpec): InputError {
  return new InputError(
    name,
    `--window ${spec.text}: the capture has no timestamps (only DTrace lines printed by printf("%Y", walltimestamp) ` +
      `or ISO 8601, and perf samples, carry one); use snapshot indexes FROM..TO`,
  );
}
