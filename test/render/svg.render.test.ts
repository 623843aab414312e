// The renderer's rules, one by one: number formatting and colours as
// flamegraph.pl (checked against perl itself where it is installed), merged
// frames and flamegraph.pl's sibling order, pruning, options, determinism.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UsageError, flameGraph, renderSvg, randomNamehash, namehash, writeFileAtomic, type RenderOptions } from '../../src/index.js';
import { fixed, withCommas } from '../../src/render/numbers.js';
import { xmlSafe } from '../../src/render/escape.js';
import { frameColor, perlSrandRand, separatorColor, type Palette } from '../../src/render/palette.js';
import { svgFrames, svgLabels, type SvgFrame } from '../support/svgframes.js';
import { tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const hasPerl = spawnSync('perl', ['-e', '1']).status === 0;

function perl(script: string, input: string): string[] {
  const r = spawnSync('perl', ['-ne', script], { input, maxBuffer: 1 << 28 });
  return r.stdout.toString().trim().split('\n');
}

const frames = async (folded: string, options: RenderOptions = {}): Promise<SvgFrame[]> =>
  svgFrames(await renderSvg(folded, options), options.countName);
const named = (fs: SvgFrame[], name: string): SvgFrame[] => fs.filter((f) => f.name === name);
/** The exact starts in samples of the frames named `name`. */
const fgx = (svg: string, name: string): number[] => named(svgFrames(svg), name).map((f) => f.start);

describe('numbers as flamegraph.pl prints them', () => {
  it('%.Nf rounds exact ties to even, like C', () => {
    expect(fixed(0.125, 2)).toBe('0.12');
    expect(fixed(0.375, 2)).toBe('0.38');
    expect(fixed(2.5, 0)).toBe('2');
    expect(fixed(3.5, 0)).toBe('4');
    expect(fixed(-0.01, 1)).toBe('-0.0');
    expect(fixed(1180, 1)).toBe('1180.0');
    expect(withCommas('1234567')).toBe('1,234,567');
    expect(withCommas('-1234')).toBe('-1,234');
    expect(withCommas('999')).toBe('999');
  });

  it.skipIf(!hasPerl)('%.0f %.1f %.2f agree with perl on 20,000 values, ties included', () => {
    const values: number[] = [];
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 4000; i++) {
      const k = Math.floor(rnd() * 100000);
      values.push(k / 8, k / 1000, rnd() * 1200, -rnd() * 10, (k + 0.5) / 100);
    }
    const want = perl('chomp; printf "%.0f %.1f %.2f\\n", $_, $_, $_', values.map((v) => v.toPrecision(17)).join('\n') + '\n');
    expect(values.map((v) => `${fixed(v, 0)} ${fixed(v, 1)} ${fixed(v, 2)}`)).toEqual(want);
  });
});

