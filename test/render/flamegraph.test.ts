// flameGraph(): the one way a command or a Node user gets from a collapse result
// (or folded text) to an SVG, with what it draws known before a byte is written.

import { describe, expect, it } from 'vitest';
import {
  UsageError,
  checkSvgOptions,
  collapse,
  flameGraph,
  renderSvg,
  svgChunksOf,
  type FlameGraph,
  type OutputSink,
  type RenderOptions,
} from '../../src/index.js';

const folded = (text: string) => collapse(Buffer.from(text), { format: 'folded' });

/** A sink that keeps what is written, and how many writes there were. */
function memorySink(): OutputSink & { bytes: () => Buffer; writes: number } {
  const parts: Buffer[] = [];
  return {
    writes: 0,
    async write(chunk) {
      this.writes++;
      parts.push(Buffer.from(chunk));
    },
    bytes: () => Buffer.concat(parts),
  };
}

describe('flameGraph', () => {
  it('writes the same SVG as renderSvg and svgChunksOf, to a sink or as chunks', async () => {
    const text = 'main;parse;read 30\nmain;parse 10\nmain;fold;hash 25\nidle 5\n';
    const options: RenderOptions = { title: 'T', colors: 'java', minWidth: 0 };
    const graph: FlameGraph = await flameGraph(await folded(text), options);
    const sink = memorySink();
    await graph.writeTo(sink);
    const svg = sink.bytes().toString('utf8');
    expect(svg).toContain('>T</text>');
    expect(svg).toContain('hash');
    expect(Buffer.concat([...graph.chunks()]).toString('utf8')).toBe(svg);
    expect(await renderSvg(await folded(text), options)).toBe(svg);
    expect(await renderSvg(text, options)).toBe(svg); // folded text is collapsed first
    expect(Buffer.concat([...svgChunksOf(await folded(text), options)]).toString('utf8')).toBe(svg);
  });

  it("to a file's sink: one write at a time, each chunk's memory held until it is written, then reused", async () => {
    // About 5 MB of SVG: chunks of 1 MiB, their buffers filled again once written (output/chunk-writer.ts).
    const text = Array.from({ length: 40000 }, (_, i) => `main;mod${i % 7};leaf_${i} ${1 + (i % 3)}\n`).join('');
    const graph = await flameGraph(await folded(text), { width: 20000, minWidth: 0 });
    const want = Buffer.concat([...graph.chunks()]);
    const parts: Buffer[] = [];
    const seen = new Set<ArrayBufferLike>();
    let inFlight = 0;
    let most = 0;
    await graph.writeTo({
      releasesChunks: true,
      async write(chunk) {
        const bytes = chunk as Uint8Array;
        seen.add(bytes.buffer);
        most = Math.max(most, ++inFlight);
        const copy = Buffer.from(bytes);
        await new Promise((resolve) => setTimeout(resolve, 2));
        // The chunk's memory held still while it was being written.
        expect(Buffer.compare(copy, bytes)).toBe(0);
        inFlight--;
        parts.push(copy);
      },
    });
    expect(Buffer.concat(parts).equals(want)).toBe(true);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(most).toBe(1);
    expect(seen.size).toBeLessThan(parts.length); // buffers written again
  });

  it("stops at a sink's failed write, and reports it, with no write after it", async () => {
    const text = Array.from({ length: 40000 }, (_, i) => `main;leaf_${i} 1\n`).join('');
    const graph = await flameGraph(await folded(text), { width: 20000, minWidth: 0 });
    let writes = 0;
    const failure = new Error('disk full');
    await expect(
      graph.writeTo({
        releasesChunks: true,
        async write() {
          if (++writes === 2) throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(writes).toBe(2);
  });

  it('says how many samples it draws before anything is written', async () => {
    expect((await flameGraph(await folded('a;b 3\na;c 4\n'))).samples).toBe(7);
    expect((await flameGraph('a;b 3\na;c 4\n')).samples).toBe(7);
    expect((await flameGraph(await folded(''))).samples).toBe(0);
    // A flame chart of folded lines, in their order.
    expect((await flameGraph('a;b 3\na;c 4\na;b 1\n', { flameChart: true })).samples).toBe(8);
  });

  it('two counts: the second column, negative stacks drawn as zero (and said)', async () => {
    const warnings: string[] = [];
    const graph = await flameGraph(await folded('a;b 5 3\na;c 1 -2\nd 2 4\n'), { onWarning: (m) => warnings.push(m) });
    expect(graph.samples).toBe(7);
    expect(warnings).toEqual(['1 stack with a negative count drawn as zero']);
  });

  it('refuses bad options with a UsageError, as checkSvgOptions does before any input is read', async () => {
    const bad: RenderOptions[] = [{ colors: 'nope' as 'hot' }, { width: 10 }, { minWidth: '1px' }, { bgColors: 'url(#x)' }];
    for (const options of bad) {
      expect(() => checkSvgOptions(options)).toThrow(UsageError);
      await expect(flameGraph('a 1\n', options)).rejects.toThrow(UsageError);
    }
    expect(() => checkSvgOptions({ colors: 'java', width: 600, minWidth: '0.5%' })).not.toThrow();
  });
});
