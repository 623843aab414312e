// Builds the `flamefold` command and the worker threads' scripts from the ES
// modules tsc wrote to dist/ (entry dist/cli/main.js), for a quick start:
// every invocation (and every worker) pays it, and it is most of a small
// capture's run.
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
// - dist/flamefold-NAME.cjs: each worker thread's script as one file, which
//   the CLI and the API both start (src/parallel/worker-script.ts).
// The API (dist/index.js with its .d.ts) stays tsc's files.
//
// What bundling changes, and how it is kept the same:
// - import.meta.url (CommonJS has none) is the bundle's own URL. Every bundle
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
const SOURCE_TEXT_MODULES = ['render/viewer.js', 'render/viewer-index.js', 'render/viewer-layers.js', 'render/viewer-search.js', 'render/viewer-frame-layer.js'];

// The worker threads' scripts: bundle name (src/parallel/worker-script.ts's WorkerName) -> its module under dist/.
const WORKERS = {
  'parallel-worker': 'parallel/worker.js',
  'gunzip-worker': 'input/gunzip-worker.js',
  'pipe-worker': 'input/pipe-worker.js',
  'batch-worker': 'batch/worker.js',
};

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

// What every bundle is built with: CommonJS for Node, the package's dependencies left to node_modules.
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': 'importMetaUrl' },
  sourcemap: 'linked',
  charset: 'ascii', // the launcher reads the bundle as latin1, exact for ASCII
  logLevel: 'warning',
  plugins: [keepSourceText], // a batch worker draws SVGs too
};
// A path of only these characters is its own file URL's path (pathToFileURL escapes none of them), which spares
// every run and every worker Node's URL code at start-up (about 0.3 ms); any other path goes through it.
const importMetaUrl = "const importMetaUrl = /^\\/[\\w/.-]*$/.test(__filename) ? `file://${__filename}` : require('node:url').pathToFileURL(__filename).href;";

await build({
  ...common,
  entryPoints: [join(dist, 'cli', 'main.js')],
  outfile: bundle,
  banner: {
    js: [
      "'use strict';",
      importMetaUrl,
      '// Dynamic imports of node: modules become this (scripts/bundle-cli.mjs): loaded when first used, as written.',
      'const importBuiltin = (id) => Promise.resolve().then(() => { const m = require(id); return { ...m, default: m }; });',
    ].join('\n'),
  },
});

// The worker threads' scripts, one bundle each (dist/flamefold-NAME.cjs, src/parallel/worker-script.ts): a worker
// is a new isolate that loads its modules anew, and about 20 files of tsc's took it 80-100 ms and a few MB.
// Node runs them as CommonJS files, so their import() stays as written.
await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(WORKERS).map(([name, module]) => [`flamefold-${name}`, join(dist, module)])),
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  banner: { js: ["'use strict';", importMetaUrl].join('\n') },
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
