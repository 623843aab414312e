// The page of a flame graph SVG as its viewer shows it, for the browser tests
// (test/render/svg.browser*.test.ts): every frame's state (position, colour,
// label, hidden), the frame drawn for a name, and the expected Matched %.

import type { BrowserContext, Page } from 'playwright-core';

export interface FrameState {
  name: string;
  x: number;
  width: number;
  fill: string;
  hidden: boolean;
  parent: boolean;
  start: number;
  samples: number;
  y: number;
  label: string;
}

/**
 * Every frame as the page shows it now. Frame i is the i-th child of #frames
 * (a rect, or a <g> around it), its tooltip and exact start and width in
 * samples the i-th of the frame data, its label the one on its rect in
 * #labels; a search over the whole graph shows as #highlight, a path outlining
 * each matching frame's rect (starting at its x and y). While zoomed, #frames
 * is hidden (under #frames-cover when in its own layer, else by an empty clip)
 * and the frames in view are drawn as copies in
 * #zoom (each says which frame it is in data-frame): a frame's state is then
 * its copy's, and a frame without a copy is hidden.
 */
export async function frameStates(page: Page): Promise<FrameState[]> {
  return page.evaluate(() => {
    const frames = document.getElementById('frames')!;
    const zoomed = document.getElementById('zoom') !== null;
    // #frames is hidden by its clip or, when the viewer moved them into a layer of their own (an <svg> of theirs), by
    // a cover over their band (#frames-cover), which the pointer reaches instead of them.
    const cover = document.getElementById('frames-cover');
    const hiddenFrames = cover ? getComputedStyle(cover).display !== 'none' : getComputedStyle(frames).clipPath === 'inset(50%)';
    if (zoomed !== hiddenFrames) throw new Error('#frames shown while zoomed, or hidden while not');
    if (cover && zoomed) {
      for (const f of Array.from(frames.children)) {
        const box = f.getBoundingClientRect();
        const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        if (top && top.closest('#frames')) throw new Error('the pointer reaches #frames while zoomed');
      }
    }
    const data = JSON.parse(document.getElementById('frame-data')!.textContent!) as { start: number[]; width: number[]; tooltip: string[] };
    const originals = Array.from(frames.children);
    if (originals.length !== data.tooltip.length) throw new Error('as many frames as frame data');
    const rectIn = (e: Element): Element => (e.localName === 'rect' ? e : e.querySelector('rect')!);
    const copies = new Map<number, Element>();
    for (const c of Array.from(document.querySelectorAll('#zoom > [data-frame]'))) copies.set(Number(c.getAttribute('data-frame')), c);
    if (!zoomed && copies.size > 0) throw new Error('copies drawn while #frames is shown');
    if (zoomed && document.querySelectorAll('#zoom > rect, #zoom > g').length !== copies.size) throw new Error('a copy of no frame');
    // The highlight: the x and y each outline starts at, and the width it outlines.
    const highlight = document.getElementById('highlight');
    const lit = new Map<string, number>();
    for (const m of (highlight?.getAttribute('d') ?? '').matchAll(/M([^ ]+) ([^hm]+)(?:m([^ ]+) 0)?h([^va]+)/g)) {
      lit.set(`${m[1]} ${m[2]}`, Number(m[4]) + 2 * Number(m[3] ?? 0));
    }
    if (highlight && zoomed !== (getComputedStyle(highlight).display === 'none')) throw new Error('the highlight shown while zoomed, or hidden while not');
    const labels = Array.from(document.querySelectorAll('#labels text'));
    return originals.map((original, i) => {
      const copy = zoomed ? copies.get(i) : original;
      const item = copy ?? original;
      const rect = rectIn(item);
      const [x, y, width, height] = ['x', 'y', 'width', 'height'].map((a) => rect.getAttribute(a)!);
      let fill = rect.getAttribute('fill')!;
      const outline = zoomed ? undefined : lit.get(`${x} ${y}`);
      if (outline !== undefined) {
        if (Math.abs(outline - Number(width)) > 1e-9) throw new Error(`the highlight of ${x} ${y} is ${outline} wide, its frame ${width}`);
        fill = highlight!.getAttribute('fill')!;
      }
      let label: string;
      if (zoomed) {
        const text = item.localName === 'rect' ? item.nextElementSibling : item.querySelector('text');
        label = text && text.localName === 'text' ? text.textContent! : '';
      } else {
        const on = labels.filter((t) => t.getAttribute('x') === (Number(x) + 3).toFixed(2) && Math.abs(Number(t.getAttribute('y')) - (Number(y) + Number(height) / 2 + 3)) < 0.01);
        if (on.length > 1) throw new Error('two labels on one frame');
        label = on[0]?.textContent ?? '';
      }
      return {
        name: data.tooltip[i]!.replace(/ \([\d,]+ samples, [^)]*\)$/, ''),
        x: Number(x),
        width: Number(width),
        fill,
        hidden: !copy || getComputedStyle(item).display === 'none',
        parent: item.classList.contains('parent'),
        start: data.start[i]!,
        samples: data.width[i]!,
        y: Number(y),
        label,
      };
    });
  });
}

/**
 * The page's URL once the viewer has written its state there: it does so after the paint that
 * follows a click or a search (in a timer its frame callback sets), so this waits for a frame and
 * then for a timer set after the viewer's.
 */
export async function stateUrl(page: Page): Promise<URL> {
  return new URL(await page.evaluate(() => new Promise<string>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(location.href), 0)))));
}

/** The layer the page shows: #zoom while zoomed, else #frames. */
export const shown = async (page: Page): Promise<string> => ((await page.evaluate(() => document.getElementById('zoom') !== null)) ? '#zoom' : '#frames');

export interface Opened {
  page: Page;
  errors: string[];
  /** Every dialog the page opened (the search prompt, or an injected alert). */
  dialogs: string[];
  /** Answers the next search prompt with `text`. */
  answer(text: string): void;
}

/** Opens `url` in a new page of `context`, recording errors and dialogs. */
export async function openPage(context: BrowserContext, url: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  let reply: string | undefined;
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    if (d.type() === 'prompt' && reply !== undefined) void d.accept(reply);
    else void d.dismiss();
    reply = undefined;
  });
  await page.goto(url);
  return { page, errors, dialogs, answer: (text) => (reply = text) };
}

/** The frame drawn for `name` (the first of that name shown), in the layer shown: while zoomed, a copy (copies have no title until hovered). */
export async function frameGroup(page: Page, name: string) {
  const i = await page.evaluate((prefix) => {
    const tooltips = (JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] }).tooltip;
    const zoomed = document.getElementById('zoom') !== null;
    return tooltips.findIndex((t, k) => t.startsWith(prefix) && (!zoomed || document.querySelector(`#zoom > [data-frame="${k}"]`) !== null));
  }, `${name} (`);
  if (i < 0) throw new Error(`${name} is not in the view`);
  return (await shown(page)) === '#frames' ? page.locator('#frames > *').nth(i) : page.locator(`#zoom > [data-frame="${i}"]`);
}

/** The share of `view` covered by matching frames, from their exact sample spans. */
export function expectedMatched(frames: FrameState[], re: RegExp, view: FrameState): string {
  const spans = frames
    .filter((f) => re.test(f.name) && f.start < view.start + view.samples && f.start + f.samples > view.start)
    .map((f) => [Math.max(f.start, view.start), Math.min(f.start + f.samples, view.start + view.samples)] as const)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  const pct = (100 * covered) / view.samples;
  return `Matched: ${pct === 100 ? '100' : pct.toFixed(1)}%`;
}
