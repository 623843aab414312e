/// <reference lib="dom" />
// The script embedded in every SVG: click to zoom, reset, search by regular
// expression, an ignore-case toggle, tooltips, and the zoom and search state
// kept in the page's URL. The SVG writer embeds this function's source
// (`viewerSource()`), called with a JSON config; it is self-contained and
// never builds markup from strings, so frame names cannot turn into script.
//
// Geometry is exact: each frame carries its start and width in samples
// (`fg:x`, `fg:w`), so zooming and the Matched percentage work on sample
// counts, not on pixel values rounded to 0.1. A frame whose tooltip was
// replaced (--nameattr title) carries its name in `fg:n`.
//
// It answers at once however many frames the graph has (tens of thousands):
// - Loading runs almost nothing: the frames are indexed once, into flat
//   arrays, when the browser is idle after the first paint (or at the first
//   click or search before that).
// - The frames as written (`#frames`) are never moved or resized. A zoom draws
//   light copies of the frames in view (group, link, rect and label; the title
//   is copied when the pointer reaches it) into `#zoom`, and hides `#frames` by
//   changing its clip to nothing: one property of one element, which neither
//   restyles nor repaints its frames, and which the pointer respects too.
//   Work and paint follow the frames in view, not all of them.
// - A search recolours only the frames whose colour changes, in the layer that
//   is shown; the hidden one catches up when it is shown again.

/** What the viewer needs to know about the drawing. */
export interface ViewerConfig {
  /** Namespace of the fg:x / fg:w attributes. */
  ns: string;
  nameType: string;
  countName: string;
  fontSize: number;
  fontWidth: number;
  xpad: number;
  /** Width of the plot area in pixels. */
  plotWidth: number;
  /** depth = (rect y - yBase) / yStep. */
  yBase: number;
  yStep: number;
  searchColor: string;
}

