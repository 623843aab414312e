// Progress display: the line's figures (bytes, MB/s, time left) under a fake clock,
// drawing only on a terminal, and the CLI: silent when stderr is a pipe, visible on a
// pseudo-terminal (script(1)), --quiet turns it off.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatProgressLine,
  formatRate,
  inputBytes,
  startProgress,
  type ProgressStream,
} from '../../src/cli/progress.js';
import { CORPUS } from '../support/corpus.js';
import { CLI, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const example = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const exampleGolden = join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded');

describe('progress line', () => {
  it('formats sizes in decimal units, durations as m:ss / h:mm:ss', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(250_000_000)).toBe('250.0 MB');
    expect(formatBytes(1_073_742_067)).toBe('1.07 GB');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59.4)).toBe('0:59');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatRate(5_000_000, 2000)).toBe('2.5 MB/s');
    expect(formatRate(1_000_000_000, 1250)).toBe('800 MB/s');
    expect(formatRate(10, 0)).toBe('-- MB/s');
  });

  it('known total: bar, percent, bytes of total, MB/s and time left at the average rate', () => {
    // 250 MB of 1 GB in 0.5 s: 500 MB/s, 750 MB to go = 1.5 s, shown rounded as 0:02.
    const line = formatProgressLine({ label: 'collapse', done: 250e6, total: 1e9, elapsedMs: 500 }, 100);
    expect(line).toMatch(/^collapse  [█░]+   25%  250\.0 MB \/ 1\.00 GB   500 MB\/s   0:02 left$/);
    const bar = /^collapse  ([█░]+) /.exec(line)![1]!;
    expect(bar.length).toBe(24);
    expect([...bar].filter((c) => c === '█').length).toBe(6); // a quarter of 24 cells
    // 3 minutes to go: 100 MB of 10 GB after 1.818 s (55 MB/s) leaves 9.9 GB / 55 MB/s = 180 s.
    expect(formatProgressLine({ label: 'x', done: 100e6, total: 10e9, elapsedMs: 100e6 / 55e6 * 1000 }, 100)).toContain('3:00 left');
  });

  it('before any bytes, and at the end', () => {
    expect(formatProgressLine({ label: 'c', done: 0, total: 1e9, elapsedMs: 0 }, 100)).toMatch(/ 0% {6}0 B \/ 1\.00 GB    -- MB\/s  --:-- left$/);
    expect(formatProgressLine({ label: 'c', done: 1e9, total: 1e9, elapsedMs: 2000 }, 100)).toMatch(/100%  1\.00 GB \/ 1\.00 GB   500 MB\/s   0:00 left$/);
    // An empty file is complete at once.
    expect(formatProgressLine({ label: 'c', done: 0, total: 0, elapsedMs: 10 }, 100)).toContain('100%');
  });

  it('the bar keeps its length as the figures change', () => {
    const bars = [0, 1e6, 5e7, 3.3e8, 1e9].map((done, i) => {
      const line = formatProgressLine({ label: 'collapse', done, total: 1e9, elapsedMs: i * 700 }, 100);
      return /^collapse  ([█░]+) /.exec(line)![1]!.length;
    });
    expect(new Set(bars).size).toBe(1);
  });

  it('unknown total (stdin): bytes, MB/s and time elapsed', () => {
    expect(formatProgressLine({ label: 'collapse', done: 3e6, total: undefined, elapsedMs: 2000 })).toBe(
      'collapse  3.0 MB  1.5 MB/s  0:02 elapsed',
    );
  });

  it('fits the width: the bar goes first, then the line is cut', () => {
    const state = { label: 'collapse', done: 5e8, total: 1e9, elapsedMs: 1000 };
    for (const width of [20, 40, 60, 61, 79, 80, 200]) {
      expect(formatProgressLine(state, width).length).toBeLessThanOrEqual(width);
    }
    expect(formatProgressLine(state, 52)).not.toMatch(/[█░]/);
    expect(formatProgressLine(state, 52)).toContain('50%');
  });
});

/** A fake terminal (or pipe) that records what is written. */
function fakeStream(isTTY: boolean): ProgressStream & { text: () => string } {
  const parts: string[] = [];
  return { isTTY, columns: 100, write: (s: string) => parts.push(s), text: () => parts.join('') };
}

