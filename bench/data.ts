// Benchmark inputs: generated once into a cache folder under the OS temp dir
// (never committed), by the deterministic generators in ../shared/tools.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = fileURLToPath(new URL('../../../shared/tools/', import.meta.url));
export const CACHE = process.env.FLAMEFOLD_BENCH_DIR ?? join(tmpdir(), 'flamefold-bench');

export interface Dataset {
  name: string;
  tool: string;
  args: string[];
  /** Also write the generator's expected folded output (an input for render benchmarks). */
  expect?: boolean;
}

/** The 1 GB DTrace capture the issues' targets refer to. */
export const DTRACE_1G: Dataset = {
  name: 'dtrace-1g',
  tool: 'gen-dtrace.mjs',
  args: ['--bytes', '1G', '--seed', '11', '--stacks', '50000', '--snapshots', '200'],
  expect: true,
};

/** A pmcstat capture of about 1 GB: 40 sections (two events) of 50,000 call chains. */
export const PMCSTAT_1G: Dataset = {
  name: 'pmcstat-1g',
  tool: 'gen-pmcstat.mjs',
  args: ['--sections', '40', '--stacks', '50000', '--seed', '11', '--events', 'CPU_CLK_UNHALTED.THREAD_P,INST_RETIRED.ANY_P'],
};

/** A procstat -kk -a sampling loop of 1 GB (19-column layout). */
export const PROCSTAT_1G: Dataset = {
  name: 'procstat-1g',
  tool: 'gen-procstat.mjs',
  args: ['--bytes', '1G', '--seed', '11'],
};

/** Path of the dataset's capture (and expected folded file), generating them when missing. */
export function ensure(d: Dataset): { file: string; folded: string; bytes: number } {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `${d.name}.txt`);
  const folded = join(CACHE, `${d.name}.expected.folded`);
  if (!existsSync(file) || (d.expect && !existsSync(folded))) {
    process.stderr.write(`generating ${file} ...\n`);
    const tmp = `${file}.partial`;
    const args = [join(TOOLS, d.tool), ...d.args, '--out', tmp];
    if (d.expect) args.push('--expect', folded);
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${d.tool} failed`);
    renameSync(tmp, file);
  }
  return { file, folded, bytes: statSync(file).size };
}
