// `flamefold bench`: the table and JSON shapes on small corpus files, errors and exit codes, help.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const example = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const procstat = join(CORPUS, 'procstat', 'brendangregg-procstat-ka-2015.txt');
const goldenLines = (path: string): number => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length;

interface Json {
  jobs: number;
  repeat: number;
  idlePeakRss: number;
  files: {
    file: string;
    bytes: number;
    format?: string;
    stacks?: number;
    error?: string;
    stages: { stage: string; runsMs: number[]; bestMs: number; mbPerSecond: number; peakRss: number }[];
  }[];
}

describe('flamefold bench', () => {
  it('--json: every stage of every file, best of --repeat, MB/s from the size on disk', () => {
    const r = runCli(['bench', '--json', '--repeat', '2', '--jobs', '1', example, procstat]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.toString()) as Json;
    expect(out.jobs).toBe(1);
    expect(out.repeat).toBe(2);
    expect(out.idlePeakRss).toBeGreaterThan(1 << 20);
    expect(out.files.map((f) => f.file)).toEqual([example, procstat]);
    const [a, b] = out.files;
    expect(a!.format).toBe('dtrace');
    expect(b!.format).toBe('procstat');
    // Stacks folded: the lines of the corpus goldens.
    expect(a!.stacks).toBe(goldenLines(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded')));
    expect(b!.stacks).toBe(goldenLines(join(CORPUS, 'procstat', 'brendangregg-procstat-ka-2015.expected.folded')));
    for (const f of out.files) {
      expect(f.error).toBeUndefined();
      expect(f.bytes).toBe(statSync(f.file).size);
      expect(f.stages.map((s) => s.stage)).toEqual(['read', 'fold', 'end to end']);
      for (const s of f.stages) {
        expect(s.runsMs).toHaveLength(2);
        expect(s.bestMs).toBe(Math.min(...s.runsMs));
        expect(s.mbPerSecond).toBeCloseTo(f.bytes / 1e6 / (s.bestMs / 1000), 6);
        expect(s.peakRss).toBeGreaterThan(1 << 20);
      }
    }
  });

  it('table: a header, one row per stage, the settings underneath', () => {
    const r = runCli(['bench', '-r', '1', example]);
    expect(r.status).toBe(0);
    const lines = r.stdout.toString().split('\n');
    expect(lines[0]).toMatch(/^file\s+format\s+size\s+stage\s+best\s+MB\/s\s+peak RSS$/);
    expect(lines[1]).toMatch(new RegExp(`^${example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+dtrace\\s+1\\.4 MB\\s+read\\s+\\d+\\.\\d{3} s\\s+[\\d.]+\\s+[\\d.]+ MB$`));
    expect(lines[2]).toMatch(/^\s+fold\s+\d+\.\d{3} s\s+[\d.]+\s+[\d.]+ MB$/);
    expect(lines[3]).toMatch(/^\s+end to end\s+\d+\.\d{3} s\s+[\d.]+\s+[\d.]+ MB$/);
    expect(r.stdout.toString()).toMatch(/best of 1 run per stage, each in a fresh process; jobs \d+; MB = 10\^6 bytes; idle process peak RSS [\d.]+ MB/);
  });

  it('a missing file: exit 1 naming it, before anything is measured', () => {
    const missing = join(tmp.dir, 'nope.txt');
    const r = runCli(['bench', example, missing]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain(`${missing}: cannot open: no such file or directory`);
    expect(r.stdout.toString()).toBe('');
  });

  it('a file that is not a capture: reported, the others still measured, exit 1', () => {
    const bad = join(tmp.dir, 'garbage.bin');
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 10, 0]));
    const r = runCli(['bench', '--json', '-r', '1', bad, example]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain(`${bad}: cannot tell the input format`);
    const out = JSON.parse(r.stdout.toString()) as Json;
    expect(out.files[0]!.error).toContain(bad);
    expect(out.files[1]!.error).toBeUndefined();
    expect(out.files[1]!.stages).toHaveLength(3);
  });

  it('usage errors exit 2', () => {
    expect(runCli(['bench']).status).toBe(2);
    expect(runCli(['bench', '--repeat', '0', example]).status).toBe(2);
    expect(runCli(['bench', '--jobs', 'x', example]).status).toBe(2);
    expect(runCli(['bench', '--format', 'nosuchformat', example]).status).toBe(2);
    expect(runCli(['bench', '-']).status).toBe(2);
  });

  it('--help says what each stage measures; the command is listed', () => {
    const r = runCli(['bench', '--help']);
    expect(r.status).toBe(0);
    const help = r.stdout.toString();
    expect(help).toMatch(/^Usage: flamefold bench/);
    expect(help).toMatch(/ read {8}the file read into memory only/);
    expect(help).toMatch(/ fold {8}read, parse and fold the stacks/);
    expect(help).toMatch(/ end to end {2}fold, then produce the sorted folded output/);
    for (const o of ['--format', '--jobs', '--repeat', '--json']) expect(help).toContain(o);
    expect(runCli(['--help']).stdout.toString()).toMatch(/^ {2}bench /m);
  });
});
