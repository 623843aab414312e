// Debian's headless Chromium (through playwright-core) and a local server on
// 127.0.0.1 for the pages it opens: the browser tests' shared setup. The flags
// keep Chromium off the network this machine cannot reach.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  /** The server's address, `http://127.0.0.1:PORT`. */
  base: string;
  /** Closes the browser and the server, and removes the browser's profile folder. */
  close(): Promise<void>;
}

/** Starts a server answering with `handler`, and Chromium with a fresh profile and this viewport. */
export async function openBrowser(handler: RequestListener, viewport: { width: number; height: number }): Promise<TestBrowser> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const profile = mkdtempSync(join(tmpdir(), 'flamefold-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  return {
    context,
    base,
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
