/// <reference lib="dom" />
// What the viewer shows: the frames as written (#frames, #labels), or, while
// zoomed, light copies of the frames in view (#zoom); and the search's
// colours on whichever is shown. Part of the script embedded in every SVG (viewer.ts
// embeds this function's source beside its own: it may use nothing from
// outside its body but its arguments).
//
// The frames as written are never moved or resized. A zoom draws copies of
// the frames in view (rect and label, inside the <g> and link of a frame
// that has them; the tooltip is made when the pointer reaches a copy) into
// #zoom, and hides #frames by changing its clip to nothing: one property of
// one element, which neither restyles nor repaints its frames, and which the
// pointer respects too. Work and paint follow the frames in view, not all of
// them.
//
// A search over the whole graph leaves the frames as written alone: it draws
// one path (#highlight, between the frames and their labels) in the search
// colour over the frames that match, each outlined as its rect is drawn. A
// change to tens of thousands of elements would have the browser restyle and
// repaint each; one path is one element to paint. While zoomed, the copies in
// view are recoloured instead (few, and made anew at each zoom).

import type { ViewerConfig } from './viewer-config.js';
import type { FrameIndex } from './viewer-index.js';

export interface FrameLayers {
  /** The frame drawn full width, or -1 when the whole graph is shown. */
  zoomed: number;
  /** Per frame: whether the search matches it (set by the search, then shown by recolour()). */
  matching: Uint8Array;
  /** Frame i of a child of #zoom. */
  frameOfCopy: Map<Element, number>;
  /** Shows frame `target` full width, its ancestors above (or below) it and the frames inside it scaled alike. */
  zoom(target: number): void;
  /** Shows the whole graph again. */
  unzoom(): void;
  /** Colours the frames shown by `matching`, touching only those whose colour changes. */
  recolour(): void;
}

