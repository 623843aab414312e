// Builds the `flamefold` command from the ES modules tsc wrote to dist/
// (entry dist/cli/main.js), for a quick start: every invocation pays it, and
// it is most of a small capture's run.
//
// - dist/flamefold-bundle.cjs: the CLI as one CommonJS file (esbuild). Node
//   loads an ES module graph file by file, through its ES module loader (which
//   itself loads fs/promises and streams); a tiny input's run touched about 50
//   files. The bundle is read at once, and its modules run only when first
//   used, loading their node: modules then.
// - dist/flamefold.cjs: the command (package.json's bin), a launcher that runs
//   the bundle from V8's code cache (scripts/cli-launcher.cjs).
// - dist/flamefold-bundle.cjs.v8cache: that cache, written by a small run of
//   the command as it exits, so that it holds what such a run compiles.
// The API (dist/index.js with its .d.ts) and the worker threads' scripts stay
// tsc's files.
//
// What bundling changes, and how it is kept the same:
// - import.meta.url (CommonJS has none) is the bundle's own URL. The bundle
//   sits in dist/ as package-root.js does, so PACKAGE_ROOT (package.json,
//   build/*.wasm, dist/ for workers) stays the same.
// - Function source text: the SVG embeds the viewer's function as text, and a
//   bundler reprints code. Every exported function of such a module gets a
//   toString() giving the text tsc wrote (read by importing that module).
// - Strict mode, which ES modules always have.
// - import() of a node: module is a require when it is first used.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'flamefold-bundle.cjs');
const launcher = join(dist, 'flamefold.cjs');
const cacheFile = `${bundle}.v8cache`;

// Modules whose functions' source text is output (under dist/): the viewer and its parts (viewer.ts).
const SOURCE_TEXT_MODULES = ['render/viewer.js', 'render/viewer-index.js', 'render/viewer-layers.js', 'render/viewer-search.js'];

/** The module's source, then each exported function's toString() pinned to the text tsc wrote. */
async function withSourceText(path) {
  const exports = await import(pathToFileURL(path).href);
  const pins = Object.entries(exports)
    .filter(([, value]) => typeof value === 'function')
    .map(([name, fn]) => `Object.defineProperty(${name}, 'toString', { value: () => ${JSON.stringify(fn.toString())} });`);
  return `${readFileSync(path, 'utf8')}\n${pins.join('\n')}\n`;
}

/** @type {import('esbuild').Plugin} */
const keepSourceText = {
  name: 'flamefold-keep-source-text',
  setup(b) {
    const paths = new Set(SOURCE_TEXT_MODULES.map((m) => join(dist, m)));
    b.onLoad({ filter: /\.js$/ }, async (args) => (paths.has(args.path) ? { contents: await withSourceText(args.path), loader: 'js' } : undefined));
  },
};

await build({
  entryPoints: [join(dist, 'cli', 'main.js')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: {
    js: [
      "'use strict';",
      "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
      '// Dynamic imports of node: modules become this (scripts/bundle-cli.mjs): loaded when first used, as written.',
      'const importBuiltin = (id) => Promise.resolve().then(() => { const m = require(id); return { ...m, default: m }; });',
    ].join('\n'),
  },
  sourcemap: 'linked',
  charset: 'ascii', // the launcher reads the bundle as latin1, exact for ASCII
  logLevel: 'warning',
  plugins: [keepSourceText],
});

// The bundle runs inside the launcher's function: its #! line becomes a comment (line numbers stay).
// Its last line names the build, so that a code cache is used only with the bundle it was made for.
// import() of node: modules (loaded only when used) becomes a require: a script compiled with a code cache may
// not use import() (Node 20 has no stable way to give it the module loader), and node: modules are the same either way.
const code = readFileSync(bundle, 'utf8').replace(/^#!/, '//').replace(/\n$/, '').replaceAll('import("node:', 'importBuiltin("node:');
if (/\bimport\(/.test(code)) throw new Error(`${bundle} has an import() the launcher cannot run`);
if (/[^\0-\x7f]/.test(code)) throw new Error(`${bundle} is not ASCII`);
writeFileSync(bundle, `${code}\n// flamefold-build ${createHash('sha256').update(code).digest('hex').slice(0, 32)}`);
copyFileSync(join(root, 'scripts', 'cli-launcher.cjs'), launcher);
chmodSync(launcher, 0o755);

// The code cache, from a small run.
rmSync(cacheFile, { force: true });
const tmp = mkdtempSync(join(tmpdir(), 'flamefold-build-'));
try {
  writeFileSync(join(tmp, 'tiny.folded'), 'main;read;parse 3\nmain;draw 2\n');
  const run = spawnSync(process.execPath, [launcher, 'svg', '-q', join(tmp, 'tiny.folded'), '-o', join(tmp, 'tiny.svg')], {
    env: { ...process.env, FLAMEFOLD_WRITE_CODE_CACHE: cacheFile },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the bundled CLI failed its first run: ${run.stderr}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
