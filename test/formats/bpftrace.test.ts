// bpftrace stack maps: every corpus case byte for byte, whatever the chunking;
// a large capture of repeated snapshots on one and two threads against an
// oracle; detection against every corpus input; malformed input reported by
// line, never folded.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from '../../src/util/file-handle.js';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, detectFormat } from '../../src/index.js';
import { CoreSession } from '../../src/core.js';
import { DETECT_BYTES } from '../../src/formats/registry.js';
import { bpftrace } from '../../src/formats/bpftrace.js';
import { dtrace } from '../../src/formats/dtrace.js';
import { planRanges } from '../../src/parallel/plan.js';
import { CORPUS, casesWith } from '../support/corpus.js';
import { foldInPieces, mergeFolded, runCli, tempDir } from '../support/helpers.js';

const DIR = join(CORPUS, 'bpftrace');
const CASES = casesWith('bpftrace', '.expected.folded');
const input = (name: string): Buffer => readFileSync(join(DIR, `${name}.txt`));
const golden = (name: string): string => readFileSync(join(DIR, `${name}.expected.folded`), 'utf8');

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('bpftrace corpus', () => {
  it('has the 11 cases', () => expect(CASES.length).toBe(11));

  for (const name of CASES) {
    it(`${name}: detected, folded to its golden`, async () => {
      const result = await collapse(join(DIR, `${name}.txt`));
      expect(result.inputs[0]!.format).toBe('bpftrace');
      expect(result.text()).toBe(golden(name));
    });
  }

  it('entries without a stack are dropped with a warning naming each line and count (rule 7)', async () => {
    const warnings = async (name: string): Promise<readonly string[]> => (await collapse(join(DIR, `${name}.txt`))).warnings;
    expect(await warnings('inferno-pr56-kstack-2')).toEqual([
      `${join(DIR, 'inferno-pr56-kstack-2.txt')}: 2 records without frames dropped (line 1384: count 8, line 1512: count 1623)`,
    ]);
    expect(await warnings('handmade-bpftrace-snapshots-empty-stack-v0.22')).toEqual([
      `${join(DIR, 'handmade-bpftrace-snapshots-empty-stack-v0.22.txt')}: 2 records without frames dropped (line 4: count 3, line 21: count 5)`,
    ]);
    // `@[, , java]: 2` has a scalar frame: it is folded, not dropped.
    expect(await warnings('handmade-bpftrace-kustack-comm-v0.19')).toEqual([]);
  });

  it('gzip input, detected from the decompressed bytes', async () => {
    const name = 'handmade-bpftrace-kustack-comm-v0.19';
    const result = await collapse(gzipSync(input(name)));
    expect(result.inputs[0]).toMatchObject({ format: 'bpftrace', gzip: true });
    expect(result.text()).toBe(golden(name));
  });

  it('CLI: --format bpftrace, the warning on stderr, exit 0', () => {
    const file = join(DIR, 'handmade-bpftrace-snapshots-empty-stack-v0.22.txt');
    const r = runCli(['collapse', '-q', '--format', 'bpftrace', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(golden('handmade-bpftrace-snapshots-empty-stack-v0.22'));
    expect(r.stderr.toString()).toBe(`flamefold: warning: ${file}: 2 records without frames dropped (line 4: count 3, line 21: count 5)\n`);
  });

  it('CRLF line ends and trailing blanks change nothing (rule 1)', async () => {
    for (const name of CASES) {
      const text = input(name).toString('latin1').replace(/\n/g, ' \t\r\n');
      expect((await collapse(Buffer.from(text, 'latin1'), { format: 'bpftrace' })).text(), name).toBe(golden(name));
    }
  });
});

describe('chunk invariance', () => {
  for (const size of [1, 7]) {
    it(`every case in pieces of ${size} byte${size === 1 ? '' : 's'}`, () => {
      for (const name of CASES) expect(foldInPieces('bpftrace', input(name), [size]), name).toBe(golden(name));
    });
  }

  // One session folds the input once per cut (a fresh session per cut costs
  // milliseconds each): each input is read from a clean state, so the sum is
  // the golden times the cuts; a batch that is not names its cuts one by one.
  function foldCuts(bytes: Buffer, cuts: number[]): string {
    const session = new CoreSession();
    for (const cut of cuts) {
      session.beginInput('bpftrace');
      session.write(bytes.subarray(0, cut));
      session.write(bytes.subarray(cut));
      session.endInput();
    }
    return Buffer.concat([...session.folded()]).toString('utf8');
  }

  it('a split at every byte position', () => {
    const names = CASES.filter((n) => !n.startsWith('inferno-pr56')); // the small ones: every layout and quirk
    for (const name of names) {
      const bytes = input(name);
      const want = golden(name);
      const cuts = Array.from({ length: bytes.length + 1 }, (_, i) => i);
      for (let b = 0; b < cuts.length; b += 64) {
        const batch = cuts.slice(b, b + 64);
        if (foldCuts(bytes, batch) === mergeFolded(...batch.map(() => want))) continue;
        for (const cut of batch) expect({ name, cut, got: foldCuts(bytes, [cut]) }).toEqual({ name, cut, got: want });
      }
    }
  });
});

describe('a large capture of repeated snapshots, one and two threads', () => {
  // Every corpus case, repeated as print() snapshots would repeat them, and
  // now and then an entry with a line of stderr inside its stack.
  const snapshot = Buffer.concat(CASES.map(input));
  const snapshotLines = snapshot.toString('latin1').split('\n').length - 1;
  const interleaved = Buffer.from('@[\n        leaf_fn+1\nLost 3 events\n        root_fn+2\n]: 5\n');
  const repeats = Math.ceil((60 << 20) / snapshot.length);
  const withStderr = new Set([0, Math.floor(repeats / 2), repeats - 1]);
  const parts: Buffer[] = [];
  const badLines: number[] = [];
  let lines = 0;
  for (let r = 0; r < repeats; r++) {
    parts.push(snapshot);
    lines += snapshotLines;
    if (withStderr.has(r)) {
      parts.push(interleaved);
      badLines.push(lines + 3);
      lines += 5;
    }
  }
  const file = join(tmp.dir, 'snapshots.txt');
  writeFileSync(file, Buffer.concat(parts));
  const oracle = mergeFolded(
    ...Array.from({ length: repeats }, () => CASES.map(golden).join('')),
    `root_fn+2;leaf_fn+1 ${5 * withStderr.size}\n`,
  );

  it('is cut only where an entry starts', async () => {
    const fh = await open(file, 'r');
    const { size } = await fh.stat();
    const ranges = await planRanges(fh, size, 'bpftrace', 8);
    const head = Buffer.alloc(16);
    for (const [start] of ranges.slice(1)) {
      await fh.read(head, 0, 16, start - 1);
      expect(head[0]).toBe(10);
      expect(head.toString('latin1', 1)).toMatch(/^@\w*\[/);
    }
    await fh.close();
    expect(ranges.length).toBe(8);
  });

  it('folds to the sum of the snapshots, with the same warnings and lines', async () => {
    expect(statSync(file).size).toBeGreaterThan(60 << 20);
    const one = await collapse(file, { jobs: 1 });
    const two = await collapse(file, { jobs: 2, splitMinBytes: 0 });
    expect(one.inputs[0]!.format).toBe('bpftrace');
    expect(one.text()).toBe(oracle);
    expect(two.text()).toBe(oracle);
    expect(two.totals).toEqual(one.totals);
    expect(two.warnings).toEqual(one.warnings);
    expect(one.warnings).toContain(`${file}: 3 malformed lines ignored (lines ${badLines.join(', ')})`);
    // Five entries without frames per snapshot; the first eight are listed.
    const empty = one.warnings.find((w) => w.includes('without frames'))!;
    expect(empty).toContain(`${file}: ${5 * repeats} records without frames dropped (line `);
    expect(empty).toMatch(/ and \d+ more\)$/);
  });
});

describe('detection', () => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const detect = (bytes: Buffer): string | undefined => {
    const head = bytes.subarray(0, DETECT_BYTES);
    return detectFormat(head, head.length === bytes.length);
  };
  const read = (file: string): Buffer => (file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file));

  it('every bpftrace input is bpftrace; no other corpus file of any format is', () => {
    const files = walk(CORPUS).filter((f) => /\.(txt|folded2?|svg)(\.gz)?$/.test(f));
    expect(files.length).toBeGreaterThan(500);
    for (const file of files) {
      const isInput = file.startsWith(DIR) && file.endsWith('.txt');
      expect(detect(read(file)) === 'bpftrace', relative(CORPUS, file)).toBe(isInput);
    }
  });

  it('a raw-mode user stack ending in an all-digit address is bpftrace, though DTrace would claim it', () => {
    const raw = 'Attaching 1 probe...\n@[\n\t7f3a2b10c0\n\t401136\n]: 12\n';
    expect(dtrace.detect(raw.split('\n'))).toBe(true); // an indented frame, then an indented number
    expect(detect(Buffer.from(raw))).toBe('bpftrace');
    expect(detect(Buffer.from('@[, , java]: 2\n'))).toBe('bpftrace');
    // Maps with scalar keys only hold no stacks.
    expect(detect(Buffer.from('@start[4120]: 2386339117\n@bytes: 12\n'))).not.toBe('bpftrace');
  });

  it('the boundary rule finds entry starts only', () => {
    const text = Buffer.from('Attached 1 probe\n@[\n    f+1\n]: 2\n@start[4]: 9\n');
    expect(bpftrace.boundary(text, true)).toBe(text.indexOf('@['));
    expect(bpftrace.boundary(text.subarray(1), false)).toBe(text.indexOf('@[') - 1);
    const rest = text.indexOf('    f+1');
    expect(bpftrace.boundary(text.subarray(rest), true)).toBe(text.indexOf('@start') - rest);
    expect(bpftrace.boundary(Buffer.from('    f+1\n]: 2\n'), true)).toBe(-1);
  });
});

