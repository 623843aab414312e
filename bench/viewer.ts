// `npm run bench:viewer [-- --runs 5 --baseline PATH/dist/cli.js]` (and a part of
// `npm run bench`): how fast a flame graph's own viewer answers in headless
// Chromium (Debian's, through playwright-core, as the browser tests run it).
// Each run opens the SVG in a fresh page and times, inside the page:
//
// - first paint: navigation start → the browser's first contentful paint (the
//           top of a large graph may show while the rest is still parsed);
// - load:   navigation start → the first paint after the load event (the whole
//           graph drawn and the viewer's script run): the target's figure;
// - zoom:   a click on the widest second-level frame, where the pointer has rested
//           for two frames (what a click on it shows is built while it rests) → the next paint;
// - reset:  a click on Reset Zoom → the next paint;
// - quick zoom: the pointer moved onto that frame again and pressed at once (a
//           click with no rest before it: the zoom is built at the press, shown at
//           the release) → the next paint, timed from the click and from the press
//           (a person's press comes about 0.1 s before the release; playwright's
//           release follows as soon as the press is handled);
// - zoom while building: the pointer moved onto that frame again and pressed
//           8 ms later (mostly while the page is building its zoom ahead, which
//           it does from the frame after the move: the click takes the build
//           over) → the next paint;
// - search: Ctrl-F answered with a regular expression (the prompt returns at
//           once: what is timed is the viewer, not the person typing) → the next
//           paint, with "Matched: N%" shown.
//
// "The next paint" is the end of the rendering update that follows the event:
// a requestAnimationFrame callback posts a message, and the message runs after
// that frame's style, layout and paint. Each event is checked to have done its
// job (the frame zoomed, Matched shown), so a broken viewer fails instead of
// being fast. Inputs: W2's SVG (flamefold's, and the baseline build's when one
// is given) and, for scale, a flamegraph.pl SVG from the corpus beside
// flamefold's SVG of the same folded input. After the timed rounds, one traced
// run of each says where the main thread's time goes in each step, the load
// included (bench/viewer-trace.ts).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openBrowser, type TestBrowser } from '../test/support/browser.js';
import { datasets, ensure } from './data.js';
import { printTable, spread } from './measure.js';
import { parseOptionsOrExit, type Build, type Options } from './suite.js';
import { PARTS, StepTracer } from './viewer-trace.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const VERTX = join(CORPUS, 'flamegraph', 'perf-vertx-inverted');

/** An SVG to open, and the regular expression its search run types. */
interface Subject {
  label: string;
  file: string;
  term: string;
  /** Whether its viewer builds ahead the zoom under the pointer (flamefold's); else there is no zoom while building to time. */
  buildsAhead: boolean;
}

const PHASES = ['first paint', 'load', 'zoom', 'reset', 'quick zoom', 'quick zoom from the press', 'zoom while building', 'search'] as const;
type Phase = (typeof PHASES)[number];
/**
 * How much of the zoom a click shows was in the page, hidden, when the click came: none of it,
 * part (its build ahead under way), or all.
 */
type Ahead = 'none' | 'part' | 'all';
/** A run's times, and how much of each zoom's layer was built ahead when its click came. */
type Timings = Record<Phase, number> & { ahead: Record<'zoom' | 'zoom while building', Ahead> };

/** The targets of issue 12, for W2's SVG. */
const TARGET: Partial<Record<Phase, number>> = { load: 500, zoom: 50, search: 25 };

/**
 * Installed in every page before its own script: the prompt answers at once,
 * and each timed event records the time from its timestamp to the next paint
 * into `window.__viewerBench`.
 */
function timingProbe(): void {
  interface Probe {
    answer: string | null;
    /** What the next click on a frame is timed as ('zoom' unless set). */
    clickAs: string | null;
    times: Record<string, number>;
    /** Per click timed: the copies in a layer built ahead (hidden) when it came, or -1 for no such layer. */
    aheadAtClick: Record<string, number>;
    /** The last press's timestamp. */
    pressedAt: number;
  }
  const probe: Probe = { answer: null, clickAs: null, times: {}, aheadAtClick: {}, pressedAt: NaN };
  (window as unknown as { __viewerBench: Probe }).__viewerBench = probe;
  window.prompt = () => probe.answer;
  const afterNextPaint = (name: string, since: number): void => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        probe.times[name] = performance.now() - since;
      };
      channel.port2.postMessage(0);
    });
  };
  addEventListener('load', () => afterNextPaint('load', 0));
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') probe.times['first paint'] = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  addEventListener('pointerdown', (e) => (probe.pressedAt = e.timeStamp), true);
  addEventListener(
    'click',
    (e) => {
      const id = e.target instanceof Element ? e.target.id : '';
      const name = id === 'unzoom' ? 'reset' : probe.clickAs ?? 'zoom';
      // (Before the viewer's own listener, on the document: this one is the window's, capturing.)
      probe.aheadAtClick[name] = document.querySelector('g.copies:not(#zoom)')?.childElementCount ?? -1;
      afterNextPaint(name, e.timeStamp);
      if (name === 'quick zoom') afterNextPaint('quick zoom from the press', probe.pressedAt);
    },
    true,
  );
  addEventListener(
    'keydown',
    (e) => {
      if (e.ctrlKey && e.key === 'f') afterNextPaint('search', e.timeStamp);
    },
    true,
  );
}

