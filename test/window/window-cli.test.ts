// --window on the command line: every command that reads stacks takes it;
// `diff --window A --window B CAPTURE` compares two parts of one capture as
// if they were two files; mistakes are one-line errors.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const a = generate('gen-dtrace.mjs', tmp.dir, 'a', ['--bytes', '120K', '--seed', '5', '--snapshots', '3']);
const b = generate('gen-dtrace.mjs', tmp.dir, 'b', ['--bytes', '80K', '--seed', '6', '--snapshots', '2', '--style', 'user']);
const joined = join(tmp.dir, 'ab.txt');
writeFileSync(joined, Buffer.concat([readFileSync(a.input), readFileSync(b.input)]));
const seam = readFileSync(a.input, 'latin1').match(/:tick-1s/g)!.length;
const [first, second] = [`0..${seam - 1}`, `${seam}..`];

const ok = (args: string[]): Buffer => {
  const r = runCli(args);
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
};

describe('--window on the command line', () => {
  it('diff --window A --window B CAPTURE is diff of the two parts', () => {
    expect(ok(['diff', '--window', first, '--window', second, joined]).toString()).toBe(ok(['diff', a.input, b.input]).toString());
    expect(ok(['diff', '-n', '--window', first, '--window', second, joined]).toString()).toBe(ok(['diff', '-n', a.input, b.input]).toString());
  });

  it('compare takes the two windows the same way', () => {
    // exit 1: a function grew (the two captures differ a lot), the same either way
    const windows = runCli(['compare', '--json', '--window', first, '--window', second, joined]);
    const files = runCli(['compare', '--json', a.input, b.input]);
    expect(windows.status).toBe(files.status);
    expect(windows.stdout.toString().replaceAll(joined, 'X')).toBe(files.stdout.toString().replaceAll(a.input, 'X').replaceAll(b.input, 'X'));
    expect(JSON.parse(windows.stdout.toString()).base.samples).toBeGreaterThan(0);
  });

  it('svg, top and the exports read only the window', () => {
    const svg = ok(['svg', '--window', first, joined]).toString();
    expect(svg).toBe(ok(['svg', a.input]).toString().replaceAll(a.input, joined));
    expect(ok(['top', '--window', second, joined]).toString()).toBe(ok(['top', b.input]).toString());
    expect(ok(['collapse', '--to', 'speedscope', '--window', second, joined]).toString().replaceAll(joined, 'X'))
      .toBe(ok(['collapse', '--to', 'speedscope', b.input]).toString().replaceAll(b.input, 'X'));
  });

  it('mistakes are one-line errors', () => {
    const cases: [string[], RegExp][] = [
      [['collapse', '--window', 'soon', joined], /^flamefold: --window 'soon': not a window; use snapshot indexes/],
      [['collapse', '--window', '+1m..+2m', joined], /^flamefold: .*ab\.txt: --window \+1m\.\.\+2m: the capture has no timestamps/],
      [['diff', '--window', '1', '--window', '2', '--window', '3', joined], /^flamefold: diff takes --window at most twice/],
      [['diff', '--window', '1', joined], /^flamefold: diff takes two profiles, BEFORE and AFTER, or one CAPTURE with two --window \(got 1\)/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.toString()).toMatch(message);
      expect(r.stderr.toString()).not.toMatch(/\n\s+at /);
    }
  });

  it('a window past the last snapshot says how many there are', () => {
    const r = runCli(['collapse', '--window', '99..', joined]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toContain(`--window 99.. starts past its last snapshot: it has ${seam + 2} (0..${seam + 1})`);
  });
});
