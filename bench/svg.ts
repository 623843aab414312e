// `npm run bench:svg`: drawing the folded output of the 1 GB generated capture
// (50,000 stacks; the generator's expected folded file) as an SVG flame graph
// with the CLI, as a user runs it: wall time of the whole process (Node's
// start-up included), its peak RSS, and the SVG's size. Best of 5 runs.
// Targets (issue 3): at most 0.25 s and 100 MB.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DTRACE_1G, ensure } from './data.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 5);

const { folded } = ensure(DTRACE_1G);
const dir = mkdtempSync(join(tmpdir(), 'flamefold-svg-bench-'));
const out = join(dir, 'graph.svg');
const runs: { ms: number; rssMiB: number }[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    // /usr/bin/time reports the child's peak RSS (%M, KiB); the wall time is taken here.
    const start = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'svg', folded, '-o', out], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`flamefold svg failed: ${r.stderr}`);
    runs.push({ ms, rssMiB: Number(r.stderr.trim().split('\n').pop()) / 1024 });
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const maxRss = Math.max(...runs.map((r) => r.rssMiB));
  const svgBytes = statSync(out).size;
  console.log(`input   ${folded} (${(statSync(folded).size / 1e6).toFixed(1)} MB folded, 50,000 stacks)`);
  console.log(`runs    ${runs.map((r) => `${(r.ms / 1000).toFixed(3)} s`).join(', ')}`);
  console.log(`best    ${(best.ms / 1000).toFixed(3)} s wall (target 0.25 s)`);
  console.log(`peak    ${maxRss.toFixed(1)} MiB RSS, highest of the runs (target 100 MB)`);
  console.log(`svg     ${(svgBytes / 1e6).toFixed(2)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
