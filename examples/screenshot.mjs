#!/usr/bin/env node
// Renders an SVG in headless Chromium (Debian's /usr/bin/chromium) and saves a PNG,
// for the README's picture:  node examples/screenshot.mjs example.svg examples/dtrace-kernel.png
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [svgPath, pngPath] = process.argv.slice(2);
if (!svgPath || !pngPath) {
  console.error('usage: node examples/screenshot.mjs IN.svg OUT.png');
  process.exit(2);
}
const size = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(readFileSync(svgPath, 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'flamefold-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: Number(size?.[1] ?? 1200), height: Number(size?.[2] ?? 800) },
});
try {
  const page = await context.newPage();
  await page.goto(`file://${resolve(svgPath)}`);
  await page.screenshot({ path: pngPath });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
