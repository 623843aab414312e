// Inputs: several in one call merge (the reduce step of sharded batch jobs),
// gzip is recognised by its magic bytes in files and on stdin, `-` is stdin,
// and inputs of different formats mix in one result.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, InputError } from '../../src/index.js';
import { CORPUS, TOOLS } from '../support/corpus.js';
import { CLI, generate, mergeFolded, runCli, tempDir, workerLog } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const corpus = (...parts: string[]): string => join(CORPUS, ...parts);
const golden = (...parts: string[]): string => readFileSync(corpus(...parts), 'utf8');


/** Cuts `bytes` into `n` shards, each cut moved forward to just after a line for which `boundary` holds. */
function shards(bytes: Buffer, n: number, boundary: (line: string) => boolean): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 1; i < n; i++) {
    let cut = Math.max(start, Math.floor((bytes.length * i) / n));
    for (;;) {
      const nl = bytes.indexOf(10, cut);
      if (nl < 0) { cut = bytes.length; break; }
      const lineStart = bytes.lastIndexOf(10, nl - 1) + 1;
      cut = nl + 1;
      if (boundary(bytes.subarray(lineStart, nl).toString('latin1'))) break;
    }
    out.push(bytes.subarray(start, cut));
    start = cut;
  }
  out.push(bytes.subarray(start));
  return out;
}

