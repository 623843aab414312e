// Reading the frames of a flame graph SVG (flamegraph.pl's or ours) for
// comparison as an unordered set: name, samples, x, width, y and fill.
// flamegraph.pl's SVGs are not always well-formed XML (unescaped titles), so
// frames are found by their `<title>…</title><rect …>` shape, not parsed.

export interface SvgFrame {
  name: string;
  samples: number;
  x: number;
  width: number;
  y: number;
  fill: string;
  title: string;
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
  const frames: SvgFrame[] = [];
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
