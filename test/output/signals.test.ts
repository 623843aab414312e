// A signal while the output is being written (the temp file exists) removes
// the temp file, leaves the old output as it was, and exits with 128 + the
// signal's number, as shells report a command a signal stopped.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, tempDir } from '../support/helpers.js';
import { noStackTrace, startCli, tempFilesIn, waitUntil } from '../support/cli-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
let capture = '';
beforeAll(() => {
  // Many distinct stacks: writing their folded text or SVG takes long enough (hundreds of ms) to be caught at it.
  capture = generate('gen-dtrace.mjs', tmp.dir, 'many-stacks', ['--bytes', '24M', '--stacks', '150000', '--seed', '5']).input;
});

let n = 0;
async function signalWhileWriting(args: (out: string) => string[], signal: NodeJS.Signals, name: string): Promise<void> {
  const dir = join(tmp.dir, `run-${++n}`);
  mkdirSync(dir);
  const out = join(dir, name);
  writeFileSync(out, 'the previous output\n');
  const run = startCli(args(out), { timeoutMs: 60_000 });
  const caught = await waitUntil(() => tempFilesIn(dir).length > 0, run.child);
  expect(caught, 'the temp file was never seen: the output was written too quickly to signal').toBe(true);
  run.child.kill(signal);
  const r = await run.done;
  expect(r.signal).toBe(null); // it exited by itself, having cleaned up
  expect(r.status).toBe(128 + constants.signals[signal]);
  expect(tempFilesIn(dir)).toEqual([]);
  expect(readFileSync(out, 'utf8')).toBe('the previous output\n');
  expect(noStackTrace(r.stderr)).toBe(true);
}

describe('a signal while writing the output leaves no temp file', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`one-shot SVG, ${signal}`, () => signalWhileWriting((out) => [capture, '-o', out], signal, 'graph.svg'));
  }
  it('collapse, SIGTERM', () => signalWhileWriting((out) => ['collapse', '-j', '1', capture, '-o', out], 'SIGTERM', 'out.folded'));

  it('batch (the temp file is a worker thread\'s), SIGTERM', async () => {
    const dir = join(tmp.dir, 'batch');
    const run = startCli(['batch', '-q', '--svg', '-j', '1', '-d', dir, capture], { timeoutMs: 60_000 });
    const caught = await waitUntil(() => existsSync(dir) && tempFilesIn(dir).length > 0, run.child);
    expect(caught).toBe(true);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.status).toBe(128 + constants.signals.SIGTERM);
    expect(tempFilesIn(dir)).toEqual([]);
  });
});
