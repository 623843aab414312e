// The SVG writer: a laid-out graph to SVG text, produced in chunks of about
// 1 MiB so it can stream. The drawing follows flamegraph.pl's (same canvas,
// paddings, pixel rounding, tooltips "name (N samples, P%)", element ids), so
// frames land where flamegraph.pl puts them; every name and option is escaped
// for where it goes, and the output depends on nothing but its input.

import { ROOT_FRAME, type Layout } from './placement.js';
import type { ColorMode, FrameInfo, ResolvedSvgOptions } from './options.js';
import { colorDiffusionMode, differentialColorMode, paletteColorMode } from './colormode.js';
import { fixed, perlNumber, withCommas } from './numbers.js';
import { TitleCounts } from './title-counts.js';
import { asciiCharRefs, asciiScriptJson, cssFontFamily, scriptJson, xmlAttr, xmlComment, xmlSafe, xmlText } from './escape.js';
import type { FrameAttributes } from './name-attributes.js';
import { viewerSource, type ViewerConfig } from './viewer.js';
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

/** Where the writer puts text: the chunk collector, or a filter in front of it. */
interface TextSink {
  write(s: string): void;
}

/** Names of the frames a layout draws, decoded (UTF-8 unless --encoding says otherwise). */
function drawnNames(layout: Layout, nameDecoder: TextDecoder): string[] {
  return layout.names.map((bytes) => nameDecoder.decode(bytes));
}

/** The XML declaration, naming the --encoding when one is given. */
const declaration = (o: ResolvedSvgOptions): string =>
  `<?xml version="1.0"${o.encoding ? ` encoding="${o.encoding.label}"` : ''} standalone="no"?>`;

/** --pretty-xml: markup lines indented by `depth` levels; lines of the stylesheet's text are left alone. */
const indent = (lines: string[], depth: number): string[] =>
  lines.map((l) => (/^\t*</.test(l) ? '    '.repeat(depth) + l : l));

/** Display names: flamegraph.pl strips a trailing `_[k]`-style annotation from titles and labels. */
export function stripAnnotation(name: string): string {
  return name.replace(/_\[[kwij]\]$/, '');
}

interface Geometry {
  height: number;
  /** Where a colour mode's legend goes (its space is below the title and subtitle). */
  legendTop: number;
  plotWidth: number;
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
    perSample: layout.scale > 0 ? plotWidth / layout.scale : 0,
    y1: o.inverted ? (d) => top + d * fh : (d) => height - ypad2 - (d + 1) * fh + o.framePad,
    y2: o.inverted ? (d) => top + (d + 1) * fh - o.framePad : (d) => height - ypad2 - d * fh,
  };
}

// Frames are written as one string per this many (about 40 KB): one UTF-8 encoding call
// for them all costs less than one per frame, and stays well inside a chunk.
const FRAMES_PER_WRITE = 256;

