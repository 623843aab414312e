// Records read whole (tables/record-table.ts): a record seen before is
// counted without its lines going through the line handler, after each line
// is checked against what it was. The oracle is the same session with
// whole-record reading off (session option wholeRecords 0); the checks are
// forced to tell every record apart by making all records hash alike
// (wholeRecords 2). Output, totals and notes must be the same in all three.
// pmcstat's cache of names (one slot for every name in mode 2) is checked the same way.

import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import type { ParsedFormat } from '../../src/formats/registry.js';
import { CORPUS } from '../support/corpus.js';

const MODES = { off: 0, on: 1, colliding: 2 } as const;

interface Folded {
  folded: string;
  totals: unknown;
  notes: unknown;
}

function fold(format: ParsedFormat, input: string | Uint8Array, mode: number, sizes: number[], setup?: (s: CoreSession) => void): Folded {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const session = new CoreSession();
  session.setOption('wholeRecords', mode);
  setup?.(session);
  session.beginInput(format);
  for (let off = 0, i = 0; off < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    session.write(bytes.subarray(off, off + n));
    off += n;
  }
  session.endInput();
  const notes = session.takeNotes();
  return { folded: Buffer.concat([...session.folded()]).toString('utf8'), totals: session.totals(), notes };
}

/** The input folded in every mode and in pieces of each size gives what the line handler alone gives. */
function expectSameAsLineByLine(format: ParsedFormat, input: string | Uint8Array, setup?: (s: CoreSession) => void): void {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const want = fold(format, bytes, MODES.off, [bytes.length || 1], setup);
  for (const mode of [MODES.on, MODES.colliding]) {
    for (const sizes of [[bytes.length || 1], [7], [1, 64, 4093]]) {
      expect({ mode, sizes, ...fold(format, bytes, mode, sizes, setup) }).toEqual({ mode, sizes, ...want });
    }
  }
}

/** Options a format is read with: a label, and what it sets on the session. */
type Setup = [string, ((s: CoreSession) => void) | undefined];

/**
 * Corpus captures of `format` (`NAME.txt` or `NAME.txt.gz`), each read twice over, so that the
 * second time every record has been seen: in pieces, every mode and option set folds them as
 * the line handler alone does.
 */
function expectCorpusTwiceAsLineByLine(format: ParsedFormat, names: string[], options: Setup[] = [['no options', undefined]]): void {
  for (const name of names) {
    const path = join(CORPUS, format, `${name}.txt`);
    const input = existsSync(path) ? readFileSync(path) : gunzipSync(readFileSync(`${path}.gz`));
    const twice = Buffer.concat([input, Buffer.from('\n'), input]);
    for (const [option, setup] of options) {
      const want = fold(format, twice, MODES.off, [twice.length], setup);
      for (const mode of [MODES.on, MODES.colliding]) {
        expect({ name, option, mode, ...fold(format, twice, mode, [4099], setup) }).toEqual({ name, option, mode, ...want });
      }
    }
  }
}

const I = '              '; // DTrace's indentation

/** A DTrace record: its frame lines (indented unless they say otherwise) and count. */
const dtrace = (frames: string[], count: string | number = 1, eol = '\n'): string =>
  frames.map((f) => (f === '' || /^\s/.test(f) ? f : I + f) + eol).join('') + `${I}  ${count}${eol}${eol}`;

