// Streaming: the same output whatever the chunking, and sane behaviour on
// awkward input (empty, unterminated, CRLF, binary garbage).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, InputError } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { foldInPieces } from '../support/helpers.js';

const dir = join(CORPUS, 'dtrace');
const read = (name: string): Buffer => readFileSync(join(dir, name));

describe('chunk invariance', () => {
  const big = read('example-dtrace-stacks.txt');
  const expected = read('example-dtrace-stacks.expected.folded').toString();

  for (const size of [7, 4096, 1 << 20]) {
    it(`chunks of ${size} bytes`, () => {
      expect(foldInPieces('dtrace', big, [size])).toBe(expected);
    });
  }

  it('chunks of 1 byte', () => {
    const small = read('handmade-stackcollapse-quirks.txt');
    expect(foldInPieces('dtrace', small, [1])).toBe(read('handmade-stackcollapse-quirks.expected.folded').toString());
    const part = big.subarray(0, 200_000);
    expect(foldInPieces('dtrace', part, [1])).toBe(foldInPieces('dtrace', part, [1 << 20]));
  });

  it('uneven chunk sizes', () => {
    expect(foldInPieces('dtrace', big, [1, 13, 4093, 65536, 3])).toBe(expected);
  });

  it('a split at every byte position', () => {
    const cases = ['java', 'handmade-stackcollapse-quirks', 'flamegraph-bug'].map((name) => ({
      name,
      input: read(`${name}.txt`),
      want: read(`${name}.expected.folded`).toString(),
    }));
    // Rust names, offsets and blank separators: the first records of a larger file.
    const rust = read('rust-names.txt').subarray(0, 1500);
    cases.push({ name: 'rust-names (first 1500 bytes)', input: rust, want: foldInPieces('dtrace', rust, [rust.length]) });
    for (const { name, input, want } of cases) {
      for (let cut = 0; cut <= input.length; cut++) {
        const got = foldInPieces('dtrace', input, [cut, input.length]);
        if (got !== want) expect({ name, cut, got }).toEqual({ name, cut, got: want });
      }
    }
  });

  it('includeoffset is chunk invariant too', () => {
    const input = read('example-dtrace-stacks.txt');
    const want = read('example-dtrace-stacks.offsets.inferno.folded').toString();
    expect(foldInPieces('dtrace', input, [4099], (s) => s.setFormatOption('includeOffset', 1))).toBe(want);
  });
});

describe('awkward input', () => {
  it('empty input: no stacks, a warning, no error', async () => {
    const result = await collapse(new Uint8Array(0), { format: 'dtrace' });
    expect(result.text()).toBe('');
    expect(result.totals.samples).toBe(0);
    expect(result.warnings).toEqual(['<buffer 1>: no stacks found']);
  });

  it('no trailing newline after the last count', async () => {
    const text = '  a`f+0x1\n  a`main\n  3';
    const result = await collapse(Buffer.from(text), { format: 'dtrace' });
    expect(result.text()).toBe('a`main;a`f 3\n');
  });

  it('a last record without a count is dropped with a warning', async () => {
    const text = '  a`f\n  2\n  a`g\n  a`main\n';
    const result = await collapse(Buffer.from(text), { format: 'dtrace' });
    expect(result.text()).toBe('a`f 2\n');
    expect(result.totals.recordsDropped).toBe(1);
    expect(result.warnings).toEqual(['<buffer 1>: 1 record without a count dropped']);
  });

  it('CRLF line endings give the same output as LF', async () => {
    const lf = read('example-dtrace-stacks.txt');
    const crlf = Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const result = await collapse(crlf, { format: 'dtrace' });
    expect(result.text()).toBe(read('example-dtrace-stacks.expected.folded').toString());
  });

  it('binary garbage: undetectable in auto mode, no crash or hang when forced', async () => {
    let seed = 12345;
    const garbage = Buffer.alloc(3 << 20);
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      garbage[i] = seed >>> 24;
    }
    await expect(collapse(garbage)).rejects.toThrow(/cannot tell the input format.*dtrace/);
    const forced = await collapse(garbage, { format: 'dtrace' });
    expect(forced.totals.lines).toBeGreaterThan(1000);
    expect(forced.totals.linesIgnored).toBeGreaterThan(0);
    expect(forced.warnings.length).toBeGreaterThan(0);
  });

  it('a line longer than the limit is a clear error with its line number', async () => {
    const long = Buffer.concat([Buffer.from('  a`f\n  1\n'), Buffer.alloc(65 << 20, 0x61)]);
    const err = await collapse(long, { format: 'dtrace' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(3);
    expect((err as Error).message).toBe('<buffer 1>:3: a line longer than 64 MiB: not a text capture of this format');
  });

  it('chatter anywhere is ignored: headers, probe lines, dtrace: messages, prompts', async () => {
    const text = [
      '# dtrace -n ...',
      'dtrace: description \'profile-997 \' matched 2 probes',
      'CPU     ID                    FUNCTION:NAME',
      '  3  64091                        :tick-1s ',
      '',
      '              a`leaf+0x1',
      '              a`main+0x2',
      '                5',
      '  0  64092                    foo:entry',
      '^C',
      '              a`leaf+0x3',
      '              a`main+0x2',
      '               -2',
      '',
    ].join('\n');
    const result = await collapse(Buffer.from(text), { format: 'dtrace' });
    expect(result.text()).toBe('a`main;a`leaf 3\n');
    expect(result.totals.linesIgnored).toBe(6);
  });
});
