// A capture's events are listed in the order they first appear in the file
// (--list-events, result.events(), the skipped-events warning), whatever the
// thread count: under threads, each worker's events used to be appended after
// this thread's, in the order the threads finished.

import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { generate, runCli, runCliCountingWorkers, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('events are listed in file order under threads', () => {
  // Sixteen sections, each of an event of its own: each range of a cut file holds new events.
  const events = Array.from({ length: 16 }, (_, i) => `EVENT_${String.fromCharCode(80 - i)}`); // not in name order either
  const { input } = generate('gen-pmcstat.mjs', tmp.dir, 'events', ['--sections', '16', '--stacks', '400', '--seed', '31', '--events', events.join(',')]);

  it('collapse (every event folded) and --list-events, API and CLI', async () => {
    const labels = async (jobs: number, eventsOnly: boolean) =>
      (await collapse(input, { jobs, splitMinBytes: 0, eventsOnly })).events().map((e) => e.label);
    for (const eventsOnly of [false, true]) {
      expect(await labels(1, eventsOnly)).toEqual(events);
      for (const jobs of [2, 3, 5]) expect({ jobs, eventsOnly, order: await labels(jobs, eventsOnly) }).toEqual({ jobs, eventsOnly, order: events });
    }
    const one = runCli(['collapse', '--list-events', '-j', '1', input]).stdout.toString();
    expect(one.split('\n').slice(0, -1).map((l) => l.split(' ')[0])).toEqual(events);
    const four = runCliCountingWorkers(['collapse', '--list-events', '-j', '4', input], { FLAMEFOLD_SPLIT_MIN_BYTES: '0' });
    expect([four.workers, four.stdout.toString()]).toEqual([3, one]);
  });

  it("an earlier input's events keep their places; the next file's new ones follow in its order", async () => {
    const earlier = generate('gen-pmcstat.mjs', tmp.dir, 'earlier', ['--sections', '2', '--stacks', '50', '--seed', '32', '--events', 'EVENT_C,EVENT_Z']).input;
    const want = ['EVENT_C', 'EVENT_Z', ...events.filter((e) => e !== 'EVENT_C')];
    for (const jobs of [1, 3]) {
      const r = await collapse([earlier, input], { jobs, splitMinBytes: 0 });
      expect({ jobs, order: r.events().map((e) => e.label) }).toEqual({ jobs, order: want });
    }
  });
});
