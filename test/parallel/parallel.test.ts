// --jobs N: a file cut at record boundaries, parsed by worker threads and
// merged, gives exactly the single-threaded output, for every format.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { open } from '../../src/util/file-handle.js';
import { collapse, InputError, type CollapseOptions } from '../../src/index.js';
import { guidedShares, maxJobs, MIN_RANGE_BYTES, planRanges, planThreadRanges } from '../../src/parallel/plan.js';
import { feedOptions } from '../../src/input/feed.js';
import { CoreSession } from '../../src/core.js';
import type { ParsedFormat } from '../../src/formats/registry.js';
import { generate, runCli, runCliCountingWorkers, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

async function both(file: string, options: CollapseOptions, jobs: number[]): Promise<void> {
  // The file really is cut, into as many ranges as asked for.
  const fh = await open(file, 'r');
  const { size } = await fh.stat();
  const ranges = await planRanges(fh, size, options.format as ParsedFormat, Math.max(...jobs));
  await fh.close();
  expect(ranges.length).toBe(Math.max(...jobs));
  expect(ranges[0]![0]).toBe(0);
  expect(ranges.at(-1)![1]).toBe(size);
  const single = await collapse(file, { ...options, jobs: 1 });
  const want = single.text();
  expect(want.length).toBeGreaterThan(0);
  for (const j of jobs) {
    const multi = await collapse(file, { ...options, jobs: j, splitMinBytes: 0 });
    expect(multi.text()).toBe(want);
    expect(multi.totals).toEqual(single.totals);
  }
}

describe('parallel collapse equals single-threaded', () => {
  it('dtrace (snapshots, several splits)', async () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'd', ['--bytes', '6M', '--seed', '21', '--stacks', '4000', '--snapshots', '9']);
    await both(input, { format: 'dtrace' }, [2, 3, 7]);
    const r = await collapse(input, { jobs: 4, splitMinBytes: 0 });
    expect(r.text()).toBe(readFileSync(expected, 'utf8'));
  });

  it('dtrace --includeoffset', async () => {
    const { input } = generate('gen-dtrace.mjs', tmp.dir, 'doff', ['--bytes', '3M', '--seed', '22', '--snapshots', '4']);
    await both(input, { format: 'dtrace', includeOffset: true }, [2, 5]);
  });

  it('pmcstat (cut at section headers), with and without --event', async () => {
    const args = ['--sections', '12', '--stacks', '3000', '--seed', '26', '--events', 'CPU_CLK_UNHALTED.THREAD_P,INST_RETIRED.ANY_P'];
    const { input, expected } = generate('gen-pmcstat.mjs', tmp.dir, 'p', args); // throws if the generator fails
    await both(input, { format: 'pmcstat' }, [2, 4]);
    expect((await collapse(input, { jobs: 4, splitMinBytes: 0 })).text()).toBe(readFileSync(expected, 'utf8'));
    await both(input, { format: 'pmcstat', event: 'INST_RETIRED.ANY_P' }, [3]);
  });

  it('procstat (cut at snapshot headers), by thread', async () => {
    const { input } = generate('gen-procstat.mjs', tmp.dir, 'ps', ['--bytes', '4M', '--seed', '23']);
    await both(input, { format: 'procstat' }, [2, 3]);
    await both(input, { format: 'procstat', byThread: true }, [4]);
  });

  it('folded (any line), two-count lines too', async () => {
    const { expected } = generate('gen-dtrace.mjs', tmp.dir, 'f', ['--bytes', '4M', '--seed', '24', '--stacks', '9000']);
    const folded = readFileSync(expected, 'utf8');
    const input = join(tmp.dir, 'f.folded');
    writeFileSync(input, folded + folded.split('\n').reverse().join('\n'));
    await both(input, { format: 'folded' }, [2, 6]);
    const two = join(tmp.dir, 'f.folded2');
    writeFileSync(two, folded.replace(/ (\d+)\n/g, ' $1 7\n'));
    await both(two, { format: 'folded' }, [3]);
  });

  it('a worker hands over records larger than its exchange buffer', async () => {
    const huge = 'h'.repeat(3 << 20); // one frame name bigger than the exchange buffer
    const lines = Array.from({ length: 4000 }, (_, i) => `a;f${i % 97};g${i % 13} ${i}\n`).join('');
    const input = join(tmp.dir, 'huge.folded');
    writeFileSync(input, `${lines}root;${huge} 5\n${lines}x;${huge};y 2\n`);
    await both(input, { format: 'folded' }, [2]); // the worker's range holds the second
  });

  it('the CLI takes --jobs', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'cli', ['--bytes', '2M', '--seed', '25']);
    const r = runCliCountingWorkers(['collapse', '--jobs', '3', input], { FLAMEFOLD_SPLIT_MIN_BYTES: '0' });
    expect(r.status).toBe(0);
    expect(r.workers).toBe(2);
    expect(r.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
    expect(runCli(['collapse', '--jobs', 'many', input]).status).toBe(2);
  });

  it('diff, compare and cpi take --jobs too, and split their inputs across it', () => {
    const a = generate('gen-dtrace.mjs', tmp.dir, 'cli2a', ['--bytes', '1M', '--seed', '28']).input;
    const b = generate('gen-dtrace.mjs', tmp.dir, 'cli2b', ['--bytes', '1M', '--seed', '29']).input;
    const split = { FLAMEFOLD_SPLIT_MIN_BYTES: '0' }; // 1 MB is far below the default 48 MiB
    // compare exits 1: two unrelated profiles differ by more than its 2-point threshold.
    const commands: [string[], number][] = [[['diff', a, b], 0], [['compare', a, b], 1], [['cpi', '--metric', 'stalls', a, b], 0]];
    for (const [command, status] of commands) {
      const one = runCliCountingWorkers([...command, '-j', '1'], split);
      expect(one.status).toBe(status);
      expect(one.workers).toBe(0);
      expect(one.stdout.length).toBeGreaterThan(0);
      const three = runCliCountingWorkers([...command, '--jobs', '3'], split);
      expect(three.stderr.toString()).toBe(one.stderr.toString());
      expect(three.status).toBe(status);
      expect(three.workers).toBe(4); // each input cut into ranges for this thread and two workers
      expect(three.stdout.toString()).toBe(one.stdout.toString());
      const r = runCli([...command, '--jobs', '0']);
      expect(r.status).toBe(2);
      expect(r.stderr.toString()).toMatch(/--jobs needs a positive whole number/);
    }
    // Without the variable a small input stays on one thread, whatever --jobs says.
    expect(runCliCountingWorkers(['diff', '-j', '3', a, b]).workers).toBe(0);
  });

  it('--jobs past maxJobs() is a usage error, and the API uses at most maxJobs() threads (-j 99999 once ran out of memory)', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'many-jobs', ['--bytes', '200K', '--seed', '31']);
    const split = { FLAMEFOLD_SPLIT_MIN_BYTES: '0' };
    for (const command of [['collapse'], ['svg'], ['batch', '--out-dir', join(tmp.dir, 'many-jobs-out')], ['bench', '--repeat', '1']]) {
      const r = runCliCountingWorkers([...command, '-j', String(maxJobs() + 1), input], split);
      expect(r.status, command[0]).toBe(2);
      expect(r.workers).toBe(0);
      expect(r.stderr.toString()).toBe(`flamefold: --jobs can be at most ${maxJobs()} (threads beyond the cores only cost memory), not ${maxJobs() + 1}\nRun "flamefold --help" for usage.\n`);
    }
    // What feeds every input (API and CLI alike) asks for no more threads (maxJobs() - 1 workers would take ~1 GB here).
    expect(feedOptions({ jobs: 99999 }).jobs).toBe(maxJobs());
    expect(feedOptions({ jobs: 3 }).jobs).toBe(3);
    const three = runCliCountingWorkers(['collapse', '-j', '3', input], split);
    expect(three.workers).toBe(2);
    expect(three.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
  });

  it('FLAMEFOLD_SPLIT_MIN_BYTES: a file at least that large is split; a bad value is a usage error', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'env', ['--bytes', '1M', '--seed', '30']);
    const size = statSync(input).size;
    const at = runCliCountingWorkers(['collapse', '-j', '2', input], { FLAMEFOLD_SPLIT_MIN_BYTES: String(size) });
    expect(at.workers).toBe(1);
    expect(at.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
    const above = runCliCountingWorkers(['collapse', '-j', '2', input], { FLAMEFOLD_SPLIT_MIN_BYTES: String(size + 1) });
    expect(above.workers).toBe(0);
    expect(above.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
    const bad = runCliCountingWorkers(['collapse', input], { FLAMEFOLD_SPLIT_MIN_BYTES: '1M' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.toString()).toMatch(/^flamefold: FLAMEFOLD_SPLIT_MIN_BYTES needs a whole number of bytes, not '1M'\n/);
  });
});

