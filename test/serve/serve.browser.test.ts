// `flamefold serve` driven by headless Chromium, as users run it: the built
// CLI on a capture joined from two generated DTrace captures (kernel stacks,
// then user stacks in snapshots about three times as large). The timeline shows the
// change at the seam; a dragged window's graph has the first capture's total;
// the differential graph of the two halves colours the functions only the
// second has red; the URL restores the selection; no token, no page (403).

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { CLI, generate, tempDir } from '../support/helpers.js';

const tmp = tempDir();
const a = generate('gen-dtrace.mjs', tmp.dir, 'a', ['--bytes', '240K', '--seed', '1', '--snapshots', '6', '--style', 'kernel']);
const b = generate('gen-dtrace.mjs', tmp.dir, 'b', ['--bytes', '400K', '--seed', '2', '--snapshots', '2', '--style', 'user']);
const capture = join(tmp.dir, 'ab.txt');
writeFileSync(capture, Buffer.concat([readFileSync(a.input), readFileSync(b.input)]));
const seam = readFileSync(a.input, 'latin1').match(/:tick-1s/g)!.length;
const total = (folded: string): number => readFileSync(folded, 'utf8').trim().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

let server: ChildProcess | undefined;
let url = '';
let browser: TestBrowser | undefined;
let context: BrowserContext;

beforeAll(async () => {
  server = spawn(process.execPath, [CLI, 'serve', '-q', capture], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?t=\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  browser = await openBrowser((_, res) => res.writeHead(404).end(), { width: 1280, height: 900 });
  context = browser.context;
}, 120_000);

afterAll(async () => {
  server?.kill();
  await browser?.close();
  tmp.cleanup();
});

/** Samples of each timeline cell, by snapshot. */
const cellSamples = (page: Page): Promise<number[]> =>
  page.$$eval('.timeline rect[data-s]', (cells) => cells.map((c) => Number(/([\d,]+) samples?$/.exec(c.getAttribute('data-label')!)![1]!.replaceAll(',', ''))));

async function drag(page: Page, from: number, to: number): Promise<void> {
  const box = async (s: number) => (await page.locator(`.timeline rect[data-s="${s}"]`).boundingBox())!;
  const [p, q] = [await box(from), await box(to)];
  await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2);
  await page.mouse.down();
  await page.mouse.move(q.x + q.width / 2, q.y + q.height / 2, { steps: 4 });
  await page.mouse.up();
}

/** The graph frame once it shows a graph for this query, and its frames: name, samples, fill. */
async function graphFrames(page: Page, query: RegExp): Promise<{ name: string; samples: number; fill: string }[]> {
  let frame: Frame | undefined;
  await expect.poll(() => (frame = page.frames().find((f) => query.test(f.url()))) !== undefined, { timeout: 60_000 }).toBe(true);
  await frame!.waitForSelector('#frame-data', { state: 'attached', timeout: 60_000 });
  // Frame i is the i-th rect of #frames, its tooltip the i-th of the frame data (src/render/svg.ts, FrameData).
  return frame!.evaluate(() => {
    const tooltips = (JSON.parse(document.getElementById('frame-data')!.textContent!) as { tooltip: string[] }).tooltip;
    return Array.from(document.querySelectorAll('#frames rect'), (rect, i) => {
      const m = /^(.*) \(([\d,]+) samples?/.exec(tooltips[i]!)!;
      return { name: m[1]!, samples: Number(m[2]!.replaceAll(',', '')), fill: rect.getAttribute('fill')! };
    });
  });
}

describe('flamefold serve in a browser', () => {
  it('refuses a request without the token', async () => {
    const bare = url.replace(/\?t=.*$/, '');
    expect((await fetch(bare)).status).toBe(403);
    expect((await fetch(`${bare}?t=wrong`)).status).toBe(403);
    expect((await fetch(`${bare}graph?c=0&a=0..1`)).status).toBe(403);
    expect((await fetch(url)).status).toBe(200);
  });

  it('shows the seam on the timeline, a window\'s graph, the differential graph, and restores them from the URL', async () => {
    const page = await context.newPage();
    await page.goto(url);
    const samples = await cellSamples(page);
    expect(samples.length).toBe(seam + 2);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.min(...samples.slice(seam)) / Math.max(...samples.slice(0, seam))).toBeGreaterThan(1.5);
    expect(mean(samples.slice(seam)) / mean(samples.slice(0, seam))).toBeGreaterThan(2.5);

    await drag(page, 0, seam - 1);
    expect(new URLSearchParams(await page.evaluate(() => location.search)).get('a')).toBe(`0..${seam - 1}`);
    const first = await graphFrames(page, new RegExp(`/graph\\?.*a=0\\.\\.${seam - 1}$`));
    expect(first.find((f) => f.name === 'all')!.samples).toBe(total(a.expected));

    await drag(page, seam + 1, seam);
    const state = new URLSearchParams(await page.evaluate(() => location.search));
    expect([state.get('a'), state.get('b')]).toEqual([`0..${seam - 1}`, `${seam}..${seam + 1}`]);
    const differential = await graphFrames(page, /\/graph\?.*&b=/);
    expect(differential.find((f) => f.name === 'all')!.samples).toBe(total(b.expected));
    // Functions of the second capture that the first lacks grew from nothing: red, every frame of them.
    const namesOf = (folded: string): Set<string> =>
      new Set(readFileSync(folded, 'utf8').trim().split('\n').flatMap((l) => l.slice(0, l.lastIndexOf(' ')).split(';')));
    const inA = namesOf(a.expected);
    const drawnNew = differential.filter((f) => !inA.has(f.name) && f.name !== 'all');
    expect(drawnNew.length).toBeGreaterThan(10);
    for (const f of drawnNew) expect(f.fill, f.name).toMatch(/^rgb\(255,(\d+),\1\)$/);
    expect(drawnNew.filter((f) => f.fill === 'rgb(255,255,255)')).toEqual([]);

    const again = await context.newPage();
    await again.goto(await page.evaluate(() => location.href));
    expect(await again.$$eval('.timeline rect.sel-a', (c) => c.length)).toBe(seam);
    expect(await again.$$eval('.timeline rect.sel-b', (c) => c.length)).toBe(2);
    const restored = await graphFrames(again, /\/graph\?.*&b=/);
    expect(restored).toEqual(differential);
    await again.close();
    await page.close();
  });
});