function cli(args: string[], input?: Buffer | string): string {
  const r = runCli(args, input);
  if (r.status !== 0) throw new Error(`flamefold ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

describe('shards: collapse each, then merge their folded outputs = collapse the whole', () => {
  it('procstat -kk capture (16 columns) cut at lines: later shards have no header', () => {
    const input = join(tmp.dir, 'whole-procstat.txt');
    const expect1 = join(tmp.dir, 'whole-procstat.expected');
    const expectBt = join(tmp.dir, 'whole-procstat.bythread');
    const g = spawnSync(process.execPath, [join(TOOLS, 'gen-procstat.mjs'), '--bytes', '2M', '--width', '16', '--seed', '21',
      '--out', input, '--expect', expect1, '--expect-by-thread', expectBt]);
    expect(g.status).toBe(0);
    const parts = shards(readFileSync(input), 5, () => true);
    expect(parts.length).toBe(5);
    for (const [flags, want] of [[[], expect1], [['--by-thread'], expectBt]] as const) {
      const folded = parts.map((part, i) => {
        const shard = join(tmp.dir, `procstat-shard-${i}.txt`);
        writeFileSync(shard, part);
        const out = join(tmp.dir, `procstat-shard-${i}${flags.length ? '-bt' : ''}.folded`);
        cli(['collapse', ...flags, shard, '-o', out]); // format detected per shard
        return out;
      });
      const merged = cli(['collapse', ...folded]);
      expect(merged).toBe(readFileSync(want, 'utf8'));
      expect(cli(['collapse', ...flags, input])).toBe(merged);
    }
  });

  it('DTrace aggregation cut after count lines (record boundaries)', () => {
    const whole = corpus('dtrace', 'example-dtrace-stacks.txt');
    const parts = shards(readFileSync(whole), 4, (line) => /^\s+\d+\s*$/.test(line));
    const folded = parts.map((part, i) => {
      const shard = join(tmp.dir, `dtrace-shard-${i}.txt`);
      writeFileSync(shard, part);
      const out = join(tmp.dir, `dtrace-shard-${i}.folded`);
      cli(['collapse', '--format', 'dtrace', shard, '-o', out]);
      return out;
    });
    expect(cli(['collapse', ...folded])).toBe(golden('dtrace', 'example-dtrace-stacks.expected.folded'));
  });

  it('folded outputs merged in any order, and a merge of merges', async () => {
    const a = corpus('procstat', 'handmade-procstat-kk-2snapshots-w19.expected.folded');
    const b = corpus('procstat', 'brendangregg-procstat-ka-2015.expected.folded');
    const c = corpus('dtrace', 'java.expected.folded');
    const want = mergeFolded(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'), readFileSync(c, 'utf8'));
    expect((await collapse([a, b, c])).text()).toBe(want);
    expect((await collapse([c, a, b])).text()).toBe(want);
    const ab = Buffer.from((await collapse([a, b])).text());
    expect((await collapse([ab, c])).text()).toBe(want);
  });
});

describe('gzip input, recognised by its magic bytes', () => {
  const procstat = corpus('procstat', 'handmade-procstat-kk-2snapshots-w19.txt');
  const procstatWant = golden('procstat', 'handmade-procstat-kk-2snapshots-w19.expected.folded');

  it('a gzipped corpus file (no .gz name needed), format detected after decompression', async () => {
    const gz = join(tmp.dir, 'procstat-capture.bin');
    writeFileSync(gz, gzipSync(readFileSync(procstat)));
    const result = await collapse(gz);
    expect(result.inputs[0]).toMatchObject({ format: 'procstat', gzip: true, bytes: readFileSync(procstat).length });
    expect(result.text()).toBe(procstatWant);
  });

  it('the corpus pmcstat .txt.gz', async () => {
    const result = await collapse(corpus('pmcstat', 'inferno-pr214-large.txt.gz'));
    expect(result.inputs[0]).toMatchObject({ format: 'pmcstat', gzip: true });
    expect(result.text()).toBe(golden('pmcstat', 'inferno-pr214-large.expected.folded'));
  });

  it('gzipped stdin (CLI, `-` and no file), with --by-thread', () => {
    const gz = gzipSync(readFileSync(procstat));
    expect(cli(['collapse', '-'], gz)).toBe(procstatWant);
    expect(cli(['collapse'], gz)).toBe(procstatWant);
    expect(cli(['collapse', '--by-thread'], gz)).toBe(golden('procstat', 'handmade-procstat-kk-2snapshots-w19.expected-bythread.folded'));
  });

  it('a large gzipped capture decompresses in the stream', async () => {
    const raw = readFileSync(corpus('dtrace', 'example-dtrace-stacks.txt'));
    const result = await collapse(Readable.from([gzipSync(raw)]));
    expect(result.inputs[0]).toMatchObject({ format: 'dtrace', gzip: true, bytes: raw.length });
    expect(result.text()).toBe(golden('dtrace', 'example-dtrace-stacks.expected.folded'));
  });

  it('concatenated gzip members (cat a.gz b.gz) read as one input', async () => {
    const a = readFileSync(corpus('procstat', 'brendangregg-procstat-ka-2015.txt'));
    const b = readFileSync(procstat);
    const both = Buffer.concat([gzipSync(a), gzipSync(b)]);
    const want = mergeFolded(golden('procstat', 'brendangregg-procstat-ka-2015.expected.folded'), procstatWant);
    expect((await collapse(both)).text()).toBe(want);
  });

  it('corrupt gzip data is an input error naming the input', async () => {
    const gz = gzipSync(readFileSync(procstat));
    const broken = Buffer.concat([gz.subarray(0, 40), Buffer.alloc(64, 0x55)]);
    const err = await collapse(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/<buffer 1>.*gzip/);
    const r = runCli(['collapse', '-'], broken);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/<stdin>.*gzip/);
  });
});

describe('stdin', () => {
  const file = corpus('procstat', 'poudriere-750-procstat-kk-zfs.txt');
  const want = golden('procstat', 'poudriere-750-procstat-kk-zfs.expected.folded');

  it('through a shell pipe: `cat FILE | flamefold collapse -` and without `-`', () => {
    for (const args of ['collapse -', 'collapse', 'collapse --format procstat -']) {
      const r = spawnSync('sh', ['-c', `cat "$1" | "$2" "$3" ${args}`, 'sh', file, process.execPath, CLI]);
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toBe(want);
    }
  });

  it('a large pipe (read by a reader thread), plain and gzip, equals the file; a bad line is named by its number', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'piped', ['--bytes', '12M', '--seed', '46', '--snapshots', '3']);
    const pipe = (source: string, args = 'collapse', env = process.env) =>
      spawnSync('sh', ['-c', `${source} | "$1" "$2" ${args}`, 'sh', process.execPath, CLI], { maxBuffer: 1 << 28, env });
    const log = workerLog();
    try {
      const plain = pipe(`cat '${input}'`, 'collapse', log.env);
      expect(plain.status).toBe(0);
      expect(plain.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
      expect(log.started().filter((script) => script.endsWith('/flamefold-pipe-worker.cjs'))).toHaveLength(1);
    } finally {
      log.cleanup();
    }
    const gz = join(tmp.dir, 'piped.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(input), { level: 1 })); // several MiB: many slots of the ring
    expect(pipe(`cat '${gz}'`).stdout.toString()).toBe(readFileSync(expected, 'utf8'));
    // Inputs that end exactly at a slot's end (1 and 2 MiB): the reader's last slot is empty.
    for (const size of [1 << 20, 2 << 20, (2 << 20) + 1]) {
      const cut = readFileSync(input).subarray(0, size);
      const want = runCli(['collapse', '-f', 'dtrace'], cut).stdout.toString(); // a socket: no reader thread
      expect(pipe(`head -c ${size} '${input}'`, 'collapse -f dtrace').stdout.toString()).toBe(want);
    }
    // A line too long for a text capture after 5 MiB: the error names stdin and the line.
    const line = readFileSync(input).subarray(0, 5 << 20).toString('latin1').split('\n').length;
    const bad = pipe(`{ head -c ${5 << 20} '${input}'; head -c ${65 << 20} /dev/zero | tr '\\0' a; cat '${input}'; }`);
    expect(bad.status).toBe(1);
    expect(bad.stderr.toString()).toMatch(new RegExp(`^flamefold: <stdin>:${line}: a line longer than 64 MiB`));
  });

  it('a named pipe or a process substitution given as a FILE is read as a stream', () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'fifo', ['--bytes', '3M', '--seed', '47']);
    const fifo = join(tmp.dir, 'capture.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = (script: string) => spawnSync('bash', ['-c', script, 'bash', process.execPath, CLI, input, fifo], { maxBuffer: 1 << 26 });
    const named = run('cat "$3" > "$4" & "$1" "$2" collapse "$4"');
    expect(named.stderr.toString()).toBe('');
    expect(named.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
    const substituted = run('"$1" "$2" collapse <(cat "$3")');
    expect(substituted.stdout.toString()).toBe(readFileSync(expected, 'utf8'));
  });

  it('`-` among files: stdin is one of the merged inputs', () => {
    const other = corpus('procstat', 'valgrind-189-procstat-kk-a.txt');
    const out = cli(['collapse', other, '-'], readFileSync(file));
    expect(out).toBe(mergeFolded(want, golden('procstat', 'valgrind-189-procstat-kk-a.expected.folded')));
  });
});

describe('mixed formats across inputs', () => {
  const inputs: [string, string][] = [
    [corpus('dtrace', 'java.txt'), corpus('dtrace', 'java.expected.folded')],
    [corpus('pmcstat', 'inferno-pr214-iperf3.txt'), corpus('pmcstat', 'inferno-pr214-iperf3.expected.folded')],
    [corpus('procstat', 'brendangregg-procstat-ka-2015.txt'), corpus('procstat', 'brendangregg-procstat-ka-2015.expected.folded')],
    [corpus('procstat', 'haproxy-416-kstack-uniq-c.txt'), corpus('procstat', 'haproxy-416-kstack-uniq-c.expected.folded')],
    [corpus('flamegraph', 'grey-frames', 'grey-frames.txt'), ''], // folded input: its own lines are the stacks
  ];
  const want = mergeFolded(...inputs.map(([input, exp]) => readFileSync(exp || input, 'utf8')));

  it('API: files, a buffer, a stream and a gzipped buffer of different formats merge into one result', async () => {
    const [dtrace, pmcstat, procstat, counted, folded] = inputs.map(([input]) => input);
    const result = await collapse([
      dtrace!,
      readFileSync(pmcstat!),
      Readable.from([readFileSync(procstat!)]),
      gzipSync(readFileSync(counted!)),
      folded!,
    ]);
    expect(result.inputs.map((i) => i.format)).toEqual(['dtrace', 'pmcstat', 'procstat', 'procstat', 'folded']);
    expect(result.text()).toBe(want);
  });

  it('CLI: the same files in one call', () => {
    expect(cli(['collapse', ...inputs.map(([input]) => input)])).toBe(want);
  });

  it('a format given with --format applies to every input', () => {
    const r = runCli(['collapse', '--format', 'procstat', inputs[0]![0], inputs[2]![0]]);
    expect(r.status).toBe(0); // DTrace text read as procstat gives no stacks: a warning, not an error
    expect(r.stdout.toString()).toBe(golden('procstat', 'brendangregg-procstat-ka-2015.expected.folded'));
    expect(r.stderr.toString()).toMatch(/java\.txt: no stacks found/);
  });
});
