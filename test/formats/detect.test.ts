// Format detection (`--format auto`): every input of the corpus is detected as
// the format of its directory, so are the generators' captures, and an input
// that is none of them is a clear error listing the formats.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, detectFormat, InputError } from '../../src/index.js';
import { DETECT_BYTES } from '../../src/formats/registry.js';
import { CORPUS, TOOLS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const walk = (d: string): string[] =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));

/** Detection as input.ts runs it: on the (decompressed) first DETECT_BYTES. */
function detect(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, DETECT_BYTES);
  return detectFormat(head, head.length === bytes.length);
}

const readInput = (file: string): Buffer => (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file));

// The inputs of each corpus directory and the format they are. flamegraph/ also
// keeps flamegraph.pl's saved stderr (`*.stderr.txt`): logs, not inputs.
const EXPECTED: [string, RegExp, string][] = [
  ['dtrace', /\.txt$/, 'dtrace'],
  ['pmcstat', /\.txt(\.gz)?$/, 'pmcstat'],
  ['procstat', /\.txt$/, 'procstat'],
  ['bpftrace', /\.txt$/, 'bpftrace'],
  ['flamegraph', /(?<!\.stderr)\.txt$/, 'folded'],
  ['diff-folded', /\.txt$/, 'folded'],
  // no-events.txt is empty: it folds to nothing in any format, and empty input is folded, the neutral one
  ['perf', /(?<!no-events)\.txt(\.gz)?$/, 'perf'],
];

describe('every corpus input is detected as the format of its directory', () => {
  for (const [dir, pattern, format] of EXPECTED) {
    const files = walk(join(CORPUS, dir)).filter((f) => pattern.test(f)).sort();
    it(`${dir}/ has inputs`, () => expect(files.length).toBeGreaterThan(3));
    for (const file of files) {
      it(`${relative(CORPUS, file)} → ${format}`, () => {
        const bytes = readInput(file);
        expect(detect(bytes)).toBe(format);
        // Windows line ends change nothing.
        const crlf = Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
        expect(detect(crlf)).toBe(format);
      });
    }
  }
});

describe('DTrace output without counts', () => {
  // Traced jstack() stacks (no aggregation, so no count lines), and a capture
  // that stopped after its header: still DTrace. Collapsing them says why no
  // stack came out (records without a count) instead of "unknown format".
  for (const name of ['ahl-btrace-jstack-traced', 'node-bunyan-jstack-traced', 'only-header-lines']) {
    it(`${name}: detected as dtrace, folded to its (empty) golden, with a warning`, async () => {
      const result = await collapse(join(CORPUS, 'dtrace', `${name}.txt`));
      expect(result.inputs[0]!.format).toBe('dtrace');
      expect(result.text()).toBe(readFileSync(join(CORPUS, 'dtrace', `${name}.expected.folded`), 'utf8'));
      expect(result.warnings.length).toBeGreaterThan(0);
    });
  }

  it('the ahl trace (indentation stripped by the blog) is told by its CPU header', () => {
    const text = readFileSync(join(CORPUS, 'dtrace', 'ahl-btrace-jstack-traced.txt'), 'latin1');
    const withoutChatter = text.split('\n').filter((l) => !/^(CPU\s+ID|dtrace:)/.test(l)).join('\n');
    expect(detect(Buffer.from(withoutChatter, 'latin1'))).toBeUndefined();
  });
});

