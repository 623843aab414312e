// Folded input (`root;...;leaf count`): read as flamegraph.pl reads it, with
// the documented differences (`#` comment lines skipped, negative counts and
// CRLF accepted). Checked against an independent reading of every folded
// corpus input, and rule by rule.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapse } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { foldInPieces } from '../support/helpers.js';

const fold = async (text: string | Buffer) =>
  collapse(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, { format: 'folded' });

/** Every folded input of the corpus: flamegraph/**\/*.txt (not the saved stderr logs) and diff-folded/*.txt. */
function foldedInputs(): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return [...walk(join(CORPUS, 'flamegraph')), ...walk(join(CORPUS, 'diff-folded'))]
    .filter((f) => f.endsWith('.txt') && !f.endsWith('.stderr.txt'))
    .sort();
}

// flamegraph.pl's reading, written out from its source: per line
// /^(.*)\s+?(\d+(?:\.\d*)?)$/, then the same again on the stack for a second
// count. `.*` is greedy, so `\s+?` takes exactly one blank. Here with the
// differences flamefold documents: '#' lines skipped, '-' allowed, '\r' cut.
const SPACE = '[ \\t\\r\\n\\f\\v]';
const LINE = new RegExp(`^(.*)${SPACE}+?(-?\\d+(?:\\.\\d*)?)$`);

