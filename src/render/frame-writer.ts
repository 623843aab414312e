// The SVG's frames (src/render/svg.ts writes the rest of the document): one
// `<rect>` each in #frames; their labels, kept for #labels; their tooltips,
// the items of the frame data's JSON list. A graph draws tens of thousands of
// frames, and JavaScript runs a loop over them mostly before V8 has optimised
// it, so the core (assembly/output/frame-text.ts) does what is done per frame:
// it places each frame, formats its figures and copies the text around them.
// Here the strings made once for many frames are made (a name escaped for each
// place it goes, a fill, a row's y), and the few labels, and the tooltips the
// core does not write (the root's when its count is odd, one with a mode's
// note, one from --nameattr, one with counts the core does not print).

import { ROOT_FRAME, type Layout } from './placement.js';
import type { ColorMode, FrameInfo, ResolvedSvgOptions } from './options.js';
import { fixed, perlNumber } from './numbers.js';
import { FIGURES, TitleCounts } from './title-counts.js';
import { asciiCharRefs, asciiScriptJson, scriptJson, xmlAttr, xmlSafe, xmlText } from './escape.js';
import type { FrameAttributes } from './name-attributes.js';
import { CoreFrameText } from '../core-frame-text.js';
import type { FrameTextColumns } from '../core.js';

/** Where frames go on the page: the parts of svg.ts's geometry a frame needs. */
export interface FrameGeometry {
  perSample: number;
  y1: (depth: number) => number;
  y2: (depth: number) => number;
}

/** Display names: flamegraph.pl strips a trailing `_[k]`-style annotation from titles and labels. */
export function stripAnnotation(name: string): string {
  // Most names end otherwise: no regular expression for them (one per name drawn).
  return name.charCodeAt(name.length - 1) === 0x5d ? name.replace(/_\[[kwij]\]$/, '') : name;
}

// Nothing JSON, the script's JSON (scriptJson) or XML would escape: such a name is its own JSON text.
// eslint-disable-next-line no-control-regex
const JSON_PLAIN = /^[^\x00-\x1f"\\<>&\u007f-\uffff]*$/;

/** A tooltip the core writes from the frame's name, count and share (frame-text.ts NO_TIP). */
const NO_TIP = 0xffffffff;
/** A name's first frame when no frame has it (frame-text.ts frameTextSetup). */
const NO_FIRST = 0xffffffff;

/** What goes around a rect with --nameattr attributes, and its tooltip if they give one (else NO_TIP): string ids. */
interface Dressing {
  open: number;
  close: number;
  tip: number;
}

/** Strings by id, for the core: each once, in the order given. */
class Strings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  /** A new id for `s` (one frame's text: seldom the same as another's). */
  add(s: string): number {
    return this.list.push(s) - 1;
  }
  /** The id of `s`, the same each time it is given. */
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) this.ids.set(s, (id = this.add(s)));
    return id;
  }
  /** The strings as UTF-8, one after another, and where each starts (and the last ends). */
  encode(): { bytes: Uint8Array; offsets: Uint32Array } {
    const { list } = this;
    const offsets = new Uint32Array(list.length + 1);
    // One encoding of them all: when it is ASCII (as names mostly are: a byte per UTF-16 unit, none
    // more), each string's bytes are its characters. Else each is encoded alone (one string's lone
    // surrogate must not pair with the next one's).
    const joined = list.join('');
    const all = Buffer.from(joined, 'utf8');
    let at = 0;
    if (all.length === joined.length) {
      for (let k = 0; k < list.length; k++) offsets[k + 1] = at += list[k]!.length;
      return { bytes: all, offsets };
    }
    const bytes = Buffer.allocUnsafe(3 * joined.length);
    for (let k = 0; k < list.length; k++) {
      at += bytes.write(list[k]!, at, 'utf8');
      offsets[k + 1] = at;
    }
    return { bytes: bytes.subarray(0, at), offsets };
  }
}

/**
 * Prepares the frames of #frames, one element each: `<rect x y width height fill/>` (a frame with
 * --nameattr attributes: a <g> with them, and its link, around it; see dressing()). What else
 * a frame has goes after #frames: its label where one fits (`<text x y>label</text>` in
 * #labels, drawn over all the frames, so that the viewer can draw a search's highlight between
 * the two), and its tooltip, an item of the frame data's JSON list; the viewer makes the
 * <title> when the pointer reaches the frame. So a frame is one element for the browser to
 * parse and style, not four or five (group, title, its text, rect, label), and carries no
 * attribute the drawing does not need (a browser interns every attribute value: tens of
 * thousands of unique strings cost more than one text). The labels are few: only frames wide
 * enough for three characters have one.
 */
