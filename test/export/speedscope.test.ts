// speedscope output: valid against the JSON schema speedscope ships
// (file-format-schema.json), and read back, its profiles equal the folded
// output: a profile per input, per event of a multi-event pmcstat file, per
// column of two-count input; frames shared between profiles.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/api/collapse.js';
import { collapseEach, writeSpeedscope, type SpeedscopeProfile } from '../../src/export/speedscope.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';
import { corpusCaptures, stacksOf } from './oracle.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const schemaPath = createRequire(import.meta.url).resolve('speedscope/dist/release/file-format-schema.json');
const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

interface SpeedscopeFile {
  name: string;
  profiles: { type: string; name: string; unit: string; startValue: number; endValue: number; samples: number[][]; weights: number[] }[];
  shared: { frames: { name: string }[] };
}

/** Parses and validates a speedscope file against speedscope's own schema. */
function checked(text: string): SpeedscopeFile {
  const file = JSON.parse(text) as SpeedscopeFile;
  if (!validate(file)) throw new Error(`not a speedscope file: ${JSON.stringify(validate.errors)}`);
  return file;
}

/** A profile read back as "stack" → weight, with its frames root first. */
function stacksOfProfile(file: SpeedscopeFile, index: number): Map<string, number> {
  const p = file.profiles[index]!;
  expect(p.samples).toHaveLength(p.weights.length);
  expect(p.endValue - p.startValue).toBe(p.weights.reduce((a, b) => a + b, 0));
  const out = new Map<string, number>();
  p.samples.forEach((sample, i) => {
    const stack = sample.map((f) => file.shared.frames[f]!.name).join(';');
    expect(out.has(stack)).toBe(false);
    out.set(stack, p.weights[i]!);
  });
  return out;
}

/** The positive stacks of folded text, in one count column: what speedscope shows. */
function positive(text: string, columns: 1 | 2, column: number): Map<string, number> {
  return new Map([...stacksOf(text, columns)].map(([s, c]) => [s, c[column]!] as const).filter(([, c]) => c > 0));
}

async function speedscopeText(profiles: Parameters<typeof writeSpeedscope>[0], warnings: string[] = []): Promise<string> {
  const chunks: Buffer[] = [];
  await writeSpeedscope(profiles, { write: async (c) => void chunks.push(Buffer.from(c)) }, { onWarning: (m) => warnings.push(m) });
  return Buffer.concat(chunks).toString('utf8');
}

