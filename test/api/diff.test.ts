import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/api/collapse.js';
import { diff } from '../../src/api/diff.js';
import { InputError } from '../../src/errors.js';
import { CORPUS } from '../support/corpus.js';
import { generate, runCli, tempDir } from '../support/helpers.js';

const dir = join(CORPUS, 'diff-folded');
const file = (name: string): string => join(dir, name);
/** Golden lines as a sorted set (difffolded.pl prints them in Perl hash order). */
const goldenSet = (name: string): string[] => readFileSync(file(name), 'utf8').split('\n').filter((l) => l !== '').sort();
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
/** Bytewise order, as the folded writer sorts (LC_ALL=C sort). */
const bytewise = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('diff: difffolded.pl goldens (as sets; ours are sorted)', () => {
  const cases: [string, { normalize?: boolean; stripHex?: boolean }, string[], [string, string]?][] = [
    ['before-after', {}, ['before-after.difffolded.folded2', 'before-after.inferno.folded2']],
    ['-n', { normalize: true }, ['before-after.difffolded-n.folded2', 'before-after.inferno-normalize.folded2']],
    ['-s', { stripHex: true }, ['before-after.difffolded-s.folded2', 'before-after.inferno-strip-hex.folded2']],
    ['after-before (the "diff1" order)', {}, ['after-before.difffolded.folded2'], ['after.txt', 'before.txt']],
  ];
  for (const [label, options, goldens, order] of cases) {
    it(label, async () => {
      const [b, a] = order ?? ['before.txt', 'after.txt'];
      const result = await diff(file(b), file(a), options);
      const ours = lines(result.text());
      expect(result.twoCounts).toBe(true);
      for (const golden of goldens) expect([...ours].sort()).toEqual(goldenSet(golden));
      expect(ours).toEqual([...ours].sort((x, y) => bytewise(x, y)));
    });
  }

  it('-n -s together: strip, merge, then normalise (as difffolded.pl -ns)', async () => {
    // -s merges nothing here, so -ns is -n with the hex frames renamed.
    const ns = lines((await diff(file('before.txt'), file('after.txt'), { normalize: true, stripHex: true })).text()).sort();
    const expected = goldenSet('before-after.difffolded-n.folded2').map((l) => l.replace(/0x[0-9a-fA-F]+/g, '0x...')).sort();
    expect(ns).toEqual(expected);
  });

  it('fractional counts are kept exact (not truncated as inferno does): numerically equal to the Perl golden', async () => {
    // The corpus input's 14.2343983248722834234 has 19 decimals, one more than exact counts keep: an error naming it.
    const before = readFileSync(file('before_fractionals.txt'), 'latin1');
    await expect(diff(file('before_fractionals.txt'), file('after.txt'))).rejects.toThrow(`${file('before_fractionals.txt')}:2: a count with 19 decimals`);
    // With it cut to 16 decimals, the rest compares with Perl's doubles (15 significant digits).
    const cut = Buffer.from(before.replace('14.2343983248722834234', '14.2343983248722834'), 'latin1');
    const ours = lines((await diff(cut, file('after.txt'), { format: 'folded' })).text());
    const split = (l: string): [string, number, number] => {
      const m = /^(.*) (\S+) (\S+)$/.exec(l)!;
      return [m[1]!, Number(m[2]), Number(m[3])];
    };
    const golden = new Map(goldenSet('before_fractionals-after.difffolded.folded2').map((l) => {
      const [s, x, y] = split(l);
      return [s, [x, y]];
    }));
    expect(ours.length).toBe(golden.size);
    for (const line of ours) {
      const [stack, x, y] = split(line);
      const [gx, gy] = golden.get(stack)!;
      // Perl prints 15 significant digits; we print the shortest form that reads back as the same double.
      expect(Math.abs(x - gx!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(gx!)));
      expect(y).toBe(gy);
    }
    expect(ours).toContain('dd;[unknown];read;system_call_[k];__fdget_pos_[k] 11.98 15');
    expect(ours).toContain('dd;[unknown];read 14.2343983248722834 13'); // every digit, as written
  });

  it('-s merges stacks that differ only in hex numbers, in both profiles', async () => {
    const before = Buffer.from('a;0x1f;b 1\na;0xAB;b 2\na;foo0x12bar 4\n');
    const after = Buffer.from('a;0x99;b 10\na;0xzz 1\n');
    const result = await diff(before, after, { stripHex: true, format: 'folded' });
    // "0x12ba" of foo0x12bar is all hex, so Perl's s/0x[0-9a-fA-F]+/0x.../ leaves "r"
    expect(lines(result.text())).toEqual(['a;0x...;b 3 10', 'a;0xzz 0 1', 'a;foo0x...r 4 0']);
  });
});

