// The core's other boundary: an instance that writes an SVG's rects and
// tooltips (assembly/output/frame-text.ts) from the columns of a placed graph.
// It holds no session tables; src/render/frame-writer.ts drives it.

import { instantiateCore } from './core-module.js';
import type { FrameTextColumns, FrameTextStyle } from './core-types.js';

/** An instance of the core that writes an SVG's rects and tooltips (assembly/output/frame-text.ts). */
export class CoreFrameText {
  private readonly core = instantiateCore(() => 0, false);
  private readonly at: number;

  constructor(
    private readonly frames: number,
    private readonly depths: number,
    private readonly names: number,
  ) {
    this.at = this.core.frameTextBegin(frames, depths, names);
  }

  /** Views of the columns (made again after a call that may have grown memory). */
  columns(): FrameTextColumns {
    const buf = this.core.memory.buffer;
    const n = this.frames, slots = this.names + 1;
    let at = this.at;
    const take = <T>(make: (buf: ArrayBuffer, at: number, length: number) => T, length: number, size: number): T => {
      const view = make(buf, at, length);
      at += length * size;
      return view;
    };
    const f64 = (b: ArrayBuffer, p: number, k: number) => new Float64Array(b, p, k);
    const u32 = (b: ArrayBuffer, p: number, k: number) => new Uint32Array(b, p, k);
    const [start, value, x1, x2] = [take(f64, n, 8), take(f64, n, 8), take(f64, n, 8), take(f64, n, 8)];
    at += 2 * n * 8; // the counts and shares, the core's own
    const exact = take((b, p, k) => new BigInt64Array(b, p, k), n, 8);
    const [depth, frame, fill, open, close, tip] = [take(u32, n, 4), take(u32, n, 4), take(u32, n, 4), take(u32, n, 4), take(u32, n, 4), take(u32, n, 4)];
    at += 2 * n * 4; // the lists setup() makes
    const [first, nameFill, nameJson] = [take(u32, slots, 4), take(u32, slots, 4), take(u32, slots, 4)];
    return { start, value, x1, x2, exact, depth, frame, fill, open, close, tip, first, nameFill, nameJson, row: take(u32, this.depths, 4) };
  }

  /**
   * Works out the frames' edges and the tooltips' figures (`figures`: how, see
   * title-counts.ts); returns the frames wide enough for a label, and those whose tooltip
   * JavaScript writes (views, valid until strings()).
   */
  setup(g: { xpad: number; perSample: number; scale: number; glyph: number }, figures: { kind: number; factor: number; total: number; whole: number }): { labels: Uint32Array; others: Uint32Array } {
    const c = this.core;
    const labels = c.frameTextSetup(g.xpad, g.perSample, g.scale, g.glyph, figures.kind, figures.factor, figures.total, figures.whole);
    const buf = c.memory.buffer;
    const lists = this.at + this.frames * (7 * 8 + 6 * 4);
    return { labels: new Uint32Array(buf, lists, labels), others: new Uint32Array(buf, lists + this.frames * 4, c.frameTextOthers()) };
  }

  /** Gives the strings (UTF-8, one after another; `offsets`: where each starts, and the last ends) and how rects are written. */
  strings(bytes: Uint8Array, offsets: Uint32Array, style: FrameTextStyle): void {
    const c = this.core;
    const at = c.frameTextStrings(offsets.length - 1, bytes.length, style.fillsByName ? 1 : 0, style.dressed ? 1 : 0, style.open, style.close, style.heightFill, style.countName);
    const buf = c.memory.buffer;
    new Uint32Array(buf, at, offsets.length).set(offsets);
    new Uint8Array(buf, at + offsets.byteLength, bytes.length).set(bytes);
  }

  rects(): Generator<Uint8Array> {
    return this.pieces((from) => this.core.frameRects(from));
  }

  tooltips(): Generator<Uint8Array> {
    return this.pieces((from) => this.core.frameTooltips(from));
  }

  /** Whether numbers() can write the frames' starts and widths: each is a whole number (below 2^53), as String() prints it. */
  numbersWhole(): boolean {
    return this.core.frameNumbersWhole() !== 0;
  }

  /** The frames' starts (`widths`: their widths), the items of a JSON list, as numbersWhole() allows. */
  numbers(widths: boolean): Generator<Uint8Array> {
    return this.pieces((from) => this.core.frameNumbers(from, widths ? 1 : 0));
  }

  /** Frees the core's copy of the frames. */
  end(): void {
    this.core.frameTextEnd();
  }

  private *pieces(write: (from: number) => number): Generator<Uint8Array> {
    for (let i = 0; i < this.frames; ) {
      i = write(i);
      yield new Uint8Array(this.core.memory.buffer, this.core.frameTextOut(), this.core.frameTextLength());
    }
  }
}