/** Waits until the probe has recorded `name`, and returns its milliseconds. */
async function timeOf(page: Page, name: Phase): Promise<number> {
  const handle = await page.waitForFunction(
    (n) => (window as unknown as { __viewerBench: { times: Record<string, number> } }).__viewerBench.times[n],
    name,
    { timeout: 60_000, polling: 20 },
  );
  return (await handle.jsonValue()) as number;
}

/** The centre of the widest frame one level above the root (flamegraph.pl's and flamefold's markup alike). */
async function secondLevelFrame(page: Page): Promise<{ x: number; y: number; name: string }> {
  return page.evaluate(() => {
    // flamegraph.pl's frames are <g><title/><rect/>…</g>; flamefold's are rects, their tooltip in fg:t.
    const rects = Array.from(document.querySelectorAll('#frames rect')).map((r) => ({
      r,
      y: Number(r.getAttribute('y')),
      w: Number(r.getAttribute('width')),
    }));
    const root = rects.reduce((a, b) => (b.w > a.w || (b.w === a.w && b.y > a.y) ? b : a));
    const others = rects.filter((f) => f.y !== root.y);
    const nearest = Math.min(...others.map((f) => Math.abs(f.y - root.y)));
    const level = others.filter((f) => Math.abs(f.y - root.y) === nearest);
    const widest = level.reduce((a, b) => (b.w > a.w ? b : a));
    widest.r.scrollIntoView({ block: 'center', inline: 'center' }); // a tall graph's root is below the window
    const box = widest.r.getBoundingClientRect();
    const title = widest.r.getAttributeNS('urn:x-flamefold:frame', 't') ?? widest.r.closest('g')?.querySelector('title')?.textContent ?? '';
    return { x: box.x + box.width / 2, y: box.y + box.height / 2, name: title };
  });
}

/** How much of the zoom shown now was built ahead when the click timed as `name` came. */
const aheadAt = (page: Page, name: string): Promise<Ahead> =>
  page.evaluate((n) => {
    const before = (window as unknown as { __viewerBench: { aheadAtClick: Record<string, number> } }).__viewerBench.aheadAtClick[n] ?? -1;
    const shown = document.getElementById('zoom')?.childElementCount ?? 0;
    return before <= 0 ? 'none' : before >= shown ? 'all' : 'part';
  }, name);

/** The next click on a frame is timed as `name` (the probe's clickAs). */
async function timeNextClickAs(page: Page, name: Phase): Promise<void> {
  await page.evaluate((n) => ((window as unknown as { __viewerBench: { clickAs: string } }).__viewerBench.clickAs = n), name);
}

/** Throws unless the page shows a zoom (its Reset Zoom button shown) after `click`. */
async function expectZoomed(page: Page, click: string): Promise<void> {
  if ((await page.locator('#unzoom').getAttribute('class'))?.includes('hide')) throw new Error(`${click} did not zoom`);
}

/** Moves the pointer away and resets the zoom: the whole graph shown, nothing pending. */
async function resetZoom(page: Page): Promise<void> {
  await page.mouse.move(5, 5);
  await page.locator('#unzoom').click();
  await settle(page);
}

/** The paint following the current one has happened (nothing pending from the last step). */
const settle = (page: Page): Promise<void> =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** How long after the pointer's move onto the frame the zoom while building is pressed. */
const BUILDING_PRESS_MS = 8;

/**
 * A click on the frame `target` (where the pointer lands) pressed BUILDING_PRESS_MS after the move,
 * mostly while the page is building its zoom ahead: its ms to the next paint, and how much was built when it came.
 */
async function zoomWhileBuilding(page: Page, target: { x: number; y: number; name: string }, tracer?: StepTracer): Promise<{ time: number; ahead: Ahead }> {
  await timeNextClickAs(page, 'zoom while building');
  await tracer?.begin(page); // (before the move; the step is traced from the press: the build's steps before it are not counted)
  await page.mouse.move(target.x, target.y);
  // (Waited for here, not in the page: a call into the page would take as long again.)
  await page.waitForTimeout(BUILDING_PRESS_MS);
  await page.mouse.down();
  await page.mouse.up();
  const time = await timeOf(page, 'zoom while building');
  await tracer?.end('zoom while building', 'click', 1);
  await expectZoomed(page, `a click on ${target.name} while building`);
  const ahead = await aheadAt(page, 'zoom while building');
  await settle(page);
  return { time, ahead };
}

