// `flamefold svg` and the one-shot `flamefold CAPTURE... -o out.svg`: any
// capture (or folded stacks) in, an interactive flame graph SVG out, with no
// intermediate file. They take collapse's capture options; the graph options
// are flamegraph.pl's (and inferno's).

import { InputError, UsageError } from '../errors.js';
import { inputName } from '../input/feed.js';
import { flameGraph, type RenderOptions } from '../render/render.js';
import { checkSvgOptions, parsePalette } from '../render/options.js';
import { readPaletteMap, writePaletteMap } from '../render/palettemap.js';
import { readNameAttributes } from '../render/name-attributes.js';
import { differentialMode, parseDiffMode, parsePercent } from '../render/differential-colors.js';
import { collapseWithProgress } from './progress.js';
import { captureOptionArgs, captureOptions, captureOptionsHelp } from './capture-options.js';
import { inputsOf, numberOption, parseCommandArgs, parseStackFilter, stackFilterOption, warn, outputFor } from './common.js';

export const svgOptionsHelp = `Graph options (flamegraph.pl's):
      --title TEXT      heading (default "Flame Graph"; "Icicle Graph", "Flame Chart")
      --subtitle TEXT   second heading line
      --width N         image width in pixels (default 1200; 21 to 100000)
      --height N        frame height in pixels (default 16; at most 1000)
      --minwidth N[%]   omit frames narrower than N pixels, or N% of the total (default 0.1)
      --fonttype FONT   font family or list (default Verdana)
      --fontsize N      font size (default 12; at most 1000)
      --fontwidth N     average glyph width relative to the font size (default 0.59;
                        at most 10)
      --countname TEXT  what the counts are (default "samples")
      --nametype TEXT   what the names are (default "Function:")
      --colors PALETTE  hot (default), mem, io, wakeup, chain, java, js, perl,
                        red, green, blue, aqua, yellow, purple, orange, and
                        inferno's rust and python
      --bgcolors COLOR  yellow, blue, green, grey, or #rrggbb (default from the palette)
      --hash            colours keyed by a hash of the name's first characters
      --random          random colours (fixed seed: the same input still gives the same SVG)
      --cp              consistent palette: read and update ./palette.map
      --reverse         reverse each stack (leaf first) before merging
      --inverted        icicle graph: the root at the top
      --flamechart      flame chart: stacks in input (time) order, each merged only
                        with the one before it (any input format)
      --negate          switch differential hues (two-count input: red ↔ blue)
      --diff-mode MODE  two-count input: colour by the change of each frame's own
                        samples (self, default: flamegraph.pl's) or of its total
                        (total; implies --diff-details)
      --diff-threshold P  two-count input: changes below P% of the total stay white
      --diff-details    two-count input: tooltips give before, after, delta, delta %
      --notes TEXT      a note embedded in the SVG as a comment
      --total N         what 100% is, when larger than the sum of the counts
      --factor N        scale the counts shown in tooltips
      --nameattr FILE   attributes for the frames of particular functions: one
                        line each, NAME<tab>title=TOOLTIP<tab>href=URL<tab>class=C...
      --encoding NAME   encoding named in the XML declaration, in which frame
                        names are read (e.g. ISO-8859-1, Shift_JIS; default UTF-8)

Graph options (inferno's):
      --colordiffusion  colour frames by width, the wider the redder
      --search-color #rrggbb  fill of the frames a search matches (#e600e6)
      --stroke-color #rrggbb  an outline around every frame (default none)
      --uicolor #rrggbb       colour of the title and buttons (default black)
      --truncate-text-right   cut long labels at their end (as always here)
      --pretty-xml      indent the SVG, one element per line
`;

/** What svg and the one-shot form say about their input. */
const inputHelp = `Any capture flamefold reads is drawn: DTrace, perf, pmcstat, procstat,
bpftrace or folded stacks ("root;...;leaf count" lines; a second count column
makes a differential graph), detected from its first bytes, gzip or not.
Several inputs are merged into one graph; no FILE or "-" reads stdin. A graph
shows one event: of a capture with several (pmcstat PMCs, perf events), each
input's first, with a warning naming the others (cycles and instructions added
together would mean nothing); --event NAME draws another.`;

export const help = `Usage: flamefold svg [options] [FILE...|-] [-o out.svg]

Draws stacks as an interactive SVG flame graph: click to zoom, Ctrl-F to
search by regular expression, state kept in the URL.
${inputHelp}

Options:
  -o, --output FILE     write to FILE (atomically) instead of stdout
${captureOptionsHelp(24, true)}  -h, --help            show this help

${svgOptionsHelp}`;

export const captureHelp = `Usage: flamefold CAPTURE... [options] [-o out.svg]

Draws captures straight to an SVG flame graph, with no intermediate file; the
same as "flamefold svg CAPTURE...".
${inputHelp}

Options:
  -o, --output FILE     write to FILE (atomically) instead of stdout
${captureOptionsHelp(24, true)}  -h, --help            show this help

${svgOptionsHelp}`;

