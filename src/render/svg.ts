// The SVG writer: a laid-out graph to SVG text, produced in chunks of about
// 1 MiB so it can stream. The drawing follows flamegraph.pl's (same canvas,
// paddings, pixel rounding, tooltips "name (N samples, P%)", element ids), so
// frames land where flamegraph.pl puts them; every name and option is escaped
// for where it goes, and the output depends on nothing but its input.

import { isAscii } from 'node:buffer';
import type { Layout } from './placement.js';
import type { ColorMode, ResolvedSvgOptions } from './options.js';
import { colorDiffusionMode, differentialColorMode, paletteColorMode } from './colormode.js';
import { fixed, perlNumber } from './numbers.js';
import { asciiCharRefs, asciiScriptJson, cssFontFamily, scriptJson, xmlAttr, xmlComment, xmlText } from './escape.js';
import { viewerSource, type ViewerConfig } from './viewer.js';
import { FrameWriter } from './frame-writer.js';
import { ChunkWriter } from '../output/chunk-writer.js';


/** Namespace of fg:n, the name of a frame whose tooltip --nameattr replaced (the viewer searches and labels by it). */
export const FRAME_NS = 'urn:x-flamefold:frame';

/**
 * Id of the element whose text is what the viewer knows of each frame besides its drawing, as
 * JSON: `{"start": [...], "width": [...], "tooltip": [...]}`, frame i's the i-th of each (frames
 * in document order): its exact start and width in samples, and its tooltip "NAME (N samples, P%)".
 */
export const FRAME_DATA_ID = 'frame-data';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Names of the frames a layout draws, decoded (UTF-8 unless --encoding says otherwise). */
function drawnNames(layout: Layout, nameDecoder: TextDecoder): string[] {
  const block = layout.nameBlock;
  // Names end to end in one block, all ASCII (as most are): their UTF-8 is their bytes, decoded at once.
  if (block && nameDecoder === decoder && isAscii(block.bytes)) {
    const { bytes, offsets } = block;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    const names: string[] = new Array(offsets.length - 1);
    for (let k = 0; k < names.length; k++) names[k] = text.slice(offsets[k], offsets[k + 1]);
    return names;
  }
  return layout.names.map((bytes) => nameDecoder.decode(bytes));
}

/** The XML declaration, naming the --encoding when one is given. */
const declaration = (o: ResolvedSvgOptions): string =>
  `<?xml version="1.0"${o.encoding ? ` encoding="${o.encoding.label}"` : ''} standalone="no"?>`;

/** --pretty-xml: markup lines indented by `depth` levels; lines of the stylesheet's text are left alone. */
const indent = (lines: string[], depth: number): string[] =>
  lines.map((l) => (/^\t*</.test(l) ? '    '.repeat(depth) + l : l));

interface Geometry {
  height: number;
  /** Where a colour mode's legend goes (its space is below the title and subtitle). */
  legendTop: number;
  plotWidth: number;
  /** The band of the canvas every frame is drawn in, between the title (subtitle, legend) and the details line. */
  plotTop: number;
  plotBottom: number;
  perSample: number;
  y1: (depth: number) => number;
  y2: (depth: number) => number;
}

function geometry(layout: Layout, o: ResolvedSvgOptions, legendHeight = 0): Geometry {
  const ypad1 = o.fontSize * 3; // top: title
  const ypad2 = o.fontSize * 2 + 10; // bottom: details line
  const subtitlePad = o.subtitle !== '' ? o.fontSize * 2 : 0;
  const ypad3 = subtitlePad + legendHeight; // subtitle, legend
  const height = (layout.maxDepth + 1) * o.frameHeight + ypad1 + ypad2 + ypad3;
  const plotWidth = o.width - 2 * o.xpad;
  const fh = o.frameHeight;
  // Icicles start below the subtitle too (flamegraph.pl draws the root over it).
  const top = ypad1 + ypad3;
  return {
    height,
    legendTop: ypad1 + subtitlePad,
    plotWidth,
    plotTop: top,
    plotBottom: height - ypad2,
    perSample: layout.scale > 0 ? plotWidth / layout.scale : 0,
    y1: o.inverted ? (d) => top + d * fh : (d) => height - ypad2 - (d + 1) * fh + o.framePad,
    y2: o.inverted ? (d) => top + (d + 1) * fh - o.framePad : (d) => height - ypad2 - d * fh,
  };
}

/**
 * The SVG of a laid-out graph, as UTF-8 chunks of about 1 MiB. `reuse`: the caller is done
 * with each chunk but the last when it asks for the next (it writes one out, awaited, while
 * the next is made): their memory is then used again (output/chunk-writer.ts).
 */
