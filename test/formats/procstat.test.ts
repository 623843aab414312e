// procstat -k / -kk / -a: the corpus goldens, the generator's own expectations
// (both column widths, with and without offsets and headers), chunk
// invariance, and awkward input.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import type { CoreSession } from '../../src/core.js';
import { CORPUS, TOOLS, casesWith } from '../support/corpus.js';
import { foldInPieces, mergeFolded, tempDir } from '../support/helpers.js';

const dir = join(CORPUS, 'procstat');
const read = (name: string): Buffer => readFileSync(join(dir, name));
const tmp = tempDir();
afterAll(tmp.cleanup);

interface Capture {
  input: Buffer;
  expected: string;
  byThread: string;
}

/** gen-procstat.mjs output with its --expect and --expect-by-thread files. */
function generate(name: string, args: string[]): Capture {
  const input = join(tmp.dir, `${name}.txt`);
  const expected = join(tmp.dir, `${name}.expected.folded`);
  const byThread = join(tmp.dir, `${name}.bythread.folded`);
  const r = spawnSync(process.execPath, [
    join(TOOLS, 'gen-procstat.mjs'), ...args, '--out', input, '--expect', expected, '--expect-by-thread', byThread,
  ]);
  if (r.status !== 0) throw new Error(`gen-procstat.mjs failed: ${r.stderr.toString()}`);
  return { input: readFileSync(input), expected: readFileSync(expected, 'utf8'), byThread: readFileSync(byThread, 'utf8') };
}

/** The capture without its per-snapshot header lines, as excerpts pasted into issues look. */
const withoutHeaders = (input: Buffer): Buffer =>
  Buffer.from(input.toString('latin1').split('\n').filter((l) => !/^\s*PID\s+TID\s+COMM/.test(l)).join('\n'), 'latin1');

const fold = async (input: Uint8Array, byThread = false): Promise<string> =>
  (await collapse(input, { format: 'procstat', byThread })).text();

describe('procstat corpus: byte-identical to every .expected.folded', () => {
  const cases = casesWith('procstat', '.expected.folded');
  it('has the corpus cases', () => expect(cases.length).toBe(6));
  for (const name of cases) {
    it(name, async () => {
      const result = await collapse(join(dir, `${name}.txt`), { format: 'procstat' });
      expect(result.text()).toBe(read(`${name}.expected.folded`).toString());
    });
  }
});

describe('procstat corpus --by-thread: byte-identical to every .expected-bythread.folded', () => {
  const cases = casesWith('procstat', '.expected-bythread.folded');
  it('has the corpus cases', () => expect(cases.length).toBe(5));
  for (const name of cases) {
    it(name, async () => {
      const result = await collapse(join(dir, `${name}.txt`), { format: 'procstat', byThread: true });
      expect(result.text()).toBe(read(`${name}.expected-bythread.folded`).toString());
    });
  }
});

describe('procstat corpus details', () => {
  it('counts one sample per row and skips every snapshot header', async () => {
    const result = await collapse(join(dir, 'handmade-procstat-kk-2snapshots-w19.txt'), { format: 'procstat' });
    expect(result.totals.samples).toBe(14);
    expect(result.totals.linesIgnored).toBe(2);
  });

  it('the uniq -c file: the leading count is the sample count', async () => {
    const result = await collapse(join(dir, 'haproxy-416-kstack-uniq-c.txt'), { format: 'procstat' });
    expect(result.totals.samples).toBe(1212 + 268 + 161 + 15 + 5 + 3 * 5 + 2 * 2);
  });

  it('--by-thread on uniq -c input (no thread columns) gives the plain stacks', async () => {
    const input = read('haproxy-416-kstack-uniq-c.txt');
    expect(await fold(input, true)).toBe(read('haproxy-416-kstack-uniq-c.expected.folded').toString());
  });

  it('is detected without --format', async () => {
    for (const name of casesWith('procstat', '.expected.folded')) {
      const result = await collapse(join(dir, `${name}.txt`));
      expect(result.inputs[0]!.format).toBe('procstat');
      expect(result.text()).toBe(read(`${name}.expected.folded`).toString());
    }
  });
});

