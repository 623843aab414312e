/// <reference lib="dom" />
// The viewer's index of the frames (part of the script embedded in every SVG:
// see viewer.ts, which embeds this function's source beside its own, so it
// may use nothing from outside its body but its arguments).
//
// A frame is one child of `#frames`: a rect (with fg:n, its name, when
// --nameattr replaced its tooltip), or a <g> around it (--nameattr
// attributes, a link). Labels are in #labels. Frame i's exact start and
// width in samples and its tooltip are the i-th of the lists in the JSON text
// of the element `cfg.frameData` (svg.ts, FrameData). The index is built once, into flat arrays,
// when the browser is idle after the first paint (or at the first click or
// search before that): loading runs none of it.

import type { ViewerConfig } from './viewer-config.js';

/** The frames of #frames, in drawing order, with what the viewer needs of each. */
export interface FrameIndex {
  /** Builds the index, once (every other member is empty until then). */
  ensure(): void;
  count: number;
  /** The child of #frames that is frame i (its rect, or the <g> around it), and its rect. */
  items: Element[];
  rects: SVGRectElement[];
  /** Start and width in samples, depth, own fill, name, tooltip ("NAME (N samples, P%)"). */
  x0: Float64Array;
  w0: Float64Array;
  depth: Int32Array;
  /**
   * Frame i's caller, the frame it is drawn on (-1 for the root); its callees, theirs and so on are
   * frames i+1 .. end[i]-1. The SVG writer writes the frames depth-first, each after its caller
   * (placement.ts), so a zoom finds the frames it shows without a look at every frame.
   */
  parent: Int32Array;
  end: Int32Array;
  fills: string[];
  /** The outline of frame i's rect as written, as path data (what a search's highlight draws). */
  outlines: string[];
  names: string[];
  /** Frame i's name is distinctNames[nameId[i]] (a search tests each name once: a graph has far fewer names than frames). */
  nameId: Int32Array;
  distinctNames: string[];
  tooltips: string[];
  /** The root frame ("all"), or -1. */
  root: number;
  /** Frame i of a child of #frames. */
  frameOf: Map<Element, number>;
  /** The label of frame i when `width` pixels wide: as many characters as fit, ".." when cut, none under three. */
  labelFor(i: number, width: number): string;
}

export function frameIndex(cfg: ViewerConfig, framesGroup: Element): FrameIndex {
  // The tooltip is "NAME (N COUNTNAME, P%...)": the name is what precedes the last such suffix.
  const quoted = cfg.countName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const suffix = new RegExp(' \\(-?[\\d,]+ ' + quoted + ', ', 'g');
  const nameOf = (title: string): string => {
    let at = -1;
    suffix.lastIndex = 0;
    for (let m = suffix.exec(title); m; m = suffix.exec(title)) at = m.index;
    return at < 0 ? title : title.slice(0, at);
  };
  /** Characters of each frame's label text, split when first needed (a character is not a UTF-16 unit). */
  let chars: (string[] | undefined)[] = [];
  const glyph = cfg.fontSize * cfg.fontWidth;
  let indexed = false;
  /**
   * A rect's outline: corners of radius 2 on a frame a pixel wide or more, square on a narrower
   * one, as #frames' stylesheet draws them (svg.ts). It starts at the rect's own x
   * and y, then moves to where the first corner ends, so the frame an outline is for reads from it.
   */
  const outline = (x: string, y: string, w: number, h: number): string => {
    if (!(w >= 1)) return `M${x} ${y}h${w}v${h}h${-w}z`;
    const rx = Math.min(2, w / 2);
    const ry = Math.min(2, h / 2);
    const a = `a${rx} ${ry} 0 0 1 `;
    return `M${x} ${y}m${rx} 0h${w - 2 * rx}${a}${rx} ${ry}v${h - 2 * ry}${a}${-rx} ${ry}h${2 * rx - w}${a}${-rx} ${-ry}v${2 * ry - h}${a}${rx} ${-ry}z`;
  };

  const index: FrameIndex = {
    count: 0,
    items: [],
    rects: [],
    x0: new Float64Array(0),
    w0: new Float64Array(0),
    depth: new Int32Array(0),
    parent: new Int32Array(0),
    end: new Int32Array(0),
    fills: [],
    outlines: [],
    names: [],
    nameId: new Int32Array(0),
    distinctNames: [],
    tooltips: [],
    root: -1,
    frameOf: new Map(),
    ensure(): void {
      if (indexed) return;
      indexed = true;
      const { items, rects } = index;
      for (let el = framesGroup.firstElementChild; el; el = el.nextElementSibling) {
        const rect = el.localName === 'rect' ? el : el.localName === 'g' ? el.querySelector('rect') : null;
        if (!rect) continue;
        items.push(el);
        rects.push(rect as SVGRectElement);
      }
      const count = (index.count = items.length);
      const x0 = (index.x0 = new Float64Array(count));
      const w0 = (index.w0 = new Float64Array(count));
      const depth = (index.depth = new Int32Array(count));
      const fills = (index.fills = new Array<string>(count));
      const outlines = (index.outlines = new Array<string>(count));
      const nameId = (index.nameId = new Int32Array(count));
      const distinct = new Map<string, number>();
      const names = (index.names = new Array<string>(count));
      chars = new Array<string[] | undefined>(count);
      const text = framesGroup.ownerDocument.getElementById(cfg.frameData)?.textContent;
      const data = (text ? JSON.parse(text) : {}) as { start?: number[]; width?: number[]; tooltip?: string[] };
      const tooltips = (index.tooltips = data.tooltip ?? []);
      let root = -1;
      for (let i = 0; i < count; i++) {
        const rect = rects[i]!;
        x0[i] = data.start?.[i] ?? 0;
        w0[i] = data.width?.[i] ?? 0;
        const y = rect.getAttribute('y') ?? '0';
        outlines[i] = outline(rect.getAttribute('x') ?? '0', y, Number(rect.getAttribute('width')), Number(rect.getAttribute('height')));
        depth[i] = Math.round((Number(y) - cfg.yBase) / cfg.yStep);
        fills[i] = rect.getAttribute('fill') ?? '';
        const name = (names[i] = rect.getAttributeNS(cfg.ns, 'n') ?? nameOf(tooltips[i] ?? ''));
        let id = distinct.get(name);
        if (id === undefined) distinct.set(name, (id = distinct.size));
        nameId[i] = id;
        index.frameOf.set(items[i]!, i);
        if (depth[i] === 0 && (root < 0 || w0[i]! > w0[root]!)) root = i;
      }
      index.root = root;
      index.distinctNames = Array.from(distinct.keys());
      // Callers, and where each frame's callees end: the frames still open on a stack, the innermost last.
      const parent = (index.parent = new Int32Array(count));
      const end = (index.end = new Int32Array(count));
      const open: number[] = [];
      for (let i = 0; i < count; i++) {
        while (open.length > 0 && depth[open[open.length - 1]!]! >= depth[i]!) end[open.pop()!] = i;
        parent[i] = open.length > 0 ? open[open.length - 1]! : -1;
        open.push(i);
      }
      for (const i of open) end[i] = count;
    },
    labelFor(i: number, width: number): string {
      const fit = Math.floor(width / glyph);
      if (fit < 3) return '';
      const c = chars[i] ?? (chars[i] = Array.from(i === index.root ? 'all' : index.names[i]!));
      if (fit >= c.length) return c.join('');
      return c.slice(0, fit - 2).join('') + '..';
    },
  };
  return index;
}
