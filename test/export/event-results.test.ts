// collapsePerEvent (the exports' fold of a capture holding several events): a
// result per event, each the fold `--event NAME` gives with the same warnings,
// in the order of result.events(); a file is read once per event (its first
// read folds the first event), a file of one event once.

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, type CollapseOptions } from '../../src/api/collapse.js';
import { collapsePerEvent } from '../../src/export/event-results.js';
import { CORPUS } from '../support/corpus.js';
import { corpusCaptures } from './oracle.js';

/** What collapsePerEvent gives: each result's event and folded text, the warnings said, and the bytes read. */
async function perEvent(input: string, options: CollapseOptions = {}) {
  const warnings: string[] = [];
  let read = 0;
  const results: { event: string | undefined; text: string }[] = [];
  const opts = { ...options, onWarning: (m: string) => warnings.push(m), onProgress: (n: number) => (read += n) };
  for await (const { event, result } of collapsePerEvent([input], opts)) results.push({ event, text: result.text() });
  return { results, warnings, read };
}

/** The same by hand: one `event` fold per event the file lists, with its warnings. */
async function byEvent(input: string, options: CollapseOptions = {}) {
  const events = (await collapse(input, { ...options, eventsOnly: true })).events();
  const warnings: string[] = [];
  const results: { event: string | undefined; text: string }[] = [];
  for (const e of events) {
    const result = await collapse(input, { ...options, event: e.name, onWarning: (m) => warnings.push(m) });
    results.push({ event: e.label, text: result.text() });
  }
  return { results, warnings, events: events.length };
}

// Every corpus capture with several events (pmcstat PMCs, perf events), found by listing each one's.
const multiEvent = await (async () => {
  const perf = readdirSync(join(CORPUS, 'perf')).filter((f) => f.endsWith('.txt')).map((f) => join(CORPUS, 'perf', f));
  const found: string[] = [];
  for (const c of [...corpusCaptures(), ...perf]) if ((await collapse(c, { eventsOnly: true })).events().length > 1) found.push(c);
  return found;
})();

describe('collapsePerEvent', () => {
  it('the corpus has captures of several events, pmcstat and perf', () => {
    expect(multiEvent.some((c) => c.includes('/pmcstat/'))).toBe(true);
    expect(multiEvent.some((c) => c.includes('/perf/'))).toBe(true);
  });

  it.each(multiEvent.flatMap((c) => [1, 2].map((jobs) => [relative(CORPUS, c), jobs, c] as const)))(
    '%s, -j %i: a result per event as --event folds it, the same warnings, the file read once per event',
    async (_name, jobs, capture) => {
      const options = { jobs, splitMinBytes: 1 };
      const ours = await perEvent(capture, options);
      const theirs = await byEvent(capture, options);
      expect(ours.results).toEqual(theirs.results);
      expect(ours.warnings).toEqual(theirs.warnings);
      expect(ours.read).toBe(theirs.events * statSync(capture).size);
    },
  );

  it('a file of one event: one result, no event named, read once', async () => {
    const capture = corpusCaptures().find((c) => c.endsWith('dtrace/java.txt'))!;
    const ours = await perEvent(capture);
    expect(ours.results).toEqual([{ event: undefined, text: (await collapse(capture)).text() }]);
    expect(ours.read).toBe(statSync(capture).size);
  });
});