/** The SVG of a laid-out graph, as UTF-8 chunks of about 1 MiB. */
export function* svgChunks(layout: Layout, o: ResolvedSvgOptions): Generator<Uint8Array> {
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
  const chunks = new ChunkWriter();
  // --encoding other than UTF-8: everything outside ASCII becomes a character reference.
  const out: TextSink = ascii ? { write: (s) => chunks.write(asciiCharRefs(s)) } : chunks;
  out.write(header(o, g, mode));
  const frames = new FrameWriter(layout, o, g, mode, names);
  for (let from = 0; from < layout.count; from += FRAMES_PER_WRITE) {
    frames.write(out, from, Math.min(layout.count, from + FRAMES_PER_WRITE));
    yield* chunks.full.splice(0);
  }
  // After the frames, their labels and data: the tooltips' JSON was encoded as it was written, and goes out as it is (ASCII when --encoding is).
  const [beforeTooltips, afterTooltips] = footer(o, g, layout, frames.labels);
  out.write(beforeTooltips);
  chunks.flush();
  yield* chunks.full.splice(0);
  yield* frames.tooltips;
  out.write(afterTooltips);
  chunks.flush();
  yield* chunks.full.splice(0);
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
    '\t#frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }',
    // A click on a frame zooms: it starts no text selection, which Chromium would otherwise work out
    // from the click point over every frame before the click (20 ms on 25,000 frames). The details
    // line and the rest of the text stay selectable. (The viewer restates each #frames rule for its copies.)
    '\t#frames { user-select:none; -webkit-user-select:none; }',
    // Said once here rather than on each of tens of thousands of rects (a renderer without CSS geometry draws square corners).
    '\t#frames rect { rx:2px; ry:2px; }',
    // A label passes the pointer to its frame's rect beneath it: the rect is what has the tooltip and the outline.
    '\t#labels, .copies text { pointer-events:none; }',
    '\t.hide { display:none; }',
    '\t.parent { opacity:0.5; }',
    // An outline on every rectangle would hide the hover outline of the group: that one is restated.
    ...(o.strokeColor ? [`\t#frames rect { stroke:${o.strokeColor}; stroke-width:1; }`, '\t#frames > *:hover rect { stroke:black; stroke-width:0.5; }'] : []),
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
    '<g id="frames">',
  );
  // The declaration, doctype and <svg> start tag stay at the margin; the rest is inside <svg>.
  return (o.prettyXml ? [...lines.slice(0, 3), ...indent(lines.slice(3), 1)] : lines).join('\n') + '\n';
}

/**
 * Writes frames into #frames, one element each: `<rect x y width height fill/>` (a frame with
 * --nameattr attributes: a <g> with them, and its link, around it; see dressedFrame). What else
 * a frame has is kept for the footer, which writes it after #frames: its label where one fits
 * (`<text x y>label</text>` in #labels, drawn over all the frames, so that the viewer can draw
 * a search's highlight between the two), and its exact geometry in samples and its tooltip, in
 * `data` (one JSON text, FRAME_DATA_ID); the viewer makes the <title> when the pointer reaches
 * the frame. So a frame is one element for the browser to parse and style, not four or five
 * (group, title, its text, rect, label), and carries no attribute the drawing does not need (a
 * browser interns every attribute value: tens of thousands of unique strings cost more than one
 * text). The labels are few: only frames wide enough for three characters have one.
 */
class FrameWriter {
  private readonly countName: string;
  private readonly total: number;
  private readonly glyph: number;
  /** Per depth: the rect's y attribute (and the start of its width), and the label's baseline. */
  private readonly rows: string[];
  private readonly labelY: string[];
  private readonly heightAttr: string;
  /** Per frame name: the display name (annotation stripped), it inside a JSON string (tooltips), and escaped as text (labels). */
  private readonly shown: (string | undefined)[];
  private readonly jsonShown: (string | undefined)[];
  private readonly escapedText: (string | undefined)[];
  /**
   * The tooltips of the frames written, in order: the JSON list's items, UTF-8 encoded, one
   * piece per write(). A tooltip is written as a JSON string as it is made: a name's escaped
   * form is made once per name, and the figures around it need no escaping (a JSON.stringify
   * of them all and a scan of its text cost a fifth of the writing, and tens of thousands of
   * strings kept to the end cost the garbage collector more than the writing).
   */
  readonly tooltips: Uint8Array[] = [];
  /** Text inside a JSON string, as the viewer's data is written (scriptJson), with what XML forbids replaced. */
  private readonly jsonText: (s: string) => string;
  /** The labels written so far, as lines of #labels. */
  readonly labels: string[] = [];
  /** Fills as attribute values: a mode returns few distinct colours, each escaped once. */
  private readonly fills = new Map<string, string>();
  /** Per frame name: its --nameattr attributes, or null when it has none. */
  private readonly attributes: (FrameAttributes | null | undefined)[];
  private titleCounts: TitleCounts | undefined;
  private readonly info: FrameInfo = { index: 0, frame: 0, name: '', isRoot: false, depth: 0, samples: 0, self: 0, baseSamples: NaN, baseSelf: NaN };

