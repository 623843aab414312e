/// <reference lib="dom" />
// The script embedded in every SVG: click to zoom, reset, search by regular
// expression, an ignore-case toggle, tooltips, and the zoom and search state
// kept in the page's URL. The SVG writer embeds the source of this function
// and of its parts (`viewerSource()`), called with a JSON config; they are
// self-contained and never build markup from strings, so frame names cannot
// turn into script. The parts, each a function given what it needs:
// - viewer-frame-layer.ts: the frames' layer of their own, which takes them as
//   the document is read (the script comes before them);
// - viewer-index.ts: the frames, indexed once when the browser is idle;
// - viewer-layers.ts: the frames shown (as written, or zoomed copies) and the search's colours on them;
// - viewer-search.ts: which frames match, and Matched %.
//
// A frame is its rect (and label): its exact start and width in samples and
// its tooltip are in one JSON text after the frames, so zooming and the Matched
// percentage work on sample counts, not on pixel values rounded to 0.1, and
// the <title> the browser shows is made when the pointer first reaches a
// frame. Loading parses and styles one element per frame, not a group, a title
// and its text besides. A frame whose tooltip was replaced (--nameattr title)
// carries its name in `fg:n`.

import type { ViewerConfig } from './viewer-config.js';
import { frameIndex } from './viewer-index.js';
import { frameLayers } from './viewer-layers.js';
import { frameSearch } from './viewer-search.js';
import { ownFrameLayer } from './viewer-frame-layer.js';

export type { ViewerConfig };

/** The parts the viewer is made of, passed in as functions so that their sources embed beside its own. */
export interface ViewerParts {
  frameIndex: typeof frameIndex;
  frameLayers: typeof frameLayers;
  frameSearch: typeof frameSearch;
  ownFrameLayer: typeof ownFrameLayer;
}

