/// <reference lib="dom" />
// What the viewer shows: the frames as written (#frames, #labels), or, while
// zoomed, light copies of the frames in view (#zoom); and the search's
// colours on whichever is shown. Part of the script embedded in every SVG (viewer.ts
// embeds this function's source beside its own: it may use nothing from
// outside its body but its arguments).
//
// The frames as written are never changed or resized. A zoom draws copies of
// the frames in view (rect and label, inside the <g> and link of a frame
// that has them; the tooltip is made when the pointer reaches a copy) into
// #zoom, and hides #frames: in their layer of their own (viewer-frame-layer.ts),
// under a cover filled as the background, which takes the pointer too, so that
// their layer is neither painted nor composited again; left in the page (no
// layer), by changing their clip to nothing: one property of one element,
// which restyles none of its frames, and which the pointer respects too.
// The copies for the frame under the pointer are made while it rests there,
// a few milliseconds at a time, so that its click only has to show them:
// making 1,700 elements took about half of a zoom's time.
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
  /** The frame a child of #zoom is a copy of; undefined for any other element. */
  frameOfCopy(item: Element): number | undefined;
  /** Shows frame `target` full width, its ancestors above (or below) it and the frames inside it scaled alike. */
  zoom(target: number): void;
  /** Starts building, while the browser is idle, what zoom(target) shows (for the frame under the pointer). */
  buildAhead(target: number): void;
  /** Builds now, in full, what zoom(target) shows, and puts it in the page hidden (a press on the frame: its click follows). */
  prepare(target: number): void;
  /** The path data of the highlight of the frames `matching` marks (what a search over the whole graph draws). */
  highlightPath(matching: Uint8Array): string;
  /** Shows the whole graph again. */
  unzoom(): void;
  /** Colours the frames shown by `matching`, touching only those whose colour changes. */
  recolour(): void;
  /** Outlines `item` (a child of #frames) while the pointer is on it, or no frame (null). */
  hover(item: Element | null): void;
}