  constructor(
    private readonly layout: Layout,
    private readonly o: ResolvedSvgOptions,
    private readonly g: Geometry,
    private readonly mode: ColorMode,
    private readonly names: string[],
  ) {
    const json = o.encoding?.ascii ? asciiScriptJson : scriptJson;
    this.jsonText = (s) => json(xmlSafe(s)).slice(1, -1);
    this.countName = this.jsonText(o.countName);
    this.total = layout.scale * o.factor;
    this.glyph = o.fontSize * o.fontWidth;
    this.rows = Array.from({ length: layout.maxDepth + 1 }, (_, d) => `y="${perlNumber(g.y1(d))}" width="`);
    this.labelY = Array.from({ length: layout.maxDepth + 1 }, (_, d) => perlNumber(3 + (g.y1(d) + g.y2(d)) / 2));
    this.heightAttr = fixed(g.y2(0) - g.y1(0), 1);
    this.shown = new Array(names.length);
    this.escapedText = new Array(names.length);
    this.jsonShown = new Array(names.length);
    this.attributes = new Array(names.length);
  }

  /** A frame's --nameattr attributes (the root's name is ""). */
  private attributesOf(f: number, name: string): FrameAttributes | null {
    const map = this.o.nameAttributes;
    if (!map) return null;
    if (f === ROOT_FRAME) return map.get('') ?? null;
    return (this.attributes[f] ??= map.get(name) ?? null);
  }

  private fillAttr(fill: string): string {
    let a = this.fills.get(fill);
    if (a === undefined) {
      a = xmlAttr(fill);
      if (this.fills.size < 65536) this.fills.set(fill, a);
    }
    return a;
  }

  /** Writes frames [from, to) of the layout. */
  write(out: TextSink, from: number, to: number): void {
    const { layout, o, g, mode, names, info, countName, total, glyph, rows, labelY, heightAttr, shown, jsonShown, escapedText, labels, jsonText } = this;
    const { xpad } = o;
    const titleCounts = (this.titleCounts ??= new TitleCounts(layout, o.factor));
    const base = layout.base;
    let text = '';
    // Items after the first are preceded by a comma.
    let tips = from === 0 ? '' : ',';
    for (let i = from; i < to; i++) {
      const f = layout.frame[i]!;
      const depth = layout.depth[i]!;
      const isRoot = f === ROOT_FRAME;
      const start = layout.start[i]!;
      // flamegraph.pl draws the root across the whole width, --total included.
      const value = isRoot ? layout.scale : layout.value[i]!;
      const x1 = xpad + start * g.perSample;
      const x2 = xpad + (start + value) * g.perSample;
      const x1s = fixed(x1, 1);
      const x2s = fixed(x2, 1);
      const widthAttr = fixed(Number(x2s) - Number(x1s), 1);

      const name = isRoot ? '' : names[f]!;
      info.index = i;
      info.frame = f;
      info.name = name;
      info.isRoot = isRoot;
      info.depth = depth;
      info.samples = layout.value[i]!;
      info.self = layout.self[i]!;
      info.baseSamples = base ? base.value[i]! : NaN;
      info.baseSelf = base ? base.self[i]! : NaN;
      const fill = this.fillAttr(mode.fill(info));

      const samplesText = titleCounts.samples(i, isRoot, value);
      let title: string;
      let display: string;
      if (isRoot) {
        title = `"all (${withCommas(samplesText)} ${countName}, 100%)"`;
        display = 'all';
      } else {
        display = shown[f] ??= stripAnnotation(name);
        const pct = titleCounts.percent(i, value, total);
        const note = mode.note?.(info);
        title = `"${(jsonShown[f] ??= jsonText(display))} (${withCommas(samplesText)} ${countName}, ${pct}%${note ? `; ${jsonText(note)}` : ''})"`;
      }

      let label = '';
      const fit = Math.trunc((x2 - x1) / glyph);
      if (fit >= 3) {
        const cut = fitLabel(display, fit);
        const shownText = cut === display && !isRoot ? (escapedText[f] ??= xmlText(display)) : xmlText(cut);
        label = `<text x="${fixed(x1 + 3, 2)}" y="${labelY[depth]}">${shownText}</text>`;
      }
      const attrs = this.attributesOf(f, name);
      // A label keeps the attributes (class, style) its frame's <g> has, as when it was inside it.
      if (label) labels.push(attrs && attrs.group ? `<g${attrs.group}>${label}</g>` : label);
      const rect = `<rect x="${x1s}" ${rows[depth]}${widthAttr}" height="${heightAttr}" fill="${fill}"`;
      if (!attrs) {
        tips += i === from ? title : `,${title}`;
        text += o.prettyXml ? `        ${rect}/>\n` : `${rect}/>\n`;
      } else {
        const tip = attrs.title !== undefined ? `"${jsonText(attrs.title)}"` : title;
        tips += i === from ? tip : `,${tip}`;
        // A title from --nameattr hides the frame's name from the viewer (search, labels): fg:n keeps it.
        const named = attrs.title !== undefined ? `${rect} fg:n="${isRoot ? '' : xmlAttr(display)}"/>` : `${rect}/>`;
        text += dressedFrame(o.prettyXml, attrs, named);
      }
    }
    out.write(text);
    this.tooltips.push(encoder.encode(tips));
  }
}

