// `flamefold svg` and the one-shot `flamefold CAPTURE... -o out.svg`.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { CLI, generate, runCli, tempDir } from '../support/helpers.js';
import { compareFrames, svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const capture = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const folded = join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded');

describe('flamefold svg', () => {
  it('draws folded stacks to a file, atomically, as flamegraph.pl draws them', () => {
    const out = join(tmp.dir, 'graph.svg');
    const r = runCli(['svg', folded, '-o', out]);
    expect(r.status).toBe(0);
    const ours = svgFrames(readFileSync(out, 'utf8'));
    const reference = svgFrames(readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.flamegraph-pl.svg'), 'utf8'));
    const diff = compareFrames(ours, reference);
    expect([diff.missing, diff.extra, diff.fills]).toEqual([[], [], []]);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('reads stdin and writes stdout', () => {
    const r = runCli(['svg'], readFileSync(folded));
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(runCli(['svg', folded]).stdout.toString());
  });

  it('takes flamegraph.pl options by their names', () => {
    const r = runCli(['svg', folded, '--title', 'T', '--colors', 'io', '--hash', '--width', '800', '--minwidth', '1%', '--countname', 'ticks']);
    expect(r.status).toBe(0);
    const svg = r.stdout.toString();
    expect(svg).toContain('>T</text>');
    expect(svg).toContain('width="800"');
    expect(svg).toContain(' ticks, ');
    expect(runCli(['svg', folded, '--color=java']).status).toBe(0);
  });

  it('an unknown palette or bad number is a usage error (exit 2), before any output', () => {
    const out = join(tmp.dir, 'never.svg');
    for (const args of [['--colors', 'pink'], ['--bgcolors', 'red'], ['--minwidth', 'x'], ['--width', 'wide'], ['--nope']]) {
      const r = runCli(['svg', folded, '-o', out, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString()).toMatch(/flamefold: /);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('input without stack counts: exit 1, the input named, no output file', () => {
    const empty = join(tmp.dir, 'empty.folded');
    writeFileSync(empty, '# only a comment\n');
    const out = join(tmp.dir, 'empty.svg');
    const r = runCli(['svg', empty, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('empty.folded');
    expect(existsSync(out)).toBe(false);
  });

  it('--max-memory: tables past it, while reading or while drawing, end in a one-line error and no file', () => {
    const { expected } = generate('gen-dtrace.mjs', tmp.dir, 'maxmem', ['--bytes', '4M', '--seed', '49', '--stacks', '6000']);
    const stages = new Set<string>();
    for (let mib = 1; mib <= 16; mib++) {
      const out = join(tmp.dir, `maxmem-${mib}.svg`);
      const r = runCli(['svg', '--max-memory', String(mib), expected, '-o', out]);
      if (r.status === 0) {
        stages.add('drawn');
        expect(readFileSync(out, 'utf8')).toMatch(/<\/svg>\n$/);
        continue;
      }
      expect(r.status).toBe(1);
      const m = new RegExp(`^flamefold: (${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: )?out of memory: the tables of distinct frames and stacks need more than the limit of ${mib} MiB\n$`).exec(r.stderr.toString());
      expect(m, r.stderr.toString()).not.toBeNull();
      stages.add(m![1] ? 'reading' : 'drawing'); // reading names the input; drawing is after it
      expect(existsSync(out)).toBe(false);
    }
    expect([...stages].sort()).toEqual(['drawing', 'drawn', 'reading']);
    expect(runCli(['svg', '--max-memory', '0', expected]).status).toBe(2);
    const collapsed = runCli(['collapse', '--max-memory', '1', expected]); // collapse takes it too
    expect(collapsed.status).toBe(1);
    expect(collapsed.stderr.toString()).toMatch(/out of memory: .* limit of 1 MiB\n$/);
  });

  it('--flamechart draws folded lines in input order (captures too: svg.flamechart.test.ts)', () => {
    const r = runCli(['svg', '--flamechart', join(CORPUS, 'flamegraph', 'flamechart-base', 'flames.txt')]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('>Flame Chart</text>');
    // The one-shot form detects folded input and draws the chart too.
    const oneShot = runCli(['--flamechart', join(CORPUS, 'flamegraph', 'flamechart-base', 'flames.txt')]);
    expect(oneShot.status).toBe(0);
    expect(oneShot.stdout.toString()).toBe(r.stdout.toString());
  });

  it('--cp reads and writes ./palette.map', () => {
    const dir = join(tmp.dir, 'cp');
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'palette.map'), 'genunix`open->rgb(1,2,3)\n');
    const r = spawnSync(process.execPath, [CLI, 'svg', '--cp', folded, '-o', 'out.svg'], { cwd: dir });
    expect(r.status).toBe(0);
    const map = readFileSync(join(dir, 'palette.map'), 'utf8').split('\n').filter(Boolean);
    expect(map).toContain('genunix`open->rgb(1,2,3)');
    expect(map.length).toBeGreaterThan(50);
    expect([...map].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(map);
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    expect(svgFrames(svg).find((f) => f.name === 'genunix`open')!.fill).toBe('rgb(1,2,3)');
    // A palette.map saved with a byte order mark (a Windows editor) keeps its first name's colour.
    writeFileSync(join(dir, 'palette.map'), '\uFEFFgenunix`open->rgb(4,5,6)\n');
    expect(spawnSync(process.execPath, [CLI, 'svg', '--cp', folded, '-o', 'out.svg'], { cwd: dir }).status).toBe(0);
    expect(svgFrames(readFileSync(join(dir, 'out.svg'), 'utf8')).find((f) => f.name === 'genunix`open')!.fill).toBe('rgb(4,5,6)');
    expect(readFileSync(join(dir, 'palette.map'), 'utf8').startsWith('\uFEFF')).toBe(false);
  });
});

describe('flamefold CAPTURE... (one step from capture to SVG)', () => {
  it('draws a capture exactly as collapse then svg would', () => {
    const out = join(tmp.dir, 'oneshot.svg');
    expect(runCli([capture, '-o', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(runCli(['svg', folded]).stdout.toString());
  });

  it('a mistyped command is not taken for a capture', () => {
    const r = runCli(['colapse', capture]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toContain("unknown command 'colapse'");
  });

  it('a missing capture: exit 1, named', () => {
    const r = runCli([join(tmp.dir, 'missing.txt'), '-o', join(tmp.dir, 'm.svg')]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('missing.txt');
  });
});

describe('output to a closed pipe', () => {
  it('stops quietly (exit 0, no stack trace) when the reader goes away', () => {
    // The SVG is larger than a pipe's buffer (64 KiB on Linux), so writes fail once head has exited.
    expect(runCli(['svg', folded]).stdout.length).toBeGreaterThan(1 << 16);
    const cmd = `"${process.execPath}" "${CLI}" svg "${folded}" | head -c 100 > /dev/null; echo "status \${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    expect(r.stderr).toBe(''); // no EPIPE, no stack trace, nothing
    expect(r.stdout).toContain('status 0');
  });
});