export function flamegraphViewer(cfg: ViewerConfig): void {
  const doc = document;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const byId = (id: string): Element | null => doc.getElementById(id);
  const framesGroup = byId('frames') as SVGGElement | null;
  const details = byId('details');
  const unzoomBtn = byId('unzoom');
  const searchBtn = byId('search');
  const icBtn = byId('ignorecase');
  const matchedTxt = byId('matched');
  if (!framesGroup || !details || !unzoomBtn || !searchBtn || !icBtn || !matchedTxt) return;
  // The clip is there from the start, so that hiding the frames changes its value, not the page's structure.
  // A browser without clip-path on SVG hides them with display instead (slower, as it restyles every frame).
  const clips = typeof CSS !== 'undefined' && CSS.supports('clip-path', 'inset(50%)');
  const showFrames = (show: boolean): void => {
    if (clips) framesGroup.style.clipPath = show ? 'inset(-100000px)' : 'inset(50%)';
    else framesGroup.style.display = show ? '' : 'none';
  };
  showFrames(true);

  // The copies in #zoom look like the frames: every rule for #frames (hover outline, --stroke-color) applies to #zoom too.
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

  // A frame's parts: <g><title/>[<a>]<rect/>[<text/>][</a>]</g> (links from --nameattr wrap the rect and label).
  const rectOf = (g: Element): SVGRectElement | null => {
    let r = g.firstElementChild?.nextElementSibling ?? null;
    if (r && r.localName === 'a') r = r.firstElementChild;
    return r && r.localName === 'rect' ? (r as SVGRectElement) : (g.querySelector('rect') as SVGRectElement | null);
  };

  // The title is "NAME (N COUNTNAME, P%...)": the name is what precedes the last such suffix.
  const quoted = cfg.countName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const suffix = new RegExp(' \\(-?[\\d,]+ ' + quoted + ', ', 'g');
  const nameOf = (title: string): string => {
    let at = -1;
    suffix.lastIndex = 0;
    for (let m = suffix.exec(title); m; m = suffix.exec(title)) at = m.index;
    return at < 0 ? title : title.slice(0, at);
  };

  // The index: frame i is groups[i], with its geometry in samples, depth, own fill and name.
  let count = 0;
  const groups: Element[] = [];
  const rects: SVGRectElement[] = [];
  let x0 = new Float64Array(0);
  let w0 = new Float64Array(0);
  let depth = new Int32Array(0);
  let fills: string[] = [];
  let names: string[] = [];
  let chars: (string[] | undefined)[] = [];
  /** Search state per frame: whether it matches, and whether its rect in #frames shows it. */
  let matching = new Uint8Array(0);
  let litInFrames = new Uint8Array(0);
  let root = -1;
  const frameOfGroup = new Map<Element, number>();
  let indexed = false;
  const indexFrames = (): void => {
    if (indexed) return;
    indexed = true;
    for (const g of Array.from(framesGroup.children)) {
      const rect = rectOf(g);
      if (!rect || g.firstElementChild?.localName !== 'title') continue;
      groups.push(g);
      rects.push(rect);
    }
    count = groups.length;
    x0 = new Float64Array(count);
    w0 = new Float64Array(count);
    depth = new Int32Array(count);
    fills = new Array<string>(count);
    names = new Array<string>(count);
    chars = new Array<string[] | undefined>(count);
    matching = new Uint8Array(count);
    litInFrames = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const rect = rects[i]!;
      x0[i] = Number(rect.getAttributeNS(cfg.ns, 'x') ?? '0');
      w0[i] = Number(rect.getAttributeNS(cfg.ns, 'w') ?? '0');
      depth[i] = Math.round((Number(rect.getAttribute('y')) - cfg.yBase) / cfg.yStep);
      fills[i] = rect.getAttribute('fill') ?? '';
      names[i] = rect.getAttributeNS(cfg.ns, 'n') ?? nameOf(groups[i]!.firstElementChild!.textContent ?? '');
      frameOfGroup.set(groups[i]!, i);
      if (depth[i] === 0 && (root < 0 || w0[i]! > w0[root]!)) root = i;
    }
  };

  /** While zoomed: the frame shown full width, the copies drawn for the frames in view, and which of them show a match. */
  let zoomed = -1;
  let zoomLayer: SVGGElement | null = null;
  const copies = new Map<number, SVGRectElement>();
  const litCopies = new Set<number>();
  const frameOfCopy = new Map<Element, number>();
  let term: string | null = null;
  let ignoreCase = false;

  // Labels: as many characters as fit at the average glyph width, ".." when cut, none under three.
  const labelFor = (i: number, width: number): string => {
    const fit = Math.floor(width / (cfg.fontSize * cfg.fontWidth));
    if (fit < 3) return '';
    const c = chars[i] ?? (chars[i] = Array.from(i === root ? 'all' : names[i]!));
    if (fit >= c.length) return c.join('');
    return c.slice(0, fit - 2).join('') + '..';
  };

  /** A copy of frame i drawn at x, `width` pixels wide, its label fitted to it. */
  const copyFrame = (i: number, x: number, width: number, parent: boolean): Element => {
    const g = groups[i]!.cloneNode(false) as Element;
    if (parent) g.classList.add('parent');
    const rect = rects[i]!.cloneNode(false) as SVGRectElement;
    const link = rects[i]!.parentNode === groups[i] ? null : (rects[i]!.parentNode!.cloneNode(false) as Element);
    if (link) g.appendChild(link).appendChild(rect);
    else g.appendChild(rect);
    rect.setAttribute('x', x.toFixed(2));
    rect.setAttribute('width', width.toFixed(2));
    if ((matching[i] === 1) !== (litInFrames[i] === 1)) rect.setAttribute('fill', matching[i] ? cfg.searchColor : fills[i]!);
    if (matching[i]) litCopies.add(i);
    const label = labelFor(i, width);
    if (label !== '') {
      const text = doc.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', (x + 3).toFixed(2));
      text.setAttribute('y', String(Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) / 2 + 3));
      text.textContent = label;
      rect.after(text);
    }
    copies.set(i, rect);
    frameOfCopy.set(g, i);
    return g;
  };

  const dropZoomLayer = (): void => {
    zoomLayer?.remove();
    zoomLayer = null;
    copies.clear();
    litCopies.clear();
    frameOfCopy.clear();
  };

  // URL state: x (start in samples) and d (depth) of the zoomed frame, s (search), i (ignore case).
  const saveState = (): void => {
    const params = new URLSearchParams(location.search);
    for (const k of ['x', 'd', 's', 'i']) params.delete(k);
    if (zoomed >= 0) {
      params.set('x', rects[zoomed]!.getAttributeNS(cfg.ns, 'x') ?? '0');
      params.set('d', String(depth[zoomed]));
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

  const zoom = (target: number): void => {
    if (target === root) {
      unzoom();
      return;
    }
    dropZoomLayer();
    zoomed = target;
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
        if (x <= lo + eps && x + w >= hi - eps) layer.appendChild(copyFrame(i, cfg.xpad, cfg.plotWidth, true));
      } else if (i === target || (x >= lo - eps && x + w <= hi + eps && x < hi - eps)) {
        layer.appendChild(copyFrame(i, cfg.xpad + (x - lo) * ratio, w * ratio, false));
      }
    }
    framesGroup.after(layer);
    showFrames(false);
    zoomLayer = layer;
    unzoomBtn.classList.remove('hide');
    if (term !== null) showMatched(); // the copies were drawn in their colours
    saveState();
  };
  const unzoom = (): void => {
    zoomed = -1;
    dropZoomLayer();
    showFrames(true);
    showMatches();
    unzoomBtn.classList.add('hide');
    if (term !== null) showMatched();
    saveState();
  };

  /** Colours the frames shown (the copies while zoomed, else #frames) by `matching`, touching only those that change. */
  const showMatches = (): void => {
    if (zoomed >= 0) {
      for (const [i, rect] of copies) {
        if ((matching[i] === 1) !== litCopies.has(i)) {
          rect.setAttribute('fill', matching[i] ? cfg.searchColor : fills[i]!);
          if (matching[i]) litCopies.add(i);
          else litCopies.delete(i);
        }
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      if (matching[i] !== litInFrames[i]) {
        rects[i]!.setAttribute('fill', matching[i] ? cfg.searchColor : fills[i]!);
        litInFrames[i] = matching[i]!;
      }
    }
  };

  // Matched: the share of the samples in view that have a matching frame in their stack.
  const matchedShare = (): number => {
    const view = zoomed >= 0 ? zoomed : root;
    if (view < 0 || w0[view]! <= 0) return 0;
    const lo = x0[view]!;
    const hi = lo + w0[view]!;
    const spans: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      if (!matching[i]) continue;
      const x = x0[i]!;
      const w = w0[i]!;
      if (zoomed >= 0 && depth[i]! < depth[zoomed]!) {
        if (x <= lo && x + w >= hi) return 100; // an ancestor in view covers everything
        continue;
      }
      const a = Math.max(lo, x);
      const b = Math.min(hi, x + w);
      if (b > a) spans.push([a, b]);
    }
    spans.sort((p, q) => p[0] - q[0]);
    let covered = 0;
    let end = -Infinity;
    for (const [a, b] of spans) {
      if (b <= end) continue;
      covered += b - Math.max(a, end);
      end = b;
    }
    return (100 * covered) / w0[view]!;
  };

  const showMatched = (): void => {
    const pct = matchedShare();
    matchedTxt.classList.remove('hide');
    matchedTxt.textContent = 'Matched: ' + (pct === 100 ? '100' : pct.toFixed(1)) + '%';
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
    indexFrames();
    term = t;
    for (let i = 0; i < count; i++) matching[i] = re.test(names[i]!) ? 1 : 0;
    showMatches();
    searchBtn.classList.add('show');
    searchBtn.textContent = 'Reset Search';
    showMatched();
    saveState();
  };
  const resetSearch = (): void => {
    term = null;
    matching.fill(0);
    showMatches();
    searchBtn.classList.remove('show');
    searchBtn.textContent = 'Search';
    matchedTxt.classList.add('hide');
    matchedTxt.textContent = ' ';
    saveState();
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
    else saveState();
  };

  /** The frame an event is on: a frame of #frames, or a copy in #zoom. */
  const frameAt = (target: EventTarget | null): number | undefined => {
    const g = target instanceof Element ? target.closest('#frames > g, #zoom > g') : null;
    if (!g) return undefined;
    indexFrames();
    return frameOfCopy.get(g) ?? frameOfGroup.get(g);
  };
  /** The tooltip of the frame an event is on (a copy gets its frame's title, for the browser's own tooltip, when first reached). */
  const titleOf = (target: EventTarget | null): string | null => {
    const g = target instanceof Element ? target.closest('#frames > g, #zoom > g') : null;
    if (!g) return null;
    const i = frameOfCopy.get(g);
    const title = (i === undefined ? g : groups[i]!).firstElementChild;
    if (i !== undefined && title && g.firstElementChild?.localName !== 'title') g.prepend(title.cloneNode(true));
    return title?.textContent ?? '';
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
    if (title !== null) details.textContent = cfg.nameType + ' ' + title;
  });
  doc.addEventListener('mouseout', (e) => {
    if (titleOf(e.target) !== null) details.textContent = ' ';
  });
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'F3' || (e.ctrlKey && (e.key === 'f' || e.key === 'F'))) {
      e.preventDefault();
      promptSearch();
    } else if (e.ctrlKey && (e.key === 'i' || e.key === 'I')) {
      e.preventDefault();
      toggleIgnoreCase();
    } else if (e.key === 'Escape') {
      if (zoomed >= 0) unzoom();
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
    indexFrames();
    if (zx !== null && zd !== null) {
      for (let i = 0; i < count; i++) {
        if (rects[i]!.getAttributeNS(cfg.ns, 'x') === zx && String(depth[i]) === zd) {
          zoom(i);
          break;
        }
      }
    }
    if (s) search(s);
  } else if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(indexFrames, { timeout: 2000 });
  } else {
    setTimeout(indexFrames, 200);
  }
}

/** The viewer as script text, called with its config. */
export function viewerSource(config: ViewerConfig, json: (v: unknown) => string): string {
  return `(${flamegraphViewer.toString()})(${json(config)});`;
}
