// The viewer's browser tests' shared setup (test/render/*.browser.test.ts):
// Debian's headless Chromium, and a local server of the SVGs those tests draw
// with the built CLI (as users get them) into a temporary folder.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { openBrowser } from './browser.js';
import { runCli, tempDir } from './helpers.js';
import { openPage, type Opened } from './viewer-page.js';

export interface SvgBrowser {
  context: BrowserContext;
  /** The server's address, `http://127.0.0.1:PORT`: the SVGs drawn are at /NAME.svg. */
  base: string;
  /** Draws `input` (folded) as NAME.svg with the CLI and these options; returns its address. */
  draw(name: string, input: string | Buffer, args?: string[]): string;
  /** Opens `url` in a new page, recording its errors and dialogs. */
  open(url: string): Promise<Opened>;
  /** Closes the browser and the server, and removes the SVGs. */
  close(): Promise<void>;
}

/** Starts the browser and the server (a 1280×900 viewport). */
export async function openSvgBrowser(): Promise<SvgBrowser> {
  const tmp = tempDir();
  const browser = await openBrowser((req, res) => {
    const file = join(tmp.dir, new URL(req.url ?? '/', 'http://x').pathname.replace(/[^\w.-]/g, ''));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(readFileSync(file));
  }, { width: 1280, height: 900 });
  return {
    context: browser.context,
    base: browser.base,
    draw(name, input, args = []) {
      const src = join(tmp.dir, `${name}.folded`);
      writeFileSync(src, input);
      const r = runCli(['svg', src, '-o', join(tmp.dir, `${name}.svg`), ...args]);
      if (r.status !== 0) throw new Error(r.stderr.toString());
      return `${browser.base}/${name}.svg`;
    },
    open: (url) => openPage(browser.context, url),
    async close() {
      await browser.close();
      tmp.cleanup();
    },
  };
}

/** Opens the browser before a test file's tests and closes it after them: call at the top of the file; the getter gives it. */
export function useSvgBrowser(): () => SvgBrowser {
  let browser: SvgBrowser | undefined;
  beforeAll(async () => {
    browser = await openSvgBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not open: useSvgBrowser() opens it before the tests');
    return browser;
  };
}
