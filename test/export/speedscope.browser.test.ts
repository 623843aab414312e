// speedscope files opened in speedscope's own bundled viewer (the npm package's
// dist/release) in Debian's headless Chromium: it loads them through
// #profileURL= from a local server, and its sandwich table lists every frame
// name with the self and total that `top` computes from the folded output.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, openBrowser, type TestBrowser } from '../support/browser.js';
import { runCli, tempDir } from '../support/helpers.js';
import { corpusCaptures, sumsOf } from './oracle.js';

const RELEASE = dirname(createRequire(import.meta.url).resolve('speedscope/dist/release/index.html'));
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.woff2': 'font/woff2',
};
const tmp = tempDir();
let context: BrowserContext;
let browser: TestBrowser | undefined;
let base = '';

beforeAll(async () => {
  // /profiles/NAME: a file of this test; anything else: speedscope's release folder
  browser = await openBrowser((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const name = path.replace(/^\/profiles\//, '').replace(/[^\w.-]/g, '') || 'index.html';
    const file = path.startsWith('/profiles/') ? join(tmp.dir, name) : join(RELEASE, name);
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  }, { width: 1280, height: 1400 });
  ({ context, base } = browser);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

/** Opens a file in speedscope's sandwich view: each row's name, total and self as speedscope shows them. */
async function sandwich(file: string, errors: string[]): Promise<{ title: string; rows: Map<string, { self: number; total: number }> }> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(`${base}/profiles/${file}`)}&view=sandwich`);
    // the sandwich table's rows: total, self, then the name after its colour swatch
    const rowsSelector = 'tr:has(> td:nth-child(3) > span)';
    await page.waitForSelector(rowsSelector, { timeout: 30_000 });
    const cells = await page.$$eval(rowsSelector, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    const count = (text: string): number => Number(text.replace(/\s*\(.*$/, '').replace(/,/g, ''));
    const rows = new Map(cells.map(([total, self, name]) => [name!, { self: count(self!), total: count(total!) }] as const));
    return { title: await page.title(), rows };
  } finally {
    await page.close();
  }
}

function exportTo(name: string, input: string | Buffer, args: string[] = []): { file: string; folded: string } {
  const src = join(tmp.dir, `${name}.input`);
  writeFileSync(src, input);
  const r = runCli(['collapse', '--to', 'speedscope', src, '-o', join(tmp.dir, `${name}.json`), ...args]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return { file: `${name}.json`, folded: runCli(['collapse', src, ...args]).stdout.toString() };
}

describe.skipIf(!existsSync(CHROMIUM))('speedscope viewer (headless Chromium)', () => {
  it('a hand-made profile with recursion: every frame name, its self and its total', async () => {
    const { file, folded } = exportTo('hand', 'main;parse;parse;lex 40\nmain;parse;emit 25\nmain;run 30\nmain;run;parse 5\n');
    const errors: string[] = [];
    const { rows } = await sandwich(file, errors);
    expect(errors).toEqual([]);
    expect(rows).toEqual(sumsOf(folded));
    expect(rows.get('parse')).toEqual({ self: 5, total: 70 }); // recursion counted once per stack
  });

  it('a corpus capture (pmcstat, two events): the first event\'s profile, as the folded output of that event', async () => {
    const pmc = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const { file } = exportTo('pmc', readFileSync(pmc));
    const folded = runCli(['collapse', '--event', 'CPU_CLK_UNHALTED.THREAD_P', pmc]).stdout.toString();
    const errors: string[] = [];
    const { rows } = await sandwich(file, errors);
    expect(errors).toEqual([]);
    // speedscope demangles C++ symbols as it imports them
    const demangled = (name: string): string => (name === '_ZN5Index4loadEPKc' ? 'Index::load(char const*)' : name);
    expect(rows).toEqual(sumsOf(folded, demangled));
  });
});