/** A frame with --nameattr attributes: a <g> with them around the rect, and its link (if any). */
function dressedFrame(pretty: boolean, attrs: FrameAttributes, rect: string): string {
  const open = `<g${attrs.group}>`;
  const link = attrs.link;
  if (!pretty) return `${open}${link ?? ''}${rect}${link ? '</a>' : ''}</g>\n`;
  const body = link ? [link, `    ${rect}`, '</a>'] : [rect];
  return [open, ...body.map((l) => `    ${l}`), '</g>'].map((l) => `        ${l}\n`).join('');
}

/** flamegraph.pl's label: the first `fit` characters, the last two replaced by ".." when cut. */
function fitLabel(name: string, fit: number): string {
  // Characters, not UTF-16 units, as Perl counts them.
  if (name.length <= fit && !/[\ud800-\udfff]/.test(name)) return name;
  const chars = Array.from(name);
  if (chars.length <= fit) return name;
  return chars.slice(0, fit - 2).join('') + '..';
}

/** After the frames: their labels (#labels), their data (FRAME_DATA_ID) around where its tooltips go, and the viewer. */
function footer(o: ResolvedSvgOptions, g: Geometry, layout: Layout, labels: string[]): [string, string] {
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
    searchColor: o.searchColor,
  };
  // Outside UTF-8 (--encoding) the script's data is ASCII too: character references mean nothing in a script.
  const json = o.encoding?.ascii ? asciiScriptJson : scriptJson;
  const source = viewerSource(config, json);
  const script = `<script type="text/ecmascript"><![CDATA[\n${source}\n]]></script>`;
  // Plain text for any renderer (no script that some would try to run): JSON with no `<` or `&` in it needs no escaping.
  // Frame i is the layout's i-th: its start and width are the layout's (finite: they join as JSON writes numbers).
  const n = layout.count;
  const data = `<metadata id="${FRAME_DATA_ID}">{"start":[${layout.start.subarray(0, n).join(',')}],"width":[${layout.value.subarray(0, n).join(',')}],"tooltip":[`;
  const end = ']}</metadata>';
  const pad = o.prettyXml ? '    ' : '';
  return [
    `${pad}</g>\n${pad}<g id="labels">\n${labels.map((l) => `${pad}${pad}${l}\n`).join('')}${pad}</g>\n${pad}${data}`,
    `${end}\n${pad}${script}\n</svg>\n`,
  ];
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
