// Generated `perf script` captures (gen-perf.mjs: styles, seeds, field
// layouts, several events, --header, --no-offsets, --no-trailing-blank)
// against the generator's own --expect* oracles; one thread against two on a
// capture cut into ranges (the first event and a malformed line's number are
// the whole file's in every range).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collapse, type CollapseOptions } from '../../src/index.js';
import { generate, readText, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// The generator's oracles and the options they stand for.
const ORACLES: [string, CollapseOptions][] = [
  ['pid', { includePid: true }],
  ['tid', { includeTid: true }],
  ['kernel', { kernelMarks: true }],
  ['jit', { jitMarks: true }],
];

const shapes: { name: string; args: string[] }[] = [
  { name: 'mixed', args: ['--style', 'mixed', '--seed', '1'] },
  { name: 'kernel-no-cpu', args: ['--style', 'kernel', '--seed', '2', '--fields', 'no-cpu'] },
  { name: 'user-pid-tid-header', args: ['--style', 'user', '--seed', '3', '--fields', 'pid-tid', '--header'] },
  { name: 'java-pid', args: ['--style', 'java', '--seed', '4', '--fields', 'pid'] },
  { name: 'no-period-no-offsets', args: ['--style', 'mixed', '--seed', '5', '--fields', 'no-period', '--no-offsets'] },
  { name: 'minimal-two-events', args: ['--seed', '6', '--fields', 'minimal', '--events', 'cycles,instructions'] },
  {
    name: 'three-events-cut',
    args: ['--style', 'user', '--seed', '7', '--events', 'cycles:u,cache-misses:u,sched:sched_switch', '--no-trailing-blank'],
  },
  { name: 'java-two-events', args: ['--style', 'java', '--seed', '8', '--fields', 'pid-tid', '--events', 'cpu-clock,page-faults'] },
];

/** Generates a shape with every oracle; returns the capture's path. */
function generateShape(shape: { name: string; args: string[] }, bytes: string): string {
  const oracles = ORACLES.flatMap(([opt]) => [`--expect-${opt}`, join(tmp.dir, `${shape.name}.expected-${opt}.folded`)]);
  return generate('gen-perf.mjs', tmp.dir, shape.name, ['--bytes', bytes, ...shape.args, ...oracles]).input;
}

const expected = (name: string, opt = ''): string => readText(join(tmp.dir, `${name}.expected${opt ? `-${opt}` : ''}.folded`));

describe("generated perf captures fold to the generator's expected output", () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const input = generateShape(shape, '1M');
      const result = await collapse(input);
      expect(result.inputs[0]!.format).toBe('perf');
      expect(result.text()).toBe(expected(shape.name));
      expect(result.totals.linesIgnored).toBe(0);
      const events = shape.args.includes('--events') ? shape.args[shape.args.indexOf('--events') + 1]!.split(',') : [];
      expect(result.warnings.length).toBe(events.length > 1 ? 1 : 0);
      for (const [opt, options] of ORACLES) {
        const folded = (await collapse(input, options)).text();
        expect([opt, folded]).toEqual([opt, expected(shape.name, opt)]);
      }
    });
  }
});

describe('perf in parallel: the same as one thread', () => {
  const split = { jobs: 2, splitMinBytes: 1 };
  // Two events interleaved at random: ranges start with records of either.
  const shape = { name: 'parallel-two-events', args: ['--seed', '21', '--events', 'cycles:P,instructions:P'] };
  let input = '';
  beforeAll(() => {
    input = generateShape(shape, '4M');
  });

  it('a capture of two events interleaved: every range folds the file\'s first event', async () => {
    const one = await collapse(input, { jobs: 1 });
    const two = await collapse(input, split);
    expect(one.text()).toBe(expected(shape.name));
    expect(two.text()).toBe(one.text());
    expect(two.warnings).toEqual(one.warnings);
    expect(two.totals).toEqual(one.totals);
    const listed = await collapse(input, { ...split, eventsOnly: true });
    expect(listed.events()).toEqual((await collapse(input, { jobs: 1, eventsOnly: true })).events());
    const second = await collapse(input, { ...split, event: 'instructions:P' });
    expect(second.text()).toBe((await collapse(input, { jobs: 1, event: 'instructions:P' })).text());
    expect(second.text()).not.toBe(one.text());
  });

  it('with options, and through the CLI', async () => {
    for (const [opt, options] of ORACLES) {
      expect([opt, (await collapse(input, { ...split, ...options })).text()]).toEqual([opt, expected('parallel-two-events', opt)]);
    }
    const r = runCli(['collapse', '-j', '2', input]);
    expect(r.stdout.toString()).toBe(expected('parallel-two-events'));
  });

  it('a malformed line far into the file is named by its line in the file', async () => {
    const text = readFileSync(input, 'latin1').split('\n');
    // a frame line of another form in a record of the event folded, near the end, so in a later range
    let at = Math.floor(text.length * 0.8);
    while (!text[at]!.endsWith(' cycles:P: ')) at++;
    text.splice(at + 2, 0, '\tnot a frame line');
    at += 2;
    const bad = join(tmp.dir, 'bad-line.txt');
    writeFileSync(bad, text.join('\n'), 'latin1');
    const want = [`${bad}: 1 malformed line ignored (line ${at + 1})`];
    const one = await collapse(bad, { jobs: 1 });
    const two = await collapse(bad, split);
    expect(one.warnings.filter((w) => w.includes('malformed'))).toEqual(want);
    expect(two.warnings.filter((w) => w.includes('malformed'))).toEqual(want);
    expect(two.text()).toBe(one.text());
    expect(one.text()).toBe(expected('parallel-two-events'));
  });
});
