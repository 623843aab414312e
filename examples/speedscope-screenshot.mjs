#!/usr/bin/env node
// Opens a speedscope file in speedscope's own viewer (the npm package's dist/release,
// served from 127.0.0.1) in headless Chromium (Debian's /usr/bin/chromium) and saves a
// PNG, for the README's picture:
//   cd /tmp/bench && flamefold collapse --to speedscope w2.folded -o /tmp/w2.json
//   node examples/speedscope-screenshot.mjs /tmp/w2.json examples/speedscope-w2.png [left-heavy]
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { withChromiumPage } from './chromium.mjs';

const [jsonPath, pngPath, view = 'left-heavy'] = process.argv.slice(2);
if (!jsonPath || !pngPath) {
  console.error('usage: node examples/speedscope-screenshot.mjs IN.json OUT.png [time-ordered|left-heavy|sandwich]');
  process.exit(2);
}
const release = dirname(createRequire(import.meta.url).resolve('speedscope/dist/release/index.html'));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path === '/profile.json' ? resolve(jsonPath) : join(release, path.replace(/[^\w.-]/g, '') || 'index.html');
  if (!existsSync(file)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  await withChromiumPage({ width: 1280, height: 720 }, async (page) => {
    const imported = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('import:'), timeout: 120_000 });
    await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(`${base}/profile.json`)}&view=${view}`);
    await imported;
    await page.waitForTimeout(2000); // the first frames after the import
    await page.screenshot({ path: pngPath });
  });
} finally {
  server.close();
}
