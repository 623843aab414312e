// Large gzip files whose content is not a capture (issue 11, item 4): refused
// with one line naming the file, never an unhandled stream error.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** `n` pseudo-random bytes (xorshift32: the same bytes every run). */
function noise(n: number, seed = 2463534242): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('a large gzip of something else', () => {
  const random = gzipSync(noise(3_000_000));
  const cases: [string, Buffer][] = [
    ['random.gz', random], // the decompressed head is binary: refused while the file is still being read
    ['twice.gz', gzipSync(random)], // a gzip inside a gzip
  ];
  for (const [name, bytes] of cases) {
    it(`${name}: exit 1, one line naming the file, as a file and from stdin`, () => {
      const path = join(tmp.dir, name);
      writeFileSync(path, bytes);
      for (const [args, input, shown] of [[['collapse', path], undefined, path], [['collapse'], bytes, '<stdin>'], [['svg', path], undefined, path]] as const) {
        const r = runCli([...args], input);
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr.toString()).toMatch(new RegExp(`^flamefold: ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot tell the input format: binary data \\(a NUL byte at offset \\d+\\), not a text capture; --format forces one of: [a-z, ]+\\n$`));
        expect(r.stdout.length).toBe(0);
      }
    });
  }
});
