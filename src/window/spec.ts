// `--window`: which part of a long capture in time a command reads.
//
//   120..180                 snapshots 120 to 180, both included, counted from 0
//   120.. / ..180 / 120      from 120 to the end / from the start to 180 / only 120
//   +2m..+3m                 from 2 to 3 minutes after the capture's first time
//                            (units ms, s, m, h; none: seconds; end excluded)
//   12:00:00..12:05:00       by the clock the capture printed (from the day it starts;
//                            an end before the start is the next day)
//   2026-11-29T12:00:00..2026-11-29T12:05:00   by date and time (UTC unless a zone is given)

import { UsageError } from '../errors.js';
import type { CoreWindow } from '../core.js';

/** A parsed --window: what the core tests records against, and the text the user gave. */
export interface WindowSpec extends CoreWindow {
  text: string;
}

const UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, '': 1 };

function bad(text: string, why: string): never {
  throw new UsageError(
    `--window '${text}': ${why}; use snapshot indexes FROM..TO (from 0, both included), elapsed time +2m..+3m, ` +
      `a clock time 12:00:00..12:05:00 or a date 2026-11-29T12:00:00..2026-11-29T12:05:00`,
  );
}

function elapsed(part: string): number | undefined {
  const m = /^\+(\d+(?:\.\d+)?)(ms|s|m|h|)$/.exec(part);
  return m ? Number(m[1]) * UNIT[m[2]!]! : undefined;
}

function clock(part: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(part);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) >= 61) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

function date(part: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(part)) return undefined;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(part) ? part : `${part}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function index(part: string): number | undefined {
  return /^\d+$/.test(part) ? Number(part) : undefined;
}

/** Parses a --window value; a mistake is a usage error that shows the forms. */
export function parseWindow(text: string): WindowSpec {
  const t = text.trim();
  const dots = t.indexOf('..');
  const [from, to] = dots < 0 ? [t, t] : [t.slice(0, dots), t.slice(dots + 2)];
  if (from === '' && to === '') bad(text, 'neither end given');
  for (const [kind, read] of [['index', index], ['elapsed', elapsed], ['daytime', clock], ['time', date]] as const) {
    const lo = from === '' ? undefined : read(from);
    const hi = to === '' ? undefined : read(to);
    if ((from !== '' && lo === undefined) || (to !== '' && hi === undefined)) continue;
    if (dots < 0 && kind !== 'index') bad(text, 'a time needs FROM..TO');
    if (kind === 'daytime' && (lo === undefined || hi === undefined)) bad(text, 'a clock time needs both ends');
    const w: WindowSpec = { kind, lo: lo ?? (kind === 'elapsed' ? 0 : kind === 'index' ? 0 : -Infinity), hi: hi ?? Infinity, text };
    if (kind !== 'daytime' && w.hi < w.lo) bad(text, 'it ends before it starts');
    return w;
  }
  return bad(text, 'not a window');
}

/** --snapshot-marker's regular expression (JavaScript's); a bad one is a usage error. */
export function parseSnapshotMarker(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new UsageError(`--snapshot-marker '${source}': ${(err as Error).message}`);
  }
}

/** The window as the help and messages show it. */
export const windowHelp = (column: number): string =>
  `${'      --window W'.padEnd(column)}read only part of a long capture in time: snapshots\n` +
  `${' '.repeat(column)}FROM..TO (from 0, both included), elapsed +2m..+3m, clock\n` +
  `${' '.repeat(column)}12:00:00..12:05:00 or dates (README: "Long captures in time")\n` +
  snapshotMarkerHelp(column);

/** --snapshot-marker as the help shows it. */
export const snapshotMarkerHelp = (column: number): string =>
  `      --snapshot-marker REGEX\n` + // too long for the column: its text on lines of its own
  `${' '.repeat(column)}DTrace: snapshots start at the unindented lines matching\n` +
  `${' '.repeat(column)}REGEX (what the script prints), not at probe lines\n`;
