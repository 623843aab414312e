// The `flamefold` command ships as one CommonJS file, dist/flamefold.cjs
// (scripts/bundle-cli.mjs), built from the modules tsc writes to dist/. It
// must draw exactly what those modules draw (the SVG embeds the viewer's
// source text, which a bundler reprints), and run from its own file (and its
// worker threads from theirs) with only the package's package.json and build/
// beside it.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, tempDir, workerLog } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const folded = 'main;parse;read 7\nmain;parse 2\nmain;draw;text 4\nidle 1\n';

describe('the bundled command', () => {
  it("draws the SVG byte for byte as dist/'s modules do, the viewer script included", () => {
    // dist/'s modules run in a process of their own: the test runner would transform them.
    const viaApi = (options: object): string => {
      const api = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;
      const script = `import { renderSvg } from '${api}'; process.stdout.write(await renderSvg(Buffer.from(${JSON.stringify(folded)}), ${JSON.stringify(options)}));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
      expect(r.stderr.toString()).toBe('');
      return r.stdout.toString();
    };
    const cases: [string[], object][] = [
      [[], {}],
      [['--inverted', '--colors', 'java'], { inverted: true, colors: 'java' }],
      [['--title', 'T', '--width', '600', '--hash'], { title: 'T', width: 600, hash: true }],
    ];
    for (const [args, options] of cases) {
      const r = runCli(['svg', '-f', 'folded', ...args], folded);
      expect(r.stderr.toString()).toBe('');
      expect(r.stdout.toString()).toBe(viaApi(options));
    }
    // The embedded script is the viewer's text as tsc wrote it, not a reprint.
    const viewer = readFileSync(join(ROOT, 'dist', 'render', 'viewer.js'), 'utf8');
    const start = viewer.indexOf('function flamegraphViewer(');
    const text = viewer.slice(start, viewer.indexOf('\n}\n', start) + 2);
    expect(text.length).toBeGreaterThan(1000);
    expect(runCli(['svg', '-f', 'folded'], folded).stdout.toString()).toContain(text);
  });

  it('runs from its own files (the launcher and the bundle): no other module of dist/ is needed', () => {
    // The second directory's name is not its own file URL (the bundle's import.meta.url escapes it).
    for (const name of ['own-files', 'own files #1 50% é']) {
      const { run } = packageCopy(name);
      const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect(run(['--version']).stdout.toString()).toBe(`flamefold ${version}\n`);
      const svg = run(['svg', '-f', 'folded'], folded);
      expect(svg.stderr.toString()).toBe('');
      expect(svg.stdout.toString()).toBe(runCli(['svg', '-f', 'folded'], folded).stdout.toString());
    }
  });

  it('starts its worker threads from their own bundles: a file cut across threads, and a gzip file', () => {
    const { dist, run } = packageCopy('worker-files');
    const capture = join(ROOT, 'examples', 'dtrace-kernel.txt');
    const gz = join(dist, 'capture.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(capture)));
    const expected = runCli(['collapse', capture]).stdout.toString();
    expect(expected.length).toBeGreaterThan(1000);
    const log = workerLog({ FLAMEFOLD_SPLIT_MIN_BYTES: '0' });
    try {
      for (const args of [['-j', '3', capture], [gz]]) {
        const r = run(['collapse', ...args], undefined, log.env as Record<string, string>);
        expect(r.stderr.toString()).toBe('');
        expect(r.stdout.toString()).toBe(expected);
      }
      const started = log.started().map((script) => script.slice(script.lastIndexOf('/') + 1));
      expect(started).toEqual(['flamefold-parallel-worker.cjs', 'flamefold-parallel-worker.cjs', 'flamefold-gunzip-worker.cjs']);
    } finally {
      log.cleanup();
    }
  });
});

/** A copy of the package's files the command needs, in a directory of its own, and a way to run it there. */
function packageCopy(name: string): { dist: string; run: (args: string[], input?: string, env?: Record<string, string>) => SpawnSyncReturns<Buffer> } {
  const pkg = join(tmp.dir, name);
  const dist = join(pkg, 'dist');
  mkdirSync(dist, { recursive: true });
  mkdirSync(join(pkg, 'build'));
  const files = ['flamefold.cjs', 'flamefold-bundle.cjs', ...['parallel', 'gunzip', 'pipe', 'batch'].map((w) => `flamefold-${w}-worker.cjs`)];
  for (const file of files) copyFileSync(join(ROOT, 'dist', file), join(dist, file));
  copyFileSync(join(ROOT, 'build', 'flamefold.wasm'), join(pkg, 'build', 'flamefold.wasm'));
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  const run = (args: string[], input?: string, env: Record<string, string> = {}): SpawnSyncReturns<Buffer> =>
    spawnSync(process.execPath, [join(dist, 'flamefold.cjs'), ...args], { input, env: { ...process.env, ...env } });
  return { dist, run };
}

describe('the code cache', () => {
  const status = (r: SpawnSyncReturns<Buffer>): string => /code cache (.*)/.exec(r.stderr.toString())?.[1] ?? '(not reported)';

  it('the build makes one that V8 takes', () => {
    // V8 turns a cache down under other V8 flags: the build's run had no NODE_OPTIONS.
    const r = spawnSync(process.execPath, [CLI, '--version'], { env: { ...process.env, FLAMEFOLD_DEBUG_CODE_CACHE: '1', NODE_OPTIONS: '' } });
    expect(status(r)).toBe('used');
  });

  it('is made by a run as it ends, used by the next run, and only with the bundle it was made for', () => {
    const { dist, run } = packageCopy('cache');
    const cache = join(dist, 'flamefold-bundle.cjs.v8cache');
    const debug = { FLAMEFOLD_DEBUG_CODE_CACHE: '1' };
    const expected = runCli(['svg', '-f', 'folded'], folded).stdout.toString();
    expect(status(run(['--version'], undefined, debug))).toBe('none for this build');
    expect(run(['svg', '-f', 'folded'], folded, { FLAMEFOLD_WRITE_CODE_CACHE: cache }).stdout.toString()).toBe(expected);
    const used = run(['svg', '-f', 'folded'], folded, debug);
    expect([status(used), used.stdout.toString()]).toEqual(['used', expected]);
    // A cache whose first line names another build is not given to V8.
    const made = readFileSync(cache);
    const other = Buffer.from(made);
    other.writeUInt8(made[made.indexOf(0x0a) - 1]! ^ 1, made.indexOf(0x0a) - 1);
    writeFileSync(cache, other);
    const stale = run(['svg', '-f', 'folded'], folded, debug);
    expect([status(stale), stale.stdout.toString()]).toEqual(['none for this build', expected]);
    // One cut short (a build stopped while writing it) V8 turns down; the bundle compiles.
    writeFileSync(cache, made.subarray(0, made.length - 1000));
    const rejected = run(['svg', '-f', 'folded'], folded, debug);
    expect([status(rejected), rejected.stdout.toString()]).toEqual(['rejected by V8', expected]);
  });
});

describe('start-up', () => {
  // Which of Node's own modules a run loaded, as it exits.
  const loadedModules = (args: string[], stdio: 'pipe' | 'ignore'): string[] => {
    const hook = join(tmp.dir, 'loaded-modules.cjs');
    const list = join(tmp.dir, 'loaded-modules.txt');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`);
    const r = spawnSync(process.execPath, ['--require', hook, CLI, ...args], { input: folded, stdio: [stdio === 'pipe' ? 'pipe' : 'ignore', stdio, stdio] });
    expect(r.status).toBe(0);
    return readFileSync(list, 'utf8').split('\n');
  };

  it('a run that writes only files never makes process.stdout or stderr (which load streams and net), nor loads fs/promises or node:module', () => {
    const input = join(tmp.dir, 'start-up.folded');
    writeFileSync(input, folded);
    for (const stdio of ['pipe', 'ignore'] as const) {
      const loaded = loadedModules(['svg', input, '-o', join(tmp.dir, 'start-up.svg')], stdio);
      expect(loaded).toContain('NativeModule vm'); // the list is read as meant (the launcher's)
      expect(loaded.filter((m) => /^NativeModule (stream|net|tty|internal\/fs\/sync_write_stream)$/.test(m))).toEqual([]);
      // Files are read and written through src/util/file-handle.ts, over node:fs: fs/promises' graph costs about 1 ms.
      expect(loaded.filter((m) => /^NativeModule (internal\/)?fs\/promises$/.test(m))).toEqual([]);
      // node:module (progress.ts's, for a bar) brings Node's ES module loader: about 0.3 ms.
      expect(loaded.filter((m) => /^NativeModule (module|internal\/modules\/esm\/loader)$/.test(m))).toEqual([]);
    }
    // Output to stdout still makes it, with its error handling (test/output/stdout-errors.test.ts).
    expect(loadedModules(['svg', '-f', 'folded'], 'pipe')).toContain('NativeModule net');
  });

  it('the core compiles on V8\'s threads as the launcher starts, and the run takes that module (no compile of its own)', () => {
    // How the run compiled WebAssembly: on this thread (new WebAssembly.Module) or in the background (WebAssembly.compile).
    const hook = join(tmp.dir, 'wasm-compiles.cjs');
    const list = join(tmp.dir, 'wasm-compiles.txt');
    writeFileSync(
      hook,
      `const seen = []; const { Module } = WebAssembly; const compile = WebAssembly.compile;
WebAssembly.Module = function (bytes) { seen.push('sync'); return new Module(bytes); };
WebAssembly.compile = (bytes) => { seen.push('async'); return compile(bytes); };
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, seen.join(' ')));`,
    );
    const input = join(tmp.dir, 'compile.folded');
    writeFileSync(input, folded);
    const compiles = (env: Record<string, string> = {}): string => {
      const r = spawnSync(process.execPath, ['--require', hook, CLI, input, '-o', join(tmp.dir, 'compile.svg')], { env: { ...process.env, ...env } });
      expect(r.stderr.toString()).toBe('');
      expect(readFileSync(join(tmp.dir, 'compile.svg'), 'utf8')).toBe(runCli(['svg', '-f', 'folded'], folded).stdout.toString());
      return readFileSync(list, 'utf8');
    };
    expect(compiles()).toBe('async');
    // Another core named by FLAMEFOLD_WASM is the one compiled ahead, and used.
    expect(compiles({ FLAMEFOLD_WASM: join(ROOT, 'build', 'flamefold.debug.wasm') })).toBe('async');
  });
});