describe('colours as flamegraph.pl picks them', () => {
  it.skipIf(!hasPerl)("the default colour's srand/rand is Perl's drand48", () => {
    const seeds = [0, 1, 97, 1234567, 4294967295, 2 ** 31 + 5];
    const want = perl('chomp; srand($_); printf "%.17g\\n", rand(1)', seeds.join('\n') + '\n').map(Number);
    expect(seeds.map(perlSrandRand)).toEqual(want);
  });

  it('random_namehash seeds with the sum of code points (anagrams share a colour)', () => {
    expect(randomNamehash('abc')).toBe(perlSrandRand(294));
    expect(randomNamehash('cab')).toBe(randomNamehash('abc'));
  });

  it("each name's colour is random_namehash's, whatever its bytes, palette and --encoding (property)", async () => {
    // Names alike in their sums of code points (anagrams, "é" against two ASCII bytes), past ASCII, and not UTF-8
    // at all (a lone byte 0xe9 reads as U+FFFD in UTF-8, as é in ISO-8859-1): the core adds up ASCII names' bytes.
    // ISO-2022-JP reads ASCII bytes otherwise: after ESC $ B, "0!" is one kanji.
    // Words of eight bytes are summed at once: names of 9 to 300 bytes, a byte past ASCII anywhere in them.
    const piece = fc.constantFrom('a', 'b', 'ab', 'ba', 'x', 'w', '0!', 'abcdefghi', 'm'.repeat(300), '\x1b$B', '\x1b(B', '\u00e9', '\u20ac', '\u{1f600}', '\xe9', '\xff', '-', ' ');
    const bytesOf = (p: string): Buffer => (p === '\xe9' || p === '\xff' ? Buffer.from([p.charCodeAt(0)]) : Buffer.from(p, 'utf8'));
    const name = fc.array(piece, { minLength: 1, maxLength: 5 }).map((ps) => Buffer.concat(ps.map(bytesOf)));
    const line = fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9 }));
    const palette = fc.constantFrom<Palette>('hot', 'mem', 'io', 'red', 'aqua', 'orange', 'java', 'perl', 'wakeup');
    const encoding = fc.constantFrom(undefined, 'ISO-8859-1', 'ISO-2022-JP');
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), palette, encoding, async (lines, colors, enc) => {
        const folded = Buffer.concat(lines.flatMap(([names, n]) => [...names.flatMap((b, i) => (i ? [Buffer.from(';'), b] : [b])), Buffer.from(` ${n}\n`)]));
        const decoder = new TextDecoder(enc ?? 'utf-8');
        const want = new Map<string, string>(); // by the name as tooltips show it (ESC, which XML forbids, as U+241B)
        for (const [names] of lines) {
          for (const b of names) {
            const n = decoder.decode(b);
            want.set(xmlSafe(n), separatorColor(n) ?? frameColor(colors, 'name', n));
          }
        }
        const fs = svgFrames(await renderSvg(folded, { colors, encoding: enc, minWidth: '0' })).filter((f) => f.name !== 'all');
        expect(fs.length).toBeGreaterThan(0);
        for (const f of fs) expect(f.fill, f.name).toBe(want.get(f.name));
      }),
      { numRuns: 150 },
    );
  });

  it('namehash drops a module prefix and weighs three characters', () => {
    expect(namehash('unix`mutex_enter')).toBe(namehash('mutex_enter'));
    expect(namehash('abcd')).toBe(namehash('abcz'));
    expect(namehash('abc')).not.toBe(namehash('abd'));
  });
});

