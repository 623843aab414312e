// Benchmark inputs: generated once into a cache folder under the OS temp dir
// (never committed) by the deterministic generators in ../shared/tools, each
// with the generator's own expected folded output (--expect), which every
// timed run's output is checked against.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = fileURLToPath(new URL('../../../shared/tools/', import.meta.url));
export const CACHE = process.env.FLAMEFOLD_BENCH_DIR ?? join(tmpdir(), 'flamefold-bench');

export interface Dataset {
  /** What the tables call it. */
  label: string;
  tool: string;
  args: string[];
}

/** A generated capture on disk, with the generator's expected folded output. */
export interface Capture {
  label: string;
  file: string;
  expected: string;
  bytes: number;
}

const GIB = 1 << 30;

/** `64M`, `1G`, `300K` or a number of bytes → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text.trim());
  if (!m) throw new Error(`a size is a number with an optional K, M or G suffix, not '${text}'`);
  const unit = { '': 1, K: 1 << 10, M: 1 << 20, G: GIB }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.round(Number(m[1]) * unit);
}

/**
 * The captures of a bench run of `size` per capture (1G by default: the
 * issues' targets). W1 is the DTrace capture; W2, its expected folded output
 * (50,000 stacks, about 23 MB at 1 GiB), is the input of the SVG rows.
 */
export function datasets(size: string): { dtrace: Dataset; pmcstat: Dataset; procstat: Dataset; perf: Dataset } {
  // pmcstat has no size option: 40 sections of 50,000 call chains make about 1.05 GB.
  const sections = Math.max(1, Math.round((40 * parseSize(size)) / GIB));
  return {
    dtrace: { label: 'W1 DTrace', tool: 'gen-dtrace.mjs', args: ['--bytes', size, '--seed', '11', '--stacks', '50000', '--snapshots', '200'] },
    pmcstat: {
      label: 'pmcstat',
      tool: 'gen-pmcstat.mjs',
      args: ['--sections', String(sections), '--stacks', '50000', '--seed', '11', '--events', 'CPU_CLK_UNHALTED.THREAD_P,INST_RETIRED.ANY_P'],
    },
    procstat: { label: 'procstat', tool: 'gen-procstat.mjs', args: ['--bytes', size, '--seed', '11'] },
    // The capture of the perf issue's target (gen-perf's default mixed system-wide profile).
    perf: { label: 'perf', tool: 'gen-perf.mjs', args: ['--bytes', size, '--seed', '21'] },
  };
}

/** The cache file name of a dataset: the generator and its arguments, so other arguments never reuse it. */
const cacheName = (d: Dataset): string => `${d.tool.replace(/\.mjs$/, '')}${d.args.join('_').replace(/[^\w.-]+/g, '_')}`;

/** The dataset's capture and expected output, generated when missing. */
export function ensure(d: Dataset): Capture {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `${cacheName(d)}.txt`);
  const expected = join(CACHE, `${cacheName(d)}.expected.folded`);
  if (!existsSync(file) || !existsSync(expected)) {
    process.stderr.write(`generating ${file} ...\n`);
    const partial = `${file}.partial`;
    const r = spawnSync(process.execPath, [join(TOOLS, d.tool), ...d.args, '--out', partial, '--expect', expected], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`${d.tool} ${d.args.join(' ')} failed`);
    renameSync(partial, file); // last: an interrupted run leaves no capture that looks complete
  }
  return { label: d.label, file, expected, bytes: statSync(file).size };
}

/** A gzip copy of the capture (`gzip -1`, as captures are often compressed on the way), made when missing. */
export function ensureGzip(c: Capture): Capture {
  const file = `${c.file}.gz`;
  if (!existsSync(file)) {
    process.stderr.write(`compressing ${file} ...\n`);
    const partial = `${file}.partial`;
    const out = openSync(partial, 'w');
    try {
      const r = spawnSync('gzip', ['-1', '-c', c.file], { stdio: ['ignore', out, 'inherit'] });
      if (r.status !== 0) throw new Error(`gzip -1 ${c.file} failed`);
    } finally {
      closeSync(out);
    }
    renameSync(partial, file);
  }
  return { ...c, label: `${c.label} .gz`, file, bytes: statSync(file).size };
}

