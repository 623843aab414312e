// The frames' layer of their own (src/render/viewer-frame-layer.ts), in headless
// Chromium: the viewer moves #frames into it as the SVG is read, before the
// browser draws any frame, and the layer is drawn once, when the whole document
// is; the page looks the same as the SVG with its script blocked (the frames as
// written); a zoom covers the frames rather than changing them, and the
// viewer, not the stylesheet, outlines the frame under the pointer; and nothing
// the viewer does after loading changes anything in the layer.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CORPUS } from '../support/corpus.js';
import { useSvgBrowser } from '../support/svg-browser.js';
import { frameGroup, frameStates, openPage } from '../support/viewer-page.js';

const browser = useSvgBrowser();

const folded = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'));

/** A graph of 40,001 frames, each wide enough to be drawn: an SVG of some MB, which the browser reads, and renders, in several steps. */
function largeFolded(): string {
  const lines: string[] = [];
  for (let i = 0; i < 2_000; i++) lines.push(Array.from({ length: 20 }, (_, d) => `s${i}_${d}`).join(';') + ' 1');
  return lines.join('\n') + '\n';
}

/** The largest difference of any colour channel of two PNG screenshots of the same size, and how many channels differ. */
async function pixelDifference(a: Buffer, b: Buffer): Promise<{ max: number; differing: number }> {
  const page = await browser().context.newPage(); // an HTML page, with canvases
  const difference = await page.evaluate(async ([x, y]) => {
    const pixels = async (png: string): Promise<Uint8ClampedArray> => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, canvas.width, canvas.height).data;
    };
    const [p, q] = [await pixels(x), await pixels(y)];
    let max = p.length === q.length ? 0 : 255;
    let differing = 0;
    for (let i = 0; i < Math.min(p.length, q.length); i++) {
      const d = Math.abs(p[i]! - q[i]!);
      if (d > 0) differing++;
      max = Math.max(max, d);
    }
    return { max, differing };
  }, [a.toString('base64'), b.toString('base64')] as const);
  await page.close();
  return difference;
}

/** What holds #frames: the layer's id ('frames-layer'), or '(root)' for the document's <svg>. */
const framesParent = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const parent = document.getElementById('frames')!.parentElement!;
    return parent === document.documentElement ? '(root)' : parent.id;
  });

/** Two frames from now: whatever the last step changed is painted. */
const settle = (page: Page): Promise<void> =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