export function* svgChunks(layout: Layout, o: ResolvedSvgOptions, reuse = false): Generator<Uint8Array> {
  const ascii = o.encoding?.ascii ?? false;
  if (layout.samples <= 0) {
    const empty = emptySvg(o);
    yield encoder.encode(ascii ? asciiCharRefs(empty) : empty);
    return;
  }
  const names = drawnNames(layout, o.encoding?.decoder ?? decoder);
  const factory = o.colorMode ?? (o.colorDiffusion ? colorDiffusionMode : layout.twoCounts ? differentialColorMode : paletteColorMode);
  const mode = factory({ layout, options: o, names });
  const g = geometry(layout, o, mode.legend?.height);
  const chunks = new ChunkWriter(reuse);
  // --encoding other than UTF-8: everything outside ASCII becomes a character reference (the frames write theirs so).
  const markup = (s: string): void => chunks.write(ascii ? asciiCharRefs(s) : s);
  markup(header(o, g, mode));
  const pad = o.prettyXml ? '    ' : '';
  const frames = new FrameWriter(layout, o, g, mode, names);
  try {
    for (const piece of frames.rects()) {
      chunks.writeBytes(piece);
      yield* chunks.takeFull();
    }
    // After the frames, their labels and data (the tooltips come already in the output's encoding),
    // each part ending a chunk, so that a stream takes the frames before the data is written.
    markup(`${pad}</g>\n${pad}<g id="labels">\n${frames.labels.map((l) => `${pad}${pad}${l}\n`).join('')}${pad}</g>\n`);
    // The start of the frames' data (FRAME_DATA_ID), up to their tooltips: plain text for any renderer (no script
    // that some would try to run), JSON with no `<` or `&` in it, needing no escaping. Frame i is the layout's i-th.
    markup(`${pad}<metadata id="${FRAME_DATA_ID}">{"start":[`);
    for (const piece of frames.numbers(false)) {
      chunks.writeBytes(piece);
      yield* chunks.takeFull();
    }
    markup('],"width":[');
    for (const piece of frames.numbers(true)) {
      chunks.writeBytes(piece);
      yield* chunks.takeFull();
    }
    markup('],"tooltip":[');
    chunks.flush();
    yield* chunks.takeFull();
    for (const piece of frames.tooltips()) {
      chunks.writeBytes(piece);
      yield* chunks.takeFull();
    }
    chunks.flush();
    yield* chunks.takeFull();
  } finally {
    frames.end();
  }
  markup(`]}</metadata>\n</svg>\n`);
  chunks.flush();
  yield* chunks.takeFull();
}

