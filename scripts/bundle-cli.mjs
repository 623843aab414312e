// Bundles the `flamefold` command into one CommonJS file, dist/flamefold.cjs,
// from the ES modules tsc wrote to dist/ (entry dist/cli/main.js).
//
// Start-up is most of a small run. Node loads an ES module graph file by file
// (resolving, reading and linking each, through its ES module loader, which
// itself loads fs/promises and streams); the CLI's path for a tiny input
// touched about 50 files. One CommonJS file is read and compiled at once, and
// its modules run only when first used, loading their node: modules then.
// The API (dist/index.js with its .d.ts) and the worker threads' scripts stay
// tsc's files.
//
// What the bundle changes, and how it is kept the same:
// - import.meta.url (CommonJS has none) is the bundle's own URL. The bundle
//   sits in dist/ as package-root.js does, so PACKAGE_ROOT (package.json,
//   build/*.wasm, dist/ for workers) stays the same.
// - Function source text: the SVG embeds the viewer's function as text, and a
//   bundler reprints code. Every exported function of such a module gets a
//   toString() giving the text tsc wrote (read by importing that module).
// - Strict mode, which ES modules always have.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outfile = join(dist, 'flamefold.cjs');

// Modules whose functions' source text is output (under dist/).
const SOURCE_TEXT_MODULES = ['render/viewer.js'];

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
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "'use strict';\nconst importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [keepSourceText],
});