/** The graph options, with -o and -h: what every command that draws takes. */
export const argOptions = {
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h', default: false },
  title: { type: 'string' },
  subtitle: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  minwidth: { type: 'string' },
  fonttype: { type: 'string' },
  fontsize: { type: 'string' },
  fontwidth: { type: 'string' },
  countname: { type: 'string' },
  nametype: { type: 'string' },
  colors: { type: 'string' },
  color: { type: 'string' }, // flamegraph.pl's option parser accepts the abbreviation
  bgcolors: { type: 'string' },
  hash: { type: 'boolean', default: false },
  random: { type: 'boolean', default: false },
  cp: { type: 'boolean', default: false },
  reverse: { type: 'boolean', default: false },
  inverted: { type: 'boolean', default: false },
  flamechart: { type: 'boolean', default: false },
  negate: { type: 'boolean', default: false },
  'diff-mode': { type: 'string' },
  'diff-threshold': { type: 'string' },
  'diff-details': { type: 'boolean', default: false },
  notes: { type: 'string' },
  total: { type: 'string' },
  factor: { type: 'string' },
  nameattr: { type: 'string' },
  encoding: { type: 'string' },
  colordiffusion: { type: 'boolean', default: false },
  'search-color': { type: 'string' },
  'stroke-color': { type: 'string' },
  uicolor: { type: 'string' },
  'truncate-text-right': { type: 'boolean', default: false }, // inferno's; flamegraph.pl's labels are cut at the end already
  'pretty-xml': { type: 'boolean', default: false },
  ...stackFilterOption,
} as const;

export type Values = ReturnType<typeof parseCommandArgs<typeof argOptions>>['values'];

const optionalNumber = (name: string, v: string | undefined): number | undefined =>
  v === undefined ? undefined : numberOption(name, v, 0);

/** The rendering options a command line asks for. */
export function renderOptions(v: Values): RenderOptions {
  if (v.colors !== undefined && v.color !== undefined && v.colors !== v.color) {
    throw new UsageError('--color and --colors name different palettes');
  }
  return {
    title: v.title,
    subtitle: v.subtitle,
    width: optionalNumber('width', v.width),
    height: optionalNumber('height', v.height),
    minWidth: v.minwidth,
    fontType: v.fonttype,
    fontSize: optionalNumber('fontsize', v.fontsize),
    fontWidth: optionalNumber('fontwidth', v.fontwidth),
    countName: v.countname,
    nameType: v.nametype,
    colors: v.colors === undefined && v.color === undefined ? undefined : parsePalette(v.colors ?? v.color),
    bgColors: v.bgcolors,
    hash: v.hash,
    random: v.random,
    reverse: v.reverse,
    inverted: v.inverted,
    flameChart: v.flamechart,
    negate: v.negate,
    notes: v.notes,
    total: optionalNumber('total', v.total),
    factor: optionalNumber('factor', v.factor),
    encoding: v.encoding,
    colorDiffusion: v.colordiffusion,
    searchColor: v['search-color'],
    strokeColor: v['stroke-color'],
    uiColor: v.uicolor,
    prettyXml: v['pretty-xml'],
    ...differentialOptions(v),
    onWarning: warn,
  };
}

/** Reads the files options name (--nameattr), after every option was checked. */
export async function readOptionFiles(v: Values, options: RenderOptions): Promise<void> {
  if (v.nameattr !== undefined) options.nameAttributes = await readNameAttributes(v.nameattr);
}

/** --diff-mode/--diff-threshold/--diff-details: flamefold's differential colouring (src/render/differential.ts). */
function differentialOptions(v: Values): Pick<RenderOptions, 'colorMode'> {
  if (v['diff-mode'] === undefined && v['diff-threshold'] === undefined && !v['diff-details']) return {};
  const mode = parseDiffMode(v['diff-mode']);
  const threshold = parsePercent('diff-threshold', v['diff-threshold']);
  return { colorMode: differentialMode({ mode, threshold, details: v['diff-details'] || mode === 'total' }) };
}

/** --cp's file, in the current directory as flamegraph.pl keeps it. */
const PALETTE_MAP = 'palette.map';

async function render(argv: string[], usage: string, label: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...argOptions, ...captureOptionArgs });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const inputs = inputsOf(positionals);
  const captured = captureOptions(values);
  const options = renderOptions(values);
  checkSvgOptions(options); // option and output mistakes stop us before any input is read
  const stackFilter = parseStackFilter(values);
  const output = await outputFor(values.output);
  await readOptionFiles(values, options);
  if (values.cp) {
    await outputFor(PALETTE_MAP); // written after drawing: checked now, as -o is
    options.paletteMap = await readPaletteMap(PALETTE_MAP);
  }

  const collapseOptions = {
    ...captured,
    keepOrder: values.flamechart, // a flame chart draws the records in their input order
    oneEvent: true, // one graph, one event: several pmcstat events summed would be a meaningless graph
  };
  const result = await collapseWithProgress(label, inputs, collapseOptions, values.quiet);
  const graph = await flameGraph(result, options);
  if (graph.samples <= 0) {
    throw new InputError(inputs.map((i, n) => inputName(i, n)).join(', '), 'no stack counts found: nothing to draw');
  }
  await output.write((sink) => graph.writeTo(sink));
  if (options.paletteMap) await writePaletteMap(PALETTE_MAP, options.paletteMap);
  return 0;
}

/** `flamefold svg`: any capture, detected. */
export function run(argv: string[]): Promise<number> {
  return render(argv, help, 'svg');
}

/** `flamefold CAPTURE...`: the same, when the first argument is not a command. */
export function runCaptures(argv: string[]): Promise<number> {
  return render(argv, captureHelp, 'reading');
}