describe('moving stacks between sessions', () => {
  it('pieces carry records larger than a piece, and merging sums counts', () => {
    const huge = 'h'.repeat(3 << 20); // one frame name bigger than a piece
    const deep = Array.from({ length: 300_000 }, (_, i) => `f${i % 7}`).join(';'); // a stack bigger than a piece
    const text = `a;b 2\n${deep} 1\nroot;${huge} 5\na;b;c 3\n`;
    const worker = new CoreSession();
    worker.beginInput('folded');
    worker.write(Buffer.from(text));
    worker.endInput();
    const main = new CoreSession();
    main.beginInput('folded');
    main.write(Buffer.from('a;b 10\nz 1\n'));
    main.endInput();
    let pieces = 0;
    for (const piece of worker.exportPieces()) { // each a view, valid until the next
      main.importPiece(piece);
      pieces++;
    }
    expect(pieces).toBeGreaterThan(2);
    const got = Buffer.concat([...main.folded()]).toString();
    expect(got).toBe(`a;b 12\na;b;c 3\n${deep} 1\nroot;${huge} 5\nz 1\n`);
    expect(main.totals().samples).toBe(11 + 11);
  });
});

describe('merging pieces while the next is made', () => {
  it('a piece may be overwritten once importPiece() says it is copied (the pool then asks for the next)', () => {
    const worker = new CoreSession();
    worker.beginInput('folded');
    worker.write(Buffer.from(Array.from({ length: 5_000 }, (_, i) => `main;f${i % 50};g${i} ${i + 1}\n`).join('')));
    worker.endInput();
    const want = Buffer.concat([...worker.folded()]).toString();
    const main = new CoreSession();
    let copied = 0;
    for (const piece of worker.exportPieces(4096)) {
      const exchange = piece.slice(); // as the worker's exchange buffer, which the next piece overwrites
      main.importPiece(exchange, () => {
        copied++;
        exchange.fill(0xff);
      });
    }
    expect(copied).toBeGreaterThan(10);
    expect(Buffer.concat([...main.folded()]).toString()).toBe(want);
  });
});

