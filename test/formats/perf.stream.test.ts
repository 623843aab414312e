// perf input in any pieces: the same output for 1-byte and 7-byte pieces, a
// cut at every byte, with options; and awkward input (no final newline,
// CRLF, blank-only lines, frames outside records, timestamps in every shape).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import type { CoreSession } from '../../src/core.js';
import { CORPUS } from '../support/corpus.js';
import { foldInPieces } from '../support/helpers.js';

const dir = join(CORPUS, 'perf');
const read = (name: string): Buffer =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : gunzipSync(readFileSync(join(dir, `${name}.gz`)));
const input = (name: string): Buffer => read(`${name}.txt`);
const golden = (name: string, opt = ''): string => read(`${name}.expected${opt ? `-${opt}` : ''}.folded`).toString();

describe('perf chunk invariance', () => {
  it('pieces of 1 byte', () => {
    for (const name of ['handmade-perf-crlf', 'handmade-perf-dso-edge-cases', 'single-line-stacks', 'perf-java-stacks-02', 'java-inline']) {
      expect([name, foldInPieces('perf', input(name), [1])]).toEqual([name, golden(name)]);
    }
    const tid = (s: CoreSession): void => void s.setFormatOption('includeTid', 1);
    expect(foldInPieces('perf', input('perf-iperf-stacks-pidtid-01'), [1], tid)).toBe(golden('perf-iperf-stacks-pidtid-01', 'tid'));
  });

  it('pieces of 7 bytes, and of uneven sizes', () => {
    for (const name of ['example-perf-stacks', 'perf-java-stacks-01', 'perf-rust-Yamakaky-dcpu', 'cpp-stacks-std-function']) {
      expect([name, foldInPieces('perf', input(name), [7])]).toEqual([name, golden(name)]);
      expect([name, foldInPieces('perf', input(name), [1, 13, 4093, 3, 65536])]).toEqual([name, golden(name)]);
    }
    const addrs = (s: CoreSession): void => void s.setFormatOption('includeAddrs', 1);
    expect(foldInPieces('perf', input('perf-dd-stacks-01'), [7], addrs)).toBe(golden('perf-dd-stacks-01', 'addrs'));
  });

  it('a cut at every byte', () => {
    for (const name of ['handmade-perf-uprobe-tracepoint', 'handmade-perf-crlf', 'single-line-stacks', 'empty-line']) {
      const bytes = input(name);
      const want = golden(name);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const got = foldInPieces('perf', bytes, [cut, bytes.length]);
        if (got !== want) expect({ name, cut, got }).toEqual({ name, cut, got: want });
      }
    }
  });
});

describe('perf awkward input', () => {
  const fold = async (text: string): Promise<string> => (await collapse(Buffer.from(text), { format: 'perf' })).text();

  it('the last record counts without a newline or an empty line after it (rule 2)', async () => {
    expect(await fold('app 12 cycles:\n\t1f main+0x1 (/bin/app)')).toBe('app;main 1\n');
    expect(await fold('app 12 cycles:')).toBe('app 1\n');
  });

  it('blank-only and CRLF lines end records (rule 1)', async () => {
    expect(await fold('a 1 c:\r\n\t1 f (x)\r\n \t\r\na 1 c:\r\n\t2 g (x)\r\n')).toBe('a;f 1\na;g 1\n');
  });

  it('header lines are skipped wherever they are, even inside a record', async () => {
    expect(await fold('# ========\n# x\na 1 c:\n# note\n\t1 f (x)\n')).toBe('a;f 1\n');
  });

  it('every time and CPU layout perf prints, and a period only before an event word (rule 4)', async () => {
    const lines = [
      'a 1/2 [003] 12.5: 7 c:', // pid/tid, cpu, time, period
      'a 2 12: 7 c:', // whole seconds
      'a 2 [1] 7 c:', // no time
      'a 2 7 c:', // period, no time
      'a 2 7', // no event word: 7 is no period
    ];
    const result = await collapse(Buffer.from(lines.map((l) => `${l}\n\t1 f (x)\n`).join('\n')), { format: 'perf' });
    expect(result.text()).toBe('a;f 29\n');
  });

  it('a period of 0 counts 0 (rule 12)', async () => {
    expect(await fold('a 1 1.0: 0 c:\n\t1 f (x)\n')).toBe('a;f 0\n');
  });

  it('a COMM with blanks, right-aligned, or one character (rule 3)', async () => {
    expect(await fold('   My App  1 c:\n\t1 f (x)\n\nf 2 c:\n\t1 f (x)\n')).toBe('My_App;f 1\nf;f 1\n');
  });

  it('inlined frames, Go and C++ argument lists, operators (rules 9.5, 9.8)', async () => {
    const text = [
      'a 1 c:',
      '\t1 Lx/Y;::m->Lx/Z;::n+0x3 (/tmp/perf-1.map)',
      '\t2 net/http.(*Client).Do+0x10 (/bin/go)',
      '\t3 ns::(anonymous namespace)::f(int) (/bin/a)',
      '\t4 std::map<int, int>::operator[](int const&) (/bin/a)',
      '\t5 X::operator<(X const&) const (/bin/a)',
      '\t6 Y::operator>>=(int) (/bin/a)',
      '\t7 std::function<void (int)>::operator()(int) const (/bin/a)',
    ].join('\n');
    expect(await fold(text)).toBe(
      'a;std::function<void (int)>::operator;Y::operator>>=;X::operator<;std::map<int, int>::operator[];' +
        'ns::(anonymous namespace)::f;net/http.(*Client).Do;Lx/Y:::m;Lx/Z:::n_[i] 1\n',
    );
  });

  it('a java COMM drops the L of class names with a /, other COMMs keep it, and both share the line cache', async () => {
    const record = (comm: string): string => `${comm} 1 c:\n\t1 Ljava/lang/Thread;::run+0x3 (/tmp/perf-1.map)\n\t2 LFoo;::x (/tmp/perf-1.map)\n`;
    expect(await fold([record('java'), record('other'), record('javac')].join('\n'))).toBe(
      'java;LFoo:::x;java/lang/Thread:::run 1\njavac;LFoo:::x;java/lang/Thread:::run 1\nother;LFoo:::x;Ljava/lang/Thread:::run 1\n',
    );
  });
});