describe('generated captures (gen-procstat.mjs --expect / --expect-by-thread)', () => {
  for (const width of ['16', '19']) {
    for (const offsets of [true, false]) {
      for (const seed of ['1', '2', '3']) {
        const label = `width ${width}, ${offsets ? '-kk (offsets)' : '-k (--no-offsets)'}, seed ${seed}`;
        it(label, async () => {
          const args = ['--bytes', '512K', '--width', width, '--seed', seed, '--threads', '300'];
          if (!offsets) args.push('--no-offsets');
          const cap = generate(`w${width}-${offsets ? 'kk' : 'k'}-s${seed}`, args);
          expect(await fold(cap.input)).toBe(cap.expected);
          expect(await fold(cap.input, true)).toBe(cap.byThread);
          // Header-less: W comes from the rows.
          const bare = withoutHeaders(cap.input);
          expect(bare.length).toBeLessThan(cap.input.length);
          expect(await fold(bare)).toBe(cap.expected);
          expect(await fold(bare, true)).toBe(cap.byThread);
        });
      }
    }
  }

  it('header-less: each distinct row read on its own gets the right COMM, TDNAME and stack', async () => {
    // No row before it decides W: the per-row rule alone must read it right.
    for (const width of ['16', '19']) {
      const cap = generate(`rows-w${width}`, ['--bytes', '64K', '--width', width, '--threads', '1200', '--seed', '9']);
      const rows = [...new Set(withoutHeaders(cap.input).toString('latin1').split('\n').filter((l) => l !== ''))];
      const want = new Set(cap.byThread.split('\n').filter((l) => l !== '').map((l) => l.replace(/ \d+$/, '')));
      expect(rows.length).toBeGreaterThan(1000);
      for (const row of rows) {
        const got = (await fold(Buffer.from(`${row}\n`, 'latin1'), true)).replace(/ 1\n$/, '');
        if (!want.has(got)) expect({ width, row, got }).toBe('a stack of the generator');
      }
    }
  });

  it('16- and 19-column captures concatenated (each with its header) fold to the sum', async () => {
    const a = generate('cat-16', ['--bytes', '128K', '--width', '16', '--seed', '4']);
    const b = generate('cat-19', ['--bytes', '128K', '--width', '19', '--seed', '5']);
    const both = await fold(Buffer.concat([a.input, b.input]), true);
    expect(both).toBe(mergeFolded(a.byThread, b.byThread));
  });
});

describe("a row's text guessed from the row before (the order of the last snapshot)", () => {
  // Each snapshot lists threads 1, 2, 3. After thread 1's stack, the cache
  // guesses thread 2's stack of the snapshot before: in snapshot 2 thread 2
  // sleeps elsewhere, in a stack of the same length (one letter differs), and
  // in snapshot 3 it is back; thread 3 changes too. A guess taken on its
  // length alone, or kept after a miss, counts the wrong stack.
  const row = (tid: number, comm: string, stack: string): string =>
    `    1 ${String(tid).padStart(6)} ${comm.padEnd(19)} ${'-'.padEnd(19)} ${stack}`;
  const header = '  PID    TID COMM                TDNAME              KSTACK                       ';
  const snapshot = (second: string, third: string): string[] => [
    header,
    row(100001, 'a', 'mi_switch+0x1 sleepq_wait+0x2 fork_exit+0x3 '),
    row(100002, 'b', `mi_switch+0x1 ${second}+0x2 fork_exit+0x3 `),
    row(100003, 'c', `mi_switch+0x1 ${third} `),
  ];
  const text = [...snapshot('zio_wait', 'btext'), ...snapshot('zio_waix', 'btext'), ...snapshot('zio_wait', 'kern_select'), ''].join('\n');

  it('counts each row as its own text says', async () => {
    expect(await fold(Buffer.from(text))).toBe(
      [
        'btext;mi_switch 2',
        'fork_exit;sleepq_wait;mi_switch 3',
        'fork_exit;zio_wait;mi_switch 2',
        'fork_exit;zio_waix;mi_switch 1',
        'kern_select;mi_switch 1',
        '',
      ].join('\n'),
    );
  });

  it('--by-thread too (the whole row after TID is the text)', async () => {
    expect(await fold(Buffer.from(text), true)).toBe(
      [
        'a;-;fork_exit;sleepq_wait;mi_switch 3',
        'b;-;fork_exit;zio_wait;mi_switch 2',
        'b;-;fork_exit;zio_waix;mi_switch 1',
        'c;-;btext;mi_switch 2',
        'c;-;kern_select;mi_switch 1',
        '',
      ].join('\n'),
    );
  });
});

describe('chunk invariance', () => {
  const cap = generate('chunks', ['--bytes', '3M', '--width', '16', '--seed', '11']);

  for (const size of [7, 4096, 1 << 20]) {
    it(`chunks of ${size} bytes`, () => {
      expect(foldInPieces('procstat', cap.input, [size])).toBe(cap.expected);
      expect(foldInPieces('procstat', cap.input, [size], (s) => s.setFormatOption('byThread', 1))).toBe(cap.byThread);
    });
  }

  it('chunks of 1 byte', () => {
    const part = cap.input.subarray(0, 200_000);
    expect(foldInPieces('procstat', part, [1])).toBe(foldInPieces('procstat', part, [part.length]));
    const small = read('handmade-procstat-kk-2snapshots-w19.txt');
    expect(foldInPieces('procstat', small, [1])).toBe(read('handmade-procstat-kk-2snapshots-w19.expected.folded').toString());
  });

  it('uneven chunk sizes', () => {
    expect(foldInPieces('procstat', cap.input, [1, 13, 4093, 65536, 3])).toBe(cap.expected);
  });

  it('a split at every byte position', () => {
    const cases = [
      ['handmade-procstat-k-w16-long-comm', 'expected'],
      ['handmade-procstat-k-w16-long-comm', 'expected-bythread'],
      ['haproxy-416-kstack-uniq-c', 'expected'],
      ['valgrind-189-procstat-kk-a', 'expected-bythread'],
    ] as const;
    for (const [name, golden] of cases) {
      const input = read(`${name}.txt`);
      const want = read(`${name}.${golden}.folded`).toString();
      const setup = golden === 'expected-bythread' ? (s: CoreSession) => s.setFormatOption('byThread', 1) : undefined;
      for (let cut = 0; cut <= input.length; cut++) {
        const got = foldInPieces('procstat', input, [cut, input.length], setup);
        if (got !== want) expect({ name, golden, cut, got }).toEqual({ name, golden, cut, got: want });
      }
    }
  });
});

