// What the viewer spares the browser while answering a click or a search, in
// headless Chromium: a click on a frame starts no text selection (Chromium would
// work one out over every frame first) while the page's text stays selectable;
// the URL is written after the answer is painted, not before; and the zoom of
// the frame the pointer rests on (or presses) is built ahead, hidden, and only
// shown by the click, the same as a zoom built at the click.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { useSvgBrowser } from '../support/svg-browser.js';
import type { Page } from 'playwright-core';
import { frameGroup, frameStates, stateUrl } from '../support/viewer-page.js';

const browser = useSvgBrowser();

const folded = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'));

/** The frames each layer of copies in the page shows (data-frame), and whether it is hidden: #zoom's and those built ahead. */
const copyLayers = (page: Page): Promise<{ id: string; hidden: boolean; frames: number[] }[]> =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('g.copies')).map((g) => ({
      id: g.id,
      hidden: getComputedStyle(g).clipPath === 'inset(50%)',
      frames: Array.from(g.querySelectorAll(':scope > [data-frame]')).map((c) => Number(c.getAttribute('data-frame'))),
    })),
  );
/** Waits until a layer of copies for frame `i` is built ahead and in the page. */
const builtAhead = (page: Page, i: number): Promise<unknown> =>
  page.waitForFunction((k) => Array.from(document.querySelectorAll('g.copies:not(#zoom)')).some((g) => g.querySelector(`:scope > [data-frame="${k}"]`)), i);
/** Frame i of the page's frames as written, by the first tooltip starting with `name (`. */
const frameIndexOf = (page: Page, name: string): Promise<number> =>
  page.evaluate((prefix) => (JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] }).tooltip.findIndex((t) => t.startsWith(prefix)), `${name} (`);

