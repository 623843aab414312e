// Generated pmcstat captures (several seeds, events and sections) against
// gen-pmcstat.mjs's own --expect / --expect-event oracle, event totals, and
// kernel marks checked against an independent reading of the images.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { TOOLS } from '../support/corpus.js';
import { generate, readText, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const EVENTS = 'CPU_CLK_UNHALTED.THREAD_P,RESOURCE_STALLS.ANY,INST_RETIRED.ANY_P';
const shapes: { name: string; args: string[] }[] = [
  { name: 'one-section', args: ['--seed', '1', '--stacks', '2000', '--sections', '1'] },
  { name: 'per-cpu-sections', args: ['--seed', '2', '--stacks', '3000', '--sections', '8'] },
  { name: 'three-events', args: ['--seed', '3', '--stacks', '2500', '--sections', '6', '--events', EVENTS] },
  { name: 'seed-99-many-stacks', args: ['--seed', '99', '--stacks', '20000', '--sections', '2', '--events', 'A,B'] },
];

/** The --expect-event oracle for one event of a shape (same seed, so the same capture). */
const oracle = new Map<string, string>();
function expectEvent(shape: { name: string; args: string[] }, event: string): string {
  const key = `${shape.name}/${event}`;
  if (!oracle.has(key)) oracle.set(key, runOracle(shape, event));
  return oracle.get(key)!;
}

function runOracle(shape: { name: string; args: string[] }, event: string): string {
  const out = join(tmp.dir, `${shape.name}.${event}.expected.folded`);
  const capture = join(tmp.dir, `${shape.name}.${event}.txt`);
  const r = spawnSync(process.execPath, [join(TOOLS, 'gen-pmcstat.mjs'), ...shape.args, '--out', capture, '--expect', out, '--expect-event', event]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  expect(readFileSync(capture).equals(readFileSync(join(tmp.dir, `${shape.name}.txt`)))).toBe(true);
  return readText(out);
}

const sumCounts = (folded: string): number =>
  folded.split('\n').filter(Boolean).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

describe('generated pmcstat captures fold to the generator\'s expected output', () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const { input, expected } = generate('gen-pmcstat.mjs', tmp.dir, shape.name, shape.args);
      const result = await collapse(input);
      expect(result.inputs[0]!.format).toBe('pmcstat');
      expect(result.text()).toBe(readText(expected));
      expect(result.totals.linesIgnored).toBe(0);
    });
  }

  it('--event keeps only that event\'s sections (--expect-event), and the totals match', async () => {
    for (const shape of shapes.slice(2)) {
      const input = join(tmp.dir, `${shape.name}.txt`);
      const listed = (await collapse(input, { eventsOnly: true })).events();
      const names = shape.name === 'three-events' ? EVENTS.split(',') : ['A', 'B'];
      expect(listed.map((e) => e.label)).toEqual(names);
      for (const [i, event] of names.entries()) {
        const want = expectEvent(shape, event);
        const result = await collapse(input, { event });
        expect(result.text()).toBe(want);
        // a header's N is the sum of its section's samples, so the listed total is the oracle's sum
        expect(listed[i]!.samples).toBe(sumCounts(want));
        expect(result.totals.samples).toBe(sumCounts(want));
      }
    }
  });

  it('the CLI: --event, --list-events', () => {
    const input = join(tmp.dir, 'three-events.txt');
    const one = runCli(['collapse', '--event', 'RESOURCE_STALLS.ANY', input]);
    expect(one.status).toBe(0);
    expect(one.stdout.toString()).toBe(expectEvent(shapes[2]!, 'RESOURCE_STALLS.ANY'));
    const list = runCli(['collapse', '--list-events', input]);
    expect(list.status).toBe(0);
    const totals = EVENTS.split(',').map((e) => `${e} ${sumCounts(expectEvent(shapes[2]!, e))}\n`);
    expect(list.stdout.toString()).toBe(totals.join(''));
    const bad = runCli(['collapse', '--event', 'BR_MISP_RETIRED', input]);
    expect(bad.status).toBe(1); // the input lacks the event: known only once it is read
    expect(bad.stdout.length).toBe(0);
    expect(bad.stderr.toString()).toContain("no section of event 'BR_MISP_RETIRED' in the input; events present: CPU_CLK_UNHALTED.THREAD_P (");
  });
});

