// Reading the frames of a flame graph SVG (flamegraph.pl's or ours) for
// comparison as an unordered set: name, samples, x, width, y and fill.
// flamegraph.pl's SVGs are not always well-formed XML (unescaped titles), so
// frames are found by their `<title>…</title><rect …>` shape, not parsed.
// Ours draw a frame as a rect in #frames, its tooltip "NAME (N samples, P%)"
// and exact geometry in samples the same index of the lists in the JSON of
// <metadata id="frame-data"> (src/render/svg.ts, FrameData): frame i is the
// i-th rect of #frames.

export interface SvgFrame {
  name: string;
  samples: number;
  x: number;
  width: number;
  y: number;
  fill: string;
  title: string;
  /** Ours only: start and width in samples (NaN in flamegraph.pl's). */
  start: number;
  samplesWidth: number;
}

/** What our SVG knows of each frame besides its drawing (src/render/svg.ts, FrameData). */
export interface FrameData {
  start: number[];
  width: number[];
  tooltip: string[];
}

/** The frame data of one of our SVGs, or undefined for another's. */
export function frameData(svg: string): FrameData | undefined {
  const m = /<metadata id="frame-data">([^<]*)<\/metadata>/.exec(svg);
  return m ? (JSON.parse(unescapeXml(m[1]!)) as FrameData) : undefined;
}

const OUR_RECT = /<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="[^"]+" fill="([^"]+)"/g;

/** The markup of our #frames (every rect in it is a frame's), or undefined for another's SVG. */
export function framesMarkup(svg: string): string | undefined {
  const from = svg.indexOf('<g id="frames">');
  const to = svg.indexOf('<g id="labels">');
  return from >= 0 && to > from ? svg.slice(from, to) : undefined;
}

/** The labels of our SVG, in order: `<text x y>` in #labels (a frame's label starts 3 pixels right of its rect). */
export function svgLabels(svg: string): { x: number; y: number; text: string }[] {
  const from = svg.indexOf('<g id="labels">');
  const to = svg.indexOf('<metadata id="frame-data">');
  if (from < 0 || to < from) return [];
  return [...svg.slice(from, to).matchAll(/<text x="([^"]+)" y="([^"]+)">([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    text: unescapeXml(m[3]!),
  }));
}

const FRAME = /<title>([\s\S]*?)<\/title><rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="[^"]+" fill="([^"]+)"/g;

export function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

const quote = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The frames of an SVG whose titles read "NAME (N COUNTNAME, ...)". */
export function svgFrames(svg: string, countName = 'samples'): SvgFrame[] {
  // flamegraph.pl leaves the count name unescaped; ours is escaped: accept either.
  const escaped = countName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const suffix = new RegExp(` \\(([-\\d,]+) (?:${quote(countName)}|${quote(escaped)}), `, 'g');
  const rawSuffix = new RegExp(` \\(([-\\d,]+) ${quote(countName)}, `, 'g');
  const frames: SvgFrame[] = [];
  const data = frameData(svg);
  const ours = framesMarkup(svg);
  if (data && ours !== undefined) {
    const rects = [...ours.matchAll(OUR_RECT)];
    if (rects.length !== data.tooltip.length) throw new Error(`${rects.length} frames drawn, ${data.tooltip.length} in the frame data`);
    return rects.map((m, i) => {
      const title = data.tooltip[i]!;
      let at = -1;
      let samples = NaN;
      for (const s of title.matchAll(rawSuffix)) {
        at = s.index;
        samples = Number(s[1]!.replace(/,/g, ''));
      }
      return {
        name: at < 0 ? title : title.slice(0, at),
        samples,
        x: Number(m[1]),
        width: Number(m[3]),
        y: Number(m[2]),
        fill: m[4]!,
        title,
        start: data.start[i]!,
        samplesWidth: data.width[i]!,
      };
    });
  }
  for (const m of svg.matchAll(FRAME)) {
    const raw = m[1]!;
    let at = -1;
    let samples = NaN;
    for (const s of raw.matchAll(suffix)) {
      at = s.index;
      samples = Number(s[1]!.replace(/,/g, ''));
    }
    frames.push({
      name: unescapeXml(at < 0 ? raw : raw.slice(0, at)),
      samples,
      x: Number(m[2]),
      width: Number(m[4]),
      y: Number(m[3]),
      fill: m[5]!,
      title: raw,
      start: NaN,
      samplesWidth: NaN,
    });
  }
  return frames;
}

export interface FrameDiff {
  missing: SvgFrame[]; // in the reference, not in ours
  extra: SvgFrame[]; // in ours, not in the reference
  fills: { ours: SvgFrame; reference: SvgFrame }[]; // matched frames whose fill differs
}

/** Matches frames as sets: same name, samples and y; x and width within `tolerance` pixels. */
export function compareFrames(ours: SvgFrame[], reference: SvgFrame[], tolerance = 0.11): FrameDiff {
  // A title whose count was not read would match any other such title: no comparison at all.
  const uncounted = [...ours, ...reference].filter((f) => Number.isNaN(f.samples));
  if (uncounted.length > 0) throw new Error(`frames without a count in their title: ${uncounted.slice(0, 3).map((f) => f.title).join(' | ')}`);
  const key = (f: SvgFrame): string => `${f.name}\u0000${f.samples}\u0000${f.y}`;
  const pool = new Map<string, SvgFrame[]>();
  for (const f of ours) {
    const k = key(f);
    const list = pool.get(k);
    if (list) list.push(f);
    else pool.set(k, [f]);
  }
  const missing: SvgFrame[] = [];
  const fills: FrameDiff['fills'] = [];
  for (const r of reference) {
    const list = pool.get(key(r)) ?? [];
    const i = list.findIndex((f) => Math.abs(f.x - r.x) <= tolerance && Math.abs(f.width - r.width) <= tolerance);
    if (i < 0) {
      missing.push(r);
      continue;
    }
    const [f] = list.splice(i, 1);
    if (f!.fill !== r.fill) fills.push({ ours: f!, reference: r });
  }
  const extra = [...pool.values()].flat();
  return { missing, extra, fills };
}