describe('the SVG viewer answers a click or a search without extra work', () => {
  it('a click on a frame, as written or a zoomed copy, or on a button selects no text; a drag over the title still does', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    const selection = (): Promise<{ type: string; text: string }> =>
      page.evaluate(() => ({ type: getSelection()?.type ?? 'None', text: getSelection()?.toString() ?? '' }));
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    expect(await selection()).toEqual({ type: 'None', text: '' });
    await (await frameGroup(page, 'genunix`lookuppnvp')).click(); // a copy in #zoom
    expect(await selection()).toEqual({ type: 'None', text: '' });
    await page.locator('#unzoom').click(); // nor does a click on a button
    expect(await selection()).toEqual({ type: 'None', text: '' });

    const title = await page.locator('#title').boundingBox();
    await page.mouse.move(title!.x + 1, title!.y + title!.height / 2);
    await page.mouse.down();
    await page.mouse.move(title!.x + title!.width - 1, title!.y + title!.height / 2, { steps: 5 });
    await page.mouse.up();
    expect((await selection()).text).toBe('Flame Graph');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the URL is written after the paint that shows a zoom or a search, and then holds the state', async () => {
    const { page, errors, answer } = await browser().open(browser().draw('example', folded));
    const frame = await frameGroup(page, 'genunix`lookuppnvp');
    const i = Number(await frame.evaluate((el) => Array.from(el.parentNode!.children).indexOf(el)));
    const start = (await frameStates(page))[i]!.start;
    // The click is dispatched in the page, so that the URL can be read in the same task as the click.
    const during = await frame.evaluate((el) => {
      el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      return { zoomed: document.getElementById('zoom') !== null, search: location.search };
    });
    expect(during).toEqual({ zoomed: true, search: '' });
    expect((await stateUrl(page)).searchParams.get('x')).toBe(String(start));

    answer('lookup');
    await page.locator('#search').click();
    expect((await stateUrl(page)).searchParams.get('s')).toBe('lookup');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the zoom of the frame the pointer rests on is built ahead, hidden; its click shows what a zoom built at the click does, a search since included', async () => {
    const url = browser().draw('example', folded);
    // At the click: the click is dispatched in the page, with no pointer over any frame before.
    const cold = await browser().open(url);
    cold.answer('lookup');
    await cold.page.locator('#search').click();
    await (await frameGroup(cold.page, 'genunix`lookuppnvp')).dispatchEvent('click');
    const want = await frameStates(cold.page);
    expect(await copyLayers(cold.page)).toEqual([expect.objectContaining({ id: 'zoom', hidden: false })]);

    const { page, errors, answer } = await browser().open(url);
    const before = await frameStates(page);
    const target = await frameIndexOf(page, 'genunix`lookuppnvp');
    const frame = await frameGroup(page, 'genunix`lookuppnvp');
    await frame.hover();
    await builtAhead(page, target);
    const [ahead] = await copyLayers(page);
    expect(ahead).toMatchObject({ id: '', hidden: true });
    expect(ahead!.frames).toEqual(want.flatMap((f, i) => (f.hidden ? [] : [i])));
    // Hidden, it changes nothing shown, and the pointer still reaches the frame as written.
    expect(await frameStates(page)).toEqual(before);
    const box = (await frame.boundingBox())!;
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('g.copies') ?? null, [box.x + box.width / 2, box.y + box.height / 2])).toBeNull();

    answer('lookup'); // a search after the layer was built: the click shows it in the search's colours
    await page.keyboard.press('Control+f');
    await frame.click();
    expect(await frameStates(page)).toEqual(want);
    expect(await copyLayers(page)).toEqual([{ id: 'zoom', hidden: false, frames: ahead!.frames }]);
    expect([...errors, ...cold.errors]).toEqual([]);
    await cold.page.close();
    await page.close();
  });

  it('a press on a frame builds its zoom in full, hidden, before the release; the click shows that layer; a press with another button, or on the root, builds none', async () => {
    const url = browser().draw('example', folded);
    const cold = await browser().open(url);
    await (await frameGroup(cold.page, 'genunix`lookuppnvp')).dispatchEvent('click');
    const want = await frameStates(cold.page);

    const { page, errors } = await browser().open(url);
    const before = await frameStates(page);
    const frame = await frameGroup(page, 'genunix`lookuppnvp');
    // Dispatched in the page with no pointer over any frame before: nothing was built ahead, and the layer is read
    // in the same task as the press (a build ahead would take tasks of its own).
    const press = (el: Element | null, button: number): { frames: number[]; hidden: boolean }[] => {
      el!.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button }));
      return Array.from(document.querySelectorAll('g.copies')).map((g) => {
        (g as unknown as { pressed: boolean }).pressed = true;
        return {
          hidden: getComputedStyle(g).clipPath === 'inset(50%)',
          frames: Array.from(g.querySelectorAll(':scope > [data-frame]')).map((c) => Number(c.getAttribute('data-frame'))),
        };
      });
    };
    expect(await frame.evaluate(press, 2)).toEqual([]); // the secondary button
    const widths = await page.evaluate(() => (JSON.parse(document.getElementById('frame-data')!.textContent!) as { width: number[] }).width);
    const root = page.locator('#frames > *').nth(widths.indexOf(Math.max(...widths)));
    expect(await root.evaluate(press, 0)).toEqual([]); // a click on the root shows the whole graph: nothing to build
    expect(await frame.evaluate(press, 0)).toEqual([{ hidden: true, frames: want.flatMap((f, i) => (f.hidden ? [] : [i])) }]);
    expect(await frameStates(page)).toEqual(before); // hidden, it changes nothing shown

    await frame.dispatchEvent('click');
    expect(await frameStates(page)).toEqual(want);
    expect(await page.evaluate(() => (document.getElementById('zoom') as unknown as { pressed?: boolean }).pressed)).toBe(true); // the layer the press built
    expect([...errors, ...cold.errors]).toEqual([]);
    await cold.page.close();
    await page.close();
  });

  it('resting on another frame drops the layer built for the first; zoomed, one is built for a frame in view, and its click zooms further', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    const first = await frameIndexOf(page, 'genunix`lookuppnvp');
    const second = await frameIndexOf(page, 'genunix`vn_openat');
    await (await frameGroup(page, 'genunix`lookuppnvp')).hover();
    await builtAhead(page, first);
    const firstLayer = (await copyLayers(page))[0]!.frames;
    await (await frameGroup(page, 'genunix`vn_openat')).hover();
    await builtAhead(page, second);
    const layers = await copyLayers(page);
    expect(layers.length).toBe(1);
    expect(layers[0]!.frames).toContain(second);
    expect(layers[0]!.frames).not.toEqual(firstLayer);
    // Zoomed into vn_openat, a layer is built ahead for a frame in view; a click on it zooms further.
    await (await frameGroup(page, 'genunix`vn_openat')).click();
    const inside = await frameGroup(page, 'genunix`lookuppnvp');
    await inside.hover();
    await builtAhead(page, first);
    expect((await copyLayers(page)).map((l) => [l.id, l.hidden]).sort()).toEqual([['', true], ['zoom', false]]);
    await inside.click();
    const deeper = await frameStates(page);
    expect(deeper[first]).toMatchObject({ x: 10, width: 1180, hidden: false });
    expect((await copyLayers(page)).map((l) => [l.id, l.hidden])).toEqual([['zoom', false]]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a page never idle still builds ahead the zoom of the frame the pointer rests on', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    const target = await frameIndexOf(page, 'genunix`lookuppnvp');
    // Each frame's script takes longer than a frame: the browser has no idle period while this runs.
    await page.evaluate(() => {
      const w = window as unknown as { busy: boolean };
      w.busy = true;
      const burn = (): void => {
        const until = performance.now() + 20;
        while (performance.now() < until);
        if (w.busy) requestAnimationFrame(burn);
      };
      requestAnimationFrame(burn);
    });
    await (await frameGroup(page, 'genunix`lookuppnvp')).hover();
    const built = await page
      .waitForFunction((k) => Array.from(document.querySelectorAll('g.copies:not(#zoom)')).some((g) => g.querySelector(`:scope > [data-frame="${k}"]`)), target, { timeout: 3000, polling: 50 })
      .then(() => true, () => false);
    await page.evaluate(() => ((window as unknown as { busy: boolean }).busy = false));
    expect(built).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('what the viewer runs ahead while the browser is idle after loading shows nothing', async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    const before = await frameStates(page);
    // The index is made in one idle period and the search's arithmetic run in the next: wait for a few.
    await page.evaluate(() => new Promise<void>((resolve) => {
      let left = 4;
      const next = (): void => void (--left === 0 ? resolve() : requestIdleCallback(next));
      requestIdleCallback(next);
    }));
    expect(await frameStates(page)).toEqual(before);
    expect(await page.evaluate(() => [document.getElementById('highlight'), document.getElementById('matched')!.getAttribute('class'), location.search])).toEqual([null, 'hide', '']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the frames as written are clipped to their own box only: each answers the pointer to its corners", async () => {
    const { page, errors } = await browser().open(browser().draw('example', folded));
    // The frames at the box's edges: the widest (the root, at the bottom), the highest, the leftmost and the rightmost.
    const missed = await page.evaluate(() => {
      const rects = Array.from(document.querySelectorAll('#frames > rect')).map((r) => ({ r, b: r.getBoundingClientRect() }));
      const edges = [
        rects.reduce((a, c) => (c.b.width > a.b.width ? c : a)),
        rects.reduce((a, c) => (c.b.top < a.b.top ? c : a)),
        rects.reduce((a, c) => (c.b.left < a.b.left ? c : a)),
        rects.reduce((a, c) => (c.b.right > a.b.right ? c : a)),
      ];
      const inset = 0.75; // inside the rounded corner's square, on a frame at least 1.5 px wide
      return edges.flatMap(({ r, b }) =>
        [[b.left + inset, b.top + b.height / 2], [b.right - inset, b.top + b.height / 2], [b.left + b.width / 2, b.top + inset], [b.left + b.width / 2, b.bottom - inset]]
          .filter(([x, y]) => document.elementFromPoint(x!, y!) !== r)
          .map(([x, y]) => `${r.getAttribute('x')},${r.getAttribute('y')} at ${x},${y}`),
      );
    });
    expect(missed).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
