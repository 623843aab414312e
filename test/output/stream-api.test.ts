// CollapseResult.writeTo and renderSvgTo on streams that fail: a destination
// that errors or closes before taking everything rejects the promise, where
// waiting for 'drain' alone would wait forever.

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/api/collapse.js';
import { renderSvgTo } from '../../src/render/render.js';

// Enough stacks for many chunks: several writes, so a failure can come between them.
const folded = Array.from({ length: 100_000 }, (_, i) => `root;mid${i % 97};leaf${i} ${i + 1}\n`).join('');
const input = new TextEncoder().encode(folded);
// For the SVG: stacks wide enough to be drawn (a few MB of SVG).
const wide = Array.from({ length: 4_000 }, (_, i) => `root;a${i % 7};b${i % 50};c${i};d${i} 1\n`).join('');

/** A stream that takes `accept` writes (slowly, so it needs draining), then fails as `how` says. */
function failingStream(accept: number, how: 'error' | 'close' | 'stall-then-close'): Writable {
  let writes = 0;
  const stream = new Writable({
    highWaterMark: 1,
    write(_chunk, _enc, callback) {
      if (++writes <= accept) return void setTimeout(callback, 1);
      if (how === 'error') return callback(new Error('disk on fire'));
      if (how === 'close') return void stream.destroy();
      setTimeout(() => stream.destroy(), 20); // never calls back: only its closing ends the wait
    },
  });
  return stream;
}

/** The promise settles (either way) within `ms`: it never hangs. */
async function settlesWithin<T>(promise: Promise<T>, ms = 5_000): Promise<{ error?: Error }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  try {
    const outcome = await Promise.race([promise.then(() => ({})), hung]);
    if (outcome === 'hung') throw new Error(`still waiting after ${ms} ms`);
    return outcome;
  } catch (err) {
    if ((err as Error).message.startsWith('still waiting')) throw err;
    return { error: err as Error };
  } finally {
    clearTimeout(timer);
  }
}

describe('writeTo and renderSvgTo reject when the stream fails, instead of waiting forever', () => {
  for (const how of ['error', 'close', 'stall-then-close'] as const) {
    it(`CollapseResult.writeTo, a stream that ${how}s after one write`, async () => {
      const result = await collapse(input, { format: 'folded' });
      const stream = failingStream(1, how);
      stream.on('error', () => {}); // the caller's listener: the error also reaches the promise
      const { error } = await settlesWithin(result.writeTo(stream));
      expect(error?.message).toMatch(how === 'error' ? /disk on fire/ : /closed/);
    });

    it(`renderSvgTo, a stream that ${how}s after one write`, async () => {
      const stream = failingStream(1, how);
      stream.on('error', () => {});
      const { error } = await settlesWithin(renderSvgTo(wide, stream));
      expect(error?.message).toMatch(how === 'error' ? /disk on fire/ : /closed/);
    });
  }

  it('a stream with no error listener of its own: the error rejects the promise, the process does not crash', async () => {
    const result = await collapse(input, { format: 'folded' });
    const { error } = await settlesWithin(result.writeTo(failingStream(1, 'error')));
    expect(error?.message).toBe('disk on fire');
  });

  it('a stream destroyed before the first write', async () => {
    const result = await collapse(input, { format: 'folded' });
    const stream = failingStream(100, 'error');
    stream.destroy();
    const { error } = await settlesWithin(result.writeTo(stream));
    expect(error?.message).toMatch(/closed/);
  });

  it('a stream that takes everything: resolves, every byte written, the stream not ended', async () => {
    const result = await collapse(input, { format: 'folded' });
    const parts: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, callback) {
        parts.push(chunk);
        setTimeout(callback, 1);
      },
    });
    expect(await settlesWithin(result.writeTo(stream))).toEqual({});
    expect(Buffer.concat(parts).toString()).toBe(result.text());
    expect(stream.writableEnded).toBe(false);
    expect(stream.listenerCount('error')).toBe(0); // nothing of ours left on it
  });
});
