// The `flamefold collapse` command: output, atomic files, exit codes, help.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { spawnSync } from 'node:child_process';
import { CLI, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const java = join(CORPUS, 'dtrace', 'java.txt');
const example = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');

describe('flamefold collapse', () => {
  it('writes folded stacks to stdout', () => {
    const r = runCli(['collapse', java]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(readFileSync(join(CORPUS, 'dtrace', 'java.expected.folded'), 'utf8'));
  });

  it('reads stdin when given no file or -', () => {
    const input = readFileSync(example);
    const want = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8');
    expect(runCli(['collapse'], input).stdout.toString()).toBe(want);
    expect(runCli(['collapse', '-'], input).stdout.toString()).toBe(want);
  });

  it("reads stdin once: a second '-' is a usage error, not the input counted twice", () => {
    const r = runCli(['collapse', '-', '-'], readFileSync(example));
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString()).toContain("standard input ('-') can be read only once");
  });

  it('writes -o files atomically and leaves no temporary files', () => {
    const out = join(tmp.dir, 'out.folded');
    const r = runCli(['collapse', example, '-o', out]);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8'));
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('bad input: exit 1, the file named, no output file, the old file untouched', () => {
    const bad = join(tmp.dir, 'garbage.bin');
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 10, 0]));
    const out = join(tmp.dir, 'kept.folded');
    writeFileSync(out, 'previous\n');
    const r = runCli(['collapse', bad, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain(`${bad}: cannot tell the input format`);
    expect(readFileSync(out, 'utf8')).toBe('previous\n');
    expect(existsSync(join(tmp.dir, 'missing.folded'))).toBe(false);
    const missing = runCli(['collapse', join(tmp.dir, 'nope.txt'), '-o', join(tmp.dir, 'missing.folded')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.toString()).toMatch(/nope\.txt: cannot open: no such file or directory$/m);
    expect(existsSync(join(tmp.dir, 'missing.folded'))).toBe(false);
  });

  it('usage errors exit 2', () => {
    expect(runCli(['collapse', '--no-such-option']).status).toBe(2);
    expect(runCli(['collapse', '--format', 'nosuchformat', java]).status).toBe(2);
    expect(runCli(['no-such-command']).status).toBe(2);
  });

  it('--help and --version', () => {
    const help = runCli(['collapse', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.toString()).toMatch(/^Usage: flamefold collapse/);
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout.toString()).toContain('collapse');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(runCli(['--version']).stdout.toString()).toBe(`flamefold ${pkg.version}\n`);
  });

  it('warns on stderr about records without a count', () => {
    const r = runCli(['collapse', '--format', 'dtrace', join(CORPUS, 'dtrace', 'node-bunyan-jstack-traced.txt')]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toMatch(/warning: .*node-bunyan-jstack-traced\.txt: 1 record without a count dropped/);
  });

  it('--includeoffset', () => {
    const r = runCli(['collapse', '--includeoffset', join(CORPUS, 'dtrace', 'flamegraph-bug.txt')]);
    expect(r.stdout.toString()).toBe(readFileSync(join(CORPUS, 'dtrace', 'flamegraph-bug.offsets.inferno.folded'), 'utf8'));
  });

  it('does not crash on the wrapped terminal transcript (mysqld)', () => {
    const r = runCli(['collapse', '--format', 'dtrace', join(CORPUS, 'dtrace', 'brendangregg-cpuflamegraphs-mysqld-ustack.txt')]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString().length).toBeGreaterThan(0);
  });
});

describe('standard input kinds', () => {
  it('a pipe, a redirected file and a socket give the same output, named <stdin> in messages', () => {
    const want = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8');
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { maxBuffer: 1 << 26 });
    expect(sh(`cat '${example}' | '${process.execPath}' '${CLI}' collapse`).stdout.toString()).toBe(want);
    expect(sh(`'${process.execPath}' '${CLI}' collapse < '${example}'`).stdout.toString()).toBe(want);
    expect(runCli(['collapse'], readFileSync(example)).stdout.toString()).toBe(want); // spawnSync's stdin is a socket
    const bad = sh(`printf 'x\\0y' | '${process.execPath}' '${CLI}' collapse`);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toMatch(/^flamefold: <stdin>: cannot tell the input format/);
    const badFile = join(tmp.dir, 'bad-stdin.bin');
    writeFileSync(badFile, 'x\0y');
    const redirected = sh(`'${process.execPath}' '${CLI}' collapse < '${badFile}'`);
    expect(redirected.stderr.toString()).toMatch(/^flamefold: <stdin>: cannot tell the input format/);
  });
});
