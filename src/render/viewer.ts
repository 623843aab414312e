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
  interface Frame {
    g: SVGGElement;
    rect: SVGRectElement;
    text: SVGTextElement | null;
    name: string;
    chars: string[] | null;
    x0: number;
    w0: number;
    xAttr: string;
    depth: number;
    rectX: string;
    rectW: string;
    fill: string;
    label: string;
    labelX: string;
  }
  const doc = document;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const byId = (id: string): Element | null => doc.getElementById(id);
  const framesGroup = byId('frames');
  const details = byId('details');
  const unzoomBtn = byId('unzoom');
  const searchBtn = byId('search');
  const icBtn = byId('ignorecase');
  const matchedTxt = byId('matched');
  if (!framesGroup || !details || !unzoomBtn || !searchBtn || !icBtn || !matchedTxt) return;

  // The title is "NAME (N COUNTNAME, P%...)": the name is what precedes the last such suffix.
  const quoted = cfg.countName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const suffix = new RegExp(' \\(-?[\\d,]+ ' + quoted + ', ', 'g');
  const nameOf = (title: string): string => {
    let at = -1;
    suffix.lastIndex = 0;
    for (let m = suffix.exec(title); m; m = suffix.exec(title)) at = m.index;
    return at < 0 ? title : title.slice(0, at);
  };

  const frames: Frame[] = [];
  let root: Frame | null = null;
  for (const el of Array.from(framesGroup.children)) {
    const g = el as SVGGElement;
    const rect = g.querySelector('rect');
    const title = g.querySelector('title');
    if (!rect || !title) continue;
    const text = g.querySelector('text');
    const xAttr = rect.getAttributeNS(cfg.ns, 'x') ?? '0';
    const f: Frame = {
      g,
      rect,
      text,
      name: rect.getAttributeNS(cfg.ns, 'n') ?? nameOf(title.textContent ?? ''),
      chars: null,
      x0: Number(xAttr),
      w0: Number(rect.getAttributeNS(cfg.ns, 'w') ?? '0'),
      xAttr,
      depth: Math.round((Number(rect.getAttribute('y')) - cfg.yBase) / cfg.yStep),
      rectX: rect.getAttribute('x') ?? '0',
      rectW: rect.getAttribute('width') ?? '0',
      fill: rect.getAttribute('fill') ?? '',
      label: text ? text.textContent ?? '' : '',
      labelX: text ? text.getAttribute('x') ?? '' : '',
    };
    frames.push(f);
    if (f.depth === 0 && (!root || f.w0 > root.w0)) root = f;
  }

  let zoomed: Frame | null = null;
  let term: string | null = null;
  let ignoreCase = false;

  // Labels: as many characters as fit at the average glyph width, ".." when cut, none under three.
  const labelFor = (f: Frame, width: number): string => {
    const fit = Math.floor(width / (cfg.fontSize * cfg.fontWidth));
    if (fit < 3) return '';
    const chars = f.chars ?? (f.chars = Array.from(f === root ? 'all' : f.name));
    if (fit >= chars.length) return chars.join('');
    return chars.slice(0, fit - 2).join('') + '..';
  };
  const setLabel = (f: Frame, x: number, width: number): void => {
    const label = labelFor(f, width);
    if (!f.text) {
      if (label === '') return;
      const t = doc.createElementNS(SVG_NS, 'text');
      const y = Number(f.rect.getAttribute('y')) + Number(f.rect.getAttribute('height')) / 2 + 3;
      t.setAttribute('y', String(y));
      f.g.appendChild(t);
      f.text = t;
    }
    f.text.setAttribute('x', (x + 3).toFixed(2));
    f.text.textContent = label;
  };
  const place = (f: Frame, x: number, width: number): void => {
    f.rect.setAttribute('x', x.toFixed(2));
    f.rect.setAttribute('width', width.toFixed(2));
    setLabel(f, x, width);
  };
  const restore = (f: Frame): void => {
    f.g.classList.remove('hide', 'parent');
    f.rect.setAttribute('x', f.rectX);
    f.rect.setAttribute('width', f.rectW);
    if (f.text) {
      f.text.setAttribute('x', f.labelX || (Number(f.rectX) + 3).toFixed(2));
      f.text.textContent = f.label;
    }
  };

  // URL state: x (start in samples) and d (depth) of the zoomed frame, s (search), i (ignore case).
  const saveState = (): void => {
    const params = new URLSearchParams(location.search);
    for (const k of ['x', 'd', 's', 'i']) params.delete(k);
    if (zoomed && zoomed !== root) {
      params.set('x', zoomed.xAttr);
      params.set('d', String(zoomed.depth));
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

  const zoom = (target: Frame): void => {
    if (target === root) {
      unzoom();
      return;
    }
    zoomed = target;
    const lo = target.x0;
    const hi = target.x0 + target.w0;
    const eps = target.w0 * 1e-9;
    const ratio = cfg.plotWidth / target.w0;
    for (const f of frames) {
      if (f.depth < target.depth) {
        if (f.x0 <= lo + eps && f.x0 + f.w0 >= hi - eps) {
          f.g.classList.remove('hide');
          f.g.classList.add('parent');
          place(f, cfg.xpad, cfg.plotWidth);
        } else {
          f.g.classList.add('hide');
        }
      } else if (f === target || (f.x0 >= lo - eps && f.x0 + f.w0 <= hi + eps && f.x0 < hi - eps)) {
        f.g.classList.remove('hide', 'parent');
        place(f, cfg.xpad + (f.x0 - lo) * ratio, f.w0 * ratio);
      } else {
        f.g.classList.add('hide');
      }
    }
    unzoomBtn.classList.remove('hide');
    if (term !== null) search(term);
    saveState();
  };
  const unzoom = (): void => {
    zoomed = null;
    for (const f of frames) restore(f);
    unzoomBtn.classList.add('hide');
    if (term !== null) search(term);
    saveState();
  };

  // Matched: the share of the samples in view that have a matching frame in their stack.
  const matchedShare = (matches: Frame[]): number => {
    const view = zoomed ?? root;
    if (!view || view.w0 <= 0) return 0;
    const lo = view.x0;
    const hi = view.x0 + view.w0;
    const spans: [number, number][] = [];
    for (const f of matches) {
      if (zoomed && f.depth < zoomed.depth) {
        if (f.x0 <= lo && f.x0 + f.w0 >= hi) return 100; // an ancestor in view covers everything
        continue;
      }
      const a = Math.max(lo, f.x0);
      const b = Math.min(hi, f.x0 + f.w0);
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
    return (100 * covered) / view.w0;
  };

  const clearHighlight = (): void => {
    for (const f of frames) f.rect.setAttribute('fill', f.fill);
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
    term = t;
    const matches: Frame[] = [];
    for (const f of frames) {
      if (re.test(f.name)) {
        matches.push(f);
        f.rect.setAttribute('fill', cfg.searchColor);
      } else {
        f.rect.setAttribute('fill', f.fill);
      }
    }
    searchBtn.classList.add('show');
    searchBtn.textContent = 'Reset Search';
    const pct = matchedShare(matches);
    matchedTxt.classList.remove('hide');
    matchedTxt.textContent = 'Matched: ' + (pct === 100 ? '100' : pct.toFixed(1)) + '%';
    saveState();
  };
  const resetSearch = (): void => {
    term = null;
    clearHighlight();
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

  const byGroup = new Map<Element, Frame>();
  for (const f of frames) byGroup.set(f.g, f);
  const frameAt = (target: EventTarget | null): Frame | undefined => {
    const g = target instanceof Element ? target.closest('#frames > g') : null;
    return g ? byGroup.get(g) : undefined;
  };

  doc.addEventListener('click', (e) => {
    const f = frameAt(e.target);
    if (f) zoom(f);
    else if (e.target === unzoomBtn) unzoom();
    else if (e.target === searchBtn) {
      if (term !== null) resetSearch();
      else promptSearch();
    } else if (e.target === icBtn) toggleIgnoreCase();
  });
  doc.addEventListener('mouseover', (e) => {
    const f = frameAt(e.target);
    if (f) details.textContent = cfg.nameType + ' ' + (f.g.querySelector('title')?.textContent ?? '');
  });
  doc.addEventListener('mouseout', (e) => {
    if (frameAt(e.target)) details.textContent = ' ';
  });
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'F3' || (e.ctrlKey && (e.key === 'f' || e.key === 'F'))) {
      e.preventDefault();
      promptSearch();
    } else if (e.ctrlKey && (e.key === 'i' || e.key === 'I')) {
      e.preventDefault();
      toggleIgnoreCase();
    } else if (e.key === 'Escape') {
      if (zoomed) unzoom();
      else if (term !== null) resetSearch();
    }
  });

  // Restore the state a shared URL carries.
  const params = new URLSearchParams(location.search);
  if (params.get('i') === '1') {
    ignoreCase = true;
    icBtn.classList.add('show');
  }
  const zx = params.get('x');
  const zd = params.get('d');
  if (zx !== null && zd !== null) {
    const target = frames.find((f) => f.xAttr === zx && String(f.depth) === zd);
    if (target) zoom(target);
  }
  const s = params.get('s');
  if (s) search(s);
}

/** The viewer as script text, called with its config. */
export function viewerSource(config: ViewerConfig, json: (v: unknown) => string): string {
  return `(${flamegraphViewer.toString()})(${json(config)});`;
}
