// The SVG's own viewer in a real browser (Debian's headless Chromium through
// playwright-core): click to zoom, reset, search with highlighting and
// Matched %, the ignore-case toggle, state in the URL, tooltips, and no
// script from hostile frame names; the tooltip made on demand, and the SVG as
// an image (no script). SVGs come from the built CLI, as users get them. The
// page's state is read by test/support/viewer-page.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/helpers.js';
import { openSvgBrowser, type SvgBrowser } from '../support/svg-browser.js';
import { svgFrames } from '../support/svgframes.js';
import { expectedMatched, frameGroup, frameStates, shown, stateUrl, type FrameState, type Opened } from '../support/viewer-page.js';

const tmp = tempDir();
let browser: SvgBrowser | undefined;
let context: BrowserContext;
let base = '';

beforeAll(async () => {
  browser = await openSvgBrowser();
  ({ context, base } = browser);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

const draw = (name: string, input: string | Buffer, args: string[] = []): string => browser!.draw(name, input, args);
const open = (url: string): Promise<Opened> => browser!.open(url);

describe('the SVG viewer in headless Chromium', () => {
  const folded = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'));

  it('click zooms into a frame; Reset Zoom restores every frame', async () => {
    const { page, errors } = await open(draw('example', folded));
    const before = await frameStates(page);
    const target = before.find((f) => f.name === 'genunix`lookuppnvp')!;
    expect(target).toBeDefined();
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    const zoomed = await frameStates(page);
    const t = zoomed.find((f) => f.name === 'genunix`lookuppnvp' && f.start === target.start)!;
    expect(t.x).toBeCloseTo(10, 1);
    expect(t.width).toBeCloseTo(1180, 1);
    for (const f of zoomed) {
      const inside = f.start >= target.start && f.start + f.samples <= target.start + target.samples;
      const above = f.y < t.y; // callees are drawn above their callers
      if (f.parent) expect(f.start <= target.start && f.start + f.samples >= target.start + target.samples).toBe(true);
      else if (!f.hidden) expect(inside && (above || f === t)).toBe(true);
    }
    // Its children are scaled by the same ratio; a frame outside it is hidden.
    const child = zoomed.find((f) => !f.hidden && !f.parent && f !== t && f.samples > 0)!;
    expect(child.width).toBeCloseTo((child.samples / target.samples) * 1180, 0);
    expect(zoomed.find((f) => f.name === 'unix`0xfffffffffb8001d6')!.hidden).toBe(true);
    expect(await page.locator('#unzoom').getAttribute('class')).not.toContain('hide');
    expect((await stateUrl(page)).searchParams.get('x')).toBe(String(target.start));

    await page.locator('#unzoom').click();
    expect(await frameStates(page)).toEqual(before);
    expect((await stateUrl(page)).search).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('search highlights frames whose name matches and shows Matched %; the tooltip suffix is not searched', async () => {
    const { page, errors, answer } = await open(draw('example', folded));
    answer('lookup');
    await page.locator('#search').click();
    const frames = await frameStates(page);
    for (const f of frames) expect(f.fill === 'rgb(230,0,230)', f.name).toBe(/lookup/.test(f.name));
    const root = frames.find((f) => f.name === 'all')!;
    expect(await page.locator('#matched').textContent()).toBe(expectedMatched(frames, /lookup/, root));
    expect((await stateUrl(page)).searchParams.get('s')).toBe('lookup');
    // Zooming keeps the search: Matched % becomes the zoomed frame's, and the Reset Zoom the whole graph's again.
    await (await frameGroup(page, 'genunix`vn_openat')).click();
    const zoomed = await frameStates(page);
    const target = zoomed.find((f) => f.name === 'genunix`vn_openat' && f.x === 10 && !f.parent)!;
    expect(await page.locator('#matched').textContent()).toBe(expectedMatched(zoomed, /lookup/, target));
    expect(await page.locator('#matched').textContent()).not.toBe(expectedMatched(frames, /lookup/, root));
    for (const f of zoomed.filter((g) => !g.hidden)) expect(f.fill === 'rgb(230,0,230)', f.name).toBe(/lookup/.test(f.name));
    await page.locator('#unzoom').click();
    expect(await page.locator('#matched').textContent()).toBe(expectedMatched(frames, /lookup/, root));

    // "samples" is in every tooltip, in no name: nothing matches (flamegraph.pl matched it all).
    await page.locator('#search').click(); // Reset Search
    expect((await frameStates(page)).some((f) => f.fill === 'rgb(230,0,230)')).toBe(false);
    answer('samples');
    await page.locator('#search').click();
    expect(await page.locator('#matched').textContent()).toBe('Matched: 0.0%');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Matched % is relative to the zoomed frame; ignore-case toggles; the URL keeps it all', async () => {
    const { page, errors, answer } = await open(draw('example', folded));
    const before = await frameStates(page);
    const target = before.find((f) => f.name === 'genunix`lookuppnvp')!;
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    answer('UFS_');
    await page.locator('#search').click();
    expect(await page.locator('#matched').textContent()).toBe('Matched: 0.0%');
    await page.locator('#ignorecase').click();
    const frames = await frameStates(page);
    const want = expectedMatched(frames, /ufs_/i, target);
    expect(want).not.toBe('Matched: 0.0%');
    expect(await page.locator('#matched').textContent()).toBe(want);
    expect(frames.filter((f) => f.fill === 'rgb(230,0,230)').every((f) => /ufs_/i.test(f.name))).toBe(true);
    const url = await stateUrl(page);
    expect([url.searchParams.get('s'), url.searchParams.get('i'), url.searchParams.get('x')]).toEqual(['UFS_', '1', String(target.start)]);

    // A fresh page at that URL is in the same state.
    const again = await open(url.href);
    const restored = await frameStates(again.page);
    expect(restored.map((f) => [f.x, f.width, f.fill, f.hidden])).toEqual(frames.map((f) => [f.x, f.width, f.fill, f.hidden]));
    expect(await again.page.locator('#matched').textContent()).toBe(want);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.page.close();
    await page.close();
  });

  it('labels are re-fitted to the zoomed widths; a copy zooms further, a parent zooms out, the space around does nothing', async () => {
    const { page, errors } = await open(draw('example', folded));
    const glyph = 12 * 0.59; // the default font size and width
    const fitted = (name: string, width: number): string => {
      const fit = Math.floor(width / glyph);
      const chars = Array.from(name);
      return fit < 3 ? '' : fit >= chars.length ? name : chars.slice(0, fit - 2).join('') + '..';
    };
    const before = await frameStates(page);
    const unlabelled = before.filter((f) => f.label === '' && f.start >= before.find((g) => g.name === 'genunix`lookuppnvp')!.start);
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    const zoomed = await frameStates(page);
    const visible = zoomed.filter((f) => !f.hidden);
    for (const f of visible) expect(f.label, f.name).toBe(fitted(f.parent || f.name === '' ? (f.name || 'all') : f.name, f.width));
    // Frames too narrow for a label before are wide enough now, and have one.
    expect(visible.filter((f) => f.label !== '' && unlabelled.some((u) => u.start === f.start && u.y === f.y)).length).toBeGreaterThan(0);

    // A frame in the zoomed view zooms further; a parent (drawn full width) zooms back out to itself.
    const child = visible.filter((f) => !f.parent && f.name !== 'genunix`lookuppnvp' && f.label !== '').sort((a, b) => b.samples - a.samples)[0]!;
    await (await frameGroup(page, child.name)).click();
    const deeper = (await frameStates(page)).find((f) => f.start === child.start && f.y === child.y)!;
    expect([deeper.x, deeper.width, deeper.hidden]).toEqual([10, 1180, false]);
    expect((await stateUrl(page)).searchParams.get('x')).toBe(String(child.start));
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    expect((await frameStates(page)).map((f) => [f.x, f.width, f.hidden, f.label])).toEqual(zoomed.map((f) => [f.x, f.width, f.hidden, f.label]));

    // No hidden frame answers the pointer: at each one's centre is a frame in view or the empty space around them.
    const probe = await page.evaluate(() => {
      const frames = document.getElementById('frames')!;
      const hits = Array.from(frames.querySelectorAll('rect')).map((r) => {
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2, el: document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2) };
      });
      const empty = hits.find((h) => h.el && !h.el.closest('#zoom'));
      return { answering: hits.filter((h) => h.el && frames.contains(h.el)).length, empty: empty && { x: empty.x, y: empty.y } };
    });
    expect(probe.answering).toBe(0);
    expect(probe.empty).toBeDefined();
    await page.mouse.move(probe.empty!.x, probe.empty!.y);
    expect(await page.locator('#details').textContent()).toBe(' ');
    await page.mouse.click(probe.empty!.x, probe.empty!.y);
    expect((await frameStates(page)).map((f) => [f.x, f.width, f.hidden])).toEqual(zoomed.map((f) => [f.x, f.width, f.hidden]));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a search while zoomed colours the frames in view; back to the whole graph, every frame shows it', async () => {
    const { page, errors, answer } = await open(draw('example', folded));
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    answer('^(ufs|genunix)`');
    await page.keyboard.press('Control+f');
    const inZoom = await frameStates(page);
    const re = /^(ufs|genunix)`/;
    const lit = (f: FrameState): boolean => f.fill === 'rgb(230,0,230)';
    for (const f of inZoom.filter((g) => !g.hidden)) expect(lit(f), f.name).toBe(re.test(f.name));
    expect(inZoom.filter((f) => !f.hidden && lit(f)).length).toBeGreaterThan(0);

    await page.locator('#unzoom').click();
    const whole = await frameStates(page);
    for (const f of whole) expect(lit(f), f.name).toBe(re.test(f.name));
    expect(await page.locator('#matched').textContent()).toBe(expectedMatched(whole, re, whole.find((f) => f.name === 'all')!));

    // Cleared while zoomed, the search leaves no colour behind either.
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    await page.locator('#search').click(); // Reset Search
    expect((await frameStates(page)).some((f) => !f.hidden && lit(f))).toBe(false);
    await page.keyboard.press('Escape');
    expect((await frameStates(page)).some(lit)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tooltips: hovering a frame shows its name, samples and percent', async () => {
    const { page } = await open(draw('example', folded));
    await (await frameGroup(page, 'genunix`lookuppnvp')).hover();
    expect(await page.locator('#details').textContent()).toMatch(/^Function: genunix`lookuppnvp \([\d,]+ samples, \d+\.\d\d%\)$/);
    await page.close();
  });

  it("the browser's own tooltip: a frame's <title> is made when the pointer first reaches it, none before", async () => {
    const { page, errors } = await open(draw('example', folded));
    expect(await page.locator('#frames title').count()).toBe(0);
    const frame = await frameGroup(page, 'genunix`lookuppnvp');
    await frame.hover();
    const tooltip = await page.evaluate(() => (JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] }).tooltip);
    const title = await frame.locator('title').textContent();
    expect(title).toMatch(/^genunix`lookuppnvp \([\d,]+ samples, \d+\.\d\d%\)$/);
    expect(tooltip).toContain(title);
    expect(await page.locator('#frames title').count()).toBe(1);
    await frame.hover({ position: { x: 2, y: 2 } }); // once made, it stays
    expect(await page.locator('#frames title').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('as an image (no script), the frames are drawn in their colours, rounded, and the labels over them', async () => {
    const svgUrl = draw('image', folded);
    const page = await context.newPage();
    // An HTML page of the server's origin, so the canvas may read the image back.
    const html = '<!DOCTYPE html><body style="margin:0"><img id="graph" src="image.svg"></body>';
    await page.route(`${base}/image.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`${base}/image.html`);
    const svg = await (await fetch(svgUrl)).text();
    const root = svgFrames(svg).find((f) => f.name === 'all')!;
    const pixels = await page.evaluate(async ({ x, y, width }) => {
      const img = document.getElementById('graph') as HTMLImageElement;
      await img.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const at = (px: number, py: number): string => `rgb(${Array.from(g.getImageData(px, py, 1, 1).data.slice(0, 3)).join(',')})`;
      // The root's fill at its right half (no label there); its corner, rounded off; its label "all", dark.
      let dark = 0;
      for (let px = Math.round(x + 3); px < x + 25; px++) for (let py = Math.round(y + 2); py < y + 13; py++) if (g.getImageData(px, py, 1, 1).data[1]! < 80) dark++;
      return { fill: at(Math.round(x + width * 0.75), Math.round(y + 7)), corner: at(Math.floor(x), Math.floor(y)), dark };
    }, root);
    expect(pixels.fill).toBe(root.fill);
    expect(pixels.corner).not.toBe(root.fill);
    expect(pixels.dark).toBeGreaterThan(5);
    await page.close();
  });

  it('a frame a pixel wide or more has rounded corners, a narrower one square ones, as written and as a zoom\'s copy', async () => {
    // 1180 px over 10,001 samples: c is 0.1 px wide, b 1,180; zoomed into a, c is still under a pixel.
    const { page, errors } = await open(draw('corners', 'a;b 10000\na;c 1\n'));
    const corners = (): Promise<Record<string, string>> =>
      page.evaluate(() => {
        const shown = document.getElementById('zoom') ?? document.getElementById('frames')!;
        const data = JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] };
        const out: Record<string, string> = {};
        for (const rect of Array.from(shown.querySelectorAll('rect'))) {
          const i = shown.id === 'zoom' ? Number(rect.getAttribute('data-frame')) : Array.from(shown.children).indexOf(rect);
          out[data.tooltip[i]!.split(' ')[0]!] = `${rect.getAttribute('width')} ${getComputedStyle(rect).rx}`;
        }
        return out;
      });
    expect(await corners()).toEqual({ all: '1180.0 2px', a: '1180.0 2px', b: '1179.9 2px', c: '0.1 auto' });
    await (await frameGroup(page, 'a')).click();
    expect(await corners()).toEqual({ all: '1180.00 2px', a: '1180.00 2px', b: '1179.88 2px', c: '0.12 auto' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('--nameattr titles and links, --search-color, --pretty-xml and --encoding keep the viewer working', async () => {
    const attrs = join(tmp.dir, 'attrs.txt');
    // (data-frame: the viewer marks each zoom copy with the frame it shows, over the frame's own.)
    writeFileSync(attrs, 'dressed\ttitle=Dressed up: see the docs\thref=https://example.invalid/docs\tclass=doc\tdata-frame=0\n');
    const input = 'main;outer;dressed;leaf 10\nmain;other 30\n';
    const url = draw('dressed', input, ['--nameattr', attrs, '--search-color', '#203040', '--pretty-xml', '--encoding', 'ISO-8859-1']);
    const { page, errors, answer } = await open(url);
    // The tooltip is the replaced title; the name stays the frame's for labels and search.
    await page.locator('#frames > g.doc rect').hover();
    expect(await page.locator('#details').textContent()).toBe('Function: Dressed up: see the docs');
    await (await frameGroup(page, 'outer')).click();
    expect(await shown(page)).toBe('#zoom');
    const label = (): Promise<string | null> => page.locator('#zoom > g.doc text').textContent();
    expect(await label()).toBe('dressed');
    answer('^dressed$');
    await page.locator('#search').click();
    expect(await page.locator('#zoom > g.doc rect').getAttribute('fill')).toBe('#203040');
    expect(await page.locator('#matched').textContent()).toBe('Matched: 100%'); // of the zoomed frame
    // The copy keeps the link and the replaced tooltip.
    expect(await page.locator('#zoom > g.doc a').getAttribute('xlink:href')).toBe('https://example.invalid/docs');
    await page.locator('#zoom > g.doc rect').hover();
    expect(await page.locator('#details').textContent()).toBe('Function: Dressed up: see the docs');
    expect(await page.locator('#zoom > g.doc title').textContent()).toBe('Dressed up: see the docs'); // the browser's own tooltip
    // Back to the whole graph, the frame as written shows the match it was not shown while zoomed.
    await page.keyboard.press('Escape');
    expect(await shown(page)).toBe('#frames');
    const dressed = (await frameStates(page)).find((f) => f.name === 'Dressed up: see the docs')!;
    expect(dressed.fill).toBe('#203040');
    expect(await page.locator('#highlight').getAttribute('fill')).toBe('#203040');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hostile frame names and options run no script and show as text', async () => {
    const names = [
      // (no ";" inside: it separates frames in folded input)
      '</text><script>window.__pwned=1,alert(1)</script>',
      '"><svg onload="window.__pwned=2,alert(2)">',
      ']]><script>window.__pwned=3</script>',
      '<img src=x onerror="window.__pwned=4">',
      "'),window.__pwned=5,('",
    ];
    const input = names.map((n) => `main;${n} 10\n`).join('');
    const url = draw('hostile', input, ['--title', '<script>window.__pwned=6</script>', '--nametype', "';window.__pwned=7;'", '--countname', '</title><script>window.__pwned=8</script>']);
    const { page, errors, dialogs, answer } = await open(url);
    const frames = await frameStates(page);
    await (await frameGroup(page, names[0]!)).hover();
    expect(await page.locator('#details').textContent()).toContain(`';window.__pwned=7;' ${names[0]} (`);
    await (await frameGroup(page, names[0]!)).click();
    answer('<script>');
    await page.locator('#search').click();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(1);
    expect(dialogs.filter((d) => !d.startsWith('prompt'))).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.locator('#title').textContent()).toBe('<script>window.__pwned=6</script>');
    // The names are there as text (the title's count name is hostile too, so match by prefix).
    const titles = await page.evaluate(() => (JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] }).tooltip);
    for (const n of names) expect(titles.some((t) => t.startsWith(`${n} (`))).toBe(true);
    expect(frames.length).toBe(names.length + 2);
    await page.close();
  });
});