function header(o: ResolvedSvgOptions, g: Geometry, mode: ColorMode): string {
  const w = o.width;
  const h = g.height;
  const [bg1, bg2] = mode.background ?? o.background;
  const fs = perlNumber(o.fontSize);
  const lines = [
    declaration(o),
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    `<svg version="1.1" width="${perlNumber(w)}" height="${perlNumber(h)}" viewBox="0 0 ${perlNumber(w)} ${perlNumber(h)}" ` +
      `xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:fg="${FRAME_NS}">`,
    '<!-- Flame graph drawn by flamefold: click a frame to zoom, Ctrl-F to search. Layout and colours as flamegraph.pl (github.com/brendangregg/FlameGraph). -->',
  ];
  if (o.notes !== '') lines.push(`<!-- NOTES: ${xmlComment(o.notes)} -->`);
  lines.push(
    '<defs>',
    '\t<linearGradient id="background" y1="0" y2="1" x1="0" x2="0">',
    `\t\t<stop stop-color="${xmlAttr(bg1)}" offset="5%"/>`,
    `\t\t<stop stop-color="${xmlAttr(bg2)}" offset="95%"/>`,
    '\t</linearGradient>',
    '</defs>',
    '<style type="text/css">',
    `\ttext { font-family:${cssFontFamily(o.fontType)}; font-size:${fs}px; fill:rgb(0,0,0); }`,
    `\t#title { text-anchor:middle; font-size:${perlNumber(o.fontSize + 5)}px; }`,
    '\t#subtitle { text-anchor:middle; fill:rgb(160,160,160); }',
    '\t#search, #ignorecase { opacity:0.1; cursor:pointer; }',
    '\t#search:hover, #search.show, #ignorecase:hover, #ignorecase.show { opacity:1; }',
    '\t#unzoom { cursor:pointer; }',
    // The buttons' own text is not for selecting: a press on one starts no selection, which cost Chromium about 2 ms of
    // Reset Zoom's 10 (W2's SVG, traced).
    '\t#unzoom, #search, #ignorecase { user-select:none; -webkit-user-select:none; }',
    // (Once the viewer has moved the frames into a layer of their own, it outlines the one under the pointer itself.)
    '\t:root > #frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }',
    // A click on a frame zooms: it starts no text selection, which Chromium would otherwise work out
    // from the click point over every frame before the click (20 ms on 25,000 frames). The details
    // line and the rest of the text stay selectable. (The viewer restates each #frames rule for its copies.)
    '\t#frames { user-select:none; -webkit-user-select:none; }',
    // Said once here rather than on each of tens of thousands of rects (a renderer without CSS geometry draws square corners).
    // Only on a frame a pixel wide or more (its width, "%.1f", not "0.x"): on a sliver the corner is a fraction of a
    // pixel, and a rounded rect is a path to the browser, which lays out and paints a plain one much faster (W2's
    // 24,681 frames, 24,109 of them slivers: layout 26 -> 9 ms at load). The viewer's highlight draws slivers square too.
    '\t#frames rect:not([width^="0."]) { rx:2px; ry:2px; }',
    // A label passes the pointer to its frame's rect beneath it: the rect is what has the tooltip and the outline.
    '\t#labels, .copies text { pointer-events:none; }',
    '\t.hide { display:none; }',
    '\t.parent { opacity:0.5; }',
    // An outline on every rectangle would hide the hover outline of the group: that one is restated.
    ...(o.strokeColor ? [`\t#frames rect { stroke:${o.strokeColor}; stroke-width:1; }`, '\t:root > #frames > *:hover rect { stroke:black; stroke-width:0.5; }'] : []),
    ...(o.uiColor ? [`\t#title, #details, #unzoom, #search, #ignorecase, #matched { fill:${o.uiColor}; }`] : []),
    '</style>',
    `<rect x="0.0" y="0" width="${fixed(w, 1)}" height="${fixed(h, 1)}" fill="url(#background)"/>`,
    `<text id="title" x="${fixed(Math.trunc(w / 2), 2)}" y="${perlNumber(o.fontSize * 2)}">${xmlText(o.title)}</text>`,
  );
  if (o.subtitle !== '') {
    lines.push(`<text id="subtitle" x="${fixed(Math.trunc(w / 2), 2)}" y="${perlNumber(o.fontSize * 4)}">${xmlText(o.subtitle)}</text>`);
  }
  if (mode.legend) lines.push(mode.legend.svg(w, g.legendTop));
  const bottom = perlNumber(h - (o.fontSize * 2 + 10) / 2);
  lines.push(
    `<text id="details" x="${fixed(o.xpad, 2)}" y="${bottom}"> </text>`,
    `<text id="unzoom" x="${fixed(o.xpad, 2)}" y="${perlNumber(o.fontSize * 2)}" class="hide">Reset Zoom</text>`,
    `<text id="search" x="${fixed(w - o.xpad - 100, 2)}" y="${perlNumber(o.fontSize * 2)}">Search</text>`,
    `<text id="ignorecase" x="${fixed(w - o.xpad - 16, 2)}" y="${perlNumber(o.fontSize * 2)}">ic</text>`,
    `<text id="matched" x="${fixed(w - o.xpad - 100, 2)}" y="${bottom}" class="hide"> </text>`,
    // Before the frames: the viewer moves them into a layer of their own as they are read (viewer-frame-layer.ts).
    viewerScript(o, g),
    '<g id="frames">',
  );
  // The declaration, doctype and <svg> start tag stay at the margin; the rest is inside <svg>.
  return (o.prettyXml ? [...lines.slice(0, 3), ...indent(lines.slice(3), 1)] : lines).join('\n') + '\n';
}

/** The viewer's script element, configured for this graph. */
function viewerScript(o: ResolvedSvgOptions, g: Geometry): string {
  const config: ViewerConfig = {
    ns: FRAME_NS,
    frameData: FRAME_DATA_ID,
    nameType: o.nameType,
    countName: o.countName,
    fontSize: o.fontSize,
    fontWidth: o.fontWidth,
    xpad: o.xpad,
    plotWidth: g.plotWidth,
    yBase: g.y1(0),
    yStep: o.inverted ? o.frameHeight : -o.frameHeight,
    plotTop: g.plotTop,
    plotBottom: g.plotBottom,
    searchColor: o.searchColor,
  };
  // Outside UTF-8 (--encoding) the script's data is ASCII too: character references mean nothing in a script.
  const json = o.encoding?.ascii ? asciiScriptJson : scriptJson;
  return `<script type="text/ecmascript"><![CDATA[\n${viewerSource(config, json)}\n]]></script>`;
}

/** What flamegraph.pl draws for input without samples: a canvas with a message. */
function emptySvg(o: ResolvedSvgOptions): string {
  const h = o.fontSize * 5;
  return [
    declaration(o),
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    `<svg version="1.1" width="${perlNumber(o.width)}" height="${perlNumber(h)}" viewBox="0 0 ${perlNumber(o.width)} ${perlNumber(h)}" xmlns="http://www.w3.org/2000/svg">`,
    `<text x="${fixed(Math.trunc(o.width / 2), 2)}" y="${perlNumber(o.fontSize * 2)}" text-anchor="middle" font-family="${xmlAttr(o.fontType)}" font-size="${perlNumber(o.fontSize + 2)}">ERROR: No stack counts found</text>`,
    '</svg>',
    '',
  ].join('\n');
}
