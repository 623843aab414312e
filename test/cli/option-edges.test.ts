// The small edges of issue 11, item 9: which mistakes are the input's (exit 1)
// and which the command line's (exit 2), options that do nothing said so,
// absurd sizes refused, option values that start with '-'.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { checkSvgOptions, SIZE_LIMITS } from '../../src/render/options.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const dtrace = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const folded = join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded');
const multiPmc = join(CORPUS, 'pmcstat', 'handmade-multi-pmc.txt');
const procstat = join(CORPUS, 'procstat', 'handmade-procstat-kk-2snapshots-w19.txt');

describe('an event the input lacks is an input error (exit 1), found once it is read', () => {
  it('--event NOPE on a pmcstat capture: one line listing the events present', () => {
    for (const args of [['collapse', '--event', 'NOPE', multiPmc], ['svg', '--event', 'NOPE', multiPmc], [multiPmc, '--event', 'NOPE']]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toBe(
        `flamefold: ${multiPmc}: no section of event 'NOPE' in the input; events present: CPU_CLK_UNHALTED.THREAD_P (123659899 samples), RESOURCE_STALLS.ANY (1000 samples)\n`,
      );
    }
  });

  it('--event on input without events names the input', async () => {
    const r = runCli(['collapse', '--event', 'X', dtrace]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toBe(`flamefold: ${dtrace}: no section of event 'X' in the input: it names no events\n`);
    await expect(collapse(dtrace, { event: 'X' })).rejects.toMatchObject({ name: 'InputError', input: dtrace });
  });
});

describe('a format option that does nothing for the input is said to', () => {
  it('--by-thread on DTrace input warns; on procstat input it does not', () => {
    const r = runCli(['collapse', '--by-thread', dtrace]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(runCli(['collapse', dtrace]).stdout.toString());
    expect(r.stderr.toString()).toBe('flamefold: warning: --by-thread does nothing for dtrace input (it is an option of procstat)\n');
    expect(runCli(['collapse', '--by-thread', procstat]).stderr.toString()).toBe('');
    // Any format's options, in every command that folds: one warning each.
    const svg = runCli(['svg', '--includeoffset', '--kernel-marks', procstat]);
    expect(svg.status).toBe(0);
    expect(svg.stderr.toString()).toBe(
      'flamefold: warning: --includeoffset does nothing for procstat input (it is an option of dtrace)\n' +
        'flamefold: warning: --kernel-marks / --kernel does nothing for procstat input (it is an option of pmcstat, perf)\n',
    );
    const diff = runCli(['diff', '--includeoffset', folded, folded]);
    expect(diff.status).toBe(0);
    expect(diff.stderr.toString()).toBe('flamefold: warning: --includeoffset does nothing for folded input (it is an option of dtrace)\n');
  });

  it('no warning when one of several inputs has the option', () => {
    const r = runCli(['collapse', '--by-thread', dtrace, procstat]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe('');
  });
});

describe('absurd sizes are usage errors, before any input is read', () => {
  const missing = join(tmp.dir, 'never-read.folded'); // reading it would be exit 1

  it('--height 1e9 and the other sizes past their bounds: exit 2, no output', () => {
    const out = join(tmp.dir, 'never.svg');
    const cases: [string, string, RegExp][] = [
      ['--height', '1e9', /--height must be at most 1000, not 1000000000/],
      ['--width', '100001', /--width must be at most 100000/],
      ['--width', '20', /--width must be more than 20 pixels/],
      ['--fontsize', '1e6', /--fontsize must be at most 1000/],
      ['--fontwidth', '11', /--fontwidth must be at most 10/],
      ['--height', '0', /--height must be a positive number/],
      ['--height', 'Infinity', /--height needs a number, not 'Infinity'/],
    ];
    for (const [flag, value, message] of cases) {
      for (const command of [['svg'], [], ['cpi', '--metric', 'stalls']]) {
        const inputs = command[0] === 'cpi' ? [missing, missing] : [missing];
        const r = runCli([...command, flag, value, ...inputs, '-o', out]);
        expect(r.status, `${command.join(' ')} ${flag} ${value}`).toBe(2);
        expect(r.stderr.toString()).toMatch(message);
      }
    }
    expect(existsSync(out)).toBe(false);
  });

  it('the bounds themselves are accepted, and said in --help', () => {
    const r = runCli(['svg', folded, '--width', String(SIZE_LIMITS.width), '--height', String(SIZE_LIMITS.height), '--fontsize', String(SIZE_LIMITS.fontsize), '--fontwidth', String(SIZE_LIMITS.fontwidth)]);
    expect(r.status).toBe(0);
    expect(() => checkSvgOptions({ width: SIZE_LIMITS.width + 1 })).toThrow(/at most/);
    const help = runCli(['svg', '--help']).stdout.toString();
    expect(help).toContain('--width N         image width in pixels (default 1200; 21 to 100000)');
    expect(help).toContain('--height N        frame height in pixels (default 16; at most 1000)');
    expect(help).toContain('--fontsize N      font size (default 12; at most 1000)');
    expect(help).toMatch(/--fontwidth N .*\n.*at most 10\)/);
  });
});

describe('option values that start with a dash', () => {
  it("--notes '-->' is kept (escaped in the SVG), as are --title -x and -o -", () => {
    const r = runCli(['svg', folded, '--notes', '-->', '--title', '-x', '-o', '-']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const svg = r.stdout.toString();
    expect(svg).toContain('<!-- NOTES: &#45;-&gt; -->');
    expect(svg).toContain('>-x</text>');
    // A dash value is still checked as a value: a negative size is refused as one.
    const negative = runCli(['svg', folded, '--width', '-5']);
    expect(negative.status).toBe(2);
    expect(negative.stderr.toString()).toContain("--width must be a positive number, not '-5'");
    // After --, everything is a file.
    const after = runCli(['collapse', '--', '--notes']);
    expect(after.status).toBe(1);
    expect(after.stderr.toString()).toContain('--notes: cannot open');
  });

  it('an option missing its value at the end is still a usage error', () => {
    const r = runCli(['svg', folded, '--title']);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain("'--title <value>' argument missing");
  });
});

describe('an option of one value given twice is a usage error, not the last one silently', () => {
  it('--exclude, --window, -o/--output: exit 2, nothing written, one line naming the option', () => {
    const out = join(tmp.dir, 'twice.svg');
    for (const [args, message] of [
      [['collapse', '--exclude', 'a', '--exclude', 'b', dtrace], '--exclude given twice: it takes one value'],
      [['collapse', '--window', '1', '--window=2', dtrace], '--window given twice: it takes one value'],
      [['svg', folded, '-o', out, '--output', out], '--output given twice (-o, then --output): it takes one value'],
      [['top', '--lines', '3', folded, '-n', '4'], '--lines given twice (--lines, then -n): it takes one value'],
    ] as const) {
      const r = runCli([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toBe(`flamefold: ${message}\nRun "flamefold --help" for usage.\n`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('repeatable options and flags still repeat', () => {
    expect(runCli(['collapse', '-q', '-q', dtrace]).status).toBe(0);
    const two = runCli(['collapse', '--base', 'genunix`open', '--base', 'unix`sys_syscall', dtrace]);
    expect(two.status, two.stderr.toString()).toBe(0);
    // diff's --window is each side's: given twice it is two windows, not an error.
    const diff = runCli(['diff', '--window', '1', '--window', '2', dtrace]);
    expect(diff.stderr.toString()).not.toContain('given twice');
  });
});