export function frameLayers(cfg: ViewerConfig, framesGroup: SVGGElement, index: FrameIndex): FrameLayers {
  const doc = framesGroup.ownerDocument;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  // The clip is there from the start, so that hiding the frames changes its value, not the page's structure.
  // A browser without clip-path on SVG hides them with display instead (slower, as it restyles every frame).
  const clips = typeof CSS !== 'undefined' && CSS.supports('clip-path', 'inset(50%)');
  const labels = doc.getElementById('labels') as SVGGElement | null;
  let highlight: SVGPathElement | null = null;
  const showFrames = (show: boolean): void => {
    if (clips) framesGroup.style.clipPath = show ? 'inset(-100000px)' : 'inset(50%)';
    else framesGroup.style.display = show ? '' : 'none';
    // The labels and the highlight are few elements: hiding them restyles little.
    if (labels) labels.style.display = show ? '' : 'none';
    if (highlight) highlight.style.display = show ? '' : 'none';
  };
  showFrames(true);

  // The copies in #zoom look like the frames: every rule for #frames (hover outline, corners, --stroke-color) applies to #zoom too.
  for (const sheet of Array.from(doc.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) {
        if (rule instanceof CSSStyleRule && /#frames\b/.test(rule.selectorText)) {
          sheet.insertRule(rule.cssText.replace(/#frames\b/g, '#zoom'), sheet.cssRules.length);
        }
      }
    } catch {
      // a sheet the page may not read; ours is inline and always readable
    }
  }

  let zoomLayer: SVGGElement | null = null;
  /** While zoomed: the copied rect of each frame in view, and which of them show a match. */
  const copies = new Map<number, SVGRectElement>();
  const litCopies = new Set<number>();

  /** Outlines the frames that match in one path. */
  const drawHighlight = (): void => {
    const { matching } = layers;
    const { outlines, count } = index;
    const parts: string[] = [];
    for (let i = 0; i < count; i++) if (matching[i]) parts.push(outlines[i]!);
    if (parts.length === 0) {
      highlight?.remove();
      highlight = null;
      return;
    }
    if (!highlight) {
      highlight = doc.createElementNS(SVG_NS, 'path');
      highlight.id = 'highlight';
      highlight.setAttribute('fill', cfg.searchColor);
      highlight.setAttribute('pointer-events', 'none');
      framesGroup.after(highlight);
    }
    highlight.setAttribute('d', parts.join(''));
  };

  /** Appends to `layer` a copy of frame i drawn at x, `width` pixels wide, its label fitted to it. */
  const copyFrame = (layer: Element, i: number, x: number, width: number, parent: boolean): void => {
    const item = index.items[i]!;
    const original = index.rects[i]!;
    const rect = original.cloneNode(false) as SVGRectElement;
    // A frame with --nameattr attributes keeps its <g> and link around the copy; a plain frame is its rect.
    let top: Element = rect;
    let into: Element = layer;
    if (item !== original) {
      top = layer.appendChild(item.cloneNode(false) as Element);
      into = original.parentNode === item ? top : (top.appendChild(original.parentNode!.cloneNode(false)) as Element);
    }
    into.appendChild(rect);
    rect.setAttribute('x', x.toFixed(2));
    rect.setAttribute('width', width.toFixed(2));
    if (layers.matching[i] === 1) {
      rect.setAttribute('fill', cfg.searchColor);
      litCopies.add(i);
    }
    const label = index.labelFor(i, width);
    if (label !== '') {
      const text = doc.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', (x + 3).toFixed(2));
      text.setAttribute('y', String(Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) / 2 + 3));
      text.textContent = label;
      if (parent && top === rect) text.classList.add('parent');
      into.appendChild(text);
    }
    if (parent) top.classList.add('parent');
    // Which frame a copy shows, for whoever reads the page (the viewer keeps its own map).
    top.setAttribute('data-frame', String(i));
    copies.set(i, rect);
    layers.frameOfCopy.set(top, i);
  };

  const dropZoomLayer = (): void => {
    zoomLayer?.remove();
    zoomLayer = null;
    copies.clear();
    litCopies.clear();
    layers.frameOfCopy.clear();
  };

  const layers: FrameLayers = {
    zoomed: -1,
    matching: new Uint8Array(0),
    frameOfCopy: new Map(),
    zoom(target: number): void {
      dropZoomLayer();
      layers.zoomed = target;
      const { count, x0, w0, depth } = index;
      if (layers.matching.length !== count) layers.matching = new Uint8Array(count);
      const lo = x0[target]!;
      const hi = lo + w0[target]!;
      const eps = w0[target]! * 1e-9;
      const ratio = cfg.plotWidth / w0[target]!;
      const d = depth[target]!;
      const layer = doc.createElementNS(SVG_NS, 'g');
      layer.id = 'zoom';
      for (let i = 0; i < count; i++) {
        const x = x0[i]!;
        const w = w0[i]!;
        if (depth[i]! < d) {
          if (x <= lo + eps && x + w >= hi - eps) copyFrame(layer, i, cfg.xpad, cfg.plotWidth, true);
        } else if (i === target || (x >= lo - eps && x + w <= hi + eps && x < hi - eps)) {
          copyFrame(layer, i, cfg.xpad + (x - lo) * ratio, w * ratio, false);
        }
      }
      (labels ?? highlight ?? framesGroup).after(layer);
      showFrames(false);
      zoomLayer = layer;
    },
    unzoom(): void {
      layers.zoomed = -1;
      dropZoomLayer();
      showFrames(true);
      layers.recolour();
    },
    recolour(): void {
      const { matching } = layers;
      const { fills } = index;
      if (layers.zoomed >= 0) {
        for (const [i, rect] of copies) {
          if ((matching[i] === 1) !== litCopies.has(i)) {
            rect.setAttribute('fill', matching[i] ? cfg.searchColor : fills[i]!);
            if (matching[i]) litCopies.add(i);
            else litCopies.delete(i);
          }
        }
        return;
      }
      drawHighlight();
    },
  };
  return layers;
}
