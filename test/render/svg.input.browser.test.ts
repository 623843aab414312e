// What the viewer spares the browser while answering a click or a search, in
// headless Chromium: a click on a frame starts no text selection (Chromium would
// work one out over every frame first) while the page's text stays selectable,
// and the URL is written after the answer is painted, not before.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { openSvgBrowser, type SvgBrowser } from '../support/svg-browser.js';
import { frameGroup, frameStates, stateUrl } from '../support/viewer-page.js';

let browser: SvgBrowser | undefined;
beforeAll(async () => {
  browser = await openSvgBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const folded = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'));

describe('the SVG viewer answers a click or a search without extra work', () => {
  it('a click on a frame, as written or a zoomed copy, selects no text; a drag over the title still does', async () => {
    const { page, errors } = await browser!.open(browser!.draw('example', folded));
    const selection = (): Promise<{ type: string; text: string }> =>
      page.evaluate(() => ({ type: getSelection()?.type ?? 'None', text: getSelection()?.toString() ?? '' }));
    await (await frameGroup(page, 'genunix`lookuppnvp')).click();
    expect(await selection()).toEqual({ type: 'None', text: '' });
    await (await frameGroup(page, 'genunix`lookuppnvp')).click(); // a copy in #zoom
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
    const { page, errors, answer } = await browser!.open(browser!.draw('example', folded));
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
});