describe('diff: errors', () => {
  it('a line without a count is an error naming file and line (difffolded.pl prints " 0 0")', async () => {
    await expect(diff(file('bad_before.txt'), file('after.txt'))).rejects.toThrow(InputError);
    await expect(diff(file('bad_before.txt'), file('after.txt'))).rejects.toThrow(/bad_before\.txt:3: no count/);
    // in AFTER, its own line number (not counted on from BEFORE's lines)
    await expect(diff(file('after.txt'), file('bad_before.txt'))).rejects.toThrow(/bad_before\.txt:3: no count/);
  });

  it('two-count input is refused in either position', async () => {
    await expect(diff(file('before-after.difffolded.folded2'), file('after.txt'))).rejects.toThrow(/folded2:1: two counts/);
    await expect(diff(file('after.txt'), Buffer.from('a;b 1\na;c 2 3\n'), { format: 'folded' })).rejects.toThrow(/:2: two counts/);
  });

  it('CLI: exit 1, message on stderr, no output file; usage errors exit 2', () => {
    const { dir: tmp, cleanup } = tempDir();
    try {
      const out = join(tmp, 'out.folded2');
      const r = runCli(['diff', '-o', out, file('bad_before.txt'), file('after.txt')]);
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/bad_before\.txt:3: no count at the end of the line/);
      expect(existsSync(out)).toBe(false);
      expect(runCli(['diff', file('before.txt')]).status).toBe(2);
      expect(runCli(['diff', '--bogus', file('before.txt'), file('after.txt')]).status).toBe(2);
    } finally {
      cleanup();
    }
  });
});

describe('diff: inputs of any capture format', () => {
  it('a DTrace capture against its own folded golden: every stack, equal counts', async () => {
    const txt = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
    const golden = readFileSync(join(CORPUS, 'dtrace', 'example-dtrace-stacks.expected.folded'), 'utf8');
    const result = await diff(txt, Buffer.from(golden));
    const expected = lines(golden).map((l) => l.replace(/ (\S+)$/, ' $1 $1'));
    expect(lines(result.text())).toEqual(expected);
  });

  it('pmcstat and gzip: a capture diffed with its gzipped golden', async () => {
    const txt = join(CORPUS, 'pmcstat', 'inferno-pr214-iperf3.txt');
    const golden = readFileSync(join(CORPUS, 'pmcstat', 'inferno-pr214-iperf3.expected.folded'), 'utf8');
    const result = await diff(gzipSync(Buffer.from(golden)), txt);
    expect(result.inputs.map((i) => [i.format, i.gzip])).toEqual([['folded', true], ['pmcstat', false]]);
    expect(lines(result.text())).toEqual(lines(golden).map((l) => l.replace(/ (\S+)$/, ' $1 $1')));
  });

  it('a capture of several events: each side folds its first, with a warning; --event another; never their sum', async () => {
    const blog = join(CORPUS, 'pmcstat', 'brendangregg-cpi-blog-excerpt.txt');
    const both = (text: string): string[] => lines(text).map((l) => l.replace(/ (\S+)$/, ' $1 $1'));
    const warnings: string[] = [];
    const first = await diff(blog, gzipSync(readFileSync(blog)), { onWarning: (m) => warnings.push(m) });
    expect(lines(first.text())).toEqual(both((await collapse(blog, { event: 'CPU_CLK_UNHALTED.THREAD_P' })).text()));
    const picked = warnings.filter((w) => /several events/.test(w));
    expect(picked).toHaveLength(2); // one per side
    for (const w of picked) expect(w).toMatch(/several events; folded only the first, 'CPU_CLK_UNHALTED.THREAD_P' .* not 'RESOURCE_STALLS.ANY'/);
    const stalls = await diff(blog, blog, { event: 'RESOURCE_STALLS.ANY' });
    expect(lines(stalls.text())).toEqual(both((await collapse(blog, { event: 'RESOURCE_STALLS.ANY' })).text()));
    await expect(diff(blog, blog, { event: 'NOPE' })).rejects.toThrow(
      /no section of event 'NOPE' in the input; events present: CPU_CLK_UNHALTED.THREAD_P \(21723 samples\), RESOURCE_STALLS.ANY \(3462 samples\)/,
    );
    const cli = runCli(['diff', '--event', 'RESOURCE_STALLS.ANY', blog, blog]);
    expect(cli.status).toBe(0);
    expect(cli.stdout.toString()).toBe(stalls.text());
  });

  it('CLI: stdin as one side, output equal to the API', () => {
    const r = runCli(['diff', '-', file('after.txt')], readFileSync(file('before.txt')));
    expect(r.status).toBe(0);
    expect(lines(r.stdout.toString()).sort()).toEqual(goldenSet('before-after.difffolded.folded2'));
  });

  it('an empty side gives zeros in its column (and a warning)', async () => {
    const warnings: string[] = [];
    const result = await diff(Buffer.from(''), file('after.txt'), { format: 'folded', onWarning: (w) => warnings.push(w) });
    expect(lines(result.text())).toEqual(lines(readFileSync(file('after.txt'), 'utf8')).map((l) => l.replace(/ (\S+)$/, ' 0 $1')).sort(bytewise));
    expect(warnings).toEqual(['<buffer 1>: no stacks found']);
    const r2 = await diff(file('before.txt'), Buffer.from(''), { format: 'folded' });
    expect(lines(r2.text()).every((l) => l.endsWith(' 0'))).toBe(true);
  });
});

