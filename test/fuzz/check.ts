// The fuzzing property, for every format: whatever the bytes, flamefold folds
// them (exit 0, each warning one line) or refuses them with one line naming
// the input (exit 1); never a crash, a hang, a stack trace, an unhandled
// rejection, a partial output file, or a different answer on more threads.
//
// In `npm test` each format gets a short run from fixed seeds: in-process
// through the API (fast), a few inputs cut into ranges for worker threads, a
// few through the CLI. `npm run fuzz` sets FLAMEFOLD_FUZZ_SECONDS and runs
// each part that long instead, printing how many inputs it tried.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, flameGraph, InputError } from '../../src/index.js';
import type { ParsedFormat } from '../../src/formats/registry.js';
import { CLI, tempDir } from '../support/helpers.js';
import { inputsFrom, seedsOf } from './mutate.js';

/** Seconds per part in a long run (`npm run fuzz`); unset: the short run of `npm test`. */
const LONG = Number(process.env.FLAMEFOLD_FUZZ_SECONDS ?? 0);
/** An input that takes longer than this to fold is reported: something is quadratic. */
const SLOW_MS = 5000;

/** What folding an input gave: the folded output's bytes and the warnings, or the one-line error. */
export type Outcome = { folded: Buffer; warnings: string[] } | { error: string };

const isGzip = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;

/** Lines of a text as the core counts them: each newline, and an unterminated last line. */
const linesOf = (b: Uint8Array): number => b.reduce((n, c) => n + (c === 10 ? 1 : 0), 0) + (b.length > 0 && b.at(-1) !== 10 ? 1 : 0);

/**
 * Folds and draws `input` in this process; any failure but an InputError of one line fails
 * the test. `bytes` (the input's, when not gzip): every line of them must be counted.
 */
export async function foldInProcess(input: Uint8Array | string, format: ParsedFormat | 'auto', jobs = 1, bytes?: Uint8Array): Promise<Outcome> {
  const warnings: string[] = [];
  const started = performance.now();
  try {
    const result = await collapse(input, { format, jobs, splitMinBytes: 0, onWarning: (w) => warnings.push(w) });
    if (bytes && !isGzip(bytes)) expect(result.totals.lines, 'every line counted').toBe(linesOf(bytes));
    const folded = Buffer.concat([...result.chunks()]);
    if (result.totals.samples > 0 || result.totals.samples2 > 0) {
      const graph = await flameGraph(result, { onWarning: (w) => warnings.push(w) });
      let end = '';
      await graph.writeTo({ write: async (chunk) => void (end = Buffer.from(chunk).subarray(-7).toString()) });
      expect(end).toBe('</svg>\n');
    }
    for (const w of warnings) expect(w, 'a warning is one line').not.toMatch(/\n/);
    return { folded, warnings };
  } catch (err) {
    if (!(err instanceof InputError)) throw new Error(`not an input error: ${(err as Error).stack ?? String(err)}`);
    expect(err.message, 'an error is one line').not.toMatch(/\n/);
    return { error: err.message };
  } finally {
    const ms = performance.now() - started;
    if (ms > SLOW_MS) throw new Error(`took ${Math.round(ms)} ms`);
  }
}

/** fast-check parameters: a fixed seed; a number of runs, or a time budget in a long run. */
function runs(short: number, seed: number): fc.Parameters<unknown> {
  return LONG > 0 ? { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: LONG * 1000, markInterruptAsFailure: false } : { seed, numRuns: short };
}

/** Runs a property; reports how many inputs it tried (in a long run) and the shrunk counterexample on failure. */
async function check<T>(label: string, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, params: fc.Parameters<unknown>): Promise<void> {
  const details = await fc.check(fc.asyncProperty(arb, predicate), params as fc.Parameters<[T]>);
  if (LONG > 0) console.log(`fuzz ${label}: ${details.numRuns} inputs tried (seed ${details.seed})`);
  if (details.failed) {
    const example = inputIn(details.counterexample);
    const bytes = example?.bytes ? Buffer.from(example.bytes) : undefined;
    throw new Error(
      `fuzz ${label} failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}) ` +
        `from ${example?.seed}: ${bytes ? JSON.stringify(bytes.subarray(0, 600).toString('latin1')) : ''}\n${String(details.errorInstance)}`,
    );
  }
}