describe('malformed input is reported by line, never folded', () => {
  const fold = async (text: string) => collapse(Buffer.from(text), { format: 'bpftrace' });

  it('a line indented unlike its stack (stderr, a wrapped line)', async () => {
    const r = await fold('@[\n    f+1\nLost 2 events\n    main+9\n      odd_indent+1\n]: 4\n');
    expect(r.text()).toBe('main+9;f+1 4\n');
    expect(r.warnings).toEqual(['<buffer 1>: 2 malformed lines ignored (lines 3, 5)']);
    expect(r.totals.linesIgnored).toBe(2);
  });

  it('each stack of a key sets its own indentation (kstack, then ustack(perf))', async () => {
    const r = await fold('@[\n    k+1\n, \n\t7f00 u+2 (/lib/x.so)\n\t7f01 main+3 (/bin/a)\n, sh]: 6\n');
    expect(r.text()).toBe('sh;7f01 main+3 (/bin/a);7f00 u+2 (/lib/x.so);k+1 6\n');
    expect(r.warnings).toEqual([]);
  });

  it('a key that ends without a count drops its entry, and the line is named', async () => {
    const r = await fold('@[\n    f+1\n]: count 2, average 5, total 10\n@[\n    g+1\n]\n@[\n    h+1\n, comm]: 1.5\n@[\n    k+1\n]: 3\n');
    expect(r.text()).toBe('k+1 3\n');
    expect(r.warnings).toEqual([
      '<buffer 1>: 3 records without a count dropped',
      '<buffer 1>: 3 malformed lines ignored (lines 3, 6, 9)',
    ]);
  });

  it('a `,` line that is neither a separator nor a closing line', async () => {
    const r = await fold('@[\n    f+1\n, what is this\n    g+2\n]: 1\n');
    expect(r.text()).toBe('g+2;f+1 1\n');
    expect(r.warnings).toEqual(['<buffer 1>: 1 malformed line ignored (line 3)']);
  });

  it('a closing line without its entry (a capture cut at its head)', async () => {
    const r = await fold('    f+1\n    g+2\n]: 7\n@[\n    h+1\n]: 1\n');
    expect(r.text()).toBe('h+1 1\n');
    expect(r.warnings).toEqual(['<buffer 1>: 1 malformed line ignored (line 3)']);
    expect(r.totals.linesIgnored).toBe(3);
  });

  it('an entry cut by the next one, or by the end of input, is dropped as a record without a count', async () => {
    const r = await fold('@[\n    f+1\n@[\n    g+1\n]: 2\n@[\n    h+1\n');
    expect(r.text()).toBe('g+1 2\n');
    expect(r.totals.recordsDropped).toBe(2);
    expect(r.warnings).toEqual(['<buffer 1>: 2 records without a count dropped']);
  });

  it('more malformed lines than are listed', async () => {
    const text = '@[\n    f+1\n' + 'x\n'.repeat(20) + ']: 1\n';
    const r = await fold(text);
    expect(r.text()).toBe('f+1 1\n');
    expect(r.warnings).toEqual(['<buffer 1>: 20 malformed lines ignored (lines 3, 4, 5, 6, 7, 8, 9, 10 and 12 more)']);
  });

  it('chatter, histograms and scalar maps are ignored without a warning (rule 1)', async () => {
    const r = await fold('Attaching 2 probes...\n@bytes: 12\n@start[4120]: 99\n@lat[sshd]:\n[4, 8)   3 |@@@@ |\n\n^C\n@[\n  f+1\n]: 1\n');
    expect(r.text()).toBe('f+1 1\n');
    expect(r.warnings).toEqual([]);
  });
});
