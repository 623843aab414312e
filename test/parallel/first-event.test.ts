// Before a file is cut for threads, the event every range must fold is found
// from its start (plan.ts, firstEventOf) when its format folds one event. A
// format whose records name no event must not ask: the search would read
// the whole file for nothing (it doubled the CPU time of a DTrace or
// procstat capture → SVG, where the oneEvent option is on).

import { writeFile } from 'node:fs/promises';
import { open } from '../../src/util/file-handle.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import { firstEventOf } from '../../src/parallel/plan.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

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

// The start is read a window at a time (64 KiB, doubling): the first event is
// found wherever it is, and across a window's end.
describe('the first event of a file', () => {
  const sample = (event: string) => `java 12345 [003] 1234567.123456:     250000 ${event}:\n\t    7f3a8c029d90 foo+0x80 (/usr/lib/libc.so.6)\n\n`;
  const header = (bytes: number) => '#'.repeat(Math.max(0, bytes - 1)) + '\n';

  async function firstEvent(text: string): Promise<string | null> {
    const path = join(tmp.dir, 'capture.perf');
    await writeFile(path, text);
    const fh = await open(path, 'r');
    try {
      const name = await firstEventOf(fh, text.length, 'perf');
      return name && Buffer.from(name).toString();
    } finally {
      await fh.close();
    }
  }

  it('is found in the first line, or past the first windows, or across their ends', async () => {
    const rest = sample('instructions').repeat(2000);
    expect(await firstEvent(sample('cycles') + rest)).toBe('cycles');
    for (const at of [(64 << 10) - 20, 64 << 10, 200 << 10, (192 << 10) - 7, 3 << 20]) {
      expect({ at, event: await firstEvent(header(at) + sample('cycles:u') + rest) }).toEqual({ at, event: 'cycles:u' });
    }
  });

  it('is none when no record names one', async () => {
    expect(await firstEvent(header(300 << 10))).toBeNull();
  });
});
