// flamefold serve's handler without a browser: what it refuses and why, and
// its bound on concurrent work.

import { createServer, type Server } from 'node:http';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { serveHandler } from '../../src/serve/server.js';
import { WorkLimiter } from '../../src/serve/limiter.js';
import { CORPUS } from '../support/corpus.js';
import { generate, tempDir } from '../support/helpers.js';

const tmp = tempDir();
const TOKEN = 'test-token-123';
let server: Server;
let base = '';

beforeAll(async () => {
  const { input } = generate('gen-dtrace.mjs', tmp.dir, 'd', ['--bytes', '100K', '--seed', '3', '--snapshots', '4']);
  const index = (await collapse(input)).inputs[0]!.snapshots;
  writeFileSync(join(tmp.dir, 'secret.txt'), 'not to be served\n');
  const pmc = join(CORPUS, 'pmcstat', 'brendangregg-cpi-blog-excerpt.txt'); // two events
  const captures = [{ path: input, name: 'd.txt', index }, { path: pmc, name: 'pmc.txt', index: (await collapse(pmc)).inputs[0]!.snapshots }];
  server = createServer(serveHandler({ token: TOKEN, captures, collapse: {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});

/** Status and body of a request, with another Host header or method if given. */
function get(path: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve handler', () => {
  it('answers with the token, refuses without it or from another host name', async () => {
    expect((await get(`/?t=${TOKEN}`)).status).toBe(200);
    expect((await get(`/?t=${TOKEN}x`)).status).toBe(403);
    expect((await get('/graph?c=0')).status).toBe(403);
    expect((await get(`/?t=${TOKEN}`, { host: 'attacker.example:80' })).status).toBe(403);
    expect((await get(`/?t=${TOKEN}`, { host: 'localhost:1234' })).status).toBe(200);
    expect((await get(`/?t=${TOKEN}`, { method: 'POST' })).status).toBe(405);
  });

  it('serves captures by their number only, and says what is wrong with a request', async () => {
    expect((await get(`/?t=${TOKEN}&c=2`)).status).toBe(404);
    expect((await get(`/?t=${TOKEN}&c=../secret.txt`)).status).toBe(404);
    expect((await get(`/secret.txt?t=${TOKEN}`)).status).toBe(404);
    const bad = await get(`/graph?t=${TOKEN}&c=0&a=<script>`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/^--window '<script>': not a window/);
    expect((await get(`/graph?t=${TOKEN}&c=0&a=50..60`)).status).toBe(404); // no samples there
    const graph = await get(`/graph?t=${TOKEN}&c=0&a=1..2`);
    expect(graph.status).toBe(200);
    expect(graph.body).toContain('<svg');
  });

  it('draws one event of a capture holding several, as `flamefold svg` does, never their sum', async () => {
    const graph = await get(`/graph?t=${TOKEN}&c=1`);
    expect(graph.status).toBe(200);
    // 854 samples of CPU_CLK_UNHALTED.THREAD_P, the first event; 1067 with RESOURCE_STALLS.ANY added
    expect(graph.body).toContain('854 samples');
    expect(graph.body).not.toContain('1067 samples');
    expect(graph.body).not.toContain('1,067 samples');
  });

  it('bounds concurrent work: one at a time, a few waiting, the rest refused', async () => {
    const limiter = new WorkLimiter(1, 2);
    let running = 0;
    let most = 0;
    const job = async (): Promise<number> => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      return 1;
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => limiter.run(job)));
    expect(most).toBe(1);
    expect(results).toEqual([1, 1, 1, undefined, undefined]);
    expect(await limiter.run(job)).toBe(1); // free again
  });
});