/** One run: a fresh page through load, zoom, reset and search, each checked (and each traced, given a tracer). */
async function runOnce(browser: TestBrowser, subject: Subject, url: string, tracer?: StepTracer): Promise<Timings> {
  const { term } = subject;
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.addInitScript(timingProbe);
    await tracer?.begin(page);
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    const load = await timeOf(page, 'load');
    await tracer?.end('load', 'load');
    const firstPaint = await timeOf(page, 'first paint');
    await settle(page);

    const target = await secondLevelFrame(page);
    await page.mouse.move(target.x, target.y); // the hover (tooltip, outline) is not part of the click
    await settle(page);
    await tracer?.begin(page);
    // Pressed and released where the pointer rests: mouse.click() would move it there first, one more input event (and hit
    // test over every frame) that is no part of a click, counted in the traced CPU and delaying the click's own events.
    await page.mouse.down();
    await page.mouse.up();
    const zoom = await timeOf(page, 'zoom');
    await tracer?.end('zoom', 'click');
    const zoomAhead = await aheadAt(page, 'zoom');
    await expectZoomed(page, `a click on ${target.name}`);
    await settle(page);

    await page.mouse.move(5, 5);
    if (tracer) await settle(page); // the pointer leaving the frame repaints too: not the reset's work
    await tracer?.begin(page);
    await page.locator('#unzoom').click();
    const reset = await timeOf(page, 'reset');
    await tracer?.end('reset', 'click');
    await settle(page);

    await timeNextClickAs(page, 'quick zoom');
    await tracer?.begin(page);
    await page.mouse.move(target.x, target.y);
    await page.mouse.down();
    await page.mouse.up();
    const quickZoom = await timeOf(page, 'quick zoom');
    const quickZoomFromPress = await timeOf(page, 'quick zoom from the press');
    await tracer?.end('quick zoom', 'click');
    await expectZoomed(page, `a quick click on ${target.name}`);
    await settle(page);
    await resetZoom(page); // (the search is timed over the whole graph)

    let building: { time: number; ahead: Ahead } = { time: NaN, ahead: 'none' };
    if (subject.buildsAhead) {
      building = await zoomWhileBuilding(page, target, tracer);
      await resetZoom(page);
    }

    await page.evaluate((t) => ((window as unknown as { __viewerBench: { answer: string } }).__viewerBench.answer = t), term);
    await tracer?.begin(page);
    await page.keyboard.press('Control+f');
    const search = await timeOf(page, 'search');
    await tracer?.end('search', 'keydown');
    const matched = (await page.locator('#matched').textContent()) ?? '';
    if (!/^Matched: [\d.]+%$/.test(matched.trim())) throw new Error(`a search for ${term} showed '${matched}', not Matched %`);
    if (errors.length > 0) throw new Error(`the page threw: ${errors[0]}`);
    return {
      'first paint': firstPaint,
      load,
      zoom,
      reset,
      'quick zoom': quickZoom,
      'quick zoom from the press': quickZoomFromPress,
      'zoom while building': building.time,
      search,
      ahead: { zoom: zoomAhead, 'zoom while building': building.ahead },
    };
  } finally {
    await page.close();
  }
}

