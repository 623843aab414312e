// A parallel read starts each thread on its first range as soon as the plan
// has found that range's end, not once the whole file is cut: cutting a file
// whose boundaries are far apart (pmcstat's sections) reads much of it. The
// rest of the list reaches the threads (this one, and workers started with a
// partial list) when the plan is done. Seen failing when the pool awaited the
// whole plan first (the plan below then waits in vain), and when a thread took
// its next range before the list was whole (a range read twice).

import { readFileSync } from 'node:fs';
import { open } from '../../src/util/file-handle.js';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import { planThreadRanges } from '../../src/parallel/plan.js';
import { feedRangesInParallel } from '../../src/parallel/pool.js';
import { generate, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('threads start on their first range while the plan still cuts the file', () => {
  const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'early', ['--bytes', '6M', '--seed', '41', '--stacks', '3000', '--snapshots', '7']);

  for (const jobs of [2, 3]) {
    it(`${jobs} threads: every range read once, the first before the plan is done`, async () => {
      const session = new CoreSession();
      const fh = await open(input, 'r');
      let readBeforePlanDone = false;
      let firstRangeRead = (): void => {};
      const firstRange = new Promise<void>((resolve) => (firstRangeRead = resolve));
      let firstRangeBytes = Infinity;
      let progress = 0;
      let told = 0;
      try {
        const { size } = await fh.stat();
        await feedRangesInParallel(
          session,
          input,
          fh,
          'dtrace',
          jobs,
          async (onCut) => {
            const ranges = await planThreadRanges(fh, size, 'dtrace', jobs);
            expect(ranges.length).toBeGreaterThan(jobs + 2); // more ranges than threads: some are taken later
            // This thread's and each worker's first range, then nothing until this thread has read its range.
            firstRangeBytes = ranges[0]![1];
            for (const [, end] of ranges.slice(0, jobs)) {
              onCut(end);
              told++;
            }
            const waited = await Promise.race([firstRange.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
            readBeforePlanDone = waited;
            return { ranges };
          },
          (bytes) => {
            progress += bytes;
            if (progress >= firstRangeBytes) firstRangeRead();
          },
        );
      } finally {
        await fh.close();
      }
      expect(told).toBe(jobs);
      expect(readBeforePlanDone).toBe(true);
      expect(Buffer.concat([...session.folded()]).toString()).toBe(readFileSync(expected, 'utf8'));
    });
  }
});