describe('workers under Node flags', () => {
  // Workers inherit the process's flags, V8's too (which Node refuses when passed to a worker), but
  // not --input-type (which fails a worker that inherits it): each thread kind, under each.
  it('work under V8 flags, --input-type, and both', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'evald', ['--bytes', '1M', '--seed', '27']);
    const gz = join(tmp.dir, 'evald.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(input)));
    const api = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import { collapse } from '${api}';
      const ranges = await collapse(${JSON.stringify(input)}, { jobs: 2, splitMinBytes: 0 });
      const gzip = await collapse(${JSON.stringify(gz)});
      process.stdout.write(ranges.text() + gzip.text());`;
    const file = join(tmp.dir, 'flags.mjs');
    writeFileSync(file, script);
    const want = readFileSync(expected, 'utf8').repeat(2);
    for (const args of [['--max-old-space-size=512', file], ['--input-type=module', '-e', script], ['--stack-size=2000', '--input-type=module', '-e', script]]) {
      const r = spawnSync(process.execPath, args, { maxBuffer: 1 << 26 });
      expect({ args: args.slice(0, -1), stderr: r.stderr.toString() }).toEqual({ args: args.slice(0, -1), stderr: '' });
      expect(r.stdout.toString()).toBe(want);
    }
  });
});

describe('planning ranges', () => {
  it('for threads, shrink toward the end of the file (guided), so the last range taken is small', () => {
    const size = 1 << 30;
    const ends = [0, ...guidedShares(0, size, 2), size];
    const sizes = ends.slice(1).map((end, i) => end - ends[i]!);
    expect(sizes[0]).toBe(size / 4); // a quarter: half of a thread's share
    for (let i = 1; i < sizes.length - 1; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!);
    expect(sizes.at(-1)).toBeLessThan(2 * MIN_RANGE_BYTES);
    expect(sizes.length).toBeLessThan(24);
    // A small file (tests cut them with splitMinBytes 0) still gets a few ranges per thread.
    expect(guidedShares(0, 6_000_000, 3).length).toBeGreaterThanOrEqual(6);
    const from = 1000;
    expect(guidedShares(from, from + 12 * MIN_RANGE_BYTES, 2)[0]).toBe(from + 3 * MIN_RANGE_BYTES);
  });

  it('for threads, cut at record boundaries from the first to the last byte', async () => {
    const file = join(tmp.dir, 'guided.txt');
    writeFileSync(file, '              a`g+0x2\n                1\n\n'.repeat(200_000));
    const fh = await open(file, 'r');
    const size = (await fh.stat()).size;
    const ranges = await planThreadRanges(fh, size, 'dtrace', 2);
    await fh.close();
    expect(ranges.length).toBeGreaterThan(4);
    expect(ranges[0]![0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(size);
    for (let i = 1; i < ranges.length; i++) {
      expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
      expect(ranges[i]![0] % 41).toBe(40); // at the blank line that ends a record: DTrace's boundary
    }
  });

  it('a record longer than several shares costs only the cuts inside it (no slivers, no early stop)', async () => {
    const file = join(tmp.dir, 'long-record.txt');
    const frame = '              a`f+0x1\n';
    const small = '              a`g+0x2\n                1\n\n';
    writeFileSync(file, `${frame.repeat(300_000)}                1\n\n${small.repeat(100_000)}`); // 6.6 MB, then 4 MB
    const fh = await open(file, 'r');
    const size = (await fh.stat()).size;
    const ranges = await planRanges(fh, size, 'dtrace', 8);
    await fh.close();
    expect(ranges[0]![1]).toBe(frame.length * 300_000 + 18); // the long record whole, with its count line
    expect(ranges.length).toBe(5); // then cuts just past 5/8, 6/8 and 7/8 of the file (10.7 MB)
    expect(ranges.at(-1)![1]).toBe(size);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
  });
});

describe('errors in parallel ranges', () => {
  it("name the input and the file's own line number when a range after the first is bad (whichever thread takes it)", async () => {
    const file = join(tmp.dir, 'bad-tail.txt');
    const record = '              a`f+0x1\n              a`main+0x2\n                1\n\n';
    // 4.8 million good lines (71 MB), then a line no capture has: the cut falls before it, so a range after the first meets it.
    const good = record.repeat(1_200_000);
    writeFileSync(file, `${good}  ${'z'.repeat(65 << 20)}\n  1\n`);
    const fh = await open(file, 'r');
    const ranges = await planRanges(fh, (await fh.stat()).size, 'dtrace', 2);
    await fh.close();
    expect(ranges.length).toBe(2);
    expect(ranges[1]![0]).toBeLessThan(good.length);
    for (const jobs of [2, 3]) {
      const err = await collapse(file, { format: 'dtrace', jobs, splitMinBytes: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).line).toBe(4_800_001);
      expect((err as Error).message).toBe(`${file}:4800001: a line longer than 64 MiB: not a text capture of this format`);
    }
  });

  it('out of memory in any thread is an input error naming the file', async () => {
    const file = join(tmp.dir, 'many.folded');
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`main;w_${i % 977};fn_${i}_${'x'.repeat(40)} 1`);
    writeFileSync(file, lines.join('\n'));
    const err = await collapse(file, { jobs: 2, splitMinBytes: 0, maxMemoryMiB: 12 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${file}: out of memory: the tables of distinct frames and stacks need more than the limit of 12 MiB`);
  });
});
