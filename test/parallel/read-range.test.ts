// readRange reads a byte range into a session two ways: reading ahead through
// a JavaScript buffer (a core is spare), or straight into wasm memory (every
// core parses a range). Which one a run takes depends on the machine's cores,
// so both are checked here, on any machine: the same stacks, totals and
// notes, and the same error for bad input in the middle of a range; and that
// the second, whose reads are system calls on the thread, still lets the event
// loop turn between chunks.

import { readFileSync, writeFileSync } from 'node:fs';
import { open } from '../../src/util/file-handle.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import { readBuffer, readRange } from '../../src/parallel/read-range.js';
import { generate, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

async function readWith(path: string, start: number, end: number, buffer: Buffer | null) {
  const session = new CoreSession();
  const fh = await open(path, 'r');
  let progress = 0;
  try {
    session.setInputOffset(start);
    session.beginInput('dtrace');
    await readRange(session, fh, start, end, (n) => (progress += n), buffer);
    session.endInput();
  } finally {
    await fh.close();
  }
  const folded = Buffer.concat([...session.folded()]).toString();
  return { folded, totals: session.totals(), notes: session.takeNotes(), progress };
}

describe('readRange, reading ahead or straight into wasm memory', () => {
  const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'rr', ['--bytes', '3M', '--seed', '33', '--snapshots', '3']);
  const size = readFileSync(input).length;

  it('reads the same stacks from a whole file (several chunks, the last one short)', async () => {
    const ahead = await readWith(input, 0, size, readBuffer());
    const direct = await readWith(input, 0, size, null);
    expect(ahead.folded).toBe(readFileSync(expected, 'utf8'));
    expect(direct).toEqual(ahead);
    expect(direct.progress).toBe(size);
  });

  it('straight into wasm memory, lets the event loop turn between chunks', async () => {
    // Its reads are system calls on this thread: a plan still cutting the file (its reads on the
    // thread pool) and workers' messages must not wait for the whole range.
    let progress = 0;
    let seenAt = -1;
    setImmediate(() => (seenAt = progress));
    const session = new CoreSession();
    const fh = await open(input, 'r');
    try {
      session.beginInput('dtrace');
      await readRange(session, fh, 0, size, (n) => (progress += n), null);
      session.endInput();
    } finally {
      await fh.close();
    }
    expect(size).toBeGreaterThan(2 << 20); // several chunks
    expect(seenAt).toBeGreaterThan(0); // after a chunk...
    expect(seenAt).toBeLessThan(size); // ...not once all of them are read
  });

  it('stops at the same line with the same error', async () => {
    const text = readFileSync(input, 'utf8');
    const bad = join(tmp.dir, 'bad.txt');
    const at = text.indexOf('\n\n', size >> 1) + 1; // after a record, two chunks in
    const record = '              kernel`f+0x1\n              99999999999999999999999\n\n'; // a count past 2^63-1
    writeFileSync(bad, text.slice(0, at) + record + text.slice(at));
    const failure = async (buffer: Buffer | null) => readWith(bad, 0, size + record.length, buffer).then(() => 'no error', (err: Error) => err.message);
    const message = await failure(readBuffer());
    const line = text.slice(0, at).split('\n').length + 1;
    expect(message).toMatch(new RegExp(`^line ${line} a count is too large`));
    expect(await failure(null)).toBe(message);
  });
});
