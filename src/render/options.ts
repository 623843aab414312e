// SVG options: flamegraph.pl's and inferno's, with their names and meanings,
// checked up front, and the colour-mode interface they carry. flamegraph.pl
// paints an unknown palette black and accepts any "#......" as a background;
// here an unknown or malformed value is a usage error.

import { UsageError } from '../errors.js';
import { BACKGROUNDS, PALETTES, defaultBackground, type BackgroundName, type Palette } from './palette.js';
import type { Layout } from './placement.js';
import { resolveNameAttributes, type FrameAttributes, type NameAttributes } from './name-attributes.js';

/** Options of an SVG rendering (the API names of flamegraph.pl's options). */
export interface SvgOptions {
  /** --title: the heading (default "Flame Graph", "Icicle Graph" with `inverted`, "Flame Chart" with `flameChart`). */
  title?: string;
  /** --subtitle: a second heading line. */
  subtitle?: string;
  /** --width: image width in pixels (default 1200). */
  width?: number;
  /** --height: height of each frame in pixels (default 16). */
  height?: number;
  /** --minwidth: omit frames narrower than this many pixels, or a percentage of the total as "N%" (default 0.1). */
  minWidth?: number | string;
  /** --fonttype: font family, or a comma-separated list (default "Verdana"). */
  fontType?: string;
  /** --fontsize: font size in pixels (default 12). */
  fontSize?: number;
  /** --fontwidth: average glyph width relative to the font size, for fitting labels (default 0.59). */
  fontWidth?: number;
  /** --countname: what the counts are (default "samples"). */
  countName?: string;
  /** --nametype: what the names are, in the details line (default "Function:"). */
  nameType?: string;
  /** --colors: palette (default "hot"). */
  colors?: Palette;
  /** --bgcolors: background gradient yellow, blue, green or grey, or a flat "#rrggbb" (default from the palette). */
  bgColors?: BackgroundName | string;
  /** --hash: colours keyed by flamegraph.pl's name hash. */
  hash?: boolean;
  /** --random: random colours (from a fixed seed, so the output stays reproducible). */
  random?: boolean;
  /** --cp: a consistent palette: colours are read from and added to this map (name → colour). */
  paletteMap?: Map<string, string>;
  /** --reverse: reverse each stack (leaf first) before merging. */
  reverse?: boolean;
  /** --inverted: icicle graph (root at the top). */
  inverted?: boolean;
  /** --flamechart: stacks in input order, merged only with their neighbours (needs `collapse(…, { keepOrder: true })`). */
  flameChart?: boolean;
  /** --negate: switch the differential hues (red ↔ blue). */
  negate?: boolean;
  /** --notes: a note embedded in the SVG as a comment. */
  notes?: string;
  /** --total: what 100% is, when larger than the sum of the counts. */
  total?: number;
  /** --factor: scale the counts shown in tooltips by this factor. */
  factor?: number;
  /** How frames are coloured; the default is flamegraph.pl's (palette, or differential for two-count input). */
  colorMode?: ColorModeFactory;
  /**
   * --nameattr (flamegraph.pl): attributes of the frames of particular functions, by exact name:
   * `title` replaces the tooltip, `href` (with `target`, default _top) makes the frame a link, any
   * other name (class, style, data-*) goes on the frame's <g>. See readNameAttributes() for the file.
   */
  nameAttributes?: NameAttributes;
  /**
   * --encoding (flamegraph.pl): the encoding the XML declaration names, and that frame names'
   * bytes are read in (default: UTF-8, undeclared). Any encoding but UTF-8 is written as ASCII
   * with character references, so the file is what it declares.
   */
  encoding?: string;
  /** --colordiffusion (inferno): colour by width, the wider the redder, instead of by name. */
  colorDiffusion?: boolean;
  /** --search-color (inferno): fill of the frames a search matches, #rrggbb (default #e600e6). */
  searchColor?: string;
  /** --stroke-color (inferno): an outline around every frame, #rrggbb, or none (the default). */
  strokeColor?: string;
  /** --uicolor (inferno): colour of the title, buttons and details line, #rrggbb (default black). */
  uiColor?: string;
  /** --pretty-xml (inferno): every element on its own line, indented by depth. */
  prettyXml?: boolean;
}

