// A timeline heat map as a self-contained SVG: a cell per snapshot (see
// cells.ts), darker for more samples, and what is under the pointer (the
// snapshot, its time, its samples) shown in a line above the map and as each
// cell's tooltip. Every text from the capture is escaped as the flame graph's
// (render/escape.ts). `flamefold serve` embeds the same markup in its page:
// each cell carries its snapshot in data-s for selecting windows.

import { xmlAttr, xmlText } from '../render/escape.js';
import type { TimelineGrid } from './cells.js';

export interface TimelineSvgOptions {
  title: string;
  /** Width of the drawing in pixels (cells shrink to fit, down to 2 px). */
  width?: number;
  /** An id for the root element (several timelines in one page). */
  id?: string;
}

const MARGIN = 10;
const TOP = 48;

/** White (none) through yellow to dark red (the most), as FlameScope shades its cells. */
export function heatColor(value: number, max: number): string {
  if (value <= 0 || max <= 0) return 'rgb(255,255,255)';
  const v = Math.sqrt(value / max); // a square root scale keeps quiet cells visible
  const g = Math.round(235 - 200 * v);
  const b = Math.round(200 - 200 * v);
  const r = Math.round(255 - 70 * Math.max(0, v - 0.6));
  return `rgb(${r},${g},${Math.max(0, b)})`;
}

/** The script that shows the cell under the pointer in the details line. */
const SCRIPT = `
(function () {
  var svg = document.currentScript ? document.currentScript.parentNode : null;
  if (!svg || !svg.querySelector) return;
  var details = svg.querySelector('.tl-details');
  svg.addEventListener('mouseover', function (e) {
    var t = e.target;
    if (t && t.getAttribute && t.getAttribute('data-s') !== null) details.textContent = t.getAttribute('data-label');
  });
  svg.addEventListener('mouseout', function () { details.textContent = ' '; });
})();
`;

/** The SVG document (or, with `embedded`, the element for an HTML page) of a timeline. */
export function timelineSvg(grid: TimelineGrid, options: TimelineSvgOptions, embedded = false): string {
  const width = options.width ?? 1200;
  const cell = Math.max(2, Math.min(24, Math.floor((width - 2 * MARGIN) / Math.max(1, grid.columns))));
  const cellH = grid.rows === 1 ? 60 : Math.max(3, Math.min(12, Math.floor(400 / grid.rows)));
  const w = Math.max(width, 2 * MARGIN + cell * grid.columns);
  const h = TOP + cellH * grid.rows + 30;
  const out: string[] = [];
  if (!embedded) out.push('<?xml version="1.0" standalone="no"?>\n');
  out.push(
    `<svg version="1.1" xmlns="http://www.w3.org/2000/svg"${options.id ? ` id="${xmlAttr(options.id)}"` : ''} class="timeline" ` +
      `width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Verdana, sans-serif" font-size="12">\n`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#f8f8f8"/>\n`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="15">${xmlText(options.title)}</text>\n`,
    `<text class="tl-details" x="${MARGIN}" y="38"> </text>\n`,
    `<g class="tl-cells" stroke="#eee" stroke-width="0.5">\n`,
  );
  for (const c of grid.cells) {
    const label = xmlAttr(c.label);
    out.push(
      `<rect data-s="${c.snapshot}" data-label="${label}" x="${MARGIN + c.column * cell}" y="${TOP + c.row * cellH}" ` +
        `width="${cell}" height="${cellH}" fill="${heatColor(c.samples, grid.max)}"><title>${xmlText(c.label)}</title></rect>\n`,
    );
  }
  const caption = `columns: ${grid.columnName}${grid.rows > 1 ? `; rows: ${grid.rowName}` : ''}; darker: more samples (most: ${grid.max.toLocaleString('en-US')})`;
  out.push('</g>\n', `<text x="${MARGIN}" y="${h - 10}" fill="#555">${xmlText(caption)}</text>\n`);
  if (!embedded) out.push(`<script type="text/ecmascript"><![CDATA[${SCRIPT}]]></script>\n`);
  out.push('</svg>\n');
  return out.join('');
}
