#!/usr/bin/env node
// Renders an SVG in headless Chromium (Debian's /usr/bin/chromium) and saves a PNG,
// for the README's picture:  node examples/screenshot.mjs example.svg examples/dtrace-kernel.png
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withChromiumPage } from './chromium.mjs';

const [svgPath, pngPath] = process.argv.slice(2);
if (!svgPath || !pngPath) {
  console.error('usage: node examples/screenshot.mjs IN.svg OUT.png');
  process.exit(2);
}
const size = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(readFileSync(svgPath, 'utf8'));
await withChromiumPage({ width: Number(size?.[1] ?? 1200), height: Number(size?.[2] ?? 800) }, async (page) => {
  await page.goto(`file://${resolve(svgPath)}`);
  await page.screenshot({ path: pngPath });
});
