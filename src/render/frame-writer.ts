// The SVG's frames (src/render/svg.ts writes the rest of the document): one
// `<rect>` each in #frames; their labels, kept for #labels; their tooltips,
// kept as the JSON list of the frame data. A graph draws tens of thousands of
// frames in one pass, most of it before V8 has optimised the loop, so each step
// per frame counts: what is the same for many (a name escaped for each place it
// goes, a colour, a row's y) is made once, figures are formatted without text
// read back, and a batch of frames becomes one string, encoded once.

import { ROOT_FRAME, type Layout } from './placement.js';
import type { ColorMode, FrameInfo, ResolvedSvgOptions } from './options.js';
import { fixed, fixedValue, perlNumber } from './numbers.js';
import { TitleCounts } from './title-counts.js';
import { asciiCharRefs, asciiScriptJson, scriptJson, xmlAttr, xmlSafe, xmlText } from './escape.js';
import type { FrameAttributes } from './name-attributes.js';
import { ChunkWriter } from '../output/chunk-writer.js';

/** Where frames go on the page: the parts of svg.ts's geometry a frame needs. */
export interface FrameGeometry {
  perSample: number;
  y1: (depth: number) => number;
  y2: (depth: number) => number;
}

/** Display names: flamegraph.pl strips a trailing `_[k]`-style annotation from titles and labels. */
export function stripAnnotation(name: string): string {
  return name.replace(/_\[[kwij]\]$/, '');
}