/** Options with defaults applied and values checked. */
export interface ResolvedSvgOptions {
  title: string;
  subtitle: string;
  width: number;
  frameHeight: number;
  minWidth: { value: number; percent: boolean };
  fontType: string;
  fontSize: number;
  fontWidth: number;
  countName: string;
  nameType: string;
  palette: Palette;
  background: readonly [string, string];
  colorSource: 'name' | 'hash' | 'random';
  paletteMap: Map<string, string> | undefined;
  reverse: boolean;
  inverted: boolean;
  flameChart: boolean;
  negate: boolean;
  notes: string;
  total: number | undefined;
  factor: number;
  colorMode: ColorModeFactory | undefined;
  colorDiffusion: boolean;
  /** Checked and escaped attributes by function name (--nameattr). */
  nameAttributes: Map<string, FrameAttributes> | undefined;
  /** --encoding: the label to declare, how names are decoded, and whether to write ASCII only. */
  encoding: { label: string; decoder: TextDecoder; ascii: boolean } | undefined;
  strokeColor: string | undefined;
  uiColor: string | undefined;
  prettyXml: boolean;
  /** Fixed geometry. */
  xpad: number;
  framePad: number;
  searchColor: string;
}

// Colour modes: how a frame's fill (and the note in its tooltip) is chosen. The
// interface lives here, with the options a mode is given: each refers to the other.

/** What a colour mode sees of one frame. The object is reused: read it during the call only. */
export interface FrameInfo {
  /** Index in the layout's arrays (drawing order). */
  index: number;
  /** Frame-name id (the same for every frame of that name; ROOT_FRAME for the root): a cache key. */
  frame: number;
  /** The name as in the input (annotations such as `_[k]` kept); "" for the root. */
  name: string;
  isRoot: boolean;
  depth: number;
  /** Width count: the frame's total, and its own (self) part. Two-count input: the second column. */
  samples: number;
  self: number;
  /** Two-count input: the first column's total and self; NaN otherwise. */
  baseSamples: number;
  baseSelf: number;
}

/** A colour mode for one rendering. */
export interface ColorMode {
  /** The fill of a frame: any CSS colour (it is XML-escaped when written). */
  fill(frame: FrameInfo): string;
  /** Whether fill() depends on nothing but the frame's name (FrameInfo.frame): then it is asked once per name. */
  fillByName?: boolean;
  /**
   * With fillByName, optionally: every name's fill at once, by frame-name id (what fill() gives
   * the name's frames), for a mode that makes them quicker together than frame by frame.
   */
  nameFills?(): readonly string[];
  /**
   * Extra tooltip text, written after "N samples, P%" and a "; " inside the
   * parentheses (flamegraph.pl's differential "+1.23%"). Avoid parentheses.
   */
  note?(frame: FrameInfo): string | undefined;
  /** Background gradient (top, bottom) when the mode wants its own. */
  background?: readonly [string, string];
  /** A legend drawn under the title(s): the writer leaves `height` pixels for it above the frames. */
  legend?: ColorLegend;
}

/** Extra SVG content explaining the colours (two-metric graphs' scale). */
export interface ColorLegend {
  height: number;
  /** The legend's SVG elements, given the image width and the y where its space begins. */
  svg(width: number, top: number): string;
}

/** Everything a colour mode may look at when it is created. */
export interface ColorModeContext {
  layout: Layout;
  options: ResolvedSvgOptions;
  /** Decoded names by frame-name id, for the frames drawn (the layout's `frame` values index this). */
  names: readonly string[];
}

export type ColorModeFactory = (context: ColorModeContext) => ColorMode;

const positive = (name: string, v: number | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} must be a positive number, not '${String(v)}'`);
  return v;
};

/**
 * The most each size may be: past these an SVG is no longer a picture a browser
 * can show (a frame height of 1e9 pixels), only a very large file.
 */
export const SIZE_LIMITS = { width: 100_000, height: 1000, fontsize: 1000, fontwidth: 10 } as const;

const size = (name: keyof typeof SIZE_LIMITS, v: number | undefined, fallback: number): number => {
  const n = positive(name, v, fallback);
  if (n > SIZE_LIMITS[name]) throw new UsageError(`--${name} must be at most ${SIZE_LIMITS[name]}, not ${n}`);
  return n;
};

/** Parses --minwidth: pixels ("0.5") or a percentage of the total ("1%"). */
export function parseMinWidth(v: number | string | undefined): { value: number; percent: boolean } {
  if (v === undefined) return { value: 0.1, percent: false };
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`--minwidth must be a number of pixels or a percentage, not '${v}'`);
    return { value: v, percent: false };
  }
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(%?)\s*$/.exec(v);
  if (!m) throw new UsageError(`--minwidth must be a number of pixels or a percentage like 0.5%, not '${v}'`);
  return { value: Number(m[1]), percent: m[2] === '%' };
}

function parseBackground(v: string | undefined, palette: Palette): readonly [string, string] {
  const name = v ?? defaultBackground(palette);
  if (Object.hasOwn(BACKGROUNDS, name)) return BACKGROUNDS[name as BackgroundName];
  if (/^#[0-9a-fA-F]{6}$/.test(name)) return [name, name];
  throw new UsageError(`--bgcolors must be yellow, blue, green, grey or #rrggbb, not '${name}'`);
}

