// `npm run bench:svg [-- --size 64M --runs 5 --baseline PATH]`: only the SVG rows of
// `npm run bench` (capture → SVG, folded → SVG and --flamechart on W2), measured
// and checked the same way. Targets (issue 3): folded → SVG in 0.25 s and 100 MB.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptionsOrExit, runRows } from './suite.js';

const options = parseOptionsOrExit(process.argv.slice(2));
const out = mkdtempSync(join(tmpdir(), 'flamefold-svg-bench-'));
try {
  process.exitCode = runRows(options, out, 'svg') ? 0 : 1;
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
