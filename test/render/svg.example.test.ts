// The bundled example: the capture is what the generator makes with the
// arguments the README gives, and the README's first command draws it.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/index.js';
import { TOOLS } from '../support/corpus.js';
import { ROOT, runCli, tempDir } from '../support/helpers.js';
import { compareFrames, svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const example = join(ROOT, 'examples', 'dtrace-kernel.txt');

describe('the bundled example capture', () => {
  it('is the generator\'s output for the documented arguments', () => {
    const out = join(tmp.dir, 'regenerated.txt');
    const expected = join(tmp.dir, 'expected.folded');
    const r = spawnSync(process.execPath, [join(TOOLS, 'gen-dtrace.mjs'), '--bytes', '200K', '--stacks', '40', '--seed', '3', '--style', 'kernel', '--out', out, '--expect', expected]);
    expect(r.status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(example))).toBe(true);
  });

  it("the README's first command is one line that installs and draws it", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const first = /```(?:sh|bash|console)?\n([^\n]*)\n```/.exec(readme)![1]!;
    expect(first).toMatch(/^npm ci && node dist\/flamefold\.cjs examples\/dtrace-kernel\.txt -o \S+\.svg$/);
    expect(readme).toContain('](examples/dtrace-kernel.png)');
    // Run the drawing part; it must draw the generator's own expected stacks.
    const svgPath = join(tmp.dir, 'example.svg');
    expect(runCli([example, '-o', svgPath]).status).toBe(0);
    const expected = join(tmp.dir, 'expected.folded');
    const g = spawnSync(process.execPath, [join(TOOLS, 'gen-dtrace.mjs'), '--bytes', '200K', '--stacks', '40', '--seed', '3', '--style', 'kernel', '--out', '/dev/null', '--expect', expected]);
    expect(g.status).toBe(0);
    const want = svgFrames(await renderSvg(readFileSync(expected)));
    const diff = compareFrames(svgFrames(readFileSync(svgPath, 'utf8')), want, 0);
    expect([diff.missing, diff.extra, diff.fills]).toEqual([[], [], []]);
    expect(want.length).toBeGreaterThan(100);
  });
});
