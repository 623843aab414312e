// Rendering a collapse result (or folded text) to an SVG string or stream:
// the core prepares the frames, they are placed, then written in chunks.

import type { Writable } from 'node:stream';
import { collapse, CollapseResult } from '../api/collapse.js';
import type { OutputSink } from '../output/atomic-file.js';
import { placeLayout, type Layout } from './placement.js';
import { resolveSvgOptions, type ResolvedSvgOptions, type SvgOptions } from './options.js';
import { svgChunks } from './svg.js';
import { writeChunksTo } from '../output/stream-sink.js';

/** What can be drawn: a collapse result, or folded stacks as text or bytes ("a;b;c 12" lines). */
export type RenderSource = CollapseResult | string | Uint8Array;

/** Options of a rendering, plus where its warnings go. */
export interface RenderOptions extends SvgOptions {
  /** Called with each warning (a --total below the real total, negative counts). */
  onWarning?: (message: string) => void;
}

/**
 * Lays out a collapse result (a flame chart needs one collapsed with
 * `keepOrder`). The core prepares the frames in place (totals, pruning,
 * sibling order), so a profile of a million frames is never copied out.
 */
export function layoutResult(result: CollapseResult, o: ResolvedSvgOptions, warn?: (message: string) => void): Layout {
  const options = { minWidth: o.minWidth, plotWidth: o.width - 2 * o.xpad, total: o.total };
  const layout = placeLayout((minimum) => result.placedFrames(minimum, { reverse: o.reverse, flameChart: o.flameChart }), options);
  if (o.total !== undefined && o.total < layout.samples && o.total / layout.samples > 0.02) {
    warn?.(`--total ${o.total} is less than the actual total ${layout.samples}, so it is ignored`);
  }
  if (layout.negativeStacks > 0) {
    warn?.(`${layout.negativeStacks} stack${layout.negativeStacks === 1 ? '' : 's'} with a negative count drawn as zero`);
  }
  return layout;
}

/** Lays out whatever is drawn: a collapse result, or folded text (collapsed in input order for a flame chart). */
async function layoutSource(source: RenderSource, o: ResolvedSvgOptions, warn?: (message: string) => void): Promise<Layout> {
  const result = source instanceof CollapseResult
    ? source
    : await collapse(typeof source === 'string' ? Buffer.from(source, 'utf8') : source, { format: 'folded', keepOrder: o.flameChart });
  return layoutResult(result, o, warn);
}

/** A flame graph laid out and ready to write. */
export interface FlameGraph {
  /**
   * The samples drawn: the sum of the counts (of the second column for two-count
   * input), negative stacks counting as zero. 0 when there is nothing to draw.
   */
  readonly samples: number;
  /** The SVG as UTF-8 chunks of about 1 MiB. */
  chunks(): Generator<Uint8Array>;
  /** Writes the SVG to a sink (an output file, stdout), each write awaited. */
  writeTo(sink: OutputSink): Promise<void>;
}

/**
 * Lays out a collapse result or folded text, as the options ask (a flame chart
 * of a collapse result needs one collapsed with `keepOrder`). Check `samples`
 * before writing when an empty graph should be an error rather than a picture
 * of nothing.
 */
export async function flameGraph(source: RenderSource, options: RenderOptions = {}): Promise<FlameGraph> {
  const o = resolveSvgOptions(options);
  return graphOf(await layoutSource(source, o, options.onWarning), o);
}

function graphOf(layout: Layout, o: ResolvedSvgOptions): FlameGraph {
  return {
    samples: layout.samples,
    chunks: () => svgChunks(layout, o),
    async writeTo(sink) {
      // Each chunk is made while the one before is written (one write at a time: a file's writes go where the
      // last one ended). A sink done with each chunk when its write resolves lets the chunks after it reuse its memory.
      let writing: Promise<void> | undefined;
      try {
        for (const chunk of svgChunks(layout, o, sink.releasesChunks === true)) {
          await writing;
          writing = sink.write(chunk);
        }
      } finally {
        // A failure to make the SVG is reported once the write in flight is over (its own failure, if any, is lost).
        await writing?.catch(() => {});
      }
      await writing;
    },
  };
}

/** The SVG of a collapse result, as UTF-8 chunks of about 1 MiB. */
export function svgChunksOf(result: CollapseResult, options: RenderOptions = {}): Generator<Uint8Array> {
  const o = resolveSvgOptions(options);
  return graphOf(layoutResult(result, o, options.onWarning), o).chunks();
}

/** Renders a collapse result or folded text to an SVG string. */
export async function renderSvg(source: RenderSource, options: RenderOptions = {}): Promise<string> {
  return Buffer.concat([...(await flameGraph(source, options)).chunks()]).toString('utf8');
}

/**
 * Renders a collapse result or folded text to a writable stream, honouring backpressure;
 * rejects if the stream errors or closes before it has taken the whole SVG (not ended).
 */
export async function renderSvgTo(source: RenderSource, stream: Writable, options: RenderOptions = {}): Promise<void> {
  await writeChunksTo(stream, (await flameGraph(source, options)).chunks());
}