describe('diff: generated captures against the generators\' own expected output', () => {
  it('two DTrace captures (different programs): every stack of either, both counts, sorted', async () => {
    const { dir: tmp, cleanup } = tempDir();
    try {
      const a = generate('gen-dtrace.mjs', tmp, 'a', ['--bytes', '2M', '--seed', '1', '--stacks', '3000']);
      const b = generate('gen-dtrace.mjs', tmp, 'b', ['--bytes', '2M', '--seed', '2', '--stacks', '3000', '--snapshots', '3']);
      // The oracle: the two expected folded files joined by stack (zero where one lacks it).
      const counts = new Map<string, [number, number]>();
      for (const [path, col] of [[a.expected, 0], [b.expected, 1]] as const) {
        for (const line of lines(readFileSync(path, 'latin1'))) {
          const at = line.lastIndexOf(' ');
          const entry = counts.get(line.slice(0, at)) ?? [0, 0];
          entry[col] += Number(line.slice(at + 1));
          counts.set(line.slice(0, at), entry);
        }
      }
      const expected = [...counts.keys()]
        .sort((x, y) => Buffer.compare(Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1')))
        .map((k) => `${k} ${counts.get(k)![0]} ${counts.get(k)![1]}`);
      const result = await diff(a.input, b.input);
      expect(result.inputs.map((i) => i.format)).toEqual(['dtrace', 'dtrace']);
      const ours = lines(Buffer.concat([...result.chunks()]).toString('latin1'));
      expect(ours.length).toBeGreaterThan(3000);
      expect(ours).toEqual(expected);
      // Each side cut into ranges parsed by worker threads, their stacks merged into its column.
      for (const jobs of [2, 3]) {
        const parallel = await diff(a.input, b.input, { jobs, splitMinBytes: 0 });
        expect(lines(Buffer.concat([...parallel.chunks()]).toString('latin1'))).toEqual(expected);
      }
    } finally {
      cleanup();
    }
  });
});

describe('diff: output is deterministic', () => {
  it('same bytes on every run', async () => {
    const a = (await diff(file('before.txt'), file('after.txt'), { stripHex: true })).text();
    const b = (await diff(file('before.txt'), file('after.txt'), { stripHex: true })).text();
    expect(a).toBe(b);
    expect(runCli(['diff', '-s', file('before.txt'), file('after.txt')]).stdout.toString()).toBe(a);
  });
});