describe('speedscope export', () => {
  it('a hand-made profile: stacks root first, weights = counts, frames shared, names escaped', async () => {
    const result = await collapse(Buffer.from('main;a;b 5\nmain;"q\\"\\\\;c 3.25\nmain;main 2\nmain;x\u2028y 1\n'));
    const file = checked(await speedscopeText(result));
    expect(file.profiles).toHaveLength(1);
    expect(file.profiles[0]).toMatchObject({ type: 'sampled', unit: 'none', startValue: 0, endValue: 11.25, name: '<buffer 1>' });
    expect(stacksOfProfile(file, 0)).toEqual(new Map([
      ['main;"q\\"\\\\;c', 3.25], ['main;a;b', 5], ['main;main', 2], ['main;x\u2028y', 1],
    ]));
    expect(file.shared.frames.map((f) => f.name).sort()).toEqual(['"q\\"\\\\', 'a', 'b', 'c', 'main', 'x\u2028y']);
  });

  it('two-count input: a profile per column; zero and negative counts are left out, negatives with a warning', async () => {
    const result = await collapse(Buffer.from('a;b 1 4\na;c 3 0\nd -2 1\n'));
    const warnings: string[] = [];
    const file = checked(await speedscopeText([{ name: 'diff', result }], warnings));
    expect(file.profiles.map((p) => p.name)).toEqual(['diff (before)', 'diff (after)']);
    expect(stacksOfProfile(file, 0)).toEqual(new Map([['a;b', 1], ['a;c', 3]]));
    expect(stacksOfProfile(file, 1)).toEqual(new Map([['a;b', 4], ['d', 1]]));
    expect(warnings).toEqual(['diff (before): 1 stack with a negative count left out (speedscope takes positive weights only)']);
    expect(file.name).toBe('diff');
  });

  it('weights and their sum exact past 2^53; frames in order of first use, one per name (names not UTF-8 read alike), shared by later profiles', async () => {
    const first = await collapse(Buffer.concat([Buffer.from('m;b 9007199254740993\nm;a 9007199254740993\nm;q'), Buffer.from([0xff]), Buffer.from(' 1\nm;q'), Buffer.from([0xfe]), Buffer.from(';\u00e9 0.5\n')]));
    const second = await collapse(Buffer.from('z;a 2\nm;\u00e9;q\ufffd 3\n'));
    const text = await speedscopeText([{ name: 'one', result: first }, { name: 'two', result: second }]);
    expect(text).toContain('"weights":[9007199254740993,9007199254740993,0.5,1],"endValue":18014398509481987.5}');
    const file = checked(text);
    expect(file.shared.frames.map((f) => f.name)).toEqual(['m', 'a', 'b', 'q\ufffd', '\u00e9', 'z']);
    expect(file.profiles[1]!.samples).toEqual([[0, 4, 3], [5, 1]]);
  });

  it('a sum of whole weights that passes 2^53 on an odd total is exact', async () => {
    // 2^52, then 2^53 - 1: their sum is odd and past 2^53, where doubles hold only even numbers.
    const text = await speedscopeText([{ name: 'one', result: await collapse(Buffer.from('a 4503599627370496\nb 9007199254740991\nc 1\n')) }]);
    expect(text).toContain('"weights":[4503599627370496,9007199254740991,1],"endValue":13510798882111488}');
    const odd = await speedscopeText([{ name: 'one', result: await collapse(Buffer.from('a 4503599627370496\nb 9007199254740991\n')) }]);
    expect(odd).toContain('"endValue":13510798882111487}');
  });

  it.each(corpusCaptures().map((c) => [relative(CORPUS, c), c]))('%s: valid, and equal to the folded output', async (_name, capture) => {
    const result = await collapse(capture, { jobs: 1 });
    const folded = result.text();
    const file = checked(await speedscopeText(result));
    expect(stacksOfProfile(file, 0)).toEqual(positive(folded, 1, 0));
  });

  it('a profile per input and per event of a multi-event pmcstat file, one frames table', async () => {
    const pmc = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const dtrace = corpusCaptures().find((c) => c.endsWith('dtrace/java.txt'))!;
    const profiles: SpeedscopeProfile[] = [];
    for await (const p of collapseEach([dtrace, pmc])) profiles.push(p);
    const file = checked(await speedscopeText(profiles));
    expect(file.profiles.map((p) => p.name)).toEqual([
      dtrace, `${pmc} [CPU_CLK_UNHALTED.THREAD_P]`, `${pmc} [RESOURCE_STALLS.ANY]`,
    ]);
    const fold = (args: string[]): string => runCli(['collapse', ...args]).stdout.toString();
    expect(stacksOfProfile(file, 0)).toEqual(positive(fold([dtrace]), 1, 0));
    expect(stacksOfProfile(file, 1)).toEqual(positive(fold(['--event', 'CPU_CLK_UNHALTED.THREAD_P', pmc]), 1, 0));
    expect(stacksOfProfile(file, 2)).toEqual(positive(fold(['--event', 'RESOURCE_STALLS.ANY', pmc]), 1, 0));
    const names = file.shared.frames.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length); // each name once, shared by the profiles
  });

  it('collapse --to speedscope: files, -o, stdin with several events giving its first and a warning', () => {
    const pmc = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const out = join(tmp.dir, 'pmc.speedscope.json');
    const r = runCli(['collapse', '--to', 'speedscope', pmc, '-o', out]);
    expect(r.status).toBe(0);
    expect(checked(readFileSync(out, 'utf8')).profiles).toHaveLength(2);
    const event = runCli(['collapse', '--to', 'speedscope', '--event', 'RESOURCE_STALLS.ANY', pmc]);
    expect(checked(event.stdout.toString()).profiles.map((p) => p.name)).toEqual([pmc]);
    const piped = runCli(['collapse', '--to', 'speedscope'], readFileSync(pmc));
    expect(piped.status).toBe(0);
    // Read once, so never summed: its first event, as a flame graph shows it.
    expect(piped.stderr.toString()).toMatch(
      /^flamefold: warning: <stdin>: several events; folded only the first, 'CPU_CLK_UNHALTED.THREAD_P' \(\d+ samples\), not 'RESOURCE_STALLS.ANY' \(\d+ samples\): --event NAME selects one\n$/,
    );
    const first = checked(piped.stdout.toString());
    expect(first.profiles.map((p) => p.name)).toEqual(['<stdin>']);
    const firstEvent = runCli(['collapse', '--event', 'CPU_CLK_UNHALTED.THREAD_P', pmc]).stdout.toString();
    expect(stacksOfProfile(first, 0)).toEqual(positive(firstEvent, 1, 0));
    const a = join(tmp.dir, 'a.folded');
    writeFileSync(a, 'x;y 2\n');
    const two = checked(runCli(['collapse', '--to', 'speedscope', a, a]).stdout.toString());
    expect(two.profiles.map((p) => p.name)).toEqual([a, a]);
    expect(two.shared.frames).toEqual([{ name: 'x' }, { name: 'y' }]);
    const stdinTwice = runCli(['collapse', '--to', 'speedscope', '-', '-'], 'x;y 2\n');
    expect(stdinTwice.status).toBe(2);
    expect(stdinTwice.stderr.toString()).toMatch(/standard input \('-'\) can be read only once/);
  });

  it('--list-events with --to is a usage error', () => {
    const r = runCli(['collapse', '--list-events', '--to', 'speedscope'], 'a 1\n');
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/--list-events prints events, not stacks/);
  });
});