describe('awkward input', () => {
  it('empty input: no stacks, a warning, no error', async () => {
    const result = await collapse(new Uint8Array(0), { format: 'procstat' });
    expect(result.text()).toBe('');
    expect(result.warnings).toEqual(['<buffer 1>: no stacks found']);
  });

  it('a header alone: no stacks', async () => {
    const result = await collapse(Buffer.from('  PID    TID COMM             TDNAME           KSTACK\n'), { format: 'procstat' });
    expect(result.text()).toBe('');
    expect(result.totals.linesIgnored).toBe(1);
  });

  it('no trailing newline (and no trailing blank) after the last row', async () => {
    const input = read('poudriere-750-procstat-kk-zfs.txt');
    expect(input.at(-1)).toBe(10);
    const cut = input.subarray(0, input.length - 1);
    expect(await fold(cut)).toBe(read('poudriere-750-procstat-kk-zfs.expected.folded').toString());
    expect(await fold(cut, true)).toBe(read('poudriere-750-procstat-kk-zfs.expected-bythread.folded').toString());
  });

  it('CRLF line ends', async () => {
    for (const name of ['handmade-procstat-kk-2snapshots-w19', 'haproxy-416-kstack-uniq-c', 'valgrind-189-procstat-kk-a']) {
      const crlf = Buffer.from(read(`${name}.txt`).toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      expect(await fold(crlf)).toBe(read(`${name}.expected.folded`).toString());
    }
  });

  it('garbage lines between rows are ignored and counted', async () => {
    const rows = read('brendangregg-procstat-ka-2015.txt').toString('latin1').split('\n');
    const noisy = ['# procstat -ka', ...rows.slice(0, 5), '[...]', 'random text 123', '', '\u00ff\u00fe\u0001', ...rows.slice(5)];
    const result = await collapse(Buffer.from(noisy.join('\n'), 'latin1'), { format: 'procstat' });
    expect(result.text()).toBe(read('brendangregg-procstat-ka-2015.expected.folded').toString());
    expect(result.totals.linesIgnored).toBe(1 + 4); // the header and the 4 non-blank junk lines
  });

  it('"count KSTACK" lines count only until the input shows procstat rows', async () => {
    const rows = read('valgrind-189-procstat-kk-a.txt').toString('latin1');
    const want = read('valgrind-189-procstat-kk-a.expected.folded').toString();
    // after a row, such a line is noise (a prompt, a log line)
    expect(await fold(Buffer.from(`${rows}3 mi_switch fork_exit \n`, 'latin1'))).toBe(want);
    // before any row it is a uniq -c line, and the rows after it are still read
    const got = await fold(Buffer.from(`2 mi_switch fork_exit \n${rows}`, 'latin1'));
    expect(got).toBe(mergeFolded(want, 'fork_exit;mi_switch 2\n'));
  });

  it('pure garbage folds to nothing, with warnings naming its lines', async () => {
    const junk = Buffer.from('hello world\n\u0001\u0002\u0003 binary-ish\nlast line without newline', 'latin1');
    const result = await collapse(junk, { format: 'procstat' });
    expect(result.text()).toBe('');
    expect(result.warnings).toEqual([
      '<buffer 1>: 3 malformed lines ignored (lines 1, 2, 3): not a header, nor a row laid out as procstat prints it (columns shifted, cut short)',
      '<buffer 1>: no stacks found',
    ]);
  });

  it('rows cut short (no KSTACK, or stopping inside TDNAME) are ignored', async () => {
    const text = [
      '  PID    TID COMM                TDNAME              KSTACK                       ',
      '    0 100000 kernel              swapper             ',
      '    0 100001 kernel              swa',
      '    0 100002 kernel              swapper             mi_switch+0xbe btext+0x2c ',
    ].join('\n');
    const result = await collapse(Buffer.from(text), { format: 'procstat' });
    expect(result.text()).toBe('btext;mi_switch 1\n');
    expect(result.totals.linesIgnored).toBe(3);
  });

  it('offsets: +0x.., +0, and a word that is only an offset', async () => {
    const text = '    1 100001 p                   -                   a+0x1f ??+0 c+12 +0x10 d+x e+0x <running> \n';
    expect(await fold(Buffer.from(text))).toBe('<running>;e;d+x;+0x10;c;??;a 1\n');
  });

  it("';' in COMM or TDNAME becomes ':' (it would split the folded stack)", async () => {
    const text = '    1 100001 a;b                 t;1                 f+0x1 main+0x2 \n';
    expect(await fold(Buffer.from(text), true)).toBe('a:b;t:1;main;f 1\n');
  });
});

