// ChunkWriter (src/output/chunk-writer.ts) with `reuse`: its caller writes one chunk out while
// the next is made (src/render/render.ts writeTo), so a chunk's memory may be filled again only
// once the chunk after it has been handed out and the caller has come back for more.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkWriter } from '../../src/output/chunk-writer.js';

describe('ChunkWriter reusing its buffers', () => {
  it('never writes into a chunk still being written out, and loses no byte (property)', () => {
    // Text pieces up to 700 KB (a big one does not fit after a full chunk's worth: the buffer is
    // flushed and the piece written at once, into a buffer taken from those written out), bytes up to 64 KiB.
    const piece = fc.oneof(
      fc.tuple(fc.constant('text' as const), fc.integer({ min: 1, max: 700_000 })),
      fc.tuple(fc.constant('bytes' as const), fc.integer({ min: 1, max: 64 << 10 })),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), (pieces) => {
        const w = new ChunkWriter(true);
        const want: Buffer[] = [];
        const got: Buffer[] = [];
        let writing: { chunk: Uint8Array; copy: Buffer } | undefined;
        // The caller: each chunk handed out starts its write once the one before has finished.
        const take = (): void => {
          for (const chunk of w.takeFull()) {
            finish();
            writing = { chunk, copy: Buffer.from(chunk) };
          }
        };
        const finish = (): void => {
          if (!writing) return;
          expect(Buffer.compare(writing.chunk, writing.copy)).toBe(0); // unchanged while it was written
          got.push(writing.copy);
          writing = undefined;
        };
        pieces.forEach(([kind, n], k) => {
          const fill = String.fromCharCode(97 + (k % 26));
          if (kind === 'text') {
            w.write(fill.repeat(n));
            want.push(Buffer.from(fill.repeat(n)));
          } else {
            const b = Buffer.alloc(n, fill);
            w.writeBytes(b);
            want.push(b);
          }
          take();
        });
        w.flush();
        take();
        finish();
        expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('fills two buffers in turn when the caller writes one chunk out while the next is made', () => {
    // The caller of svgChunks (render.ts writeTo): when it comes back for more, the chunk before
    // the last one handed out is written; the next buffer is taken only then, so a third is never
    // needed (each new MiB is a MiB of page faults).
    const w = new ChunkWriter(true);
    const buffers = new Set<ArrayBufferLike>();
    const piece = Buffer.alloc(64 << 10, 'x');
    let bytes = 0;
    for (let k = 0; k < 100; k++) { // 6.4 MB: six chunks and more
      w.writeBytes(piece);
      for (const chunk of w.takeFull()) {
        buffers.add(chunk.buffer);
        bytes += chunk.length;
      }
    }
    w.flush();
    for (const chunk of w.takeFull()) bytes += chunk.length;
    expect(bytes).toBe(100 * piece.length);
    expect(buffers.size).toBe(2);
  });
});