describe('DTrace: records seen before', () => {
  const base = ['unix`leaf+0x10', 'genunix`mid+0x2a', 'unix`root+0x3'];

  // Each variant differs from the base record by a little; after both have been seen, each is read whole.
  const variants: Record<string, string> = {
    'one byte of a frame': dtrace(['unix`leaf+0x10', 'genunix`mId+0x2a', 'unix`root+0x3']),
    'the last byte of a frame': dtrace(['unix`leaf+0x10', 'genunix`mid+0x2a', 'unix`roou+0x3']),
    'only an offset (the same stack)': dtrace(['unix`leaf+0x11', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'no offset': dtrace(['unix`leaf', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a second + in the offset': dtrace(['unix`leaf+0x10+1', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a + for an offset digit (the same length)': dtrace(['unix`leaf+0+10', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a + for a frame byte (the same length)': dtrace(['unix`leaf+0x10', 'genunix`mid+0x2a', 'unix`ro+t+0x3']),
    'a longer offset': dtrace(['unix`leaf+0x10000', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'one frame more': dtrace([...base, 'unix`extra+0x1']),
    'one frame less': dtrace(base.slice(0, 2)),
    'a frame unindented (malformed)': dtrace(base).replace(`${I}genunix`, 'genunix'),
    'tab indentation': dtrace(['\tunix`leaf+0x10', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'CRLF line ends': dtrace(base, 1, '\r\n'),
    'a CR inside a frame': dtrace(['unix`leaf\r+0x10', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a CR before the newline of a frame without offset': dtrace(['unix`leaf\r', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a blank line between kernel and user stacks': dtrace(['unix`leaf+0x10', '', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a blank line with blanks': dtrace(['unix`leaf+0x10', '   ', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'an address frame': dtrace(['0x47d9f3e226', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a count where a frame was': dtrace(['unix`leaf+0x10', '12', 'unix`root+0x3']),
    'a probe line inside': dtrace(['unix`leaf+0x10', '  3  64091                        :tick-1s ', 'unix`root+0x3']),
    'a DTrace message inside': dtrace(['unix`leaf+0x10', 'dtrace: 1 drop on CPU 0', 'unix`root+0x3']),
    'a C++ frame with arguments': dtrace(['libc`Foo::bar(int, char const*)+0x10', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'an inlined frame': dtrace(['unix`leaf->inl+0x10', 'genunix`mid+0x2a', 'unix`root+0x3']),
    'a negative count': dtrace(base, -3),
    'not a count': dtrace(base, '1x'),
    'a large count': dtrace(base, 123456789),
  };

  for (const [name, variant] of Object.entries(variants)) {
    it(`differs by ${name}`, () => {
      const record = dtrace(base);
      const input = [record, variant, record, variant, variant, record, variant].join('');
      expectSameAsLineByLine('dtrace', input);
      expectSameAsLineByLine('dtrace', input, (s) => s.setFormatOption('includeOffset', 1));
    });
  }

  it('every variant among each other, with chatter between snapshots', () => {
    const snapshot = [dtrace(base), ...Object.values(variants)].join('');
    const probe = '  12  64091                         :tick-1s \n\n';
    const input = `CPU     ID                    FUNCTION:NAME\n${probe}${snapshot}${probe}${[...Object.values(variants)].reverse().join('')}${probe}${snapshot}`;
    expectSameAsLineByLine('dtrace', input);
    expectSameAsLineByLine('dtrace', input, (s) => s.setFormatOption('includeOffset', 1));
  });

  // A key shorter than 32 bytes is compared as two vectors, and an offset
  // shorter than 16 bytes checked in the 16 bytes after the key (dtrace.ts
  // frameLineEnd): keys and offsets around those widths, differing at their last byte.
  it('keys and offsets around the widths checked without a loop', () => {
    const name = (n: number, last = 'z') => `m\`${'k'.repeat(n - 3)}${last}`; // a key of n bytes
    const offset = (n: number, last = '0') => `+0x${'1'.repeat(n - 4)}${last}`; // an offset of n bytes
    for (const keyLen of [15, 16, 17, 30, 31, 32, 33, 47, 48, 49]) {
      for (const offLen of [0, 2, 13, 14, 15, 16, 17, 31]) {
        const off = (last?: string) => (offLen === 0 ? '' : offLen < 4 ? '+1'.slice(0, offLen) : offset(offLen, last));
        const line = (l?: string, o?: string) => name(keyLen, l) + off(o);
        const record = dtrace([line(), 'unix`mid+0x2', line()]);
        const others = [
          dtrace([line(), 'unix`mid+0x2', line('y')]), // the last byte of the key
          dtrace([line(), 'unix`mid+0x2', name(keyLen) + off('+')]), // a '+' for the offset's last byte
          dtrace([line(), 'unix`mid+0x2', name(keyLen - 1) + '+' + off()]), // a '+' for the key's last byte
          dtrace([line(), 'unix`mid+0x2', name(keyLen) + off() + '\r']),
          dtrace([line(), 'unix`mid+0x2', `${line()} `]),
        ];
        const input = [record, ...others, record, ...others, record].join('');
        expectSameAsLineByLine('dtrace', input);
      }
    }
  });

  it('an offset alone (an empty name) where another record has a blank line', () => {
    const empty = dtrace(['unix`leaf+0x10', '+0x10', 'unix`root+0x3']);
    const blank = dtrace(['unix`leaf+0x10', '   ', 'unix`root+0x3']);
    const blankCR = dtrace(['unix`leaf+0x10', '  ', 'unix`root+0x3'], 1, '\r\n');
    expectSameAsLineByLine('dtrace', [empty, blank, empty, blank, blankCR, empty, blankCR].join(''));
    expectSameAsLineByLine('dtrace', [blank, empty, blank, empty].join(''));
  });

  it('a record cut by the end of the input', () => {
    const record = dtrace(base);
    expectSameAsLineByLine('dtrace', record + record + record.slice(0, record.length - 5));
    expectSameAsLineByLine('dtrace', record + record.trimEnd());
  });

  it('records naming line-cache entries numbered past 16 bits (kept as addresses, not numbers)', () => {
    // 70,000 distinct frame lines: the records of the last ones cannot keep 16-bit entry numbers.
    const records = Array.from({ length: 70_000 }, (_, i) => dtrace([`m\`f${i}+0x1`, i % 2 ? 'unix`root+0x3' : `m\`g${i >> 4}+0x2`], i % 5 + 1));
    const snapshot = records.join('');
    const input = snapshot + snapshot.replace('m`f69999+0x1', 'm`f69998+0x1') + snapshot;
    const want = fold('dtrace', input, MODES.off, [input.length]);
    for (const sizes of [[input.length], [4093]]) expect({ sizes, ...fold('dtrace', input, MODES.on, sizes) }).toEqual({ sizes, ...want });
  });

  // A record found again is counted in its record-table entry, and joins its stack entry later.
  it('counts of records found again, between records whose count has decimals (malformed in DTrace)', () => {
    const input = [1, 2, 3, '0.25', 4, '1.5', 2].map((n) => dtrace(base, n) + dtrace(['unix`other+0x1', 'unix`root+0x3'], n)).join('');
    expectSameAsLineByLine('dtrace', input);
  });

  it('counts of records found again that cancel out, and come back', () => {
    const input = [1, -1, 1, -1, 2, 0, -2, 5].map((n) => dtrace(base, n)).join('');
    expectSameAsLineByLine('dtrace', input);
  });

  it('records found again, logged in input order (a flame chart) or outside a --window', () => {
    const probe = '  12  64091                         :tick-1s \n\n';
    const input = [1, 2, 3, 4].map((n) => probe + dtrace(base, n) + dtrace(['unix`other+0x1'], n)).join('');
    expectSameAsLineByLine('dtrace', input, (s) => s.setOption('recordOrder', 1));
    expectSameAsLineByLine('dtrace', input, (s) => s.setWindow({ kind: 'index', lo: 1, hi: 2 }));
  });

  it('corpus captures', () => {
    expectCorpusTwiceAsLineByLine('dtrace', ['example-dtrace-stacks', 'java', 'handmade-stackcollapse-quirks', 'flamegraph-bug', 'rust-names']);
  });
});

describe('perf: frame blocks seen before', () => {
  const base = ['ffffffff8100a1b2 do_syscall_64+0x42 ([kernel.kallsyms])', '7f3a8c029d90 __libc_write+0x10 (/usr/lib/libc.so.6)', '55d6c0a01095 main+0x25 (/tmp/app)'];
  const event = (comm = 'app', tid = '3103', time = '2943983.792630', period = '2221751', name = 'cycles:P') =>
    `${comm}  ${tid} [014] ${time}:    ${period} ${name}: \n`;
  const block = (frames: string[], end = '\n', eol = '\n'): string => frames.map((f) => (/^[\t ]/.test(f) ? f : `\t    ${f}`) + eol).join('') + end;
  const record = (frames: string[] = base, head = event(), end = '\n', eol = '\n'): string => head + block(frames, end, eol);

  const variants: Record<string, string> = {
    'another time and period': record(base, event('app', '3103', '2943984.000001', '17')),
    'another thread of the process': record(base, event('app', '77/3104')),
    'another command': record(base, event('other')),
    'a Java command (Java frame names)': record(base, event('java')),
    'a command with a blank': record(base, event('app x')),
    'another event (not folded)': record(base, event('app', '3103', '2943983.792630', '5', 'instructions:u')),
    'one byte of a symbol': record(['ffffffff8100a1b2 do_syscall_65+0x42 ([kernel.kallsyms])', ...base.slice(1)]),
    'only an offset': record(['ffffffff8100a1b2 do_syscall_64+0x43 ([kernel.kallsyms])', ...base.slice(1)]),
    'only a PC (the same frame)': record(['ffffffff8100a1b3 do_syscall_64+0x42 ([kernel.kallsyms])', ...base.slice(1)]),
    'the DSO': record([base[0]!, '7f3a8c029d90 __libc_write+0x10 (/usr/lib/libc.so.7)', base[2]!]),
    'no DSO (malformed)': record([base[0]!, '7f3a8c029d90 __libc_write+0x10', base[2]!]),
    'an unknown symbol': record([base[0]!, '7f3a8c029d90 [unknown] (/usr/lib/libc.so.6)', base[2]!]),
    'no offset': record([base[0]!, '7f3a8c029d90 __libc_write (/usr/lib/libc.so.6)', base[2]!]),
    'a tab before the DSO': record([base[0]!, '7f3a8c029d90 __libc_write+0x10\t(/usr/lib/libc.so.6)', base[2]!]),
    'trailing blanks': record([base[0]!, '7f3a8c029d90 __libc_write+0x10 (/usr/lib/libc.so.6)  ', base[2]!]),
    'CRLF line ends': record(base, event(), '\r\n', '\r\n'),
    'an end line of blanks': record(base, event(), '  \t\n'),
    'one frame more': record([...base, '55d6c0a01000 _start+0x5 (/tmp/app)']),
    'one frame less': record(base.slice(0, 2)),
    'a # line inside': record([base[0]!, '# a comment', base[2]!]),
    'a C++ frame': record([base[0]!, '7f3a8c029d90 std::vector<int>::push_back(int const&)+0x10 (/usr/lib/libstdc++.so.6)', base[2]!]),
  };

  const options: Setup[] = [
    ['no options', undefined],
    ['--pid', (s) => s.setFormatOption('includePid', 1)],
    ['--tid --all', (s) => { s.setFormatOption('includeTid', 1); s.setFormatOption('allMarks', 1); }],
    ['--addrs', (s) => s.setFormatOption('includeAddrs', 1)],
  ];

  for (const [name, variant] of Object.entries(variants)) {
    it(`differs by ${name}`, () => {
      const input = [record(), variant, record(), variant, variant, record(), variant].join('');
      for (const [, setup] of options) expectSameAsLineByLine('perf', input, setup);
    });
  }

  it('every variant among each other; the last record without its empty line', () => {
    const input = [record(), ...Object.values(variants), ...Object.values(variants).reverse(), record()].join('');
    for (const [, setup] of options) {
      expectSameAsLineByLine('perf', input, setup);
      expectSameAsLineByLine('perf', input.slice(0, -1), setup);
    }
  });

  it('corpus captures', () => {
    expectCorpusTwiceAsLineByLine('perf', ['cpp-stacks-std-function', 'empty-line', 'example-perf-stacks'], options);
  });
});

describe('pmcstat: names seen before', () => {
  // One section of `pmcstat -G` output: each node [depth, count, name], printed as pmcstat prints it.
  const node = (depth: number, count: number, name: string): string =>
    `${' '.repeat(depth)}100.0% ${` [${count}] `.padEnd(12)}${' '.repeat(depth)}${name}\n`;
  const section = (nodes: [number, number, string][], event = 'CPU_CLK_UNHALTED.THREAD_P'): string =>
    `@ ${event} [${nodes.filter(([d]) => d === 0).reduce((s, [, c]) => s + c, 0)} samples]\n\n` +
    nodes.map(([d, c, n]) => node(d, c, n)).join('') + '\n';
  // Names alike in their first and last eight bytes and their length, and short ones.
  const long = (c: string) => `vm_page_alloc_${c}_contig_domain`;
  const base: [number, number, string][] = [
    [0, 9, long('a')], [1, 9, 'lock @ /boot/kernel/kernel'], [2, 9, 'ab'], [3, 9, long('b')],
    [0, 5, 'x'], [1, 3, long('a')], [1, 2, 'ab @ /lib/libc.so.7'],
  ];
  const variants: Record<string, [number, number, string][]> = {
    'one byte in the middle of a long name': base.map(([d, c, n]) => [d, c, n === long('b') ? long('c') : n]),
    'one byte of a short name': base.map(([d, c, n]) => [d, c, n === 'ab' ? 'ac' : n]),
    'a short name one byte longer': base.map(([d, c, n]) => [d, c, n === 'x' ? 'xy' : n]),
    'a name with what follows it changed': base.map(([d, c, n]) => [d, c, n === 'ab' ? 'ab @ /boot/kernel/zfs.ko' : n]),
    'a name with a semicolon': base.map(([d, c, n]) => [d, c, n === 'ab' ? 'a;b' : n]),
    'a count': base.map(([d, c, n]) => [d, n === 'ab' ? c + 1 : c, n]),
    'the indentation': base.map(([d, c, n]) => [n === 'ab @ /lib/libc.so.7' ? 2 : d, c, n]),
    'a part of the section only': base.slice(0, 4),
    'a name the start of the one before it': [...base, [0, 4, 'ab'], [1, 4, 'a']],
  };
  const options: Setup[] = [
    ['no options', undefined],
    ['--kernel-marks', (s) => s.setFormatOption('kernelMarks', 1)],
  ];

  it('the sections fold as pmcstat printed them', () => {
    const folded = fold('pmcstat', section(base), MODES.on, [4096]).folded;
    expect(folded).toBe(`ab;x 2\n${long('a')};x 3\n${long('b')};ab;lock;${long('a')} 9\n`);
  });

  for (const [name, variant] of Object.entries(variants)) {
    it(`a section differs by ${name}`, () => {
      const input = [section(base), section(variant), section(base), section(variant, 'INST_RETIRED.ANY_P')].join('');
      for (const [, setup] of options) expectSameAsLineByLine('pmcstat', input, setup);
    });
  }

  it('corpus captures, twice', () => {
    expectCorpusTwiceAsLineByLine('pmcstat', ['handmade-multi-pmc', 'inferno-pr214-iperf3', 'cheribsd-morello-doc-mangled-indent', 'inferno-pr214-large'], options);
  });
});
