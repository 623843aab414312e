// diff, compare and cpi read their profiles with the same options as collapse:
// every format flag, --max-memory and the rest apply to both profiles.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOptions } from '../../src/formats/registry.js';
import { CORPUS } from '../support/corpus.js';
import { generate, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const perf = (suffix: string): string => join(CORPUS, 'perf', `cpp-stacks-std-function${suffix}`);

describe('the commands of two profiles take every reading option', () => {
  it.each(['diff', 'compare', 'cpi'])('%s --help lists every format flag and --max-memory', (command) => {
    const help = runCli([command, '--help']).stdout.toString();
    for (const o of formatOptions()) expect(help).toContain(`--${o.flag} `);
    expect(help).toContain('--max-memory N');
  });

  it.each([
    ['--pid', '.expected-pid.folded'],
    ['--tid', '.expected-tid.folded'],
    ['--kernel', '.expected-kernel.folded'],
    ['--all', '.expected-all.folded'],
  ])('diff %s: a perf capture against its golden for that flag has equal counts on every line', (flag, golden) => {
    const r = runCli(['diff', flag, perf('.txt'), perf(golden)]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const rows = r.stdout.toString().trim().split('\n');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const [before, after] = row.split(' ').slice(-2);
      expect(before, row).toBe(after);
    }
    // Without the flag the capture's stacks are not the golden's: the flag is what made them equal.
    const without = runCli(['diff', perf('.txt'), perf(golden)]).stdout.toString();
    expect(without.trim().split('\n').some((row) => / 0$| 0 \d+$/.test(row))).toBe(true);
  });

  it('compare --kernel: a capture against its --kernel golden changes no share', () => {
    const r = runCli(['compare', '--kernel', perf('.txt'), perf('.expected-kernel.folded')]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.toString()).toContain('No self share (as leaf) changed.');
    expect(r.stdout.toString()).toContain('No total share (anywhere on the stack) changed.');
    expect(runCli(['compare', perf('.txt'), perf('.expected-kernel.folded')]).stdout.toString()).not.toContain('No self share');
  });

  it.each([
    ['diff', []],
    ['compare', []],
    ['cpi', ['--metric', 'instructions']],
  ])('%s --max-memory: tables past it end in a one-line error naming the limit, and no file', (command, extra) => {
    const { expected } = generate('gen-dtrace.mjs', tmp.dir, `maxmem-${command}`, ['--bytes', '4M', '--seed', '51', '--stacks', '6000']);
    const out = join(tmp.dir, `${command}.out`);
    const output = command === 'compare' ? [] : ['-o', out]; // compare prints a report
    const r = runCli([command, ...extra, '--max-memory', '1', ...output, expected, expected]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^flamefold: .*out of memory: the tables of distinct frames and stacks need more than the limit of 1 MiB\n$/);
    expect(existsSync(out)).toBe(false);
    expect(runCli([command, ...extra, '--max-memory', '64', ...output, expected, expected]).status).toBe(0);
  });
});
