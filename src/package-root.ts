// Where the package's own files are (package.json, build/*.wasm, dist/). This
// module is the one that knows its place in the package: src/ under the test
// runner, dist/ for the API, or a chunk of the CLI bundle in dist/cli/, whose
// build (scripts/bundle-cli.mjs) gives it that directory's way up instead.

/** The package's root directory, as a file URL ending in '/'. */
export const PACKAGE_ROOT = new URL('../', import.meta.url);
