// -o PATH: what is at the path decides how it is written. A regular file is
// replaced atomically keeping its mode and owner; a symbolic link's target is
// written; a device, FIFO, socket or /dev/stdout is written through, never
// replaced by a regular file.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';
import { noStackTrace, runCliAsync, startCli, tempFilesIn } from '../support/cli-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const capture = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const folded = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8');
let n = 0;
const freshDir = (): string => {
  const dir = join(tmp.dir, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};

/** Makes a device node like /dev/null (1,3) or /dev/full (1,7); false where device nodes cannot be made. */
function mknod(path: string, minor: 3 | 7): boolean {
  const r = spawnSync('mknod', [path, 'c', '1', String(minor)]);
  if (r.status === 0) return true;
  if (/Operation not permitted|EPERM/i.test(r.stderr.toString())) return false;
  throw new Error(`mknod failed: ${r.stderr.toString()}`);
}

describe('-o onto a device node', () => {
  it('writes a character device in place: it stays a device, no temp file, no regular file', (ctx) => {
    const dir = freshDir();
    const dev = join(dir, 'null');
    if (!mknod(dev, 3)) return ctx.skip();
    const r = runCli(['collapse', capture, '-o', dev]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  it('a device that fails the write (a /dev/full twin): one line naming it, exit 1, the node kept', (ctx) => {
    const dir = freshDir();
    const dev = join(dir, 'full');
    if (!mknod(dev, 7)) return ctx.skip();
    for (const args of [['collapse', capture], [capture], ['diff', capture, capture]]) {
      const r = runCli([...args, '-o', dev]);
      expect(r.stderr.toString()).toBe(`flamefold: cannot write ${dev}: no space left on device\n`);
      expect(r.status).toBe(1);
      expect(statSync(dev).isCharacterDevice()).toBe(true);
    }
    expect(tempFilesIn(dir)).toEqual([]);
  });
});

describe('-o onto a FIFO', () => {
  it("its reader gets the output; the FIFO stays a FIFO", async () => {
    const dir = freshDir();
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = startCli(['collapse', capture, '-o', fifo], { timeoutMs: 30_000 });
    const reader = spawnSync('cat', [fifo], { timeout: 30_000 });
    const r = await writer.done;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(reader.stdout.toString()).toBe(folded);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(tempFilesIn(dir)).toEqual([]);
  });
});

describe('-o onto a socket', () => {
  it('connects and writes; the socket file is left alone', async () => {
    const dir = freshDir();
    const path = join(dir, 'sock');
    let received = '';
    const server = createServer((c) => c.on('data', (b) => (received += b.toString())));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const r = await runCliAsync(['collapse', capture, '-o', path], { timeoutMs: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the last bytes reach the server
      expect(received).toBe(folded);
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('-o onto a symbolic link', () => {
  it("writes the link's target (beside it, renamed onto it); the link stays a link", () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'profile.folded');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o640);
    const link = join(dir, 'link.folded');
    symlinkSync('real/profile.folded', link);
    const r = runCli(['collapse', capture, '-o', link]);
    expect(r.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real/profile.folded');
    expect(readFileSync(target, 'utf8')).toBe(folded);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(tempFilesIn(dir)).toEqual([]);
    expect(tempFilesIn(join(dir, 'real'))).toEqual([]);
  });

  it('a link to a link to a file, and a dangling link (its target is created)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'final'), 'old\n');
    symlinkSync('final', join(dir, 'hop'));
    symlinkSync('hop', join(dir, 'first'));
    expect(runCli(['collapse', capture, '-o', join(dir, 'first')]).status).toBe(0);
    expect(readFileSync(join(dir, 'final'), 'utf8')).toBe(folded);
    expect(lstatSync(join(dir, 'hop')).isSymbolicLink()).toBe(true);
    symlinkSync('created.svg', join(dir, 'dangling.svg'));
    expect(runCli([capture, '-o', join(dir, 'dangling.svg')]).status).toBe(0);
    expect(lstatSync(join(dir, 'dangling.svg')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'created.svg'), 'utf8')).toMatch(/^<\?xml/);
  });

  it('a loop of links is a one-line error', () => {
    const dir = freshDir();
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    const r = runCli(['collapse', capture, '-o', join(dir, 'a')]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toBe(`flamefold: cannot write ${join(dir, 'a')}: too many levels of symbolic links\n`);
  });
});

describe('-o onto an existing regular file', () => {
  it('keeps its mode (0600 stays 0600, 0755 stays 0755), whatever the umask', () => {
    const dir = freshDir();
    for (const mode of [0o600, 0o755, 0o444]) {
      const out = join(dir, `kept-${mode.toString(8)}.folded`);
      writeFileSync(out, 'old\n');
      chmodSync(out, mode);
      const r = runCli(['collapse', capture, '-o', out]);
      expect(r.status).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(folded);
      expect((statSync(out).mode & 0o7777).toString(8)).toBe(mode.toString(8));
    }
  });

  it('keeps its owner where permitted (as root)', (ctx) => {
    if (process.geteuid?.() !== 0) return ctx.skip();
    const dir = freshDir();
    const out = join(dir, 'theirs.svg');
    writeFileSync(out, 'old\n');
    chownSync(out, 4321, 4322);
    expect(runCli([capture, '-o', out]).status).toBe(0);
    const st = statSync(out);
    expect([st.uid, st.gid]).toEqual([4321, 4322]);
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml/);
  });
});

describe('-o onto standard streams', () => {
  it('/dev/stdout is the stdout the command was given (a file here): written through, nothing replaced', () => {
    const dir = freshDir();
    const file = join(dir, 'stdout.txt');
    const fd = openSync(file, 'w');
    try {
      const r = spawnSync(process.execPath, [join('dist', 'flamefold.cjs'), 'collapse', capture, '-o', '/dev/stdout'], {
        cwd: join(import.meta.dirname, '..', '..'),
        stdio: ['ignore', fd, 'pipe'],
      });
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(folded);
    expect(lstatSync('/dev/stdout').isSymbolicLink() || lstatSync('/dev/stdout').isCharacterDevice()).toBe(true);
    expect(tempFilesIn('/dev')).toEqual([]);
  });

  it('/dev/fd/N given by the caller is written as it is; a descriptor of Node\'s own is refused, not written', async () => {
    const dir = freshDir();
    const file = join(dir, 'fd3.txt');
    const fd = openSync(file, 'w');
    try {
      const r = await runCliAsync(['collapse', capture, '-o', '/dev/fd/3'], { stdio: ['ignore', 'pipe', 'pipe', fd] });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(folded);
    // Without a descriptor 3 of the caller's, /dev/fd/3 is one of libuv's: writing it would crash Node.
    for (const path of ['/dev/fd/3', '/dev/fd/4', '/proc/self/fd/5']) {
      const refused = runCli(['collapse', capture, '-o', path]);
      expect(refused.status).toBe(1);
      expect(refused.stderr.toString()).toMatch(new RegExp(`^flamefold: cannot write ${path}: [^\\n]+\\n$`));
    }
    const closed = runCli(['collapse', capture, '-o', '/dev/fd/987']);
    expect(closed.stderr.toString()).toBe('flamefold: cannot write /dev/fd/987: not an open file descriptor\n');
    expect(noStackTrace(closed.stderr.toString())).toBe(true);
  });
});