describe("the frames' layer of their own", () => {
  it('takes #frames as the SVG is read, before any frame is drawn, and is drawn once the whole document is read', async () => {
    const url = browser().draw('large', largeFolded());
    const page = await browser().context.newPage();
    // Before each rendering while the page loads: where #frames is, how many frames it has, and whether its layer is drawn.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const tick = (): void => {
        const frames = document.getElementById('frames');
        if (frames) {
          const parent = frames.parentElement!;
          const wrapper = parent.parentElement;
          const drawn = wrapper && getComputedStyle(wrapper).contentVisibility !== 'hidden';
          seen.push(`${parent === document.documentElement ? '(root)' : parent.id} ${frames.childElementCount} ${drawn ? 'drawn' : 'not drawn'}`);
        }
        if (document.readyState === 'loading') requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.goto(url, { waitUntil: 'load' });
    const total = await page.evaluate(() => document.getElementById('frames')!.childElementCount);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    // The test means something only if the browser rendered while the frames were still being read.
    expect(total).toBe(40_001);
    const partial = seen.filter((s) => Number(s.split(' ')[1]) < total);
    expect(partial.length, seen.join(', ')).toBeGreaterThan(0);
    for (const s of seen) expect(s).toMatch(/^frames-layer \d+ /);
    for (const s of partial) expect(s).toMatch(/ not drawn$/);
    expect(await framesParent(page)).toBe('frames-layer');
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('frames-layer')!.parentElement!).contentVisibility)).toBe('visible');
    await page.close();
  }, 60_000);

  /** A screenshot of `url` with its script blocked by a policy (the frames left as written), once drawn. */
  async function blockedShot(url: string): Promise<Buffer> {
    const blocked = await browser().context.newPage();
    await blocked.route(url, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "script-src 'none'" } });
    });
    await blocked.goto(url, { waitUntil: 'load' });
    await settle(blocked);
    expect(await framesParent(blocked)).toBe('(root)');
    const shot = await blocked.screenshot();
    await blocked.close();
    return shot;
  }

  it('looks the same as the SVG with its script blocked (the frames as written), icicles, subtitles and differential graphs too', async () => {
    // A differential graph's legend and a subtitle take room above the frames' band; icicles start below them.
    const differential = folded.toString().replace(/ (\d+)$/gm, (_, n: string) => ` ${n} ${Math.ceil(Number(n) * 1.5)}`);
    const drawings = [
      browser().draw('example', folded),
      browser().draw('icicle', folded, ['--inverted', '--subtitle', 'a subtitle']),
      browser().draw('differential', differential, ['--subtitle', 'a subtitle']),
    ];
    for (const url of drawings) {
      const { page, errors } = await browser().open(url);
      await page.waitForLoadState('load');
      await settle(page);
      expect(await framesParent(page)).toBe('frames-layer');
      // The layer is composited on its own: edges blend a little differently (by 6 of 255 at most, seen), no more.
      const diff = await pixelDifference(await page.screenshot(), await blockedShot(url));
      expect(diff.max, url).toBeLessThanOrEqual(8);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('looks the same again after a zoom and a reset', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    await page.waitForLoadState('load');
    await settle(page);
    const before = await page.screenshot();
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    await page.mouse.move(1, 1);
    await settle(page);
    expect(await pixelDifference(before, await page.screenshot())).not.toEqual({ max: 0, differing: 0 });
    await page.locator('#unzoom').click();
    await page.mouse.move(1, 1);
    await settle(page);
    expect(await pixelDifference(before, await page.screenshot())).toEqual({ max: 0, differing: 0 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('outlines the frame under the pointer over the frame, and a copy by the stylesheet', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    const outline = (): Promise<Record<string, string | null> | null> =>
      page.evaluate(() => {
        const o = document.getElementById('frame-outline');
        if (!o || getComputedStyle(o).display === 'none') return null;
        return Object.fromEntries(['x', 'y', 'width', 'height', 'stroke'].map((k) => [k, o.getAttribute(k)]));
      });
    const frame = await frameGroup(page, 'genunix`lookuppnvp');
    await frame.hover();
    const rect = await frame.evaluate((r) => Object.fromEntries(['x', 'y', 'width', 'height'].map((k) => [k, r.getAttribute(k)])));
    expect(await outline()).toEqual({ ...rect, stroke: 'black' });
    // The frame's own style is untouched: the stylesheet's :hover rule is for frames left in the page.
    expect(await frame.evaluate((r) => getComputedStyle(r).strokeWidth)).not.toBe('0.5px');
    await page.mouse.move(1, 1);
    expect(await outline()).toBeNull();

    await frame.click();
    const copy = await frameGroup(page, 'genunix`lookuppnvp');
    await copy.hover();
    expect(await outline()).toBeNull();
    expect(await copy.evaluate((r) => [getComputedStyle(r).stroke, getComputedStyle(r).strokeWidth])).toEqual(['rgb(0, 0, 0)', '0.5px']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is left as it is by a search, a zoom and a reset: the frames are never changed, nor moved', async () => {
    const { page, errors, answer } = await openPage(browser().context, browser().draw('example', folded));
    await page.waitForLoadState('load');
    await page.evaluate(() => {
      const changes: string[] = [];
      (window as unknown as { __changes: string[] }).__changes = changes;
      new MutationObserver((records) => {
        for (const r of records) {
          // The browser's own tooltip, a <title> made when the pointer first reaches a frame, is the one addition.
          const title = r.target.nodeName === 'title' || (r.type === 'childList' && Array.from(r.addedNodes).every((n) => n.nodeName === 'title') && r.removedNodes.length === 0);
          if (!title) changes.push(`${r.type} ${(r.target as Element).nodeName} ${r.attributeName ?? ''}`);
        }
      }).observe(document.getElementById('frames-layer')!.parentNode!, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const before = await frameStates(page);
    answer('lookup');
    await page.locator('#search').click();
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    await page.locator('#unzoom').click();
    await page.locator('#search').click(); // Reset Search
    await settle(page);
    expect(await page.evaluate(() => (window as unknown as { __changes: string[] }).__changes)).toEqual([]);
    expect(await frameStates(page)).toEqual(before);
    expect(await framesParent(page)).toBe('frames-layer');
    expect(errors).toEqual([]);
    await page.close();
  });
});