export class FrameWriter {
  /** The labels, as lines of #labels. */
  readonly labels: string[] = [];
  private readonly ascii: boolean;
  private readonly total: number;
  private readonly glyph: number;
  /** Text inside a JSON string, as the viewer's data is written (scriptJson), with what XML forbids replaced. */
  private readonly jsonText: (s: string) => string;
  private readonly strings = new Strings();
  /** The string id of each fill the mode gave (thousands of names share a few hundred colours). */
  private readonly fillIds = new Map<string, number>();
  /** Per frame name: the display name (annotation stripped), and it escaped as text (labels). */
  private readonly shown: (string | undefined)[];
  private readonly escapedText: (string | undefined)[];
  /** Per frame name: its --nameattr attributes, or null when it has none. */
  private readonly attributes: (FrameAttributes | null | undefined)[];
  /** Per frame name with attributes: the string ids of what opens and closes its rect, and of its tooltip if they give one. */
  private readonly dressings: (Dressing | undefined)[];
  private readonly titleCounts: TitleCounts;
  private readonly info: FrameInfo = { index: 0, frame: 0, name: '', isRoot: false, depth: 0, samples: 0, self: 0, baseSamples: NaN, baseSelf: NaN };
  private readonly core: CoreFrameText;
  /** Whether every start and width is whole (numbers()), once asked. */
  private wholeNumbers: boolean | undefined;

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
    this.total = layout.scale * o.factor;
    this.glyph = o.fontSize * o.fontWidth;
    this.shown = new Array(names.length);
    this.escapedText = new Array(names.length);
    this.attributes = new Array(names.length);
    this.dressings = new Array(names.length);
    this.titleCounts = new TitleCounts(layout, o.factor);
    this.core = new CoreFrameText(layout.count, layout.maxDepth + 1, names.length);
    this.prepare();
  }

  /** The rects of #frames, as UTF-8 pieces (each valid until the next is asked for). */
  rects(): Generator<Uint8Array> {
    return this.core.rects();
  }

  /** The tooltips, the items of a JSON list, as UTF-8 pieces (each valid until the next is asked for). */
  tooltips(): Generator<Uint8Array> {
    return this.core.tooltips();
  }

  /**
   * The frames' starts (`widths`: their widths) in samples, the items of a JSON list as JSON
   * writes numbers, as UTF-8 pieces (each valid until the next is asked for): by the core when
   * they are whole numbers, as they are but with fractional counts.
   */
  *numbers(widths: boolean): Generator<Uint8Array> {
    if ((this.wholeNumbers ??= this.core.numbersWhole())) {
      yield* this.core.numbers(widths);
      return;
    }
    const column = widths ? this.layout.value : this.layout.start;
    yield Buffer.from(column.subarray(0, this.layout.count).join(','), 'latin1');
  }

  /** Frees what the core holds of the frames. */
  end(): void {
    this.core.end();
  }

  /** Markup as written: character references for what is outside ASCII under --encoding. */
  private markup(s: string): string {
    return this.ascii ? asciiCharRefs(s) : s;
  }

  /** A frame's --nameattr attributes (the root's name is ""). */
  private attributesOf(f: number): FrameAttributes | null {
    const map = this.o.nameAttributes;
    if (!map) return null;
    if (f === ROOT_FRAME) return map.get('') ?? null;
    return (this.attributes[f] ??= map.get(this.names[f]!) ?? null);
  }

  /** Gives the core the frames and every string it writes; makes the labels and the tooltips it does not write. */
  private prepare(): void {
    const { layout, o, g, mode, names, strings, core } = this;
    const n = layout.count;
    const c = core.columns();
    c.start.set(layout.start.subarray(0, n));
    c.value.set(layout.value.subarray(0, n));
    c.depth.set(layout.depth.subarray(0, n));
    c.frame.set(layout.frame.subarray(0, n));
    const figures = this.titleCounts.figures();
    if (figures.kind === FIGURES.exact) c.exact.set(layout.exact!.value.subarray(0, n));
    for (let d = 0; d <= layout.maxDepth; d++) c.row[d] = strings.id(`" y="${perlNumber(g.y1(d))}" width="`);
    // Fills by name when the mode says they are, each asked for at the name's first frame (after the
    // root's), as frames are drawn; else frame by frame, with the notes and --nameattr's dressing.
    const fillsByName = !!mode.fillByName && !mode.note && !o.nameAttributes;
    if (!fillsByName) this.frameByFrame(c);
    else if (n > 0) c.fill[0] = this.fillOf(0); // the root (a --total far above the counts may leave no frame at all)
    const { labels, others } = core.setup(
      { xpad: o.xpad, perSample: g.perSample, scale: layout.scale, glyph: this.glyph },
      { kind: figures.kind, factor: o.factor, total: this.total, whole: figures.whole },
    );
    if (fillsByName) {
      const nameFills = mode.nameFills?.();
      for (let f = 0; f < names.length; f++) {
        if (c.first[f] !== NO_FIRST) c.nameFill[f] = nameFills ? this.fillId(nameFills[f]!) : this.fillOf(c.first[f]!);
      }
    }
    // Names are distinct (a rare two alike once their annotations are stripped): not looked up, each text is added.
    for (let f = 0; f < names.length; f++) c.nameJson[f] = strings.add(this.jsonText(this.display(f)));
    c.nameJson[names.length] = strings.id('all');
    for (const i of labels) this.label(i, c.x1[i]!, c.x2[i]!);
    for (const i of others) {
      const f = layout.frame[i]!;
      const isRoot = f === ROOT_FRAME;
      c.tip[i] = strings.add(this.title(i, isRoot, this.display(f), isRoot ? layout.scale : layout.value[i]!, undefined));
    }
    const style = {
      fillsByName,
      dressed: !!o.nameAttributes,
      open: strings.id(o.prettyXml ? '        <rect x="' : '<rect x="'),
      close: strings.id(this.rectEnd('"/>')),
      heightFill: strings.id(`" height="${fixed(g.y2(0) - g.y1(0), 1)}" fill="`),
      // Between a tooltip's count and its percentage.
      countName: strings.id(` ${this.jsonText(o.countName)}, `),
    };
    const { bytes, offsets } = strings.encode();
    core.strings(bytes, offsets, style);
  }

  // The fills, notes and --nameattr dressing of every frame, in drawing order (a mode may colour
  // frames in turn, or note each), when they are not all by name.
  private frameByFrame(c: FrameTextColumns): void {
    const { layout, mode, strings } = this;
    const byName: (number | undefined)[] | undefined = mode.fillByName ? new Array(this.names.length) : undefined;
    const plainOpen = strings.id(this.o.prettyXml ? '        <rect x="' : '<rect x="');
    const plainClose = strings.id(this.rectEnd('"/>'));
    for (let i = 0; i < layout.count; i++) {
      const f = layout.frame[i]!;
      const isRoot = f === ROOT_FRAME;
      c.fill[i] = byName && !isRoot ? (byName[f] ??= this.fillOf(i)) : this.fillOf(i);
      const dressing = this.dressed(i);
      if (this.o.nameAttributes) {
        c.open[i] = dressing ? dressing.open : plainOpen;
        c.close[i] = dressing ? dressing.close : plainClose;
      }
      if (dressing && dressing.tip !== NO_TIP) c.tip[i] = dressing.tip;
      else if (mode.note && !isRoot) {
        // A frame noted has its tooltip written here; the others go to the core as any other.
        const note = mode.note(this.infoOf(i));
        if (note) c.tip[i] = strings.add(this.title(i, false, this.display(f), layout.value[i]!, note));
      }
    }
  }

  /** What a colour mode sees of frame `i`. */
  private infoOf(i: number): FrameInfo {
    const { layout, info } = this;
    const f = layout.frame[i]!;
    info.index = i;
    info.frame = f;
    info.isRoot = f === ROOT_FRAME;
    info.name = info.isRoot ? '' : this.names[f]!;
    info.depth = layout.depth[i]!;
    info.samples = layout.value[i]!;
    info.self = layout.self[i]!;
    info.baseSamples = layout.base ? layout.base.value[i]! : NaN;
    info.baseSelf = layout.base ? layout.base.self[i]! : NaN;
    return info;
  }

  // The fill of frame `i` as an attribute value, as a string id.
  private fillOf(i: number): number {
    return this.fillId(this.mode.fill(this.infoOf(i)));
  }

  // A fill as an attribute value (a mode returns few distinct colours: each is escaped once), as a string id.
  private fillId(fill: string): number {
    let id = this.fillIds.get(fill);
    if (id === undefined) this.fillIds.set(fill, (id = this.strings.id(this.markup(xmlAttr(fill)))));
    return id;
  }

  /** The display name of a frame: the root's "all", or its name with its annotation stripped. */
  private display(f: number): string {
    return f === ROOT_FRAME ? 'all' : (this.shown[f] ??= stripAnnotation(this.names[f]!));
  }

  // The label of frame `i`, which is wide enough for three characters at least.
  private label(i: number, x1: number, x2: number): void {
    const { layout, g } = this;
    const f = layout.frame[i]!;
    const isRoot = f === ROOT_FRAME;
    const display = this.display(f);
    const cut = fitLabel(display, Math.trunc((x2 - x1) / this.glyph));
    const shownText = cut === display && !isRoot ? (this.escapedText[f] ??= xmlText(display)) : xmlText(cut);
    const depth = layout.depth[i]!;
    const label = `<text x="${fixed(x1 + 3, 2)}" y="${perlNumber(3 + (g.y1(depth) + g.y2(depth)) / 2)}">${shownText}</text>`;
    const attrs = this.attributesOf(f);
    // A label keeps the attributes (class, style) its frame's <g> has, as when it was inside it.
    this.labels.push(attrs && attrs.group ? `<g${attrs.group}>${label}</g>` : label);
  }

  // What goes around the rect of frame `i` with --nameattr attributes, or undefined when it has none.
  private dressed(i: number): Dressing | undefined {
    const f = this.layout.frame[i]!;
    const attrs = this.attributesOf(f);
    if (!attrs) return undefined;
    return f === ROOT_FRAME ? this.dressing(attrs, '') : (this.dressings[f] ??= this.dressing(attrs, this.display(f)));
  }

  // The tooltip "NAME (N samples, P%)" (flamegraph.pl's, plus a mode's note), as a JSON string.
  private title(i: number, isRoot: boolean, display: string, value: number, note: string | undefined): string {
    const counts = this.titleCounts;
    const countName = ` ${this.jsonText(this.o.countName)}, `;
    if (isRoot) return `"all (${counts.samplesWithCommas(i, true, value)}${countName}100%)"`;
    const pct = counts.percent(i, value, this.total);
    return `"${this.jsonText(display)} (${counts.samplesWithCommas(i, false, value)}${countName}${pct}%${note ? `; ${this.jsonText(note)}` : ''})"`;
  }

  /**
   * The end of a frame's markup (`end`), and the line's end with --pretty-xml. Without it the frames
   * follow one another on one line: a newline between two is a text node for the browser to parse
   * and keep (W2's SVG: 24,681 of them, about 17 ms of its load's CPU in Chromium).
   */
  private rectEnd(end: string): string {
    return this.o.prettyXml ? `${end}\n` : end;
  }

  // What goes around the rect of a frame with --nameattr attributes: a <g> with them, and its
  // link (if any); and its tooltip, when they give one. A title from --nameattr hides the
  // frame's name from the viewer (search, labels): fg:n keeps it (`display`).
  private dressing(attrs: FrameAttributes, display: string): Dressing {
    const { strings } = this;
    const link = attrs.link;
    const fgn = attrs.title !== undefined ? ` fg:n="${xmlAttr(display)}"` : '';
    const tip = attrs.title !== undefined ? strings.id(`"${this.jsonText(attrs.title)}"`) : NO_TIP;
    if (!this.o.prettyXml) {
      return { open: strings.id(this.markup(`<g${attrs.group}>${link ?? ''}<rect x="`)), close: strings.id(this.markup(this.rectEnd(`"${fgn}/>${link ? '</a>' : ''}</g>`))), tip };
    }
    // One element a line, each level four spaces in from #frames' eight.
    const open = link ? `        <g${attrs.group}>\n            ${link}\n                <rect x="` : `        <g${attrs.group}>\n            <rect x="`;
    const close = link ? `"${fgn}/>\n            </a>\n        </g>\n` : `"${fgn}/>\n        </g>\n`;
    return { open: strings.id(this.markup(open)), close: strings.id(this.markup(close)), tip };
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
