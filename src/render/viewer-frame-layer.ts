/// <reference lib="dom" />
// The frames' layer of their own: part of the script embedded in every SVG
// (viewer.ts embeds this function's source beside its own: it may use nothing
// from outside its body but its arguments). The script comes before the frames
// in the document (svg.ts), and this runs while the page is still being read.
//
// Drawn as one layer with the rest of the page, the frames are painted again at
// any change to the page (a search's highlight, Matched %, a button, a zoom's
// copies): the browser replays each frame's recorded drawing (25,000 of them: 7
// ms) and hands them all to the compositor (5 ms more). In a layer of their own
// (an <svg> in a <foreignObject> over their band of the canvas, composited),
// untouched by a search or a zoom, they are neither. They are moved into it as
// they arrive, before the browser has styled any of them: moved once drawn, every
// frame would be styled and laid out again. (As an image, or where a policy
// blocks the script, the frames stay as written: the drawing is the same.)

import type { ViewerConfig } from './viewer-config.js';

/** Makes the frames' layer, and moves #frames into it as soon as the document has it. */
export function ownFrameLayer(cfg: ViewerConfig): void {
  const doc = document;
  const root = doc.documentElement;
  if (!(root instanceof SVGSVGElement) || typeof MutationObserver !== 'function') return;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  // The frames' band, a little larger for their outlines, the canvas wide. Over the title or the details line
  // (outside it), the pointer then reaches no frame's box: hit tests there skip every frame.
  const box = [['x', 0], ['y', cfg.plotTop - 2], ['width', root.viewBox.baseVal.width], ['height', cfg.plotBottom - cfg.plotTop + 4]] as const;
  const wrapper = doc.createElementNS(SVG_NS, 'foreignObject');
  for (const [k, v] of box) wrapper.setAttribute(k, String(v));
  const layer = doc.createElementNS(SVG_NS, 'svg');
  layer.id = 'frames-layer'; // (viewer-layers.ts finds it by this id)
  layer.setAttribute('viewBox', box.map(([, v]) => v).join(' '));
  layer.setAttribute('width', String(box[2][1]));
  layer.setAttribute('height', String(box[3][1]));
  layer.style.cssText = 'display:block; overflow:visible; will-change:transform';
  // The pointer passes through the layer's box to what is beneath it (the buttons); the frames take it.
  wrapper.style.pointerEvents = 'none';
  wrapper.appendChild(layer);

  const adopt = (): boolean => {
    const frames = doc.getElementById('frames');
    if (!frames || frames.parentNode !== root) return false;
    frames.style.pointerEvents = 'auto';
    frames.style.cursor = 'pointer'; // (the stylesheet sets it on the frame under the pointer, with its outline)
    // Their own box: hit tests over the band between frames (the layer spans the plot's width) skip every frame.
    frames.style.clipPath = 'inset(-2px)';
    frames.before(wrapper);
    layer.appendChild(frames); // the parser goes on adding frames to it there
    return true;
  };
  // Mutation callbacks run at the end of the task that parsed the element, before the browser renders.
  const observer = new MutationObserver(() => {
    if (adopt()) observer.disconnect();
  });
  observer.observe(root, { childList: true });
  wrapper.style.contentVisibility = 'hidden';
  doc.addEventListener('DOMContentLoaded', () => {
    observer.disconnect();
    wrapper.style.contentVisibility = '';
  }, { once: true });
}
