// A UTF-8 byte order mark (EF BB BF) before a capture's first line, as Windows
// editors and PowerShell's `Out-File -Encoding utf8` write it, is not part of
// the capture: every format folds the capture as it would without it, on any
// number of threads, from a file, from stdin, gzipped, and in pieces of any size.
// A mark anywhere else (a second input, a range's first line) is the bytes it is.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { foldInPieces, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** One capture of each format, whose golden names its first line (or first record). */
const CAPTURES: { dir: string; name: string; format: 'dtrace' | 'pmcstat' | 'procstat' | 'perf' | 'bpftrace' }[] = [
  { dir: 'dtrace', name: 'only-header-lines', format: 'dtrace' }, // undetected with the mark before the fix
  { dir: 'dtrace', name: 'brendangregg-cpuflamegraphs-java-jstack', format: 'dtrace' }, // its first line is a frame
  { dir: 'pmcstat', name: 'inferno-pr214-simple', format: 'pmcstat' },
  { dir: 'procstat', name: 'valgrind-189-procstat-kk-a', format: 'procstat' },
  { dir: 'perf', name: 'go-stacks', format: 'perf' }, // its first COMM took the mark
  { dir: 'perf', name: 'no-events', format: 'perf' },
  { dir: 'bpftrace', name: 'bpftrace-refguide-kstack', format: 'bpftrace' },
];

describe('a UTF-8 byte order mark before the first line', () => {
  for (const c of CAPTURES) {
    const input = readFileSync(join(CORPUS, c.dir, `${c.name}.txt`));
    const golden = readFileSync(join(CORPUS, c.dir, `${c.name}.expected.folded`), 'utf8');
    const marked = Buffer.concat([BOM, input]);

    it(`${c.dir}/${c.name}: the file, stdin and gzip fold to the golden, -j 1 and -j 3, with the warnings of the capture without it`, () => {
      const runsOf = (bytes: Buffer, dir: string) => {
        mkdirSync(join(tmp.dir, dir), { recursive: true });
        const file = join(tmp.dir, dir, `${c.name}.txt`);
        writeFileSync(file, bytes);
        writeFileSync(`${file}.gz`, gzipSync(bytes));
        return [
          runCli(['collapse', '-q', '-j', '1', file]),
          runCli(['collapse', '-q', '-j', '3', file], undefined, { FLAMEFOLD_SPLIT_MIN_BYTES: '0' }),
          runCli(['collapse', '-q', `${file}.gz`]),
          runCli(['collapse', '-q', '-'], bytes),
        ].map((r) => ({ status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString().replaceAll(`/${dir}/`, '/') }));
      };
      const plain = runsOf(input, 'plain');
      expect(plain[0]!.stdout).toBe(golden);
      expect(runsOf(marked, 'marked')).toEqual(plain);
    });

    it(`${c.dir}/${c.name}: fed to the core in pieces of 1, 2 and 5 bytes`, () => {
      for (const sizes of [[1], [2, 1000], [5, 3]]) expect(foldInPieces(c.format, marked, sizes)).toBe(golden);
    });
  }

  it('folded: the root keeps its name (one root, not two)', () => {
    const r = runCli(['collapse', '-'], Buffer.concat([BOM, Buffer.from('main;a 3\nmain;b 2\n')]));
    expect(r.stdout.toString()).toBe('main;a 3\nmain;b 2\n');
  });

  it('a mark that is not at the start of the input is kept: a second input, a later line', () => {
    const second = join(tmp.dir, 'second.folded');
    writeFileSync(second, Buffer.concat([BOM, Buffer.from('main;b 2\n')]));
    const first = join(tmp.dir, 'first.folded');
    writeFileSync(first, 'main;a 3\n');
    // Each input is its own file: its mark goes, whatever came before it.
    expect(runCli(['collapse', first, second]).stdout.toString()).toBe('main;a 3\nmain;b 2\n');
    const later = Buffer.concat([Buffer.from('main;a 3\n'), BOM, Buffer.from('main;b 2\n')]);
    expect(runCli(['collapse', '-'], later).stdout).toEqual(Buffer.concat([Buffer.from('main;a 3\n'), BOM, Buffer.from('main;b 2\n')]));
  });
});
