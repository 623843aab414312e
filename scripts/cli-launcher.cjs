#!/usr/bin/env node
// The `flamefold` command (dist/flamefold.cjs): runs the CLI bundle,
// flamefold-bundle.cjs beside it, from V8's code cache for that bundle, both
// made by the build (scripts/bundle-cli.mjs). Once the CLI is one file,
// compiling it is most of what a small run's start-up costs beyond Node's own;
// the cache holds the bytecode of every function such a run uses. A cache made
// for another build of the bundle is not used, and one that V8 turns down
// (another Node version, other V8 flags, a file cut short) costs only the
// compile it would save. V8 does not checksum a cache's contents unless
// --verify-snapshot-checksum is set, and node:v8, which sets it, costs more
// start-up than the check is worth for a file the build writes once.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

// The core (WebAssembly) starts compiling first, on V8's threads, while this thread loads the bundle: the CLI
// takes the module when it needs one (src/core-module.ts coreCompiled), and compiles it itself if this failed.
const corePath = process.env.FLAMEFOLD_WASM ?? join(__dirname, '..', 'build', 'flamefold.wasm');
try {
  const compiling = WebAssembly.compile(readFileSync(corePath));
  compiling.catch(() => {}); // a failure is the CLI's to report, when it compiles the module again
  globalThis[Symbol.for('flamefold.core-compiling')] = { path: corePath, compiling };
} catch {
  // unreadable: the CLI says so when it needs the core
}

// Once the command is done (nothing left to run: every output written and closed, every worker gone), the
// process exits at once, as process.exit() does: Node would otherwise tear down V8's heap and the core's memory
// first, about 10 ms of CPU after W2's SVG, for nothing the command needs. 'exit' listeners still run.
process.once('beforeExit', () => process.exit());

const bundle = join(__dirname, 'flamefold-bundle.cjs');
const cacheFile = `${bundle}.v8cache`;

/** The cache for this build of the bundle, if there is one: it starts with the bundle's last line, which names the build. */
function codeCache(build) {
  try {
    const cache = readFileSync(cacheFile);
    const header = `${build}\n`;
    return cache.toString('latin1', 0, header.length) === header ? cache.subarray(header.length) : undefined;
  } catch {
    return undefined; // none: the bundle compiles
  }
}

const source = readFileSync(bundle, 'latin1'); // ASCII (the build checks it): the quickest decoding
const build = source.slice(source.lastIndexOf('\n') + 1);
// Compiled as Node compiles a CommonJS module, with the cache. (The bundle has no import(), which a script compiled
// this way could not use: the build made its import() of node: modules requires.)
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: codeCache(build),
});
// The build makes the cache as a run ends, so that it holds what the run compiled.
if (process.env.FLAMEFOLD_WRITE_CODE_CACHE === cacheFile) {
  process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(`${build}\n`, 'latin1'), script.createCachedData()])));
}
if (process.env.FLAMEFOLD_DEBUG_CODE_CACHE) {
  const status = script.cachedDataRejected === undefined ? 'none for this build' : script.cachedDataRejected ? 'rejected by V8' : 'used';
  process.stderr.write(`flamefold: code cache ${status}\n`);
}
script.runInThisContext()(exports, require, module, bundle, __dirname);
