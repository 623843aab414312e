// `npm run bench [-- --size 64M --runs 5 --baseline /other/checkout/dist/flamefold.cjs --only REGEX]`:
// throughput and peak memory of flamefold, each figure beside a reference
// measured in the same run, every output checked.
//
// 1. tinybench: the core folding an in-memory buffer (no I/O, no process start).
// 2. Whole files (bench/suite.ts): the `flamefold` command as a user runs it,
//    in a fresh process each run, on generated captures of each format and the
//    SVG paths; median and spread of the runs; outputs hashed and checked.
// 3. A smoke run of the user-facing `flamefold bench` on the DTrace capture.
// 4. The SVG viewer in headless Chromium (bench/viewer.ts): load, zoom, search.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Bench } from 'tinybench';
import { collapse, type CollapseResult } from 'flamefold';
import { datasets, ensure } from './data.js';
import { MB, printTable } from './measure.js';
import { parseOptionsOrExit, runRows } from './suite.js';
import { benchViewer } from './viewer.js';

/** The core on a 16 MiB DTrace buffer: tinybench's median and spread, the output checked against the generator's. */
async function inMemory(): Promise<boolean> {
  const capture = ensure({ label: 'DTrace 16 MiB', tool: 'gen-dtrace.mjs', args: ['--bytes', '16M', '--seed', '3', '--stacks', '5000', '--snapshots', '8'] });
  const bytes = readFileSync(capture.file);
  const want = createHash('sha256').update(readFileSync(capture.expected)).digest('hex');
  let wrong = 0;
  let last: CollapseResult | undefined;
  const bench = new Bench({ time: 3000 });
  bench.add(
    'collapse a 16 MiB DTrace buffer, one thread',
    async () => {
      last = await collapse(bytes, { format: 'dtrace', jobs: 1 });
    },
    {
      // Untimed: each iteration's result, hashed after the clock stops.
      afterEach() {
        const hash = createHash('sha256');
        for (const chunk of last!.chunks()) hash.update(chunk);
        if (hash.digest('hex') !== want) wrong++;
      },
    },
  );
  await bench.run();
  const rows = [['task', 'median ms/op (min–max)', 'MB/s at the median', 'output']];
  for (const task of bench.tasks) {
    const result = task.result;
    if (!result || !('latency' in result) || wrong > 0) {
      rows.push([task.name, 'FAILED', '', wrong > 0 ? `${wrong} wrong outputs` : 'no result']);
      continue;
    }
    const { p50, min, max } = result.latency;
    rows.push([task.name, `${p50.toFixed(1)} (${min.toFixed(1)}–${max.toFixed(1)})`, (bytes.length / MB / (p50 / 1000)).toFixed(0), 'ok (generator)']);
  }
  printTable(rows);
  console.log('(the folded output of every iteration is checked, after the clock stops)');
  return wrong === 0;
}

const options = parseOptionsOrExit(process.argv.slice(2));
const out = mkdtempSync(join(tmpdir(), 'flamefold-bench-out-'));
let allRight = true;
try {
  if (!options.only) {
    console.log('# in-memory core (tinybench)');
    allRight = (await inMemory()) && allRight;
  }
  allRight = runRows(options, out, 'all') && allRight;
  if (options.only) process.exit(allRight ? 0 : 1); // --only: just the rows asked for

  // The user-facing `flamefold bench` on the same capture (one run per stage): it should agree with the rows above.
  console.log('\n# flamefold bench --repeat 1 (the user-facing command, on the W1 DTrace capture)');
  const w1 = ensure(datasets(options.size).dtrace);
  const r = spawnSync(process.execPath, [options.builds[0]!.cli, 'bench', '--repeat', '1', w1.file], { encoding: 'utf8' });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    console.log(`FAILED flamefold bench: ${r.stderr}`);
    allRight = false;
  }

  allRight = (await benchViewer(options)) && allRight;
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  allRight = false;
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exitCode = allRight ? 0 : 1;