export function flamegraphViewer(cfg: ViewerConfig, parts: ViewerParts): void {
  const doc = document;
  if (doc.readyState === 'loading') {
    // The script comes before the frames (svg.ts): their layer takes them as they are read, and the rest starts
    // once the whole document is.
    parts.ownFrameLayer(cfg);
    doc.addEventListener('DOMContentLoaded', () => flamegraphViewer(cfg, parts), { once: true });
    return;
  }
  const byId = (id: string): Element | null => doc.getElementById(id);
  const framesGroup = byId('frames') as SVGGElement | null;
  const details = byId('details');
  const unzoomBtn = byId('unzoom');
  const searchBtn = byId('search');
  const icBtn = byId('ignorecase');
  const matchedTxt = byId('matched');
  if (!framesGroup || !details || !unzoomBtn || !searchBtn || !icBtn || !matchedTxt) return;
  const index = parts.frameIndex(cfg, framesGroup);
  const layers = parts.frameLayers(cfg, framesGroup, index);
  const finder = parts.frameSearch(index);
  let term: string | null = null;
  let ignoreCase = false;

  // URL state: x (start in samples) and d (depth) of the zoomed frame, s (search), i (ignore case).
  const saveState = (): void => {
    const params = new URLSearchParams(location.search);
    for (const k of ['x', 'd', 's', 'i']) params.delete(k);
    const z = layers.zoomed;
    if (z >= 0) {
      params.set('x', String(index.x0[z]));
      params.set('d', String(index.depth[z]));
    }
    if (term !== null) params.set('s', term);
    if (ignoreCase) params.set('i', '1');
    const query = params.toString();
    try {
      history.replaceState(history.state, '', location.pathname + (query ? '?' + query : '') + location.hash);
    } catch {
      // some viewers (file: URLs in some browsers, sandboxed frames) refuse; the graph still works
    }
  };

  // The URL is written once the answer to a click or a search is on screen: a same-document
  // navigation costs Chromium 5-10 ms on a large graph, which the next paint need not wait for.
  // (A page whose frames never come, such as a background tab, writes it after a quarter second.)
  let saveQueued = false;
  const saveSoon = (): void => {
    if (saveQueued) return;
    saveQueued = true;
    const run = (): void => {
      if (!saveQueued) return;
      saveQueued = false;
      saveState();
    };
    requestAnimationFrame(() => setTimeout(run, 0));
    setTimeout(run, 250);
  };

  const showMatched = (): void => {
    const z = layers.zoomed;
    const pct = finder.matchedShare(layers.matching, z >= 0 ? z : index.root, z >= 0);
    matchedTxt.classList.remove('hide');
    matchedTxt.textContent = 'Matched: ' + (pct === 100 ? '100' : pct.toFixed(1)) + '%';
  };
  const zoom = (target: number): void => {
    if (target === index.root) {
      unzoom();
      return;
    }
    layers.zoom(target);
    unzoomBtn.classList.remove('hide');
    if (term !== null) showMatched(); // the copies were drawn in their colours
    saveSoon();
  };
  const unzoom = (): void => {
    layers.unzoom();
    unzoomBtn.classList.add('hide');
    if (term !== null) showMatched();
    saveSoon();
  };

  const search = (t: string): void => {
    let re: RegExp;
    try {
      re = new RegExp(t, ignoreCase ? 'i' : '');
    } catch {
      matchedTxt.classList.remove('hide');
      matchedTxt.textContent = 'Invalid regexp';
      return;
    }
    index.ensure();
    term = t;
    if (layers.matching.length !== index.count) layers.matching = new Uint8Array(index.count);
    finder.match(re, layers.matching);
    layers.recolour();
    searchBtn.classList.add('show');
    searchBtn.textContent = 'Reset Search';
    showMatched();
    saveSoon();
  };
  const resetSearch = (): void => {
    term = null;
    layers.matching.fill(0);
    layers.recolour();
    searchBtn.classList.remove('show');
    searchBtn.textContent = 'Search';
    matchedTxt.classList.add('hide');
    matchedTxt.textContent = ' ';
    saveSoon();
  };
  const promptSearch = (): void => {
    const answer = prompt('Search for frames matching a regular expression (eg: ^ext4_)' +
      (ignoreCase ? ', ignoring case' : '') + '\nCtrl-I toggles case sensitivity', term ?? '');
    if (answer !== null && answer !== '') search(answer);
  };
  const toggleIgnoreCase = (): void => {
    ignoreCase = !ignoreCase;
    icBtn.classList.toggle('show', ignoreCase);
    if (term !== null) search(term);
    else saveSoon();
  };

  /**
   * Runs a search's arithmetic once on scratch data while the browser is idle, changing nothing
   * shown: the first search then runs compiled code (its first run took 5-10 ms more on 25,000 frames).
   */
  const warmUp = (): void => {
    const scratch = new Uint8Array(index.count);
    finder.match(/e/, scratch);
    finder.matchedShare(scratch, index.root, false);
    layers.highlightPath(scratch);
  };

  /** The frame's element an event is on (a child of #frames, or a copy in #zoom), and its rect. */
  const frameElement = (target: EventTarget | null): { item: Element; rect: Element } | null => {
    const item = target instanceof Element ? target.closest('#frames > *, #zoom > *') : null;
    const rect = item && (item.localName === 'rect' ? item : item.querySelector('rect'));
    return item && rect ? { item, rect } : null;
  };
  /** The frame an event is on. */
  const frameAt = (target: EventTarget | null): number | undefined => {
    const el = frameElement(target);
    if (!el) return undefined;
    index.ensure();
    return layers.frameOfCopy(el.item) ?? index.frameOf.get(el.item);
  };
  /** The tooltip of the frame an event is on; its <title>, for the browser's own tooltip, is made when first reached. */
  const titleOf = (target: EventTarget | null): string | null => {
    const el = frameElement(target);
    const i = el ? frameAt(el.rect) : undefined;
    if (!el || i === undefined) return null;
    const text = index.tooltips[i] ?? '';
    if (!el.rect.firstElementChild) el.rect.appendChild(doc.createElementNS('http://www.w3.org/2000/svg', 'title')).textContent = text;
    return text;
  };

  doc.addEventListener('click', (e) => {
    const f = frameAt(e.target);
    if (f !== undefined) zoom(f);
    else if (e.target === unzoomBtn) unzoom();
    else if (e.target === searchBtn) {
      if (term !== null) resetSearch();
      else promptSearch();
    } else if (e.target === icBtn) toggleIgnoreCase();
  });
  doc.addEventListener('mouseover', (e) => {
    const title = titleOf(e.target);
    if (title === null) return;
    layers.hover(frameElement(e.target)?.item ?? null);
    details.textContent = cfg.nameType + ' ' + title;
    // What a click on this frame would show is made while the pointer rests on it.
    const f = frameAt(e.target);
    if (f !== undefined && f !== index.root && f !== layers.zoomed) layers.buildAhead(f);
  });
  doc.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const f = frameAt(e.target);
    if (f !== undefined && f !== index.root && f !== layers.zoomed) layers.prepare(f);
  });
  doc.addEventListener('mouseout', (e) => {
    if (!frameElement(e.target)) return;
    details.textContent = ' ';
    layers.hover(null);
  });
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'F3' || (e.ctrlKey && (e.key === 'f' || e.key === 'F'))) {
      e.preventDefault();
      promptSearch();
    } else if (e.ctrlKey && (e.key === 'i' || e.key === 'I')) {
      e.preventDefault();
      toggleIgnoreCase();
    } else if (e.key === 'Escape') {
      if (layers.zoomed >= 0) unzoom();
      else if (term !== null) resetSearch();
    }
  });

  // Restore the state a shared URL carries; without one, index the frames once the browser is idle.
  const params = new URLSearchParams(location.search);
  if (params.get('i') === '1') {
    ignoreCase = true;
    icBtn.classList.add('show');
  }
  const zx = params.get('x');
  const zd = params.get('d');
  const s = params.get('s');
  if ((zx !== null && zd !== null) || s) {
    index.ensure();
    if (zx !== null && zd !== null) {
      for (let i = 0; i < index.count; i++) {
        if (String(index.x0[i]) === zx && String(index.depth[i]) === zd) {
          zoom(i);
          break;
        }
      }
    }
    if (s) search(s);
  } else if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(() => {
      index.ensure();
      requestIdleCallback(warmUp);
    }, { timeout: 2000 });
  } else {
    setTimeout(() => index.ensure(), 200);
  }
}

/** The viewer as script text, called with its config and its parts. */
export function viewerSource(config: ViewerConfig, json: (v: unknown) => string): string {
  // Named here, not by each function's .name, which a bundler may rename.
  const parts = Object.entries({ frameIndex, frameLayers, frameSearch, ownFrameLayer } satisfies ViewerParts).map(([k, f]) => `${k}: ${f.toString()}`).join(',\n');
  return `(${flamegraphViewer.toString()})(${json(config)}, {\n${parts}\n});`;
}
