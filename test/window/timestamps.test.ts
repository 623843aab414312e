// Snapshot times: DTrace's `printf("%Y", walltimestamp)` after the probe-firing
// line or on it, ISO 8601 lines in `dtrace -q` output; windows by elapsed
// time, by clock and by date select whole snapshots by their time, the same on
// one thread and two. A capture without times refuses a time window.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, compare, diff, InputError } from '../../src/index.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// Snapshot k (from 0) holds one stack, `k_frame`, counted k + 1 times.
const stack = (k: number): string => `\n              mod\`frame_${k}+0x1\n              mod\`main+0x2\n                ${k + 1}\n`;

function capture(name: string, header: (k: number, time: string) => string, times: string[]): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, 'CPU     ID                    FUNCTION:NAME\n' + times.map((t, k) => header(k, t) + stack(k)).join(''));
  return path;
}

const percentY = ['2026 Nov 29 11:59:58', '2026 Nov 29 11:59:59', '2026 Nov 29 12:00:00', '2026 Nov 29 12:00:01', '2026 Nov 29 12:00:02'];
const iso = ['2026-11-29T23:59:59Z', '2026-11-30T00:00:00Z', '2026-11-30T00:00:01Z', '2026-11-30T00:00:02Z', '2026-11-30T00:00:03Z'];

const captures = {
  'timestamp line after the probe': capture('after.txt', (k, t) => `  ${k}  64091                         :tick-1s \n${t}\n`, percentY),
  'timestamp on the probe line': capture('on.txt', (k, t) => `  ${k}  64091                         :tick-1s ${t}\n`, percentY),
  'dtrace -q, ISO 8601': capture('quiet.txt', (_, t) => `${t}\n`, iso),
};

const frames = async (path: string, window: string, jobs = 1): Promise<string> => {
  const r = await collapse(path, { window, jobs, splitMinBytes: 0 });
  return [...r.stacks()].map((s) => `${s.frames[1]}=${s.count}`).join(' ');
};

describe('snapshot times', () => {
  for (const [label, path] of Object.entries(captures)) {
    it(`${label}: five snapshots, each with its time`, async () => {
      const { snapshots } = (await collapse(path)).inputs[0]!.snapshots;
      expect(snapshots.map((s) => s.samples)).toEqual([1, 2, 3, 4, 5]);
      expect(snapshots.map((s) => s.time - snapshots[0]!.time)).toEqual([0, 1, 2, 3, 4]);
    });

    for (const jobs of [1, 2]) {
      it(`${label}: windows by elapsed time, clock and index (${jobs} thread${jobs > 1 ? 's' : ''})`, async () => {
        expect(await frames(path, '+1s..+3s', jobs)).toBe('mod`frame_1=2 mod`frame_2=3');
        expect(await frames(path, '+3s..', jobs)).toBe('mod`frame_3=4 mod`frame_4=5');
        expect(await frames(path, '1..2', jobs)).toBe('mod`frame_1=2 mod`frame_2=3');
      });
    }
  }

  it('a clock window is on the day the capture starts, past midnight when it ends before it starts', async () => {
    expect(await frames(captures['timestamp on the probe line'], '12:00:00..12:00:02')).toBe('mod`frame_2=3 mod`frame_3=4');
    expect(await frames(captures['dtrace -q, ISO 8601'], '23:59:59..00:00:01')).toBe('mod`frame_0=1 mod`frame_1=2');
    expect(await frames(captures['dtrace -q, ISO 8601'], '23:59:59..00:00:01', 2)).toBe('mod`frame_0=1 mod`frame_1=2');
    expect(await frames(captures['dtrace -q, ISO 8601'], '2026-11-30T00:00:02..2026-11-30T01:00:00')).toBe('mod`frame_3=4 mod`frame_4=5');
  });

  it('a time window on a capture without times is an error naming it', async () => {
    const path = capture('untimed.txt', (k) => `  ${k}  64091                         :tick-1s \n`, percentY);
    for (const jobs of [1, 2]) {
      await expect(collapse(path, { window: '+1s..+2s', jobs, splitMinBytes: 0 })).rejects.toThrow(InputError);
      await expect(collapse(path, { window: '+1s..+2s', jobs, splitMinBytes: 0 })).rejects.toThrow(/untimed\.txt.*no timestamps/);
    }
    expect(await frames(path, '4')).toBe('mod`frame_4=5');
  });

  it('a window of a capture without snapshots says it is one', async () => {
    const folded = join(tmp.dir, 'plain.folded');
    writeFileSync(folded, 'a;b 3\n');
    const r = await collapse(folded, { window: '0' });
    expect(r.totals.samples).toBe(3);
    expect(r.warnings).toEqual([`${folded}: no snapshots found (DTrace probe or timestamp lines, procstat headers, perf sample times): the whole capture is snapshot 0`]);
  });

  it('timestamp lines are not reported as lines the format cannot read', async () => {
    const r = await collapse(captures['dtrace -q, ISO 8601']);
    expect(r.warnings).toEqual([]);
    expect(r.totals.linesIgnored).toBe(6);
  });
});

