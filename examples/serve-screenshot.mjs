#!/usr/bin/env node
// The README's picture of `flamefold serve`: two generated DTrace captures
// joined (kernel stacks, then busier user stacks), served, a window of each
// half dragged on the timeline, the differential graph shown; saved as a PNG.
//   npm run build && node examples/serve-screenshot.mjs examples/serve-timeline.png
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withChromiumPage } from './chromium.mjs';

const out = process.argv[2] ?? 'serve-timeline.png';
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flamefold-serve-shot-'));
const gen = (args, file) => spawnSync(process.execPath, [join(root, '../shared/tools/gen-dtrace.mjs'), ...args, '--out', join(dir, file)]);
gen(['--bytes', '6M', '--seed', '1', '--snapshots', '60', '--style', 'kernel', '--stacks', '3000'], 'a.txt');
gen(['--bytes', '9M', '--seed', '2', '--snapshots', '40', '--stacks', '3000'], 'b.txt');
const capture = join(dir, 'capture.txt');
writeFileSync(capture, Buffer.concat([readFileSync(join(dir, 'a.txt')), readFileSync(join(dir, 'b.txt'))]));

const server = spawn(process.execPath, [join(root, 'dist/flamefold.cjs'), 'serve', '-q', capture], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let text = '';
  server.stdout.on('data', (d) => {
    text += d;
    const m = /(http:\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
});
try {
  await withChromiumPage({ width: 1280, height: 1160 }, async (page) => {
    await page.goto(url);
    const drag = async (from, to) => {
      const p = await page.locator(`.timeline rect[data-s="${from}"]`).boundingBox();
      const q = await page.locator(`.timeline rect[data-s="${to}"]`).boundingBox();
      await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2);
      await page.mouse.down();
      await page.mouse.move(q.x + q.width / 2, q.y + q.height / 2, { steps: 5 });
      await page.mouse.up();
    };
    await drag(20, 39);
    await drag(70, 89);
    const frame = await (await page.waitForSelector('#graph')).contentFrame();
    await frame.waitForSelector('#frames rect', { timeout: 60_000 });
    await page.screenshot({ path: out });
  });
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
