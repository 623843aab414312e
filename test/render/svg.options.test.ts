// The rest of flamegraph.pl's and inferno's graph options: --nameattr and
// --encoding (flamegraph.pl); the rust and python palettes, --colordiffusion,
// --search-color, --stroke-color, --uicolor, --truncate-text-right and
// --pretty-xml (inferno). Expected values are computed by hand from each
// tool's description of the option; every SVG must stay well-formed.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SaxesParser } from 'saxes';
import fc from 'fast-check';
import { InputError, paletteColor, parseNameAttributes, renderSvg, UsageError, type RenderOptions } from '../../src/index.js';
import { runCli, tempDir } from '../support/helpers.js';
import { svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** The document as a tree (namespace-aware XML); throws on the first well-formedness error. */
function parse(svg: string): { root: Element; encoding: string | undefined } {
  const parser = new SaxesParser({ xmlns: true });
  const top: Element = { name: '', attrs: {}, children: [], text: '' };
  const open: Element[] = [top];
  let error: Error | undefined;
  let encoding: string | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.on('xmldecl', (d) => (encoding = d.encoding));
  parser.on('opentag', (t) => {
    const attrs = Object.fromEntries(Object.values(t.attributes).map((a) => [a.name, a.value]));
    const e: Element = { name: t.name, attrs, children: [], text: '' };
    open[open.length - 1]!.children.push(e);
    open.push(e);
  });
  parser.on('closetag', () => open.pop());
  parser.on('text', (c) => (open[open.length - 1]!.text += c));
  parser.write(svg).close();
  if (error) throw error;
  return { root: top.children[0]!, encoding };
}

const find = (e: Element, name: string): Element | undefined => e.children.find((c) => c.name === name);

/** A frame: its element (a child of <g id="frames">), its rect, its tooltip, and its label's element in #labels (or the <g> around it). */
interface Frame {
  el: Element;
  rect: Element;
  title: string;
  label: Element | undefined;
}

/** The frames of one of our SVGs: frame i is the i-th child of #frames and the i-th of the frame data; a label is the one on its rect. */
function frameList(svg: string): Frame[] {
  const children = parse(svg).root.children;
  const group = (id: string): Element => children.find((e) => e.name === 'g' && e.attrs.id === id)!;
  const data = JSON.parse(children.find((e) => e.name === 'metadata' && e.attrs.id === 'frame-data')!.text) as { tooltip: string[] };
  const textOf = (l: Element): Element => (l.name === 'text' ? l : find(l, 'text')!);
  const labels = group('labels').children;
  const frames = group('frames').children;
  expect(frames.length).toBe(data.tooltip.length);
  return frames.map((el, i) => {
    const rect = el.name === 'rect' ? el : (find(el, 'rect') ?? find(find(el, 'a')!, 'rect')!);
    const [x, y, h] = [Number(rect.attrs.x), Number(rect.attrs.y), Number(rect.attrs.height)];
    const on = labels.filter((l) => textOf(l).attrs.x === (x + 3).toFixed(2) && Math.abs(Number(textOf(l).attrs.y) - (y + h / 2 + 3)) < 0.01);
    expect(on.length).toBeLessThan(2);
    return { el, rect, title: data.tooltip[i]!, label: on[0] };
  });
}
const titles = (svg: string): string[] => frameList(svg).map((f) => f.title);

describe("inferno's rust and python palettes", () => {
  const hue = (palette: 'rust' | 'python', name: string): string => {
    const c = paletteColor(palette, name, 0.5, 0.5, 0.5);
    const basic = (['orange', 'aqua', 'yellow', 'red'] as const).find((p) => paletteColor(p, name, 0.5, 0.5, 0.5) === c);
    return basic ?? c;
  };

  it('rust: the standard library orange, other crates aqua, anything else yellow', () => {
    for (const n of ['core::mod', 'std::mod', 'alloc::vec::Vec<T>::push', '<alloc::boxed::Box<F,A> as core::ops::Fn<A>>::call', '<std::io::Stdout as std::io::Write>::write', '<core::ptr::NonNull<T> as core::fmt::Debug>::fmt']) {
      expect(hue('rust', n), n).toBe('orange');
    }
    // user async fns are desugared into core's GenFuture: they are user code
    for (const n of ['some::mod', 'tokio::runtime::park', '<core::future::from_generator::GenFuture<T> as core::future::future::Future>::poll']) {
      expect(hue('rust', n), n).toBe('aqua');
    }
    for (const n of ['something', '__libc_start_main']) expect(hue('rust', n), n).toBe('yellow');
  });

  it('python: installed packages aqua, the standard library yellow, the program red', () => {
    for (const n of ['/usr/lib/python3/site-packages/requests/api.py:get:59', 'C:\\Python39\\Lib\\site-packages\\numpy\\core.py:f']) {
      expect(hue('python', n), n).toBe('aqua');
    }
    for (const n of [
      '<frozen importlib._bootstrap>:_load_unlocked:680', '<built-in method time.sleep>', "<method 'append' of 'list' objects>",
      '.venv/lib/python3.9/time.py:12', 'C:/Users/User/AppData/Local/Programs/Python/Python39/lib/concurrent/futures/thread.py',
    ]) {
      expect(hue('python', n), n).toBe('yellow');
    }
    for (const n of ['my_script.py:main:10', '/home/user/pythonic/app.py:run']) expect(hue('python', n), n).toBe('red');
  });

  it('are palettes of --colors, on the yellow background', async () => {
    const svg = await renderSvg('main;std::rt::lang_start;app::run 5\n', { colors: 'rust', hash: true });
    const fills = Object.fromEntries(svgFrames(svg).map((f) => [f.name, f.fill]));
    expect(fills['std::rt::lang_start']).toBe(paletteColor('orange', 'x', ...namehashes('std::rt::lang_start')));
    expect(fills['app::run']).toBe(paletteColor('aqua', 'x', ...namehashes('app::run')));
    expect(svg).toContain('<stop stop-color="#eeeeb0" offset="95%"/>');
  });
});

/** --hash's three colour variables for a name (flamegraph.pl: the name's hash, then the reversed name's twice). */
function namehashes(name: string): [number, number, number] {
  const hash = (s: string): number => {
    let vector = 0, weight = 1, max = 1, mod = 10;
    for (const c of Array.from(s.replace(/[^\n][^\n]*?`/, ''))) {
      vector += ((c.codePointAt(0)! % mod) / (mod++ - 1)) * weight;
      max += weight;
      weight *= 0.7;
      if (mod > 12) break;
    }
    return 1 - vector / max;
  };
  const reversed = hash(Array.from(name).reverse().join(''));
  return [hash(name), reversed, reversed];
}

describe('--colordiffusion (inferno): colour by width', () => {
  it('is redder the wider: 255, then 100 + 150 (1 - v/2000) for green and blue, v = 2000 sqrt(share)', async () => {
    // By hand, total 4: the root v = 2000 → rgb(255,100,100); a (1 of 4) v = 1000 → 175;
    // b (3 of 4) v = trunc(1732.05) = 1732 → 100 + trunc(150 · 268 / 2000) = 120; separators stay grey.
    const fills = svgFrames(await renderSvg('a 1\nb;-;-- 3\n', { colorDiffusion: true }));
    expect(fills.map((f) => [f.name, f.fill])).toEqual([
      ['all', 'rgb(255,100,100)'], ['a', 'rgb(255,175,175)'], ['b', 'rgb(255,120,120)'], ['-', 'rgb(200,200,200)'], ['--', 'rgb(160,160,160)'],
    ]);
    // v rounds down to 0 below a 1/4,000,000 share: near white, rgb(250,250,250).
    const thin = svgFrames(await renderSvg('thin 1\nwide 9999999\n', { colorDiffusion: true, minWidth: 0 }));
    expect(thin.find((f) => f.name === 'thin')!.fill).toBe('rgb(250,250,250)');
  });

  it('replaces the differential colours of two-count input, and takes no palette', async () => {
    const fills = svgFrames(await renderSvg('a 5 1\nb 1 3\n', { colorDiffusion: true }));
    expect(fills.find((f) => f.name === 'b')!.fill).toBe('rgb(255,120,120)'); // 3 of 4, by the second count
    await expect(renderSvg('a 1\n', { colorDiffusion: true, colors: 'java' })).rejects.toThrow(UsageError);
    const r = runCli(['svg', '--colordiffusion', '--colors', 'java'], 'a 1\n');
    expect(r.status).toBe(2);
  });
});

describe("inferno's colour options: --search-color, --stroke-color, --uicolor", () => {
  it('go where inferno puts them, and default to nothing new', async () => {
    const plain = await renderSvg('a;b 1\n');
    const svg = await renderSvg('a;b 1\n', { searchColor: '#203040', strokeColor: '#102030', uiColor: '#a0b0c0' });
    expect(svg).toContain('"searchColor":"#203040"');
    expect(svg).toContain('#frames rect { stroke:#102030; stroke-width:1; }');
    expect(svg).toContain('#title, #details, #unzoom, #search, #ignorecase, #matched { fill:#a0b0c0; }');
    expect(plain).toContain('"searchColor":"rgb(230,0,230)"');
    expect(plain).not.toMatch(/stroke:#|fill:#/);
    expect(await renderSvg('a;b 1\n', { strokeColor: 'none' })).toBe(plain);
    for (const bad of [{ searchColor: 'red' }, { strokeColor: '#12345' }, { uiColor: 'rgb(0,0,0)' }] as RenderOptions[]) {
      await expect(renderSvg('a 1\n', bad)).rejects.toThrow(/must be a colour written #rrggbb/);
    }
  });

  it('on the command line, with --truncate-text-right (the labels here are always cut at their end)', () => {
    const input = `main;${'x'.repeat(400)} 1\n`;
    const base = runCli(['svg'], input).stdout.toString();
    const r = runCli(['svg', '--search-color', '#203040', '--stroke-color', '#102030', '--uicolor', '#a0b0c0', '--truncate-text-right'], input);
    expect(r.status).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain('"searchColor":"#203040"');
    expect(out).toMatch(/>x+\.\.<\/text>/); // the end of the name is cut, ".." after what fits
    expect(runCli(['svg', '--truncate-text-right'], input).stdout.toString()).toBe(base);
  });
});

describe('--pretty-xml (inferno)', () => {
  it('puts every element on its own line, indented, and nothing else changes', async () => {
    const input = 'main;a;b 3\nmain;c 1\n';
    const options: RenderOptions = { subtitle: 'sub', notes: 'n', nameAttributes: new Map([['a', { href: 'https://example.org/a', class: 'x' }]]) };
    const compact = await renderSvg(input, options);
    const pretty = await renderSvg(input, { ...options, prettyXml: true });
    const flat = (s: string): string => s.split('\n').map((l) => l.trimStart()).join('');
    expect(flat(pretty)).toBe(flat(compact));
    expect(pretty).toContain('\n        <g class="x">\n            <a xlink:href="https://example.org/a" target="_top">\n                <rect ');
    expect(pretty).toContain('\n    <g id="frames">\n        <rect x="10.0" ');
    expect(pretty).toContain('\n    <g id="labels">\n        <text ');
    expect(pretty).toContain('\n        <g class="x"><text ');
    for (const line of pretty.split('\n')) expect(line.length, line.slice(0, 80)).toBeLessThan(400);
    parse(pretty);
    // (the built CLI's script text differs from this test's transpiled copy: compare without it)
    const noScript = (svg: string): string => svg.replace(/<!\[CDATA\[[\s\S]*\]\]>/, '');
    expect(noScript(runCli(['svg', '--pretty-xml'], input).stdout.toString())).toBe(noScript(await renderSvg(input, { prettyXml: true })));
  });
});

describe('--encoding (flamegraph.pl): the XML declaration, and how names are read', () => {
  const latin1 = Buffer.concat([Buffer.from('main;caf'), Buffer.from([0xe9]), Buffer.from(';cr'), Buffer.from([0xe8]), Buffer.from('me 3\nmain;x 1\n')]);

  it('declares the encoding; outside UTF-8 every other character is a reference, so the bytes are ASCII', async () => {
    const svg = await renderSvg(latin1, { encoding: 'ISO-8859-1', title: 'Tést ☃', nameType: 'Fonction ☃:' });
    expect(svg.startsWith('<?xml version="1.0" encoding="ISO-8859-1" standalone="no"?>\n')).toBe(true);
    expect(/^[\x00-\x7f]*$/.test(svg)).toBe(true);
    const { root, encoding } = parse(svg);
    expect(encoding).toBe('ISO-8859-1');
    expect(root.children.find((e) => e.attrs.id === 'title')!.text).toBe('Tést ☃');
    expect(titles(svg)).toContain('café (3 samples, 75.00%)');
    expect(titles(svg)).toContain('crème (3 samples, 75.00%)');
    expect(svg).toContain('"crème (3 samples, 75.00%)"'.replace('è', '\\u00e8')); // in the frame data, a JSON escape
    expect(svg).toContain('"nameType":"Fonction \\u2603:"'); // in the script, a JSON escape
    // Without --encoding the same bytes are not UTF-8: shown as U+FFFD, as before.
    expect(titles(await renderSvg(latin1))).toContain('caf\ufffd (3 samples, 75.00%)');
  });

  it('UTF-8 is declared and written as it is; an unknown or non-ASCII encoding is a usage error', async () => {
    const utf8 = await renderSvg('main;café 1\n', { encoding: 'UTF-8' });
    expect(utf8.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="no"?>')).toBe(true);
    expect(utf8).toContain('"café (1 samples, 100.00%)"'); // as it is, in the frame data
    expect(titles(utf8)).toContain('café (1 samples, 100.00%)');
    await expect(renderSvg('a 1\n', { encoding: 'klingon' })).rejects.toThrow(/unknown encoding/);
    await expect(renderSvg('a 1\n', { encoding: 'UTF-16LE' })).rejects.toThrow(/ASCII/);
    await expect(renderSvg('a 1\n', { encoding: 'latin1" standalone="yes' })).rejects.toThrow(UsageError);
    const file = join(tmp.dir, 'latin1.folded');
    writeFileSync(file, latin1);
    const r = runCli(['svg', '--encoding', 'Shift_JIS', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('encoding="Shift_JIS"');
  });
});

describe('--nameattr (flamegraph.pl): attributes for the frames of particular functions', () => {
  const FILE = [
    'tcp_sendmsg\ttitle=TCP send <net/ipv4/tcp.c> & more\thref=https://example.org/tcp?a=1&b="2"\tclass=net',
    'read_[k]\tclass=kernel\tstyle=opacity:0.5\tdata-src=fs/read_write.c',
    'main\tclass=first',
    'main\tclass=second\r',
    '',
  ].join('\n');

  it('parses "NAME<tab>name=value<tab>..." lines; a later line for the same name wins', () => {
    const map = parseNameAttributes(FILE, 'attrs.txt');
    expect([...map.keys()]).toEqual(['tcp_sendmsg', 'read_[k]', 'main']);
    expect(map.get('tcp_sendmsg')).toEqual({ title: 'TCP send <net/ipv4/tcp.c> & more', href: 'https://example.org/tcp?a=1&b="2"', class: 'net' });
    expect(map.get('main')).toEqual({ class: 'second' });
    expect(map.get('read_[k]')!['data-src']).toBe('fs/read_write.c');
  });

  it('a byte order mark before the first line is not part of its name', () => {
    expect([...parseNameAttributes(`\uFEFF${FILE}`, 'attrs.txt')]).toEqual([...parseNameAttributes(FILE, 'attrs.txt')]);
  });

  it('writes title, link and <g> attributes, escaped, keeping the name for the viewer', async () => {
    const input = 'main;tcp_sendmsg;read_[k] 3\nmain;other 1\n';
    const svg = await renderSvg(input, { nameAttributes: parseNameAttributes(FILE, 'attrs.txt') });
    const frames = frameList(svg);
    const tcp = frames.find((f) => f.title === 'TCP send <net/ipv4/tcp.c> & more')!;
    expect(tcp.el.attrs).toEqual({ class: 'net' });
    const link = find(tcp.el, 'a')!;
    expect(link.attrs).toEqual({ 'xlink:href': 'https://example.org/tcp?a=1&b="2"', target: '_top' });
    expect(find(link, 'rect')!.attrs['fg:n']).toBe('tcp_sendmsg');
    // Its label (in #labels) keeps the frame's <g> attributes, as when it was inside the <g>.
    expect(tcp.label!.attrs).toEqual({ class: 'net' });
    expect(find(tcp.label!, 'text')!.text).toBe('tcp_sendmsg');
    // The raw name (annotation and all) is what is matched; the tooltip keeps the display name.
    const read = frames.find((f) => f.title.startsWith('read ('))!;
    expect(read.el.attrs).toEqual({ class: 'kernel', style: 'opacity:0.5', 'data-src': 'fs/read_write.c' });
    expect(read.label!.attrs).toEqual(read.el.attrs);
    expect(frames.find((f) => f.title.startsWith('main ('))!.el.attrs).toEqual({ class: 'second' });
    const other = frames.find((f) => f.title.startsWith('other ('))!;
    expect([other.el.name, other.el.attrs]).toEqual(['rect', other.rect.attrs]);
    // Frames without attributes are written as without --nameattr.
    const plainOther = frameList(await renderSvg(input)).find((f) => f.title.startsWith('other ('))!;
    expect(other.rect.attrs).toEqual(plainOther.rect.attrs);
    expect(other.label).toEqual(plainOther.label);
  });

  it('refuses what would run script or break the viewer, naming the file and line', () => {
    const bad: [string, RegExp][] = [
      ['f\tonclick=alert(1)', /event handlers/],
      ['f\tonMouseOver=x', /event handlers/],
      ['f\tid=x', /'id'/],
      ['f\tg_extra=onload="alert(1)"', /raw attribute text/],
      ['f\thref=javascript:alert(1)', /may not run script/],
      ['f\thref=  JavaScript:alert(1)', /may not run script/],
      ['f\thref=java\rscript:alert(1)', /may not run script/], // a browser drops the \r
      ['f\thref=data:text/html,<script>', /may not run script/],
      ['f\txmlns:evil=x', /not an attribute name/],
      ['f\t"x=1', /not an attribute name/],
      ['f\tnovalue', /expected name=value/],
      ['no tab here', /expected a function name, a tab/],
    ];
    for (const [line, message] of bad) {
      let error: unknown;
      try {
        parseNameAttributes(`ok\tclass=c\n${line}\n`, 'attrs.txt');
      } catch (err) {
        error = err;
      }
      expect(error, line).toBeInstanceOf(InputError);
      expect((error as InputError).message, line).toMatch(/^attrs\.txt:2: /);
      expect((error as InputError).message, line).toMatch(message);
    }
  });

  it('the API map is checked too; the CLI reads the file and reports it by name', async () => {
    await expect(renderSvg('a 1\n', { nameAttributes: new Map([['a', { onclick: 'x' }]]) })).rejects.toThrow(/--nameattr: function 'a'/);
    const attrs = join(tmp.dir, 'attrs.txt');
    writeFileSync(attrs, 'b\ttitle=Bee\thref=https://example.org/b\n');
    const r = runCli(['svg', '--nameattr', attrs], 'a;b 1\n');
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('<g><a xlink:href="https://example.org/b" target="_top"><rect ');
    expect(titles(r.stdout.toString())).toEqual(['all (1 samples, 100%)', 'a (1 samples, 100.00%)', 'Bee']);
    writeFileSync(attrs, 'b\tonclick=alert(1)\n');
    const refused = runCli(['svg', '--nameattr', attrs], 'a;b 1\n');
    expect(refused.status).toBe(1);
    expect(refused.stderr.toString()).toContain(`${attrs}:1: 'onclick': event handlers`);
    const missing = runCli(['svg', '--nameattr', join(tmp.dir, 'none.txt')], 'a 1\n');
    expect(missing.status).toBe(1);
    expect(missing.stderr.toString()).toContain('none.txt: cannot open: no such file or directory');
  });

  it('any values, names and encoding give well-formed XML with our one script (property)', async () => {
    // Any UTF-16 unit, lone surrogates and XML-forbidden controls included.
    const text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(text, text, text, text, fc.constantFrom(undefined, 'UTF-8', 'ISO-8859-1', 'Shift_JIS'), async (name, title, cls, href, encoding) => {
        const func = name.replace(/[;\n\r]/g, '_');
        const attributes = new Map([[func, { title, class: cls, 'data-x': title, href: `https://example.org/${href}` }]]);
        const svg = await renderSvg(`main;${func} 3\n`, { nameAttributes: attributes, encoding, prettyXml: title.length % 2 === 0 });
        const { root } = parse(svg);
        const scripts: Element[] = [];
        const walk = (e: Element): void => {
          if (e.name === 'script') scripts.push(e);
          e.children.forEach(walk);
        };
        walk(root);
        expect(scripts).toHaveLength(1);
        // The frame data reads back: the function's frame's replaced tooltip, as XML may carry it.
        const safe = title.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)));
        const tooltips = titles(svg);
        expect(tooltips).toHaveLength(3);
        // (a name the folded reader reads otherwise keeps its own tooltip; lone surrogates become U+FFFD)
        if (!/[\ud800-\udfff\ufffe\uffff]/.test(title) && !tooltips[2]!.endsWith(' (3 samples, 100.00%)')) expect(tooltips[2]).toBe(safe);
        if (encoding && encoding !== 'UTF-8') expect(/^[\x00-\x7f]*$/.test(svg)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