describe('--snapshot-marker', () => {
  // A script's own marker line, then its timestamp; the probe-firing lines of every clause are not snapshots.
  const marked = capture(
    'marked.txt',
    (k, t) => `  ${k}  64091                         :tick-1s \n  ${k}  64092                         :tick-5s \n== sample ${k} ==\n${t}\n`,
    percentY,
  );

  for (const jobs of [1, 2]) {
    it(`starts a snapshot at each matching line only (${jobs} thread${jobs > 1 ? 's' : ''})`, async () => {
      const r = await collapse(marked, { snapshotMarker: '^== sample \\d+ ==$', jobs, splitMinBytes: 0 });
      const { snapshots } = r.inputs[0]!.snapshots;
      expect(snapshots.map((s) => s.samples)).toEqual([1, 2, 3, 4, 5]);
      expect(snapshots.map((s) => s.time - snapshots[0]!.time)).toEqual([0, 1, 2, 3, 4]);
      expect(r.warnings).toEqual([]);
      const w = await collapse(marked, { snapshotMarker: '^== sample', window: '3..', jobs, splitMinBytes: 0 });
      expect([...w.stacks()].map((s) => `${s.frames[1]}=${s.count}`).join(' ')).toBe('mod`frame_3=4 mod`frame_4=5');
    });
  }

  it('without it, the same capture has a snapshot per probe-firing line', async () => {
    const { snapshots } = (await collapse(marked)).inputs[0]!.snapshots;
    expect(snapshots.length).toBe(10);
  });

  it('a bad expression is a usage error', async () => {
    await expect(collapse(marked, { snapshotMarker: '(' })).rejects.toThrow(/--snapshot-marker '\(': /);
  });

  it('diff and compare number snapshots by it too: two windows of one capture', async () => {
    // Marker snapshots 1 and 3 are probe snapshots 2..3 and 6..7: without the marker, the windows would select other stacks.
    const d = await diff(marked, marked, { snapshotMarker: '^== sample', beforeWindow: '1', afterWindow: '3' });
    expect([...d.stacks()].map((s) => `${s.frames[1]}=${s.count}/${s.count2}`).join(' ')).toBe('mod`frame_1=2/0 mod`frame_3=0/4');
    const c = await compare(marked, marked, { snapshotMarker: '^== sample', beforeWindow: '1', afterWindow: '3' });
    expect([c.baseSamples, c.newSamples]).toEqual([2, 4]);
    const cli = runCli(['diff', '--snapshot-marker', '^== sample', '--window', '1', '--window', '3', marked]);
    expect([cli.status, cli.stdout.toString()]).toEqual([0, 'mod`main;mod`frame_1 2 0\nmod`main;mod`frame_3 0 4\n']);
  });
});