/** Folded stacks printed by an awk program: the high-cardinality profiles. */
export interface AwkDataset {
  label: string;
  /** An awk program printing folded lines, every stack distinct. */
  program: string;
}

/**
 * High-cardinality folded inputs (issue 12): HC1, 5 M distinct stacks over
 * 2,101 frames; HC2, 5 M distinct leaf frames; DEEP, 100 K distinct stacks
 * 102 frames deep from 3,000 names and a leaf each (a pseudo-random walk that
 * shares little: 10 M call-tree nodes). Each line's stack is new, so the
 * expected folded output is the input sorted bytewise (`LC_ALL=C sort`).
 */
export const highCardinality: { hc1: AwkDataset; hc2: AwkDataset; deep: AwkDataset } = {
  hc1: {
    label: 'HC1 folded',
    program: 'BEGIN{for(i=0;i<5000000;i++) printf "main;mod%d;fn%d;leaf%d %d\\n", i%50, int(i/50)%2000, int(i/100000), i%5+1}',
  },
  hc2: {
    label: 'HC2 folded',
    program: 'BEGIN{for(i=0;i<5000000;i++) printf "main;mod%d;uniq_%07d %d\\n", i%3, i, i%3+1}',
  },
  deep: {
    label: 'DEEP folded',
    // x stays below 2^53 at every step (69069 x < 2^49): exact in any awk's doubles.
    program: 'BEGIN{x=1; for(i=0;i<100000;i++){s="main"; for(d=0;d<100;d++){x=(x*69069+1)%4294967296; s=s ";f" int(x/1048576)%3000} printf "%s;leaf%d %d\\n", s, i, i%7+1}}',
  },
};

/** The awk dataset's folded file and its expected output, made when missing (named by a hash of the program). */
export function ensureAwk(d: AwkDataset): Capture {
  mkdirSync(CACHE, { recursive: true });
  const name = `awk-${createHash('sha256').update(d.program).digest('hex').slice(0, 12)}`;
  const file = join(CACHE, `${name}.folded`);
  const expected = join(CACHE, `${name}.expected.folded`);
  if (!existsSync(file) || !existsSync(expected)) {
    process.stderr.write(`generating ${file} ...\n`);
    writeFileSync(join(CACHE, `${name}.awk`), `${d.program}\n`); // what made it, beside it
    const partial = `${file}.partial`;
    const out = openSync(partial, 'w');
    try {
      const r = spawnSync('awk', [d.program], { stdio: ['ignore', out, 'inherit'] });
      if (r.status !== 0) throw new Error(`awk '${d.program}' failed`);
    } finally {
      closeSync(out);
    }
    const sorted = openSync(`${expected}.partial`, 'w');
    try {
      const r = spawnSync('sort', [partial], { stdio: ['ignore', sorted, 'inherit'], env: { ...process.env, LC_ALL: 'C' } });
      if (r.status !== 0) throw new Error(`sort ${partial} failed`);
    } finally {
      closeSync(sorted);
    }
    renameSync(`${expected}.partial`, expected);
    renameSync(partial, file); // last: an interrupted run leaves no input that looks complete
  }
  return { label: d.label, file, expected, bytes: statSync(file).size };
}

/** Two lines of folded stacks: a run whose time is Node's start-up and flamefold's own. */
export function ensureTiny(): Capture {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, 'tiny.folded');
  if (!existsSync(file)) writeFileSync(file, 'main;a 1\nmain;b 2\n');
  return { label: 'tiny folded (2 lines)', file, expected: file, bytes: statSync(file).size };
}