/** flamefold's SVG of `input`, drawn by `build` into `dir`. */
function draw(build: Build, input: string, dir: string, name: string): string {
  const file = join(dir, `${name}.${build.name}.svg`);
  const r = spawnSync(process.execPath, [build.cli, 'svg', input, '-o', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${build.cli} svg ${input} failed: ${r.stderr.trim()}`);
  return file;
}

function subjects(options: Options, dir: string): Subject[] {
  const w2 = ensure(datasets(options.size).dtrace).expected;
  const vertx = join(VERTX, 'perf-vertx.txt');
  const w2Term = '^(zfs|tcp)`';
  const vertxTerm = 'netty|vertx';
  return [
    ...options.builds.map((b) => ({ label: `W2, flamefold (${b.name})`, file: draw(b, w2, dir, 'w2'), term: w2Term, buildsAhead: true })),
    { label: 'perf-vertx, flamegraph.pl', file: join(VERTX, 'perf-vertx.flamegraph-pl.svg'), term: vertxTerm, buildsAhead: false },
    ...options.builds.map((b) => ({ label: `perf-vertx, flamefold (${b.name})`, file: draw(b, vertx, dir, 'vertx'), term: vertxTerm, buildsAhead: true })),
  ];
}

/** Frames in an SVG: the tooltips in flamefold's frame data, or flamegraph.pl's <title> elements. */
function framesIn(svg: string): number {
  const data = /<metadata id="frame-data">([^<]*)<\/metadata>/.exec(svg);
  if (data) return (JSON.parse(data[1]!) as { tooltip: string[] }).tooltip.length;
  return svg.match(/<title>/g)?.length ?? 0;
}

const ms = (v: number): string => `${Math.round(v)}`;

/** "all 5, part 2": how many runs had each share of a zoom built ahead. */
const aheadCounts = (list: Ahead[]): string =>
  (['all', 'part', 'none'] as const).flatMap((a) => {
    const n = list.filter((x) => x === a).length;
    return n > 0 ? [`${a} ${n}`] : [];
  }).join(', ');

/** Runs every subject `options.runs` times (rounds interleaved, so load on the machine spreads evenly) and prints the table. */
export async function benchViewer(options: Options): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'flamefold-viewer-bench-'));
  const files = new Map<string, string>();
  let browser: TestBrowser | undefined;
  try {
    const list = subjects(options, dir);
    for (const s of list) files.set(`/${files.size}-${basename(s.file)}`, s.file);
    const urlOf = new Map(list.map((s) => [s, [...files].find(([, f]) => f === s.file)![0]]));
    browser = await openBrowser((req, res) => {
      const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' }).end(readFileSync(file));
    }, { width: 1280, height: 900 });
    const results = new Map<Subject, Timings[]>(list.map((s) => [s, []]));
    const failures = new Map<Subject, string>();
    // One untimed warm-up (Chromium's caches, fonts), then the rounds.
    for (let round = 0; round <= options.runs; round++) {
      for (const s of list) {
        if (failures.has(s)) continue;
        process.stderr.write(`viewer: ${s.label}, run ${round}/${options.runs}\r`);
        try {
          const t = await runOnce(browser, s, browser.base + urlOf.get(s)!);
          if (round > 0) results.get(s)!.push(t);
        } catch (err) {
          failures.set(s, (err as Error).message);
        }
      }
    }
    process.stderr.write('\n');
    const head = ['SVG', 'frames', 'size', ...PHASES.map((p) => `${p} ms${TARGET[p] ? ` (≤ ${TARGET[p]})` : ''}`), 'built ahead: zoom', 'while building'];
    const table = [head];
    for (const s of list) {
      const text = readFileSync(s.file, 'utf8');
      const frames = framesIn(text);
      const size = `${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`;
      const runs = results.get(s)!;
      const fail = failures.get(s);
      if (fail) {
        table.push([s.label, String(frames), size, `FAILED: ${fail}`]);
        continue;
      }
      table.push([
        s.label,
        frames.toLocaleString('en-US'),
        size,
        ...PHASES.map((p) => {
          const sp = spread(runs.map((r) => r[p]));
          if (Number.isNaN(sp.median)) return '–';
          return `${ms(sp.median)} (${ms(sp.min)}–${ms(sp.max)})`;
        }),
        ...(['zoom', 'zoom while building'] as const).map((p) => aheadCounts(runs.map((r) => r.ahead[p]))),
      ]);
    }
    console.log(`\n# the SVG viewer in headless Chromium (${CHROMIUM_NOTE}), ${options.runs} runs each`);
    printTable(table);
    console.log('median (min–max) ms from the event to the next paint; load from navigation start to the first paint after the load event; targets (issue 12) are for W2');
    console.log('built ahead: of the runs, how many had all, part or none of the zoom in the page, hidden, when the click came (flamefold builds it while the pointer rests on a frame)');
    for (const [s, message] of failures) console.log(`FAILED ${s.label}: ${message}`);

    // One traced run of each: where the main thread's time goes.
    const parts = [['SVG', 'step', 'CPU ms', ...PARTS, 'other']];
    for (const s of list) {
      if (failures.has(s)) continue;
      const tracer = new StepTracer();
      await runOnce(browser, s, browser.base + urlOf.get(s)!, tracer);
      for (const [step, b] of tracer.steps) parts.push([s.label, step, b.total.toFixed(1), ...PARTS.map((p) => b[p].toFixed(1)), b.other.toFixed(1)]);
    }
    console.log('\n# where the renderer main thread\'s time goes, one traced run each (thread CPU ms, from the first input event, or the page\'s first task, to the end of the task that paints next)');
    printTable(parts);
    return failures.size === 0;
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const CHROMIUM_NOTE = '/usr/bin/chromium, 1280×900';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const options = parseOptionsOrExit(process.argv.slice(2));
  benchViewer(options).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (err: unknown) => {
      process.stderr.write(`bench: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
