// pmcstat streaming: the same output whatever the chunking (the open path,
// the current image and the section state survive chunk boundaries), and
// awkward input: empty, unterminated, CRLF, garbage lines.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { foldInPieces } from '../support/helpers.js';

const dir = join(CORPUS, 'pmcstat');
const read = (name: string): Buffer => readFileSync(join(dir, name));
const expected = (name: string): string => read(`${name}.expected.folded`).toString();

describe('pmcstat chunk invariance', () => {
  const large = gunzipSync(read('inferno-pr214-large.txt.gz'));
  const largeWant = expected('inferno-pr214-large');

  for (const size of [7, 4096, 1 << 20]) {
    it(`chunks of ${size} bytes`, () => {
      expect(foldInPieces('pmcstat', large, [size])).toBe(largeWant);
    });
  }

  it('chunks of 1 byte', () => {
    expect(foldInPieces('pmcstat', large, [1])).toBe(largeWant);
  });

  it('uneven chunk sizes', () => {
    expect(foldInPieces('pmcstat', large, [1, 13, 4093, 65536, 3])).toBe(largeWant);
  });

  it('a split at every byte position', () => {
    const cases: [string, number][] = [
      ['handmade-multi-pmc', 1],
      ['handmade-remainder', 1],
      ['brendangregg-cpi-blog-excerpt', 1],
      ['cheribsd-morello-doc-mangled-indent', 1],
      ['inferno-pr214-dd', 7], // 8 KB: every 7th position keeps the run short
    ];
    for (const [name, step] of cases) {
      const input = read(`${name}.txt`);
      const want = expected(name);
      for (let cut = 0; cut <= input.length; cut += step) {
        const got = foldInPieces('pmcstat', input, [cut, input.length]);
        if (got !== want) expect({ name, cut, got }).toEqual({ name, cut, got: want });
      }
    }
  });

  it('event selection and kernel marks are chunk invariant too', () => {
    const input = read('handmade-multi-pmc.txt');
    const setup = (s: import('../../src/core.js').CoreSession): void => {
      s.setEvent(Buffer.from('RESOURCE_STALLS.ANY'));
      s.setFormatOption('kernelMarks', 1);
    };
    const want = foldInPieces('pmcstat', input, [input.length], setup);
    expect(want).toContain('copyout_nosmap_std_[k] 950\n');
    expect(want).not.toContain('zio_');
    for (let cut = 0; cut <= input.length; cut++) {
      const got = foldInPieces('pmcstat', input, [cut, input.length], setup);
      if (got !== want) expect({ cut, got }).toEqual({ cut, got: want });
    }
    expect(foldInPieces('pmcstat', input, [1], setup)).toBe(want);
  });
});

/** One node line in pmcstat_cgnode_print's layout. */
const node = (depth: number, pct: string, count: number, name: string): string =>
  `${' '.repeat(depth)}${pct}% ${` [${count}] `.padEnd(12)}${' '.repeat(depth)}${name}`;

describe('pmcstat awkward input', () => {
  it('empty input: no stacks, a warning, no error', async () => {
    const result = await collapse(new Uint8Array(0), { format: 'pmcstat' });
    expect(result.text()).toBe('');
    expect(result.totals.samples).toBe(0);
    expect(result.warnings).toEqual(['<buffer 1>: no stacks found']);
  });

  it('no trailing newline: the last open nodes still close', async () => {
    for (const name of ['handmade-remainder', 'handmade-multi-pmc', 'inferno-pr214-iperf3']) {
      const input = read(`${name}.txt`).toString('latin1').replace(/\n+$/, '');
      expect(input.endsWith('\n')).toBe(false);
      const result = await collapse(Buffer.from(input, 'latin1'), { format: 'pmcstat' });
      expect(result.text()).toBe(expected(name));
    }
    // shared2 is stored without its final blank line
    const result = await collapse(join(dir, 'inferno-pr214-shared2.txt'), { format: 'pmcstat' });
    expect(result.text()).toBe(expected('inferno-pr214-shared2'));
  });

  it('CRLF line ends', async () => {
    for (const name of ['handmade-multi-pmc', 'inferno-pr214-dd', 'cheribsd-morello-doc-mangled-indent']) {
      const crlf = Buffer.from(read(`${name}.txt`).toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      const result = await collapse(crlf);
      expect(result.inputs[0]!.format).toBe('pmcstat');
      expect(result.text()).toBe(expected(name));
    }
  });

  it('garbage lines are ignored (counted) and close nothing', async () => {
    const garbage = [
      '[...]',
      '(snipped)',
      'pmcstat: WARNING: some samples were not processed',
      '12.34%  [x]      foo',
      '12.34%  [12]',
      '12.34% [12]      one_blank_before_bracket',
      '.5%  [12]      no_integer_part',
      '12.34%  [12]      two names',
      '@ no samples here',
      '@ CPU [12 samples',
      '\x00\x01\xff\xfe binary',
      '\t\t100.0%  [3]    tabbed',
    ];
    const name = 'handmade-multi-pmc';
    const lines = read(`${name}.txt`).toString('latin1').split('\n');
    const out: string[] = [];
    let inserted = 0;
    for (const [i, line] of lines.entries()) {
      out.push(line);
      if (i % 3 === 1 && i < lines.length - 1) out.push(garbage[inserted++ % garbage.length]!);
    }
    const result = await collapse(Buffer.from(out.join('\n'), 'latin1'), { format: 'pmcstat' });
    expect(inserted).toBeGreaterThan(garbage.length);
    expect(result.text()).toBe(expected(name));
    expect(result.totals.linesIgnored).toBe(inserted);
  });

  it('a line deeper than its parent allows (lines elided above it) is ignored with its subtree', async () => {
    const text = [
      '@ EV [10 samples]',
      '',
      node(0, '100.0', 10, 'leaf @ /lib/libc.so.7'),
      node(1, '60.00', 6, 'caller'),
      node(3, '100.0', 6, 'orphan'),
      node(4, '100.0', 6, 'orphan_caller'),
      node(1, '40.00', 4, 'other_caller'),
      '',
    ].join('\n');
    const result = await collapse(Buffer.from(text), { format: 'pmcstat' });
    expect(result.text()).toBe('caller;leaf 6\nother_caller;leaf 4\n');
    expect(result.totals.linesIgnored).toBe(2);
  });

  it('a 9-digit count has no padding; depth still comes from the name column', async () => {
    const text = '@ EV [300000000 samples]\n\n100.0%  [300000000] a @ /k\n 100.0%  [300000000]  b\n  66.67%  [200000000]   c\n';
    const result = await collapse(Buffer.from(text), { format: 'pmcstat' });
    expect(result.text()).toBe('b;a 100000000\nc;b;a 200000000\n');
  });

  it('";" in a symbol becomes ":" so the folded line stays one stack', async () => {
    const text = '@ EV [3 samples]\n\n100.0%  [3]        f;g @ /x\n 100.0%  [3]         main\n';
    const result = await collapse(Buffer.from(text), { format: 'pmcstat' });
    expect(result.text()).toBe('main;f:g 3\n');
  });
});
