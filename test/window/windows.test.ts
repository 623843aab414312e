// --window is exact: on a capture made by concatenating two generated
// captures of different seeds, the window of the first one's snapshots folds
// to exactly the first generator's --expect output, the rest to the second's,
// on one thread and two, plain and gzip. The seam is found by counting each
// format's snapshot starts in the first capture's text (an oracle apart from
// the core): DTrace's probe-firing lines, procstat's headers, perf's 20 ms
// buckets of sample times.

import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { generate, readText, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

interface Case {
  tool: string;
  args: [string[], string[]];
  /** Snapshots in a capture's text. */
  count(text: string): number;
}

const cases: Record<string, Case> = {
  dtrace: {
    tool: 'gen-dtrace.mjs',
    args: [['--bytes', '300K', '--seed', '1', '--snapshots', '6'], ['--bytes', '200K', '--seed', '2', '--snapshots', '4', '--style', 'kernel']],
    count: (text) => text.match(/^ +\d+ +\d+ +:tick-1s *$/gm)?.length ?? 0,
  },
  procstat: {
    tool: 'gen-procstat.mjs',
    args: [['--bytes', '300K', '--seed', '1'], ['--bytes', '200K', '--seed', '2', '--width', '16']],
    count: (text) => text.match(/^ *PID +TID COMM/gm)?.length ?? 0,
  },
  perf: {
    tool: 'gen-perf.mjs',
    args: [['--bytes', '600K', '--seed', '2'], ['--bytes', '300K', '--seed', '3']],
    count: (text) => {
      let n = 0;
      let last = NaN;
      for (const m of text.matchAll(/^\S.* (\d+\.\d+): /gm)) {
        const bucket = Math.floor(Number(m[1]) / 0.02);
        if (bucket !== last) n++;
        last = bucket;
      }
      return n;
    },
  },
};

describe('windows of two concatenated captures fold to each capture exactly', () => {
  for (const [format, c] of Object.entries(cases)) {
    const a = generate(c.tool, tmp.dir, `${format}-a`, c.args[0]);
    const b = generate(c.tool, tmp.dir, `${format}-b`, c.args[1]);
    const joined = join(tmp.dir, `${format}-ab.txt`);
    const bytes = Buffer.concat([readFileSync(a.input), readFileSync(b.input)]);
    writeFileSync(joined, bytes);
    writeFileSync(`${joined}.gz`, gzipSync(bytes));
    const seam = c.count(readText(a.input));
    const total = seam + c.count(readText(b.input));

    it(`${format}: the first capture has ${seam} snapshots, the whole ${total}, on any thread count`, async () => {
      expect(seam).toBeGreaterThan(1);
      for (const jobs of [1, 2]) {
        const r = await collapse(joined, { jobs, splitMinBytes: 0 });
        const snapshots = r.inputs[0]!.snapshots.snapshots;
        expect(snapshots.length).toBe(total);
        expect(snapshots.reduce((sum, s) => sum + s.samples, 0)).toBe(r.totals.samples);
      }
    });

    for (const jobs of [1, 2]) {
      for (const file of [joined, `${joined}.gz`]) {
        it(`${format}, ${jobs} thread${jobs > 1 ? 's' : ''}${file.endsWith('.gz') ? ', gzip' : ''}`, async () => {
          const first = await collapse(file, { window: `0..${seam - 1}`, jobs, splitMinBytes: 0 });
          expect(first.text()).toBe(readText(a.expected));
          const second = await collapse(file, { window: `${seam}..`, jobs, splitMinBytes: 0 });
          expect(second.text()).toBe(readText(b.expected));
          const one = await collapse(file, { window: `${seam}`, jobs, splitMinBytes: 0 });
          expect(one.totals.samples).toBeGreaterThan(0);
          expect(one.totals.samples).toBeLessThan(second.totals.samples + (seam === total - 1 ? 1 : 0));
        });
      }
    }
  }
});
