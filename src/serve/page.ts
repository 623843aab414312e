// The page of `flamefold serve`: the captures, the timeline of the one shown
// (timeline/svg.ts, embedded), and the flame graph of the window selected on
// it in a frame below. Dragging across the timeline selects window A (its
// flame graph); a second drag selects B (the differential graph, A to B: red
// grew, blue shrank); a third starts again. The selection lives in the URL
// (?c=CAPTURE&a=FROM..TO&b=FROM..TO), so a link or a reload restores it.
// Every value from a capture or a request is escaped (render/escape.ts);
// the page's data reach its script as JSON (scriptJson), never as markup.

import { asciiScriptJson, xmlAttr, xmlText } from '../render/escape.js';

export interface PageCapture {
  name: string;
  snapshots: number;
}

export interface PageState {
  token: string;
  captures: readonly PageCapture[];
  capture: number;
  /** The timeline's markup (an <svg> element). */
  timeline: string;
}

const STYLE = `
body { font-family: Verdana, sans-serif; font-size: 13px; margin: 12px; }
nav a { margin-right: 1em; }
nav a.current { font-weight: bold; }
#help { color: #555; margin: 6px 0; }
.timeline rect[data-s] { cursor: crosshair; }
.timeline rect.sel-a { stroke: #1565c0; stroke-width: 2; }
.timeline rect.sel-b { stroke: #2e7d32; stroke-width: 2; }
#graph { width: 100%; height: max(500px, calc(100vh - 300px)); border: 1px solid #ccc; }
#status { margin: 6px 0; min-height: 1.2em; }
`;

const SCRIPT = `
(function () {
  var state = JSON.parse(document.getElementById('state').textContent);
  var params = new URLSearchParams(location.search);
  var sel = { a: params.get('a'), b: params.get('b') };
  var cells = Array.prototype.slice.call(document.querySelectorAll('.timeline rect[data-s]'));
  var frame = document.getElementById('graph');
  var status = document.getElementById('status');
  function range(text) {
    var m = /^(\\d+)\\.\\.(\\d+)$/.exec(text || '');
    return m ? [Number(m[1]), Number(m[2])] : null;
  }
  function mark() {
    var a = range(sel.a), b = range(sel.b);
    cells.forEach(function (c) {
      var s = Number(c.getAttribute('data-s'));
      c.classList.toggle('sel-a', !!a && s >= a[0] && s <= a[1]);
      c.classList.toggle('sel-b', !!b && s >= b[0] && s <= b[1]);
    });
  }
  function query() {
    var q = new URLSearchParams({ t: state.token, c: String(state.capture) });
    if (sel.a) q.set('a', sel.a);
    if (sel.b) q.set('b', sel.b);
    return q.toString();
  }
  function show() {
    mark();
    history.replaceState(null, '', '?' + query());
    if (!sel.a) { frame.removeAttribute('src'); status.textContent = 'Drag across the timeline to select a window.'; return; }
    status.textContent = sel.b ? 'Differential graph: window ' + sel.a + ' to window ' + sel.b + ' (red: grew, blue: shrank)' : 'Window ' + sel.a + ' (snapshots, both included); drag again for a differential graph';
    frame.src = '/graph?' + query();
  }
  var start = null;
  document.addEventListener('mousedown', function (e) {
    var s = e.target.getAttribute && e.target.getAttribute('data-s');
    if (s === null || s === undefined) return;
    start = Number(s);
    e.preventDefault();
  });
  document.addEventListener('mouseup', function (e) {
    if (start === null) return;
    var s = e.target.getAttribute && e.target.getAttribute('data-s');
    var end = s === null || s === undefined ? start : Number(s);
    var text = Math.min(start, end) + '..' + Math.max(start, end);
    start = null;
    if (!sel.a || sel.b) { sel.a = text; sel.b = null; } else { sel.b = text; }
    show();
  });
  document.getElementById('clear').addEventListener('click', function () { sel.a = null; sel.b = null; show(); });
  document.getElementById('whole').addEventListener('click', function () { sel.a = '0..' + (cells.length - 1); sel.b = null; show(); });
  show();
})();
`;

/** The page, as HTML. */
export function page(state: PageState): string {
  const links = state.captures
    .map((c, i) => {
      const href = `/?${new URLSearchParams({ t: state.token, c: String(i) }).toString()}`;
      return `<a href="${xmlAttr(href)}"${i === state.capture ? ' class="current"' : ''}>${xmlText(c.name)} (${c.snapshots} snapshots)</a>`;
    })
    .join('\n');
  const data = { token: state.token, capture: state.capture };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>flamefold serve: ${xmlText(state.captures[state.capture]!.name)}</title>
<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">
<style>${STYLE}</style></head>
<body>
<nav>${links}</nav>
<p id="help">Drag across the timeline to see a window's flame graph; drag again for the differential graph of the two.
<button id="whole" type="button">whole capture</button> <button id="clear" type="button">clear</button></p>
${state.timeline}
<div id="status"></div>
<iframe id="graph" title="flame graph"></iframe>
<script type="application/json" id="state">${asciiScriptJson(data)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