// An independent reading of the images: each node line's image is the last
// one printed (pmcstat prints it only when it changes). Returns, per frame
// name, whether it was seen under /boot/ and whether outside it.
function imagesOf(text: string): Map<string, { kernel: boolean; user: boolean }> {
  const seen = new Map<string, { kernel: boolean; user: boolean }>();
  let image = '';
  for (const line of text.split('\n')) {
    const m = /^ *\d+\.\d+% {2}\[\d+\] +(\S+)(?: @ (.*))?$/.exec(line);
    if (!m) continue;
    if (m[2] !== undefined) image = m[2];
    const s = seen.get(m[1]!) ?? { kernel: false, user: false };
    if (image.startsWith('/boot/')) s.kernel = true;
    else s.user = true;
    seen.set(m[1]!, s);
  }
  return seen;
}

describe('generated pmcstat captures with kernel marks', () => {
  it('marks exactly the frames printed under a /boot/ image; without the marks it is the --expect output', async () => {
    const { input, expected } = generate('gen-pmcstat.mjs', tmp.dir, 'marks', ['--seed', '5', '--stacks', '3000', '--sections', '3']);
    const images = imagesOf(readText(input));
    const result = await collapse(input, { kernelMarks: true });
    let marked = 0;
    const unmarked = new Map<string, number>();
    for (const line of result.lines()) {
      const at = line.lastIndexOf(' ');
      const frames = line.slice(0, at).split(';');
      for (const f of frames) {
        const k = f.endsWith('_[k]');
        const s = images.get(k ? f.slice(0, -4) : f);
        expect(s, f).toBeDefined();
        expect(k ? s!.kernel : s!.user, f).toBe(true);
        if (k) marked++;
      }
      const plain = frames.map((f) => (f.endsWith('_[k]') ? f.slice(0, -4) : f)).join(';');
      unmarked.set(plain, (unmarked.get(plain) ?? 0) + Number(line.slice(at + 1)));
    }
    expect(marked).toBeGreaterThan(1000);
    const want = [...unmarked.keys()]
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((k) => `${k} ${unmarked.get(k)}\n`)
      .join('');
    expect(want).toBe(readText(expected));
  });
});

describe('pmcstat events with parallel workers (--jobs)', () => {
  it('the events of every range are listed and selected, as on one thread', async () => {
    // 8 sections of A, then one of B: B lies wholly in the last worker's range
    const a = generate('gen-pmcstat.mjs', tmp.dir, 'par-a', ['--seed', '11', '--stacks', '3000', '--sections', '8', '--events', 'A']);
    const b = generate('gen-pmcstat.mjs', tmp.dir, 'par-b', ['--seed', '12', '--stacks', '3000', '--sections', '1', '--events', 'B']);
    const input = join(tmp.dir, 'par.txt');
    writeFileSync(input, Buffer.concat([readFileSync(a.input), readFileSync(b.input)]));
    const parallel = { jobs: 3, splitMinBytes: 0 };
    const single = (await collapse(input, { eventsOnly: true, jobs: 1 })).events();
    expect(single.map((e) => [e.label, e.sections])).toEqual([['A', 8], ['B', 1]]);
    expect((await collapse(input, { eventsOnly: true, ...parallel })).events()).toEqual(single);
    const onlyB = await collapse(input, { event: 'B', ...parallel });
    expect(onlyB.text()).toBe(readText(b.expected));
    expect(onlyB.warnings).toEqual([]);
    const all = await collapse(input, { kernelMarks: true, ...parallel });
    expect(all.text()).toBe((await collapse(input, { kernelMarks: true, jobs: 1 })).text());
    expect(all.events()).toEqual(single);
  });
});