export function parsePalette(v: string | undefined): Palette {
  if (v === undefined) return 'hot';
  if ((PALETTES as readonly string[]).includes(v)) return v as Palette;
  throw new UsageError(`unknown palette '${v}' for --colors: use ${PALETTES.join(', ')}`);
}

/** An inferno colour option: "#rrggbb". */
function hexColor(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (/^#[0-9a-fA-F]{6}$/.test(v)) return v;
  throw new UsageError(`--${name} must be a colour written #rrggbb, not '${v}'`);
}

/** --encoding: a label the XML declaration may carry and the WHATWG decoder knows, compatible with ASCII. */
function parseEncoding(v: string | undefined): ResolvedSvgOptions['encoding'] {
  if (v === undefined) return undefined;
  let decoder: TextDecoder | undefined;
  try {
    if (/^[A-Za-z][A-Za-z0-9._-]*$/.test(v)) decoder = new TextDecoder(v);
  } catch {
    // not an encoding the decoder knows: said below
  }
  if (!decoder) throw new UsageError(`--encoding: unknown encoding '${v}' (e.g. UTF-8, ISO-8859-1, Shift_JIS, EUC-JP, GBK)`);
  // UTF-16 is the one family whose bytes are not ASCII for ASCII characters.
  if (decoder.encoding.startsWith('utf-16')) throw new UsageError(`--encoding ${v}: only encodings that write ASCII as ASCII can be declared`);
  return { label: v, decoder, ascii: decoder.encoding !== 'utf-8' };
}

/** Throws a UsageError for any option the renderer would refuse: call it before reading input. */
export function checkSvgOptions(o: SvgOptions): void {
  resolveSvgOptions(o);
}

export function resolveSvgOptions(o: SvgOptions = {}): ResolvedSvgOptions {
  const width = size('width', o.width, 1200);
  if (width <= 20) throw new UsageError(`--width must be more than 20 pixels (the padding), not ${width}`);
  const palette = parsePalette(o.colors);
  const inverted = o.inverted ?? false;
  const flameChart = o.flameChart ?? false;
  const title = o.title !== undefined && o.title !== '' ? o.title : flameChart ? 'Flame Chart' : inverted ? 'Icicle Graph' : 'Flame Graph';
  const total = o.total === undefined ? undefined : positive('total', o.total, 0);
  const colorDiffusion = o.colorDiffusion ?? false;
  if (colorDiffusion && (o.colors !== undefined || o.colorMode !== undefined)) {
    throw new UsageError('--colordiffusion colours frames by their width: it takes no palette (--colors) or other colour mode');
  }
  const strokeColor = o.strokeColor === 'none' ? undefined : hexColor('stroke-color', o.strokeColor);
  return {
    title,
    subtitle: o.subtitle ?? '',
    width,
    frameHeight: size('height', o.height, 16),
    minWidth: parseMinWidth(o.minWidth),
    fontType: o.fontType ?? 'Verdana',
    fontSize: size('fontsize', o.fontSize, 12),
    fontWidth: size('fontwidth', o.fontWidth, 0.59),
    countName: o.countName ?? 'samples',
    nameType: o.nameType ?? 'Function:',
    palette,
    background: parseBackground(o.bgColors, palette),
    colorSource: o.hash ? 'hash' : o.random ? 'random' : 'name',
    paletteMap: o.paletteMap,
    reverse: o.reverse ?? false,
    inverted,
    flameChart,
    negate: o.negate ?? false,
    notes: o.notes ?? '',
    total,
    factor: positive('factor', o.factor, 1),
    colorMode: o.colorMode,
    colorDiffusion,
    nameAttributes: o.nameAttributes && resolveNameAttributes(o.nameAttributes),
    encoding: parseEncoding(o.encoding),
    strokeColor,
    uiColor: hexColor('uicolor', o.uiColor),
    prettyXml: o.prettyXml ?? false,
    xpad: 10,
    framePad: 1,
    searchColor: hexColor('search-color', o.searchColor) ?? 'rgb(230,0,230)',
  };
}