describe('startProgress', () => {
  it('draws on a terminal with the injected clock, and clears its line when stopped', async () => {
    const stream = fakeStream(true);
    let t = 1000;
    const p = await startProgress({ label: 'collapse', total: 2e9, stream, now: () => t });
    expect(p.onProgress).toBeTypeOf('function');
    t += 2000;
    p.onProgress!(1e9); // 1 GB in 2 s: 500 MB/s, 2 s left
    p.setLabel('batch 1/2');
    p.stop();
    const text = stream.text();
    expect(text).toContain('collapse');
    expect(text).toContain('batch 1/2');
    expect(text).toContain('50%  1.00 GB / 2.00 GB   500 MB/s   0:02 left');
    expect(text.endsWith('\x1b[2K')).toBe(true); // the line is erased at the end
    expect(text).not.toContain('\x1b[?7l'); // autowrap is never turned off
    p.stop(); // twice is fine
  });

  it('log() puts a message on its own line above the progress line', async () => {
    const stream = fakeStream(true);
    const p = await startProgress({ label: 'collapse', total: 10, stream, now: () => 0 });
    p.log('flamefold: warning: something');
    p.stop();
    expect(stream.text()).toContain('\r\x1b[2Kflamefold: warning: something\n');
  });

  it('writes nothing when the stream is not a terminal, or with quiet', async () => {
    for (const [isTTY, quiet] of [[false, false], [true, true]] as const) {
      const stream = fakeStream(isTTY);
      const p = await startProgress({ label: 'collapse', total: 100, stream, quiet });
      expect(p.onProgress).toBeUndefined();
      p.setLabel('x');
      p.stop();
      expect(stream.text()).toBe('');
      p.log('a warning still gets through');
      expect(stream.text()).toBe('a warning still gets through\n');
    }
  });

  it('inputBytes: file sizes summed; unknown for stdin', async () => {
    const a = join(tmp.dir, 'a.bin');
    writeFileSync(a, Buffer.alloc(1234));
    expect(await inputBytes([a, example])).toBe(1234 + readFileSync(example).length);
    expect(await inputBytes([a, '-'])).toBeUndefined();
    expect(await inputBytes([a, join(tmp.dir, 'missing')])).toBe(1234);
  });
});

// script(1) runs a command on a pseudo-terminal: the only way to give the CLI a real TTY stderr.
// Skipped where script(1) is missing or cannot open a pseudo-terminal.
const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function onTerminal(args: string[]): { status: number | null; screen: string } {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
  return { status: r.status, screen: r.stdout };
}

describe('flamefold collapse progress', () => {
  it('none when stderr is not a terminal (a pipe)', () => {
    const out = join(tmp.dir, 'piped.folded');
    const r = runCli(['collapse', example, '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(exampleGolden, 'utf8'));
  });

  it('--quiet and -q are accepted; the output is unchanged', () => {
    for (const flag of ['--quiet', '-q']) {
      const r = runCli(['collapse', flag, example]);
      expect(r.status).toBe(0);
      expect(r.stderr.toString()).toBe('');
      expect(r.stdout.toString()).toBe(readFileSync(exampleGolden, 'utf8'));
    }
    expect(runCli(['collapse', '--help']).stdout.toString()).toContain('--quiet');
  });

  it.skipIf(!hasScript)('shown on a terminal (bytes of the total, MB/s, time left), then cleared; none with --quiet', () => {
    const size = readFileSync(example).length;
    const out = join(tmp.dir, 'tty.folded');
    const shown = onTerminal(['collapse', example, '-o', out]);
    expect(shown.status).toBe(0);
    expect(shown.screen).toContain(`/ ${formatBytes(size)}`);
    expect(shown.screen).toMatch(/MB\/s/);
    expect(shown.screen).toMatch(/ left/);
    expect(shown.screen).toContain('\x1b[2K');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(exampleGolden, 'utf8'));
    const quiet = onTerminal(['collapse', '--quiet', example, '-o', out]);
    expect(quiet.status).toBe(0);
    expect(quiet.screen).not.toMatch(/MB\/s|left/);
  });
});

describe('flamefold batch progress', () => {
  it.skipIf(!hasScript)('overall progress on a terminal (files done, bytes of all inputs), none with -q', () => {
    const inputs = [example, join(CORPUS, 'dtrace', 'java.txt')];
    const total = inputs.reduce((sum, f) => sum + readFileSync(f).length, 0);
    const shown = onTerminal(['batch', '-d', join(tmp.dir, 'b1'), ...inputs]);
    expect(shown.status).toBe(0);
    expect(shown.screen).toContain('batch 0/2');
    expect(shown.screen).toContain(`/ ${formatBytes(total)}`);
    expect(shown.screen).toContain('2 of 2 converted');
    const quiet = onTerminal(['batch', '-q', '-d', join(tmp.dir, 'b2'), ...inputs]);
    expect(quiet.status).toBe(0);
    expect(quiet.screen).not.toContain('batch 0/2');
    expect(quiet.screen).toContain('2 of 2 converted');
  });
});

describe('flamefold svg and the one-shot CAPTURE -o out.svg: progress', () => {
  it('none in a pipe; --quiet accepted; the SVG is the same either way', () => {
    const a = join(tmp.dir, 'a.svg');
    const b = join(tmp.dir, 'b.svg');
    const plain = runCli([example, '-o', a]);
    expect(plain.status).toBe(0);
    expect(plain.stderr.toString()).toBe('');
    expect(runCli([example, '--quiet', '-o', b]).status).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const svg = runCli(['svg', '-q', exampleGolden]);
    expect(svg.status).toBe(0);
    expect(svg.stderr.toString()).toBe('');
  });

  it.skipIf(!hasScript)('shown on a terminal, none with -q', () => {
    const out = join(tmp.dir, 'tty.svg');
    const shown = onTerminal([example, '-o', out]);
    expect(shown.status).toBe(0);
    expect(shown.screen).toContain(`/ ${formatBytes(readFileSync(example).length)}`);
    expect(shown.screen).toMatch(/MB\/s/);
    const quiet = onTerminal([example, '-q', '-o', out]);
    expect(quiet.status).toBe(0);
    expect(quiet.screen).not.toMatch(/MB\/s/);
  });
});
