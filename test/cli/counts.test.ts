// The count bugs of issue 11 (item 7), through the command line and the API:
// integers past 2^53, counts past 2^63-1, decimal fractions, shares above
// 100%, DTrace sums of nanoseconds.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, diff, renderSvg, topFunctions, formatTop } from '../../src/index.js';
import { runCli, tempDir } from '../support/helpers.js';
import { svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const cli = (args: string[], input: string): { status: number | null; stdout: string; stderr: string } => {
  const r = runCli(args, input);
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};

describe('exact counts, CLI and API', () => {
  it('2^53 + 1 plus 1 is 2^53 + 2 (doubles printed 9007199254740992.0)', async () => {
    const input = 'a;b 9007199254740993\na;b 1\n';
    expect(cli(['collapse'], input)).toEqual({ status: 0, stdout: 'a;b 9007199254740994\n', stderr: '' });
    const result = await collapse(Buffer.from(input));
    expect(result.text()).toBe('a;b 9007199254740994\n');
    expect(result.totals.samplesText).toBe('9007199254740994');
  });

  it('a count past 2^63-1 is an error naming the input and line, exit 1, from folded and DTrace input', async () => {
    const message = 'a count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)';
    expect(cli(['collapse'], 'a;b 1\na;b 99999999999999999999999\n')).toEqual({ status: 1, stdout: '', stderr: `flamefold: <stdin>:2: ${message}\n` });
    const dtrace = '\n              f\n              main\n    99999999999999999999999\n';
    expect(cli(['collapse', '-f', 'dtrace'], dtrace)).toEqual({ status: 1, stdout: '', stderr: `flamefold: <stdin>:4: ${message}\n` });
    expect(cli(['svg'], 'a;b 99999999999999999999999\n').stderr).toBe(`flamefold: <stdin>:1: ${message}\n`);
    await expect(collapse(Buffer.from(dtrace), { format: 'dtrace' })).rejects.toThrow(`<buffer 1>:4: ${message}`);
  });

  it('0.1 + 0.2 is 0.3 (doubles: 0.30000000000000007)', async () => {
    expect(cli(['collapse', '-f', 'folded'], 'a;b 0.1\na;b 0.2\n').stdout).toBe('a;b 0.3\n');
    expect((await collapse(Buffer.from('a;b 0.1\na;b 0.2\n'), { format: 'folded' })).text()).toBe('a;b 0.3\n');
    const d = await diff(Buffer.from('a 0.1\na 0.2\n'), Buffer.from('a 0.7\nb 1.05\n'), { format: 'folded' });
    expect(d.text()).toBe('a 0.3 0.7\nb 0 1.05\n');
  });

  it('titles never exceed 100% (0.4 + 0.4 read "a (1 samples, 125.00%)")', async () => {
    const svg = await renderSvg('a;b 0.4\na;c 0.4\n');
    expect(svgFrames(svg).map((f) => f.title)).toContain('a (1 samples, 100.00%)');
    expect(svgFrames(cli(['svg'], 'a;b 0.4\na;c 0.4\n').stdout).map((f) => f.title)).toContain('a (1 samples, 100.00%)');
  });

  it('diff -n scales exactly, past 2^53 and past 64-bit products; a scaled count past 2^63-1 is an error', async () => {
    const normalized = async (before: string, after: string): Promise<string> => {
      const text = (await diff(Buffer.from(before), Buffer.from(after), { format: 'folded', normalize: true })).text();
      return text;
    };
    // 3 * (10^18 + 3) / 4 = 750000000000000002.25: doubles made it 750000000000000000.
    expect(await normalized('x 3\ny 1\n', 'x 1000000000000000003\n')).toBe('x 750000000000000002 1000000000000000003\ny 250000000000000000 0\n');
    // 4000000007 * (9 * 10^18 + 1) passes 2^64 before it is divided by 9000000009.
    expect(await normalized('x 4000000007\ny 5000000002\n', 'x 9000000000000000001\n')).toBe(
      'x 4000000002999999997 9000000000000000001\ny 4999999997000000003 0\n',
    );
    // Decimals: each stack truncated to a whole count (as difffolded.pl's int()), in units.
    expect(await normalized('x 0.5\ny 1.5\n', 'x 7\n')).toBe('x 1 7\ny 5 0\n');
    const message = 'diff -n: a scaled count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)';
    await expect(normalized('x 3\ny -2\n', 'x 9000000000000000000\n')).rejects.toThrow(message);
    const after = join(tmp.dir, 'after.folded');
    writeFileSync(after, 'x 9000000000000000000\n');
    expect(cli(['diff', '-n', '-', after], 'x 3\ny -2\n')).toEqual({ status: 1, stdout: '', stderr: `flamefold: ${message}\n` });
  });

  it('DTrace sum(timestamp - ts) past 2^53 ns (hours) stays exact, in collapse and top', async () => {
    const record = (ns: string): string => `\n              read\n              main\n       ${ns}\n`;
    const input = record('7200000000000000') + record('1807199254740993'); // 2 h + 0.5 h of ns, summed past 2^53
    expect(cli(['collapse', '-f', 'dtrace'], input).stdout).toBe('main;read 9007199254740993\n');
    const report = topFunctions(await collapse(Buffer.from(input), { format: 'dtrace' }));
    expect(formatTop(report)).toContain('9007199254740993 samples in 1 stack');
    expect(report.bySelf[0]!.selfText).toBe('9007199254740993');
  });
});
