// A bad output location is found before any input is read: the input here is
// a FIFO nobody writes to, so a command that read first would wait forever
// (until the test's timeout kills it). The error is one line naming the path.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/helpers.js';
import { noStackTrace, runCliAsync } from '../support/cli-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const fifo = join(tmp.dir, 'never-written.fifo');
const notADir = join(tmp.dir, 'plain-file');
beforeAll(() => {
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  writeFileSync(notADir, 'x\n');
  mkdirSync(join(tmp.dir, 'cwd-with-palette-dir', 'palette.map'), { recursive: true });
});

// Well under the time a stuck read would take to be noticed, well over a start-up.
const QUICK_MS = 15_000;

const missingDir = join(tmp.dir, 'no-such-dir', 'out.folded');
const cases: { name: string; args: string[]; message: string; status?: number; cwd?: string }[] = [
  { name: 'collapse, missing directory', args: ['collapse', fifo, '-o', missingDir], message: `cannot write ${missingDir}: no such directory ${join(tmp.dir, 'no-such-dir')}` },
  { name: 'collapse, -o a directory', args: ['collapse', fifo, '-o', tmp.dir], message: `cannot write ${tmp.dir}: is a directory` },
  { name: 'collapse, a file as the directory', args: ['collapse', fifo, '-o', join(notADir, 'x')], message: `cannot write ${join(notADir, 'x')}: ${notADir} is not a directory` },
  { name: 'svg', args: ['svg', fifo, '-o', missingDir], message: `cannot write ${missingDir}: no such directory` },
  { name: 'one-shot SVG', args: [fifo, '-o', tmp.dir], message: `cannot write ${tmp.dir}: is a directory` },
  { name: 'diff', args: ['diff', fifo, fifo, '-o', tmp.dir], message: `cannot write ${tmp.dir}: is a directory` },
  { name: 'cpi', args: ['cpi', fifo, fifo, '-o', missingDir], message: `cannot write ${missingDir}: no such directory` },
  { name: "collapse -o ''", args: ['collapse', fifo, '-o', ''], message: '-o needs a file name', status: 2 },
  { name: "one-shot -o ''", args: [fifo, '-o', ''], message: '-o needs a file name', status: 2 },
  { name: '--cp with palette.map a directory', args: [fifo, '--cp', '-o', join(tmp.dir, 'cp.svg')], message: 'cannot write palette.map: is a directory', cwd: join(tmp.dir, 'cwd-with-palette-dir') },
  { name: 'batch, --out-dir a file', args: ['batch', '-d', notADir, fifo], message: `cannot write ${notADir}: cannot use it as the output directory` },
];

describe('a bad -o fails before any input is read', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCliAsync(c.args, { timeoutMs: QUICK_MS, ...(c.cwd !== undefined && { cwd: c.cwd }) });
      expect(r.timedOut).toBe(false);
      expect(r.status).toBe(c.status ?? 1);
      expect(r.stderr.split('\n')[0]).toContain(`flamefold: ${c.message}`);
      expect(r.stderr.trimEnd().split('\n').length).toBe(c.status === 2 ? 2 : 1); // usage errors add "Run flamefold --help"
      expect(noStackTrace(r.stderr)).toBe(true);
    });
  }
});

describe('batch: an output that cannot be written fails that capture, before its input is read', () => {
  it('the output path is a directory: one line naming the capture and the path', () => {
    const out = join(tmp.dir, 'batch-out');
    mkdirSync(join(out, 'capture.folded'), { recursive: true });
    const capture = join(tmp.dir, 'capture.txt');
    writeFileSync(capture, 'a;b 1\n');
    const r = runCli(['batch', '-q', '-d', out, capture]);
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toContain(`failed: ${capture}: cannot write ${join(out, 'capture.folded')}: is a directory`);
    expect(noStackTrace(r.stderr.toString())).toBe(true);
  });
});
