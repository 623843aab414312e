// The `flamefold` command ships as one CommonJS file, dist/flamefold.cjs
// (scripts/bundle-cli.mjs), built from the modules tsc writes to dist/. It
// must draw exactly what those modules draw (the SVG embeds the viewer's
// source text, which a bundler reprints), and run from its own file with only
// the package's package.json and build/ beside it.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, tempDir } from '../support/helpers.js';

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

  it('runs from its own file: no other module of dist/ is needed', () => {
    const pkg = join(tmp.dir, 'package');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    mkdirSync(join(pkg, 'build'));
    copyFileSync(CLI, join(pkg, 'dist', 'flamefold.cjs'));
    copyFileSync(join(ROOT, 'build', 'flamefold.wasm'), join(pkg, 'build', 'flamefold.wasm'));
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    const run = (args: string[], input?: string) => spawnSync(process.execPath, [join(pkg, 'dist', 'flamefold.cjs'), ...args], { input });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(run(['--version']).stdout.toString()).toBe(`flamefold ${version}\n`);
    const svg = run(['svg', '-f', 'folded'], folded);
    expect(svg.stderr.toString()).toBe('');
    expect(svg.stdout.toString()).toBe(runCli(['svg', '-f', 'folded'], folded).stdout.toString());
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

  it('a run that writes only files never makes process.stdout or stderr (which load streams and net)', () => {
    const input = join(tmp.dir, 'start-up.folded');
    writeFileSync(input, folded);
    for (const stdio of ['pipe', 'ignore'] as const) {
      const loaded = loadedModules(['svg', input, '-o', join(tmp.dir, 'start-up.svg')], stdio);
      expect(loaded).toContain('NativeModule fs/promises'); // the list is read as meant
      expect(loaded.filter((m) => /^NativeModule (stream|net|tty|internal\/fs\/sync_write_stream)$/.test(m))).toEqual([]);
    }
    // Output to stdout still makes it, with its error handling (test/output/stdout-errors.test.ts).
    expect(loadedModules(['svg', '-f', 'folded'], 'pipe')).toContain('NativeModule net');
  });
});