export function frameLayers(cfg: ViewerConfig, framesGroup: SVGGElement, index: FrameIndex): FrameLayers {
  const doc = framesGroup.ownerDocument;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  // The clip is there from the start, so that hiding the frames changes its value, not the page's structure;
  // shown, it is the frames' own box (and their outlines): the pointer anywhere else, over a button say, is
  // then not tested against each frame. A browser without clip-path on SVG hides them with display instead
  // (slower, as it restyles every frame).
  const clips = typeof CSS !== 'undefined' && CSS.supports('clip-path', 'inset(50%)');
  const labels = doc.getElementById('labels') as SVGGElement | null;
  /** The cover that hides the frames while zoomed, when they are in a layer of their own (viewer-frame-layer.ts); else null. */
  const frameLayer = doc.getElementById('frames-layer');
  const cover = coverFor(frameLayer);
  /** What is drawn just under the highlight and the labels: #frames, or the element holding their layer. */
  const drawn = cover ? (frameLayer!.parentNode as Element) : framesGroup;
  let highlight: SVGPathElement | null = null;
  const showFrames = (show: boolean): void => {
    if (cover) cover.style.display = show ? 'none' : '';
    else if (clips) framesGroup.style.clipPath = show ? 'inset(-2px)' : 'inset(50%)';
    else framesGroup.style.display = show ? '' : 'none';
    // The labels and the highlight are few elements: hiding them restyles little.
    if (labels) labels.style.display = show ? '' : 'none';
    if (highlight) highlight.style.display = show ? '' : 'none';
  };
  showFrames(true);

  /**
   * The outline of the frame under the pointer, when the frames have a layer of their own: drawn
   * over them (as the stylesheet outlines a frame not moved, or a zoom's copy), since a change of
   * a frame's own style would have the browser paint their layer, every frame of it, again.
   */
  let outline: SVGRectElement | null = null;
  const hover = (item: Element | null): void => {
    if (!cover) return;
    const rect = item && item.parentNode === framesGroup ? (item.localName === 'rect' ? item : item.querySelector('rect')) : null;
    if (!rect) {
      if (outline) outline.style.display = 'none';
      return;
    }
    if (!outline) {
      outline = doc.createElementNS(SVG_NS, 'rect');
      outline.id = 'frame-outline';
      outline.setAttribute('fill', 'none');
      outline.setAttribute('stroke', 'black');
      outline.setAttribute('stroke-width', '0.5');
      outline.setAttribute('pointer-events', 'none');
      outline.setAttribute('rx', '2');
      outline.setAttribute('ry', '2');
      if (labels) labels.before(outline);
      else drawn.after(outline);
    }
    for (const k of ['x', 'y', 'width', 'height']) outline.setAttribute(k, rect.getAttribute(k) ?? '0');
    outline.style.display = '';
  };

  /**
   * A cover for the frames in their own layer (`layer`, the <svg> in a <foreignObject> they were
   * moved into): their band, filled as the background, over them (and under the zoom's copies),
   * shown while zoomed, so that the frames' layer stays as drawn (hidden by a change to its clip
   * or opacity, it would be drawn anew or composited anew). Null when they stayed in the page.
   */
  function coverFor(layer: Element | null): SVGElement | null {
    const wrapper = layer?.parentNode as Element | null;
    const root = doc.documentElement as Element as SVGSVGElement;
    const background = doc.getElementById('background');
    if (!wrapper || framesGroup.parentNode !== layer || !background) return null;
    // The background's gradient spans the canvas: the cover's spans it too, so each pixel it covers looks the same.
    const gradient = background.cloneNode(true) as Element;
    gradient.id = 'frames-cover-fill';
    gradient.setAttribute('gradientUnits', 'userSpaceOnUse');
    gradient.setAttribute('y1', '0');
    gradient.setAttribute('y2', String(root.viewBox.baseVal.height));
    background.after(gradient);
    const rect = doc.createElementNS(SVG_NS, 'rect');
    rect.id = 'frames-cover';
    for (const k of ['x', 'y', 'width', 'height']) rect.setAttribute(k, wrapper.getAttribute(k) ?? '0');
    rect.setAttribute('fill', 'url(#frames-cover-fill)');
    wrapper.after(rect);
    return rect;
  }

  // The copies look like the frames: every rule for #frames (hover outline, corners, --stroke-color) applies to each
  // layer of copies (class "copies": the one shown is #zoom, one built ahead is hidden), whether shown or not.
  for (const sheet of Array.from(doc.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) {
        if (rule instanceof CSSStyleRule && /#frames\b/.test(rule.selectorText)) {
          sheet.insertRule(rule.cssText.replace(/#frames\b/g, '.copies'), sheet.cssRules.length);
        }
      }
    } catch {
      // a sheet the page may not read; ours is inline and always readable
    }
  }

  /** The path data outlining the frames `matching` marks. */
  const highlightPath = (matching: Uint8Array): string => {
    const { outlines, count } = index;
    const parts: string[] = [];
    for (let i = 0; i < count; i++) if (matching[i]) parts.push(outlines[i]!);
    return parts.join('');
  };
  /** Outlines the frames that match in one path. */
  const drawHighlight = (): void => {
    const d = highlightPath(layers.matching);
    if (d === '') {
      highlight?.remove();
      highlight = null;
      return;
    }
    if (!highlight) {
      highlight = doc.createElementNS(SVG_NS, 'path');
      highlight.id = 'highlight';
      highlight.setAttribute('fill', cfg.searchColor);
      highlight.setAttribute('pointer-events', 'none');
      drawn.after(highlight);
    }
    highlight.setAttribute('d', d);
  };

  /**
   * A zoom's layer (#zoom): the copies of the frames in view, built frame by frame (`next` is the
   * first of `frames` not copied yet), and which of them show a match. The copies are found again
   * in the layer (each child says which frame it is in data-frame) rather than held here: held,
   * each copy's wrapper would outlive the build and be copied by every collection during it.
   */
  interface ZoomBuild {
    target: number;
    layer: SVGGElement;
    /** The target's depth: a frame in view above it (or below, inverted) is an ancestor, drawn full width and faded. */
    depth: number;
    /** Per frame in view, in drawing order: its index, and its x and width in pixels. */
    frames: number[];
    xs: number[];
    widths: number[];
    next: number;
    lit: Set<number>;
  }
  /** The layer shown while zoomed; a layer being built ahead for the frame under the pointer. */
  let shownBuild: ZoomBuild | null = null;
  let ahead: ZoomBuild | null = null;
  /**
   * The next step of building ahead, run as a task of its own (a message to this channel): between
   * frames, after input, whether or not the browser has idle time.
   */
  const steps = typeof MessageChannel === 'function' ? new MessageChannel() : null;
  let nextStep: (() => void) | null = null;
  if (steps) {
    steps.port1.onmessage = () => {
      const step = nextStep;
      nextStep = null;
      step?.();
    };
  }
  const postStep = (step: () => void): void => {
    nextStep = step;
    steps!.port2.postMessage(0);
  };

  /**
   * Which frames a zoom on `target` shows, where, and how wide (no element is touched): its callers,
   * full width, and the frames drawn on it, scaled as it is, in drawing order.
   */
  const startBuild = (target: number): ZoomBuild => {
    const { x0, w0, depth, parent, end } = index;
    const lo = x0[target]!;
    const ratio = cfg.plotWidth / w0[target]!;
    const frames: number[] = [];
    for (let p = parent[target]!; p >= 0; p = parent[p]!) frames.push(p);
    frames.reverse();
    const xs: number[] = frames.map(() => cfg.xpad);
    const widths: number[] = frames.map(() => cfg.plotWidth);
    for (let i = target; i < end[target]!; i++) {
      frames.push(i);
      xs.push(cfg.xpad + (x0[i]! - lo) * ratio);
      widths.push(w0[i]! * ratio);
    }
    const d = depth[target]!;
    const layer = doc.createElementNS(SVG_NS, 'g');
    layer.classList.add('copies');
    return { target, layer, depth: d, frames, xs, widths, next: 0, lit: new Set() };
  };

  /** Appends to `layer` a copy of frame i drawn at x, `width` pixels wide, its label fitted to it. */
  const copyFrame = (b: ZoomBuild, layer: Element, i: number, x: number, width: number, parent: boolean): void => {
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
      b.lit.add(i);
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
    // Which frame a copy shows: for the viewer (frameOfCopy, recolour) and whoever reads the page.
    top.setAttribute('data-frame', String(i));
  };

  /** Copies frames of `b` into its layer until done, or until `more()` says stop. */
  const buildSome = (b: ZoomBuild, more: () => boolean): void => {
    const { frames, xs, widths, layer } = b;
    while (b.next < frames.length) {
      const k = b.next++;
      const i = frames[k]!;
      copyFrame(b, layer, i, xs[k]!, widths[k]!, index.depth[i]! < b.depth);
      if ((b.next & 63) === 0 && !more()) return;
    }
  };

  /** Stops building ahead, and takes a layer built ahead out of the page. */
  const cancelAhead = (): void => {
    nextStep = null;
    ahead?.layer.remove();
    ahead = null;
  };
  /**
   * Builds the layer of a zoom on `target` (the frame under the pointer) from the next frame on, a
   * few milliseconds at a time, and once built, puts it in the page hidden, so that the browser
   * styles and lays it out then: the click only has to show it. (Without clip-path, a zoom builds
   * its layer when clicked.) Each step is a task of its own rather than an idle callback: a busy page
   * (a frame's work taking most of each frame, or a machine with every core taken) may have no idle
   * time for a while, and then built nothing ahead. Waiting for idle time, on W2's SVG at load 5-7 on
   * two cores, the 1,723 copies of a second-level frame were not in the page two frames after the
   * pointer came to rest on it in 1 to 4 runs of 10, and their click then took 46 ms of CPU, not 16.
   */
  const buildAhead = (target: number): void => {
    if (ahead?.target === target || shownBuild?.target === target || !steps || !clips) return;
    cancelAhead();
    const b = startBuild(target);
    ahead = b;
    const step = (): void => {
      if (ahead !== b || b.layer.parentNode) return; // (a press may have finished it: prepare)
      const until = performance.now() + 4;
      buildSome(b, () => performance.now() < until);
      if (b.next < b.frames.length) {
        postStep(step);
        return;
      }
      placeHidden(b);
    };
    // After the frame that shows the hover (its outline, the details line).
    requestAnimationFrame(() => {
      if (ahead === b) postStep(step);
    });
  };
  /**
   * A press on frame `target`: its click (the release) comes next, a tenth of a second later for a
   * person's click, so what it shows is built now and put in the page hidden, to be styled and laid
   * out before the release rather than after it.
   */
  const prepare = (target: number): void => {
    if (shownBuild?.target === target || !clips) return;
    if (ahead?.target !== target) {
      cancelAhead();
      ahead = startBuild(target);
    }
    nextStep = null;
    const b = ahead;
    buildSome(b, () => true);
    if (!b.layer.parentNode) placeHidden(b);
  };
  /** Puts a layer built ahead in the page, hidden by its clip: the browser styles, lays out and paints it, unseen. */
  const placeHidden = (b: ZoomBuild): void => {
    b.layer.style.clipPath = 'inset(50%)';
    place(b.layer);
  };
  /** Where a layer of copies goes: over the frames, their highlight and their labels. */
  const place = (layer: Element): void => {
    (labels ?? highlight ?? drawn).after(layer);
  };

  const dropZoomLayer = (): void => {
    shownBuild?.layer.remove();
    shownBuild = null;
  };

  const layers: FrameLayers = {
    zoomed: -1,
    matching: new Uint8Array(0),
    // (The viewer set data-frame on each child of the layer, over any the frame's own <g> had: --nameattr.)
    frameOfCopy: (item: Element): number | undefined =>
      shownBuild && item.parentNode === shownBuild.layer ? Number(item.getAttribute('data-frame')) : undefined,
    zoom(target: number): void {
      dropZoomLayer();
      layers.zoomed = target;
      if (layers.matching.length !== index.count) layers.matching = new Uint8Array(index.count);
      const b = ahead?.target === target ? ahead : startBuild(target);
      if (b === ahead) ahead = null; // taken: cancelAhead leaves it in the page
      cancelAhead();
      buildSome(b, () => true);
      shownBuild = b;
      layers.recolour(); // a layer built ahead shows the search as it was then
      b.layer.id = 'zoom';
      if (b.layer.parentNode) b.layer.style.clipPath = 'inset(-2px)'; // a new value, as for #frames
      else place(b.layer);
      showFrames(false);
    },
    buildAhead,
    prepare,
    highlightPath,
    hover,
    unzoom(): void {
      layers.zoomed = -1;
      dropZoomLayer();
      showFrames(true);
      layers.recolour();
    },
    recolour(): void {
      const { matching } = layers;
      const { fills } = index;
      if (shownBuild) {
        const { frames, lit, layer } = shownBuild;
        /** The copies, in the order of `frames`: looked up once, and only when one's colour changes. */
        let tops: Element[] | null = null;
        for (let k = 0; k < frames.length; k++) {
          const i = frames[k]!;
          if ((matching[i] === 1) === lit.has(i)) continue;
          tops ??= Array.from(layer.querySelectorAll(':scope > [data-frame]'));
          const top = tops[k]!;
          const rect = top.localName === 'rect' ? top : top.querySelector('rect')!;
          rect.setAttribute('fill', matching[i] ? cfg.searchColor : fills[i]!);
          if (matching[i]) lit.add(i);
          else lit.delete(i);
        }
        return;
      }
      drawHighlight();
    },
  };
  return layers;
}