describe('generated captures are detected, also from their first 64 KiB only', () => {
  const gen = (tool: string, name: string, args: string[]): Buffer => {
    const out = join(tmp.dir, name);
    const r = spawnSync(process.execPath, [join(TOOLS, tool), ...args, '--out', out]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return readFileSync(out);
  };
  const cases: [string, string, string[], string][] = [
    ['gen-dtrace.mjs', 'dtrace-mixed', ['--bytes', '256K', '--style', 'mixed'], 'dtrace'],
    ['gen-dtrace.mjs', 'dtrace-quiet', ['--bytes', '256K', '--quiet', '--style', 'kernel'], 'dtrace'],
    ['gen-dtrace.mjs', 'dtrace-snapshots', ['--bytes', '256K', '--snapshots', '8', '--style', 'user'], 'dtrace'],
    ['gen-pmcstat.mjs', 'pmcstat', ['--stacks', '2000', '--sections', '2'], 'pmcstat'],
    ['gen-procstat.mjs', 'procstat-16', ['--bytes', '256K', '--width', '16'], 'procstat'],
    ['gen-procstat.mjs', 'procstat-19', ['--bytes', '256K', '--width', '19', '--no-offsets'], 'procstat'],
  ];
  for (const [tool, name, args, format] of cases) {
    it(`${name} → ${format}`, () => {
      const bytes = gen(tool, name, args);
      expect(bytes.length).toBeGreaterThan(DETECT_BYTES);
      expect(detectFormat(bytes.subarray(0, DETECT_BYTES), false)).toBe(format);
      if (format === 'procstat') {
        // An excerpt without the header lines, starting mid-row as a byte-range shard does.
        const rows = bytes.toString('latin1').split('\n').filter((l) => !/^\s*PID\s+TID/.test(l)).join('\n');
        const cut = Buffer.from(rows.slice(37), 'latin1');
        expect(detectFormat(cut.subarray(0, DETECT_BYTES), false)).toBe('procstat');
      }
    });
  }
});

describe('folded and procstat detection edges', () => {
  it('folded: stacks with counts, # comments, two-count lines; a few bad lines do not hide it', () => {
    expect(detect(Buffer.from('# comment\na;b 1\na;c 2 3\nTHIS IS BAD\nd;e 4\n'))).toBe('folded');
  });

  it('an empty or blank input is folded: it folds to nothing in every format', () => {
    expect(detect(new Uint8Array(0))).toBe('folded');
    expect(detect(Buffer.from('\n  \n'))).toBe('folded');
  });

  it('procstat uniq -c lines are not taken for folded lines, nor folded lines for them', () => {
    expect(detect(Buffer.from(' 12 mi_switch sleepq_wait _sleep fork_exit fork_trampoline \n  3 <running>   \n'))).toBe('procstat');
    expect(detect(Buffer.from('12 mi_switch;sleepq_wait 3\n4 a;b 5\n'))).toBe('folded');
  });

  it('binary data and prose are nothing', () => {
    expect(detect(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 10]))).toBeUndefined();
    expect(detect(Buffer.from('Stack count is low (0). Did something go wrong?\nERROR: No stack counts found\n'))).toBeUndefined();
  });
});

describe('an undetectable input is a clear error that lists the formats', () => {
  it('API: InputError naming the input', async () => {
    const err = await collapse(Buffer.from('hello\nworld\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/<buffer 1>.*cannot tell the input format.*dtrace, pmcstat, procstat, perf, folded/);
  });

  it('CLI: exit 1 and the message on stderr', () => {
    const r = runCli(['collapse', '-'], 'hello\nworld\n');
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString()).toMatch(/<stdin>.*cannot tell the input format.*--format.*dtrace, pmcstat, procstat, perf, folded/);
  });
});

// A folded stack of thousands of frames (deep recursion, a JVM's) makes a first
// line longer than DETECT_BYTES: detection reads on to its end.
describe('a first line longer than DETECT_BYTES is detected', () => {
  const deep = Array.from({ length: 8000 }, (_, i) => `com/example/Deep.recurse${i % 7}`).join(';');
  const text = Buffer.from(`\n${deep} 5\nmain;leaf 2\n`);

  it('from a file, a gzip file and stdin (plain and gzip), whatever the format could be', () => {
    expect(text.indexOf(10, 1)).toBeGreaterThan(DETECT_BYTES * 2);
    const file = join(tmp.dir, 'deep.folded');
    writeFileSync(file, text);
    writeFileSync(`${file}.gz`, gzipSync(text));
    const folded = `${deep} 5\nmain;leaf 2\n`;
    for (const [args, input] of [[[file]], [[`${file}.gz`]], [['-'], text], [['-'], gzipSync(text)]] as const) {
      const r = runCli(['collapse', ...args], input);
      expect(r.stderr.toString(), args.join(' ')).toBe('');
      expect(r.stdout.toString()).toBe(folded);
    }
  });

  it('a long line without a newline, or that is binary, is still an error', () => {
    const file = join(tmp.dir, 'one-long-line.txt');
    writeFileSync(file, 'x'.repeat(3 * DETECT_BYTES));
    expect(runCli(['collapse', file]).stderr.toString()).toMatch(/cannot tell the input format from its first bytes/);
    writeFileSync(file, Buffer.concat([Buffer.alloc(DETECT_BYTES * 2, 'x'), Buffer.from([0]), Buffer.from(' 5\n')]));
    expect(runCli(['collapse', file]).stderr.toString()).toMatch(/cannot tell the input format from its first bytes/);
  });
});
