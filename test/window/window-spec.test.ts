// --window's forms, and the mistakes it refuses with a usage error.

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseWindow } from '../../src/window/spec.js';

describe('parseWindow', () => {
  it('reads snapshot indexes, from 0, both ends included, either end optional', () => {
    expect(parseWindow('120..180')).toMatchObject({ kind: 'index', lo: 120, hi: 180 });
    expect(parseWindow('7')).toMatchObject({ kind: 'index', lo: 7, hi: 7 });
    expect(parseWindow('3..')).toMatchObject({ kind: 'index', lo: 3, hi: Infinity });
    expect(parseWindow('..3')).toMatchObject({ kind: 'index', lo: 0, hi: 3 });
  });

  it('reads elapsed times with units', () => {
    expect(parseWindow('+2m..+3m')).toMatchObject({ kind: 'elapsed', lo: 120, hi: 180 });
    expect(parseWindow('+1.5s..+2h')).toMatchObject({ kind: 'elapsed', lo: 1.5, hi: 7200 });
    expect(parseWindow('+250ms..')).toMatchObject({ kind: 'elapsed', lo: 0.25, hi: Infinity });
    expect(parseWindow('+30..+45')).toMatchObject({ kind: 'elapsed', lo: 30, hi: 45 });
  });

  it('reads clock times and dates', () => {
    expect(parseWindow('12:00:00..12:05:00')).toMatchObject({ kind: 'daytime', lo: 43200, hi: 43500 });
    expect(parseWindow('23:59..00:01')).toMatchObject({ kind: 'daytime', lo: 86340, hi: 60 });
    const d = parseWindow('2026-11-29T12:00:00..2026-11-29T13:05:00+01:00');
    expect(d).toMatchObject({ kind: 'time', lo: Date.UTC(2026, 10, 29, 12) / 1000, hi: Date.UTC(2026, 10, 29, 12, 5) / 1000 });
  });

  it('refuses what is not a window', () => {
    for (const bad of ['', '..', 'a..b', '5..4', '+3m..+2m', '+2m', '12:00', '12:00..', '25:00..26:00', '1..+2m', '-3..4']) {
      expect(() => parseWindow(bad), bad).toThrow(UsageError);
    }
  });
});
