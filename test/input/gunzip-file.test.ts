// A gzip file is inflated by a thread of its own into a ring the parser
// drains (src/input/gunzip.ts): the text is the file's whatever its size
// against the ring's slots, several members read as one, progress counts the
// compressed bytes, and bad data is one line naming the file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, InputError } from '../../src/index.js';
import { CHUNK_SIZE } from '../../src/core.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const capture = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt'));
const expected = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8');

/** The capture repeated to at least `bytes` bytes: its folded counts are the golden's times the repeats. */
function repeated(bytes: number): { text: Buffer; times: number } {
  const times = Math.ceil(bytes / capture.length);
  return { text: Buffer.concat(Array.from({ length: times }, () => capture)), times };
}
const timesOver = (folded: string, times: number): string =>
  folded.replace(/ (\d+)$/gm, (_, n: string) => ` ${Number(n) * times}`);

function gzFile(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('gzip files', () => {
  it('text of many ring slots, and progress in compressed bytes', async () => {
    const { text, times } = repeated(6 * CHUNK_SIZE + 12345);
    const gz = gzipSync(text, { level: 1 });
    const path = gzFile('big.gz', gz);
    let progress = 0;
    const result = await collapse(path, { onProgress: (n) => (progress += n) });
    expect(result.inputs[0]).toMatchObject({ format: 'dtrace', gzip: true, bytes: text.length });
    expect(result.text()).toBe(timesOver(expected, times));
    expect(progress).toBe(gz.length);
  });

  it('text shorter than a slot, exactly a slot, and nothing', async () => {
    expect((await collapse(gzFile('small.gz', gzipSync(capture)))).text()).toBe(expected);
    const slot = Buffer.concat([capture, Buffer.alloc(CHUNK_SIZE - (capture.length % CHUNK_SIZE), 0x0a)]);
    expect(slot.length % CHUNK_SIZE).toBe(0);
    expect((await collapse(gzFile('slot.gz', gzipSync(slot)))).text()).toBe(expected); // blank lines end nothing
    const empty = await collapse(gzFile('empty.gz', gzipSync(Buffer.alloc(0))), { format: 'dtrace' });
    expect(empty.text()).toBe('');
  });

  it('several members read as one input', async () => {
    const { text, times } = repeated(3 * CHUNK_SIZE);
    const path = gzFile('members.gz', Buffer.concat([gzipSync(text), gzipSync(capture)]));
    expect((await collapse(path)).text()).toBe(timesOver(expected, times + 1));
  });

  for (const [what, cut] of [['cut short', (gz: Buffer) => gz.subarray(0, gz.length >> 1)], ['corrupt', (gz: Buffer) => Buffer.concat([gz.subarray(0, gz.length >> 1), Buffer.alloc(4096, 0x55), gz.subarray(gz.length >> 1)])]] as const) {
    it(`${what}: an input error naming the file, one line from the CLI`, async () => {
      const { text } = repeated(3 * CHUNK_SIZE);
      const path = gzFile(`${what.replace(' ', '-')}.gz`, cut(gzipSync(text)));
      const err = await collapse(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain(`${path}`);
      expect((err as Error).message).toMatch(/gzip|unexpected end/);
      const r = runCli(['collapse', path, '-o', join(tmp.dir, 'out.folded')]);
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(new RegExp(`^flamefold: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*\\n$`));
    });
  }
});
