// Before a file is cut for threads, the event every range must fold is found
// from its start (plan.ts, firstEventOf) when its format folds one event. A
// format whose records name no event must not ask: the search would read
// the whole file for nothing (it doubled the CPU time of a DTrace or
// procstat capture → SVG, where the oneEvent option is on).

import { describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';

describe('which formats fold one event', () => {
  const folds = (format: string, oneEvent: boolean): boolean => {
    const session = new CoreSession();
    if (oneEvent) session.setOption('oneEvent', 1);
    return session.foldsOneEvent(format);
  };

  it('formats without events never do', () => {
    for (const format of ['dtrace', 'procstat', 'folded', 'bpftrace']) {
      expect({ format, oneEvent: false, folds: folds(format, false) }).toEqual({ format, oneEvent: false, folds: false });
      expect({ format, oneEvent: true, folds: folds(format, true) }).toEqual({ format, oneEvent: true, folds: false });
    }
  });

  it('pmcstat under oneEvent (a flame graph), perf always', () => {
    expect([folds('pmcstat', false), folds('pmcstat', true)]).toEqual([false, true]);
    expect([folds('perf', false), folds('perf', true)]).toEqual([true, true]);
  });
});