// A one-count line among two-count ones counts the same in both columns (as
// flamegraph.pl draws it: as wide as its count, unchanged).
function referenceFold(texts: string[]): string {
  const lines: [string, number, number | undefined][] = [];
  let two = false;
  for (const text of texts) {
    for (let line of text.split('\n')) {
      line = line.replace(/\r$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const m = LINE.exec(line);
      if (!m) continue;
      let stack = m[1]!;
      let n = Number(m[2]);
      let n2: number | undefined;
      const m2 = LINE.exec(stack);
      if (m2) {
        n2 = n;
        n = Number(m2[2]);
        stack = m2[1]!;
        two = true;
      }
      lines.push([stack, n, n2]);
    }
  }
  const counts = new Map<string, [number, number]>();
  for (const [stack, n, n2] of lines) {
    const old = counts.get(stack) ?? [0, 0];
    counts.set(stack, [old[0] + n, old[1] + (n2 ?? n)]);
  }
  const keys = [...counts.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')));
  return keys.map((k) => {
    const [n, n2] = counts.get(k)!;
    return two ? `${k} ${n} ${n2}\n` : `${k} ${n}\n`;
  }).join('');
}

// A fraction may print as any of the shortest strings that read back as the
// same double (14.234398324872284 or ...285): compare counts as numbers.
const sameNumbers = (text: string): string =>
  text.replace(/ (-?\d+(?:\.\d*)?)(?= |\n)/g, (_, n: string) => ` ${Number(n)}`);

describe('folded corpus inputs read as flamegraph.pl reads them', () => {
  const files = foldedInputs();
  it('has the corpus inputs', () => expect(files.length).toBe(19));
  for (const file of files) {
    it(relative(CORPUS, file), async () => {
      const bytes = readFileSync(file);
      if (file.endsWith('before_fractionals.txt')) {
        // Line 2's 14.2343983248722834234 has 19 decimals: more than an exact count keeps (Perl rounds it to a double).
        await expect(fold(bytes)).rejects.toThrow('<buffer 1>:2: a count with 19 decimals: counts are kept exact to 18 decimals');
        return;
      }
      const result = await fold(bytes);
      expect(sameNumbers(result.text())).toBe(sameNumbers(referenceFold([bytes.toString('latin1')])));
    });
  }

  it('several inputs merge (before.txt + after.txt)', async () => {
    const a = join(CORPUS, 'diff-folded', 'before.txt');
    const b = join(CORPUS, 'diff-folded', 'after.txt');
    const result = await collapse([a, b], { format: 'folded' });
    expect(result.text()).toBe(referenceFold([readFileSync(a, 'latin1'), readFileSync(b, 'latin1')]));
  });

  it('chunk invariance: 1-byte pieces and a split at every byte', () => {
    const input = readFileSync(join(CORPUS, 'flamegraph', 'fractional-samples', 'with-space.txt'));
    const want = referenceFold([input.toString('latin1')]);
    expect(foldInPieces('folded', input, [1])).toBe(want);
    for (let cut = 0; cut <= input.length; cut++) {
      const got = foldInPieces('folded', input, [cut, input.length]);
      if (got !== want) expect({ cut, got }).toEqual({ cut, got: want });
    }
  });
});

describe('folded rules', () => {
  it('the count is the last blank-separated number; identical stacks are summed and sorted bytewise', async () => {
    const r = await fold('b;c 2\na;b 1\nb;c 3\n');
    expect(r.text()).toBe('a;b 1\nb;c 5\n');
    expect(r.totals.samples).toBe(6);
  });

  it('\\s+? takes one blank: a second blank stays in the leaf frame', async () => {
    expect((await fold('a;b  3\n')).text()).toBe('a;b  3\n');
    const r = await fold('a;b  3\na;b 4\n');
    expect(r.totals.stacks).toBe(2); // "b " and "b" are different frames
  });

  it('a blank leaf frame (perf-vertx: `write0_[j];  3`) is kept', async () => {
    const r = await fold('java;write0_[j];  3\njava;write0_[j] 1\n');
    expect(r.text()).toBe('java;write0_[j] 1\njava;write0_[j];  3\n');
    const tree = r.tree();
    const names = tree.names.map((n) => Buffer.from(n).toString());
    expect(names).toContain(' ');
  });

  it('two counts: `stack before after` (differential input)', async () => {
    const r = await fold('a;b 3 5\na;c 0 2\na;b 1 1\n');
    expect(r.twoCounts).toBe(true);
    expect(r.text()).toBe('a;b 4 6\na;c 0 2\n');
    expect(r.totals.samples).toBe(4);
    expect(r.totals.samples2).toBe(8);
  });

  it('three numbers: the first belongs to the stack, as in flamegraph.pl', async () => {
    expect((await fold('a;b 1 2 3\n')).text()).toBe('a;b 1 2 3\n');
  });

  it('`#` comment lines are skipped (Austin headers), not read as stacks', async () => {
    const r = await fold('# duration: 23873\n# mode: wall\na;b 2\n');
    expect(r.text()).toBe('a;b 2\n');
    expect(r.totals.linesIgnored).toBe(2);
  });

  it('fractional counts are kept (flamegraph.pl keeps floats): 31.23, 6. and 19.0', async () => {
    const r = await fold('a 31.23\nb 6.\nc 19.0\na 0.5\n');
    expect(r.text()).toBe('a 31.73\nb 6\nc 19\n');
    expect(r.totals.samples).toBeCloseTo(56.73, 10);
  });

  it('long decimals are kept exactly (up to 19 digits, 18 decimals); totals.samples is the nearest double', async () => {
    for (const n of ['14.23439832487228342', '4355693009585485.206', '26536016020648.46017', '275179836886.3338756', '0.100000000000000005', '9007199254740993']) {
      const r = await fold(`a ${n}\n`);
      expect(r.text()).toBe(`a ${n}\n`);
      expect(r.totals.samplesText).toBe(n);
      expect(r.totals.samples).toBe(Number(n));
    }
    for (const n of ['14.2343983248722834234', '0.1000000000000000055511151231257827']) {
      await expect(fold(`a 1\na ${n}\n`)).rejects.toThrow(/^<buffer 1>:2: a count with \d+ decimals: counts are kept exact to 18 decimals$/);
    }
  });

  it('negative counts (DTrace sum() aggregations) are counts', async () => {
    const r = await fold('a;b -5\na;b 2\nc -1.5\n');
    expect(r.text()).toBe('a;b -3\nc -1.5\n');
  });

  it('lines without a count, with a trailing blank, or with a count not after a blank are ignored', async () => {
    const r = await fold('THIS IS A BAD LINE\nx 12V.43\na 3 \na;b3\nok 1\n\n');
    expect(r.text()).toBe('ok 1\n');
    expect(r.totals.linesIgnored).toBe(4); // the blank line is not counted as bad
  });

  it('CRLF line ends and a last line without a newline', async () => {
    expect((await fold('a;b 2\r\nc 1\r\na;b 1')).text()).toBe('a;b 3\nc 1\n');
  });

  it('a tab before the count is the separating blank', async () => {
    expect((await fold('a;b\t7\n')).text()).toBe('a;b 7\n');
  });

  it('empty frames between separators are frames', async () => {
    expect((await fold('a;;b 2\n')).text()).toBe('a;;b 2\n');
  });

  it('deep stacks: lines of hundreds of frames, deeper than any before them (the collected stack grows)', async () => {
    const deep = (n: number, leaf: string): string => [...Array.from({ length: n }, (_, i) => `f${i % 7}`), leaf].join(';');
    const t = `${deep(200, 'a')} 1\n${deep(300, 'b')} 2\n${deep(300, 'c')} 3\n${deep(1100, 'd')} 4\n${deep(5, 'e')} 5\n${deep(40000, 'g')} 6\n`;
    expect((await fold(t)).text()).toBe(referenceFold([t]));
  });

  it('empty input: no stacks, a warning', async () => {
    const r = await fold('');
    expect(r.text()).toBe('');
    expect(r.warnings).toEqual(['<buffer 1>: no stacks found']);
  });
});

// A line takes the frames it shares with the line before from that line (assembly/formats/folded.ts
// collectStack: the first differing byte, backed off to its frame's start), and finds its other
// frames' ends sixteen bytes at a time: names that differ in one byte inside, at the end, or past
// sixteen bytes, lines that are a prefix of the one before or equal to it, empty frames, CRLF, two
// counts, in sorted or any order, in any pieces, on one thread or two.
describe('folded lines sharing their first frames with the line before', () => {
  const names = ['a', 'ab', 'a b', '', 'b', 'abcdefghijklmnopq', 'abcdefghijklmnopr', 'abcdefghXjklmnopq', 'x'.repeat(40)];
  const line = fc.record({
    frames: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 7 }),
    count: fc.integer({ min: 0, max: 99 }),
    second: fc.integer({ min: 0, max: 99 }),
    hasSecond: fc.boolean(),
    crlf: fc.boolean(),
  });
  const input = fc.record({
    lines: fc.array(line, { minLength: 1, maxLength: 30 }).chain((ls) => fc.shuffledSubarray([...ls, ...ls], { minLength: 1 })),
    sorted: fc.boolean(),
    two: fc.constantFrom('none', 'all', 'some'), // second counts: on no line, every line, or some lines
    pieces: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
  });
  type Line = { frames: string[]; count: number; second: number; hasSecond: boolean; crlf: boolean };
  const text = (i: { lines: Line[]; sorted: boolean; two: string }): string => {
    const second = (l: Line): string => (i.two === 'all' || (i.two === 'some' && l.hasSecond) ? ` ${l.second}` : '');
    const ls = i.lines.map((l) => `${l.frames.join(';')} ${l.count}${second(l)}${l.crlf ? '\r' : ''}\n`);
    return (i.sorted ? ls.sort() : ls).join('');
  };

  it('fold as the reference reads them, whole and in pieces (property)', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (i) => {
        const t = text(i);
        const want = referenceFold([t]);
        expect((await fold(t)).text()).toBe(want);
        expect(foldInPieces('folded', Buffer.from(t, 'latin1'), i.pieces)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it('fold the same on two threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamefold-prefix-'));
    try {
      await fc.assert(
        fc.asyncProperty(input, async (i) => {
          const file = join(dir, 'in.folded');
          writeFileSync(file, text(i), 'latin1');
          const two = await collapse(file, { format: 'folded', jobs: 2, splitMinBytes: 0 });
          expect(two.text()).toBe(referenceFold([text(i)]));
        }),
        { numRuns: 20 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