type Input = { seed: string; bytes: Uint8Array };

/** The generated input in a counterexample (alone or in a tuple). */
function inputIn(value: unknown): Input | undefined {
  if (Array.isArray(value)) return value.map(inputIn).find((i) => i !== undefined);
  return value !== null && typeof value === 'object' && 'bytes' in value ? (value as Input) : undefined;
}

/** The fuzz tests of one format. */
export function describeFuzz(format: ParsedFormat): void {
  describe(`fuzzing ${format} input`, () => {
    const tmp = tempDir();
    afterAll(tmp.cleanup);
    const seeds = seedsOf(format);
    const inputs = inputsFrom(seeds);
    const seed = [...format].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

    it('seeds: the corpus captures of the format', () => {
      expect(seeds.length).toBeGreaterThan(3);
    });

    it(
      'in-process: folded or one-line InputError, read as the format or detected',
      async () => {
        await check(`${format} in-process`, fc.tuple(inputs, fc.boolean()), async ([input, detect]) => {
          await foldInProcess(input.bytes, detect ? 'auto' : format, 1, input.bytes);
        }, runs(120, seed));
      },
      LONG > 0 ? LONG * 1000 + 120_000 : 120_000,
    );

    it(
      'a file cut into ranges for two threads folds as on one thread',
      async () => {
        let n = 0;
        const plain = inputs.filter((i) => !isGzip(i.bytes));
        await check(`${format} ranges`, plain, async (input) => {
          const path = join(tmp.dir, `ranges-${n++}.txt`);
          writeFileSync(path, input.bytes);
          try {
            const one = await foldInProcess(path, format, 1, input.bytes);
            const two = await foldInProcess(path, format, 2, input.bytes);
            expect(two).toEqual(one);
          } finally {
            rmSync(path);
          }
        }, runs(8, seed + 1));
      },
      LONG > 0 ? LONG * 1000 + 120_000 : 120_000,
    );

    it(
      'the CLI: exit 0 with the output whole, or exit 1 with one line and no output file; no stack trace',
      async () => {
        let n = 0;
        await check(`${format} CLI`, fc.tuple(inputs, fc.boolean()), async ([input, svg]) => {
          const dir = join(tmp.dir, `cli-${n++}`);
          spawnSync('mkdir', [dir]);
          const file = join(dir, 'capture.txt');
          writeFileSync(file, input.bytes);
          const out = join(dir, svg ? 'out.svg' : 'out.folded');
          const args = svg ? [file, '-f', format, '-o', out] : ['collapse', '-f', format, file, '-o', out];
          const r = spawnSync(process.execPath, [CLI, ...args], { timeout: 60_000, maxBuffer: 1 << 30 });
          const stderr = r.stderr.toString();
          expect(r.signal, 'killed: a hang?').toBeNull();
          expect(stderr, 'no stack trace').not.toMatch(/^\s+at /m);
          for (const line of stderr.split('\n').slice(0, -1)) expect(line).toMatch(/^flamefold: /);
          expect([0, 1], stderr).toContain(r.status);
          if (r.status === 1) {
            expect(stderr.split('\n').filter((l) => !l.startsWith('flamefold: warning: ')), 'one line').toHaveLength(2);
            expect(existsSync(out), 'no output file').toBe(false);
          } else {
            const written = readFileSync(out);
            if (svg) expect(written.subarray(-7).toString()).toBe('</svg>\n');
            else expect(written.equals(foldedOf(await foldInProcess(file, format))), 'the API folds the same').toBe(true);
          }
          expect(readdirSync(dir).filter((f) => f.includes('.tmp')), 'no temporary file left').toEqual([]);
          rmSync(dir, { recursive: true });
        }, runs(3, seed + 2));
      },
      LONG > 0 ? LONG * 1000 + 120_000 : 120_000,
    );
  });
}

function foldedOf(outcome: Outcome): Buffer {
  if ('error' in outcome) throw new Error(`the CLI folded what the API refused: ${outcome.error}`);
  return outcome.folded;
}