// Nothing JSON, the script's JSON (scriptJson) or XML would escape: such a name is its own JSON text.
// eslint-disable-next-line no-control-regex
const JSON_PLAIN = /^[^\x00-\x1f"\\<>&\u007f-\uffff]*$/;

/**
 * Writes frames into #frames, one element each: `<rect x y width height fill/>` (a frame with
 * --nameattr attributes: a <g> with them, and its link, around it; see dressed()). What else
 * a frame has is kept for the footer, which writes it after #frames: its label where one fits
 * (`<text x y>label</text>` in #labels, drawn over all the frames, so that the viewer can draw
 * a search's highlight between the two), and its tooltip, in `tooltips` (the items of a JSON
 * list); the viewer makes the <title> when the pointer reaches the frame. So a frame is one
 * element for the browser to parse and style, not four or five (group, title, its text, rect,
 * label), and carries no attribute the drawing does not need (a browser interns every
 * attribute value: tens of thousands of unique strings cost more than one text). The labels
 * are few: only frames wide enough for three characters have one.
 */
export class FrameWriter {
  /** The tooltips of the frames written, in order: the JSON list's items, UTF-8 (flush, then take `full`). */
  readonly tooltips = new ChunkWriter();
  /** The labels written so far, as lines of #labels. */
  readonly labels: string[] = [];
  private readonly ascii: boolean;
  /** Between a tooltip's count and its percentage. */
  private readonly countName: string;
  private readonly total: number;
  private readonly glyph: number;
  /** Per depth: the rect's y attribute between x's and width's values, and the label's baseline. */
  private readonly rows: string[];
  private readonly labelY: string[];
  /** Between the width's value and the fill's. */
  private readonly heightFill: string;
  /** Per frame name: the display name (annotation stripped), it inside a JSON string (tooltips), and escaped as text (labels). */
  private readonly shown: (string | undefined)[];
  private readonly jsonShown: (string | undefined)[];
  private readonly escapedText: (string | undefined)[];
  /** Text inside a JSON string, as the viewer's data is written (scriptJson), with what XML forbids replaced. */
  private readonly jsonText: (s: string) => string;
  /** Fills as attribute values: a mode returns few distinct colours, each escaped once. */
  private readonly fills = new Map<string, string>();
  /** Per frame name: its fill attribute, when the colour mode's fill depends only on the name. */
  private readonly fillByName: (string | undefined)[] | undefined;
  /** Per frame name: its --nameattr attributes, or null when it has none. */
  private readonly attributes: (FrameAttributes | null | undefined)[];
  private readonly titleCounts: TitleCounts;
  private readonly info: FrameInfo = { index: 0, frame: 0, name: '', isRoot: false, depth: 0, samples: 0, self: 0, baseSamples: NaN, baseSelf: NaN };

  constructor(
    private readonly layout: Layout,
    private readonly o: ResolvedSvgOptions,
    private readonly g: FrameGeometry,
    private readonly mode: ColorMode,
    private readonly names: string[],
  ) {
    // --encoding other than UTF-8: markup outside ASCII becomes character references, the JSON \u escapes.
    this.ascii = o.encoding?.ascii ?? false;
    const json = this.ascii ? asciiScriptJson : scriptJson;
    this.jsonText = (s) => (JSON_PLAIN.test(s) ? s : json(xmlSafe(s)).slice(1, -1));
    this.countName = ` ${this.jsonText(o.countName)}, `;
    this.total = layout.scale * o.factor;
    this.glyph = o.fontSize * o.fontWidth;
    this.rows = Array.from({ length: layout.maxDepth + 1 }, (_, d) => `" y="${perlNumber(g.y1(d))}" width="`);
    this.labelY = Array.from({ length: layout.maxDepth + 1 }, (_, d) => perlNumber(3 + (g.y1(d) + g.y2(d)) / 2));
    this.heightFill = `" height="${fixed(g.y2(0) - g.y1(0), 1)}" fill="`;
    this.shown = new Array(names.length);
    this.escapedText = new Array(names.length);
    this.jsonShown = new Array(names.length);
    this.attributes = new Array(names.length);
    this.fillByName = mode.fillByName ? new Array(names.length) : undefined;
    this.titleCounts = new TitleCounts(layout, o.factor);
  }

  /** Markup as written: character references for what is outside ASCII under --encoding. */
  private markup(s: string): string {
    return this.ascii ? asciiCharRefs(s) : s;
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
      a = this.markup(xmlAttr(fill));
      if (this.fills.size < 65536) this.fills.set(fill, a);
    }
    return a;
  }

  /** Writes frames [from, to) of the layout to `out`. */
  write(out: ChunkWriter, from: number, to: number): void {
    const { layout, o, g, mode, names, info, shown, escapedText, labels, rows, heightFill } = this;
    const xpad = o.xpad;
    const base = layout.base;
    const byName = this.fillByName;
    const rectStart = o.prettyXml ? '        <rect x="' : '<rect x="';
    // A batch's frames as one string, and its tooltips as another: few calls (each costs while the
    // code is not yet optimised, as it is for most of one graph), one UTF-8 encoding each.
    let text = '';
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
      const fill = byName && !isRoot ? (byName[f] ??= this.fillAttr(mode.fill(info))) : this.fillAttr(mode.fill(info));
      const display = isRoot ? 'all' : (shown[f] ??= stripAnnotation(name));

      const fit = Math.trunc((x2 - x1) / this.glyph);
      let label = '';
      if (fit >= 3) {
        const cut = fitLabel(display, fit);
        const shownText = cut === display && !isRoot ? (escapedText[f] ??= xmlText(display)) : xmlText(cut);
        label = `<text x="${fixed(x1 + 3, 2)}" y="${this.labelY[depth]}">${shownText}</text>`;
      }
      const attrs = this.attributesOf(f, name);
      // A label keeps the attributes (class, style) its frame's <g> has, as when it was inside it.
      if (label) labels.push(attrs && attrs.group ? `<g${attrs.group}>${label}</g>` : label);

      const tip = attrs?.title !== undefined ? `"${this.jsonText(attrs.title)}"` : this.title(i, f, isRoot, display, value);
      tips += i === from ? tip : `,${tip}`;
      // x and width as flamegraph.pl rounds them, the width from the rounded edges.
      const x1s = fixed(x1, 1);
      const rect = `${x1s}${rows[depth]}${fixed(fixedValue(x2, 1) - fixedValue(x1, 1), 1)}${heightFill}${fill}`;
      text += attrs ? this.dressed(attrs, isRoot ? '' : display, rect) : `${rectStart}${rect}"/>\n`;
    }
    out.write(text);
    this.tooltips.write(tips);
  }

  // The tooltip "NAME (N samples, P%)" (flamegraph.pl's, plus a mode's note), as a JSON string.
  private title(i: number, f: number, isRoot: boolean, display: string, value: number): string {
    const counts = this.titleCounts;
    if (isRoot) return `"all (${counts.samplesWithCommas(i, true, value)}${this.countName}100%)"`;
    const note = this.mode.note?.(this.info);
    const json = (this.jsonShown[f] ??= this.jsonText(display));
    const pct = counts.percent(i, value, this.total);
    return `"${json} (${counts.samplesWithCommas(i, false, value)}${this.countName}${pct}%${note ? `; ${this.jsonText(note)}` : ''})"`;
  }

  // A frame with --nameattr attributes: a <g> with them around the rect (`rect`: its attributes
  // from x to fill's value), and its link (if any). A title from --nameattr hides the frame's
  // name from the viewer (search, labels): fg:n keeps it.
  private dressed(attrs: FrameAttributes, display: string, rect: string): string {
    const link = attrs.link;
    const element = `<rect x="${rect}"${attrs.title !== undefined ? ` fg:n="${xmlAttr(display)}"` : ''}/>`;
    if (!this.o.prettyXml) return this.markup(`<g${attrs.group}>${link ?? ''}${element}${link ? '</a>' : ''}</g>\n`);
    // One element a line, each level four spaces in from #frames' eight.
    const body = link ? `            ${link}\n                ${element}\n            </a>\n` : `            ${element}\n`;
    return this.markup(`        <g${attrs.group}>\n${body}        </g>\n`);
  }
}

/** flamegraph.pl's label: the first `fit` characters, the last two replaced by ".." when cut. */
function fitLabel(name: string, fit: number): string {
  // Characters, not UTF-16 units, as Perl counts them.
  if (name.length <= fit && !/[\ud800-\udfff]/.test(name)) return name;
  const chars = Array.from(name);
  if (chars.length <= fit) return name;
  return chars.slice(0, fit - 2).join('') + '..';
}
