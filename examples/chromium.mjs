// Headless Chromium (Debian's /usr/bin/chromium) in a throwaway profile, for
// the scripts that make the README's pictures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Runs `use(page)` in a fresh browser of that viewport, then closes it and removes its profile. */
export async function withChromiumPage(viewport, use) {
  const profile = mkdtempSync(join(tmpdir(), 'flamefold-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