describe('layout from the call tree', () => {
  it('merges frames by (parent, name): no split box when a sibling sorts between a frame\'s lines', async () => {
    // flamegraph.pl sorts the lines "a;b 1", "a;b.x 2", "a;b;c 3" and draws b twice.
    const fs = await frames('a;b 1\na;b.x 2\na;b;c 3\n');
    expect(named(fs, 'b')).toHaveLength(1);
    expect(named(fs, 'b')[0]!.samples).toBe(4);
    expect(named(fs, 'b.x')).toHaveLength(1);
  });

  it("orders siblings as flamegraph.pl's line sort: the name, then a blank (stack ends there) or ';'", async () => {
    // "r;a.b 1" < "r;a2 1" < "r;a;x 1": '.' and '2' sort before ';'.
    const svg1 = await renderSvg('r;a;x 1\nr;a2 1\nr;a.b 1\n');
    expect([fgx(svg1, 'a.b')[0], fgx(svg1, 'a2')[0], fgx(svg1, 'a')[0]]).toEqual([0, 1, 2]);
    // "r;a 1" < "r;a.b 1" < "r;a2 1": a blank sorts first.
    const svg2 = await renderSvg('r;a 1\nr;a2 1\nr;a.b 1\n');
    expect([fgx(svg2, 'a')[0], fgx(svg2, 'a.b')[0], fgx(svg2, 'a2')[0]]).toEqual([0, 1, 2]);
  });

  it("a frame's own samples come before its children", async () => {
    const svg = await renderSvg('a 5\na;b 3\n');
    expect(fgx(svg, 'b')).toEqual([5]);
  });

  it('a pruned frame still takes its place: the frames after it start after it', async () => {
    const svg = await renderSvg('r;a 100000\nr;b 1\nr;c 100000\n');
    const fs = svgFrames(svg);
    expect(named(fs, 'b')).toHaveLength(0);
    expect(fgx(svg, 'c')).toEqual([100001]);
    // c's pixel position includes b's width: x = 10 + 100001 * 1180 / 200001.
    expect(named(fs, 'c')[0]!.x).toBe(Number(fixed(10 + (100001 * 1180) / 200001, 1)));
  });

  it('--minwidth in pixels and as a percentage of the total', async () => {
    const folded = 'a 90\nb 9\nc 1\n';
    expect(named(await frames(folded, { minWidth: 12 }), 'c')).toHaveLength(0); // c is 11.8 px
    expect(named(await frames(folded, { minWidth: 11 }), 'c')).toHaveLength(1);
    expect(named(await frames(folded, { minWidth: '1.5%' }), 'c')).toHaveLength(0);
    expect(named(await frames(folded, { minWidth: '10%' }), 'b')).toHaveLength(0);
    expect(named(await frames(folded, { minWidth: '9%' }), 'b')).toHaveLength(1);
  });

  it('fractional counts are kept exact (flamegraph.pl rounds only for display)', async () => {
    const fs = await frames('a;b 0.25\na;c 0.5\na 0.125\n');
    expect(named(fs, 'all')[0]!.samples).toBe(1); // %.0f of 0.875
    const svg = await renderSvg('a;b 0.25\na;c 0.5\na 0.125\n');
    expect(named(svgFrames(svg), 'all').map((f) => [f.start, f.samplesWidth])).toEqual([[0, 0.875]]);
    expect(fgx(svg, 'c')).toEqual([0.375]);
  });

  it('--reverse merges the reversed stacks; --inverted puts the root at the top', async () => {
    const rev = await frames('a;b;c 2\nx;b;c 3\n', { reverse: true });
    expect(named(rev, 'c')).toHaveLength(1);
    expect(named(rev, 'c')[0]!.samples).toBe(5);
    const normal = await frames('a;b 1\n');
    const inverted = await frames('a;b 1\n', { inverted: true });
    expect(named(normal, 'all')[0]!.y).toBeGreaterThan(named(normal, 'b')[0]!.y);
    expect(named(inverted, 'all')[0]!.y).toBeLessThan(named(inverted, 'b')[0]!.y);
  });

  it('--inverted with a subtitle starts the frames below the subtitle (flamegraph.pl draws over it)', async () => {
    const svg = await renderSvg('a;b 1\n', { inverted: true, subtitle: 'sub' });
    const subtitleY = Number(/id="subtitle" x="[^"]+" y="([^"]+)"/.exec(svg)![1]);
    expect(named(svgFrames(svg), 'all')[0]!.y).toBeGreaterThan(subtitleY);
  });

  it('--flamechart keeps the input order and merges only neighbours', async () => {
    const fs = await frames('a;x 1\nb 1\na;x 1\na;y 1\n', { flameChart: true });
    expect(named(fs, 'a')).toHaveLength(2);
    expect(named(fs, 'a').map((f) => f.samples).sort()).toEqual([1, 2]);
    expect(named(fs, 'x')).toHaveLength(2);
  });
});

describe('options', () => {
  it('--total scales against a larger total; --factor scales the counts shown', async () => {
    const total = await frames('a 50\nb 50\n', { total: 400 });
    expect(named(total, 'all')[0]!.title).toBe('all (400 samples, 100%)');
    expect(named(total, 'a')[0]!.title).toBe('a (50 samples, 12.50%)');
    expect(named(total, 'a')[0]!.width).toBe(147.5);
    const factor = await frames('a 1500\nb 500\n', { factor: 1000 });
    expect(named(factor, 'a')[0]!.title).toBe('a (1,500,000 samples, 75.00%)');
  });

  it('--title, --subtitle, --countname, --nametype and the default titles', async () => {
    expect(await renderSvg('a 1\n')).toContain('>Flame Graph</text>');
    expect(await renderSvg('a 1\n', { inverted: true })).toContain('>Icicle Graph</text>');
    expect(await renderSvg('a 1\n', { flameChart: true })).toContain('>Flame Chart</text>');
    const svg = await renderSvg('a 1\n', { title: 'T', subtitle: 'S', countName: 'bytes', nameType: 'Frame:' });
    expect(svg).toContain('id="title" x="600.00" y="24">T</text>');
    expect(svg).toContain('id="subtitle" x="600.00" y="48">S</text>');
    expect(svgFrames(svg, 'bytes').map((f) => f.title)).toEqual(['all (1 bytes, 100%)', 'a (1 bytes, 100.00%)']);
    expect(svg).toContain('"nameType":"Frame:"');
  });

  it('--width, --height, --fontsize change the geometry', async () => {
    const fs = await frames('a 1\n', { width: 600, height: 20, fontSize: 10 });
    expect(named(fs, 'a')[0]!.width).toBe(580);
    const svg = await renderSvg('a 1\n', { width: 600, height: 20, fontSize: 10 });
    // (depth 1 + 1) * 20 + 3 * 10 + 2 * 10 + 10
    expect(svg).toContain('width="600" height="100"');
    expect(svg).toContain('font-size:10px');
  });

  it('--colors and --bgcolors: every palette, and unknown values are usage errors', async () => {
    for (const colors of ['hot', 'mem', 'io', 'wakeup', 'chain', 'java', 'js', 'perl', 'red', 'green', 'blue', 'aqua', 'yellow', 'purple', 'orange'] as const) {
      const fs = await frames('a;b 1\n', { colors });
      expect(fs.every((f) => /^rgb\(\d+,\d+,\d+\)$/.test(f.fill) && f.fill !== 'rgb(0,0,0)')).toBe(true);
    }
    expect(await renderSvg('a 1\n', { bgColors: 'blue' })).toContain('stop-color="#e0e0ff"');
    expect(await renderSvg('a 1\n', { bgColors: '#123abc' })).toContain('stop-color="#123abc"');
    await expect(renderSvg('a 1\n', { colors: 'nope' as 'hot' })).rejects.toThrow(UsageError);
    await expect(renderSvg('a 1\n', { bgColors: 'url(#x)' })).rejects.toThrow(UsageError);
    await expect(renderSvg('a 1\n', { minWidth: '1px' })).rejects.toThrow(UsageError);
    await expect(renderSvg('a 1\n', { width: 0 })).rejects.toThrow(UsageError);
    await expect(renderSvg('a 1\n', { factor: Number.NaN })).rejects.toThrow(UsageError);
  });

  it('separator frames "-" and "--" are grey; --colors chain marks frames after "--" as wakers', async () => {
    const fs = await frames('a;-;b 1\na;--;c;d 1\n', { colors: 'chain' });
    expect(named(fs, '-')[0]!.fill).toBe('rgb(200,200,200)');
    expect(named(fs, '--')[0]!.fill).toBe('rgb(160,160,160)');
    const aqua = (f: SvgFrame): boolean => /^rgb\(\d+,(1[6-9]\d|2[01]\d),\1\)$/.test(f.fill);
    expect(aqua(named(fs, 'c')[0]!)).toBe(true);
    expect(aqua(named(fs, 'b')[0]!)).toBe(false);
  });

  it('separator frames stay grey beside names of the same code-point sum, which keep their colour', async () => {
    // "Z" and "--" both sum to 90; the default palette colours every other name by
    // its sum, all names at once (colormode.ts nameFills): the separators must not take a sum's colour, nor give theirs.
    for (const text of ['--;Z 1\n-;Z;-- 2\nZ;- 1\n', 'Z;-- 1\n--;Z 2\n']) {
      const fs = await frames(text);
      for (const f of named(fs, '--')) expect(f.fill).toBe('rgb(160,160,160)');
      for (const f of named(fs, '-')) expect(f.fill).toBe('rgb(200,200,200)');
      for (const f of named(fs, 'Z')) expect(f.fill).toBe(frameColor('hot', 'name', 'Z'));
      expect(named(fs, 'Z').length).toBeGreaterThan(1);
    }
  });

  it('--cp: colours come from and go into the palette map', async () => {
    const map = new Map([['a', 'rgb(1,2,3)']]);
    const fs = await frames('a;b 1\n', { paletteMap: map });
    expect(named(fs, 'a')[0]!.fill).toBe('rgb(1,2,3)');
    expect(map.get('b')).toBe(named(fs, 'b')[0]!.fill);
  });

  it('two-count input: red growth, blue reduction, --negate switches them', async () => {
    const fs = await frames('a;grow 1 9\na;shrink 9 1\na;same 5 5\n');
    expect(named(fs, 'grow')[0]!.fill).toBe('rgb(255,0,0)');
    expect(named(fs, 'shrink')[0]!.fill).toBe('rgb(0,0,255)');
    expect(named(fs, 'same')[0]!.fill).toBe('rgb(255,255,255)');
    expect(named(fs, 'grow')[0]!.title).toBe('grow (9 samples, 60.00%; +53.33%)');
    const neg = await frames('a;grow 1 9\na;shrink 9 1\n', { negate: true });
    expect(named(neg, 'grow')[0]!.fill).toBe('rgb(0,0,255)');
    expect(named(neg, 'grow')[0]!.title).toContain('; -80.00%)');
  });
});

describe('output', () => {
  it('the same input gives the same bytes (--random included)', async () => {
    const folded = 'a;b;c 3\na;d 2\ne 1\n';
    expect(await renderSvg(folded)).toBe(await renderSvg(folded));
    expect(await renderSvg(folded, { random: true })).toBe(await renderSvg(folded, { random: true }));
    expect(await renderSvg(folded, { hash: true })).toBe(await renderSvg(folded, { hash: true }));
  });

  it('input without samples: a small SVG that says so', async () => {
    const svg = await renderSvg('');
    expect(svg).toContain('No stack counts found');
    expect(svgFrames(svg)).toEqual([]);
  });

  it('labels: as many characters as fit, ".." when cut, annotations stripped', async () => {
    const svg = await renderSvg('a_function_with_a_long_name_[k] 1\nb 20\n');
    const frame = named(svgFrames(svg), 'a_function_with_a_long_name')[0]!;
    const labels = svgLabels(svg).filter((l) => l.x === Number((frame.x + 3).toFixed(2)) && l.y > frame.y && l.y < frame.y + 16);
    expect(labels).toHaveLength(1);
    const label = labels[0]!.text;
    // 1/21 of 1180 px is 56.2 px: int(56.2 / (12 * 0.59)) = 7 characters, the last two "..".
    expect(label).toBe('a_fun..');
  });

  // A file takes each chunk whole before its write resolves, so the chunks after it are
  // written into its memory again (output/chunk-writer.ts reuse): the file has every chunk's bytes.
  it('a file written chunk by chunk has the bytes of the chunks', async () => {
    const folded = Array.from({ length: 40000 }, (_, i) => `main;f${i};g${i % 977} ${1 + (i % 5)}\n`).join('');
    const graph = await flameGraph(folded, { minWidth: 0 });
    const chunks = [...graph.chunks()].map((c) => Buffer.from(c)); // copies: a caller may keep every chunk
    expect(chunks.length).toBeGreaterThan(3);
    const file = join(tmp.dir, 'chunks.svg');
    await writeFileAtomic(file, (sink) => graph.writeTo(sink));
    expect(readFileSync(file).equals(Buffer.concat(chunks))).toBe(true);
    // A sink that may still hold a chunk when its write resolves (a stream's queue) gets chunks of their own.
    const held: Uint8Array[] = [];
    await graph.writeTo({ write: async (chunk) => void held.push(chunk as Uint8Array) });
    expect(Buffer.concat(held).equals(Buffer.concat(chunks))).toBe(true);
  });
});
