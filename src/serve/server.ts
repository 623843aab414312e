// `flamefold serve`'s HTTP handler (node:http): the page (page.ts) and the
// flame graphs of windows of the captures it was given, each drawn on demand
// from the bytes of that window's snapshots (the index is made once, at start).
//
// Safety: every request must carry the random token of the printed URL (403
// without it, compared in constant time); the Host header must name this
// machine (no DNS rebinding); captures are chosen by their number in the list
// given on the command line, never by a path from the request; windows are
// parsed as --window is (a mistake is a 400 with its message as text); at most
// a few graphs are drawn at a time (WorkLimiter; 503 beyond); nothing is
// cached by the browser or sent as a referrer.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { collapse, type CollapseOptions } from '../api/collapse.js';
import { diff } from '../api/diff.js';
import { InputError, UsageError } from '../errors.js';
import { flameGraph } from '../render/render.js';
import { differentialMode } from '../render/differential-colors.js';
import { timelineGrid } from '../timeline/cells.js';
import { timelineSvg } from '../timeline/svg.js';
import type { SnapshotIndex } from '../window/snapshot-index.js';
import { parseWindow } from '../window/spec.js';
import { WorkLimiter } from './limiter.js';
import { page } from './page.js';

/** A capture being served: its path (as given), display name and index. */
export interface ServedCapture {
  path: string;
  name: string;
  index: SnapshotIndex;
}

export interface ServeOptions {
  token: string;
  captures: readonly ServedCapture[];
  /** collapse()'s options for every graph (format, threads, filters). */
  collapse: CollapseOptions;
  /** Host names (besides loopback ones) the Host header may give: the one bound to. */
  hosts?: readonly string[];
  /** Graphs drawn at once, and requests that may wait for a turn. */
  running?: number;
  waiting?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'SAMEORIGIN',
};

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { ...HEADERS, 'Content-Type': type });
  res.end(body);
}

const text = (res: ServerResponse, status: number, message: string): void => send(res, status, 'text/plain; charset=utf-8', `${message}\n`);

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hostAllowed(req: IncomingMessage, hosts: readonly string[]): boolean {
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return LOOPBACK.has(name.toLowerCase()) || hosts.includes(name.toLowerCase());
}

/** The request handler of a server for these captures. */
export function serveHandler(options: ServeOptions): RequestListener {
  const limiter = new WorkLimiter(options.running ?? 1, options.waiting ?? 4);
  const timelines = options.captures.map((c, i) =>
    timelineSvg(timelineGrid(c.index), { title: `Timeline of ${c.name}`, id: `timeline-${i}` }, true),
  );
  const snapshotIndexes = new Map(options.captures.map((c) => [c.path, c.index]));

  async function graph(res: ServerResponse, capture: ServedCapture, a: string | null, b: string | null): Promise<void> {
    if (a !== null) parseWindow(a); // a mistake is the request's (400), found before any work
    if (b !== null) parseWindow(b);
    // A graph of one event of a capture, as `flamefold svg` draws it: several events' samples summed mean nothing.
    const common = { ...options.collapse, oneEvent: true, snapshotIndexes };
    const drawn = await limiter.run(async () => {
      const title = b === null ? `${capture.name}${a === null ? '' : `, snapshots ${a}`}` : `${capture.name}: ${a} to ${b}`;
      const result = b === null
        ? await collapse(capture.path, { ...common, ...(a !== null && { window: a }) })
        : await diff(capture.path, capture.path, { ...common, ...(a !== null && { beforeWindow: a }), afterWindow: b });
      // A differential graph colours each frame by the change of its total: a function only in B is red throughout.
      const fg = await flameGraph(result, { title, ...(b !== null && { colorMode: differentialMode({ mode: 'total', details: true }) }) });
      return { svg: fg.samples > 0 ? Buffer.concat([...fg.chunks()]) : undefined };
    });
    if (drawn === undefined) text(res, 503, 'busy: other graphs are being drawn; try again');
    else if (drawn.svg === undefined) text(res, 404, 'no samples in this window');
    else send(res, 200, 'image/svg+xml; charset=utf-8', drawn.svg);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req, options.hosts ?? [])) return text(res, 403, 'forbidden: this server answers only to its own address');
    if (!tokenMatches(url.searchParams.get('t'), options.token)) return text(res, 403, 'forbidden: the URL lacks the token flamefold serve printed');
    if (req.method !== 'GET') return text(res, 405, 'only GET');
    const c = url.searchParams.get('c') ?? '0';
    const capture = /^\d+$/.test(c) ? options.captures[Number(c)] : undefined;
    if (!capture) return text(res, 404, `no capture ${c}: there are ${options.captures.length}`);
    if (url.pathname === '/') {
      const captures = options.captures.map((x) => ({ name: x.name, snapshots: x.index.snapshots.length }));
      return send(res, 200, 'text/html; charset=utf-8', page({ token: options.token, captures, capture: Number(c), timeline: timelines[Number(c)]! }));
    }
    if (url.pathname !== '/graph') return text(res, 404, 'not found');
    graph(res, capture, url.searchParams.get('a'), url.searchParams.get('b')).catch((err: unknown) => {
      const known = err instanceof UsageError || err instanceof InputError;
      if (!res.headersSent) text(res, known ? 400 : 500, known ? (err as Error).message : 'internal error');
    });
  };
}
