// Titles print exact figures (src/render/title-counts.ts): whole counts with
// every digit past 2^53 and thousands separators, percentages of the exact
// count (never above 100%), differential notes exactly; a count past 2^63-1
// is an error, never a title like "1e,+23 samples".

import { describe, expect, it } from 'vitest';
import { renderSvg, type RenderOptions } from '../../src/index.js';
import { differentialMode } from '../../src/render/differential-colors.js';
import { fixed } from '../../src/render/numbers.js';
import { svgFrames } from '../support/svgframes.js';
import { runCli } from '../support/helpers.js';

const titles = async (folded: string, options: RenderOptions = {}): Promise<string[]> =>
  svgFrames(await renderSvg(folded, options)).map((f) => f.title).sort();

const percents = (ts: string[]): number[] => ts.map((t) => Number(/, ([\d.]+)%/.exec(t)![1]));

describe('titles: exact counts and shares', () => {
  it('counts past 2^53 print every digit, with separators', async () => {
    expect(await titles('a;b 9007199254740993\na;c 9007199254740993\n')).toEqual([
      'a (18,014,398,509,481,986 samples, 100.00%)',
      'all (18,014,398,509,481,986 samples, 100%)',
      'b (9,007,199,254,740,993 samples, 50.00%)',
      'c (9,007,199,254,740,993 samples, 50.00%)',
    ]);
    const max = await titles('a 9223372036854775806\nb 1\n', { minWidth: 0 });
    expect(max).toContain('a (9,223,372,036,854,775,806 samples, 100.00%)');
    expect(max).toContain('all (9,223,372,036,854,775,807 samples, 100%)');
    expect(max).toContain('b (1 samples, 0.00%)');
    // A fraction elsewhere in the profile: past 2^53 the count is still exact (rounded half to even).
    const mixed = await titles('a 9007199254740993\nb 0.5\nc 9007199254740992.5\n', { minWidth: 0 });
    expect(mixed).toContain('a (9,007,199,254,740,993 samples, 50.00%)');
    expect(mixed).toContain('b (0 samples, 0.00%)');
    expect(mixed).toContain('c (9,007,199,254,740,992 samples, 50.00%)');
  });

  it('a share is of the exact count, not of its rounding: never above 100%', async () => {
    // flamegraph.pl: a = 0.8 prints as 1 sample, and 1 of 0.8 is 125%.
    expect(await titles('a;b 0.4\na;c 0.4\n')).toEqual([
      'a (1 samples, 100.00%)', 'all (1 samples, 100%)', 'b (0 samples, 50.00%)', 'c (0 samples, 50.00%)',
    ]);
    const many = await titles(Array.from({ length: 40 }, (_, i) => `r;f${i} 0.${(i % 9) + 1}\n`).join(''));
    expect(Math.max(...percents(many))).toBeLessThanOrEqual(100);
    expect(await titles('a 1.5\nb 1.5\n', { factor: 0.5 })).toContain('a (1 samples, 50.00%)'); // 0.75 rounds to 1, 50% of 1.5
  });

  it('shares past 2^53 are exact: 1 of 2^63-1 is not 0 of a double', async () => {
    const t = await titles('a 9223372036854775000\nb 807\n', { minWidth: 0 });
    expect(t).toContain('b (807 samples, 0.00%)');
    expect(t).toContain('a (9,223,372,036,854,775,000 samples, 100.00%)');
    // Between two doubles: 2^53 + 1 of 2^54 + 3 is 49.99999999999999...%: rounds to 50.00 either way; half of it exact.
    const half = await titles('a 9007199254740993\nb 9007199254740993\nc 1\n');
    expect(half).toContain(`a (9,007,199,254,740,993 samples, ${fixed(50, 2)}%)`);
  });

  it('--diff-details notes print whole counts exactly', async () => {
    const t = await titles('a 9007199254740993 9007199254740995\n', { colorMode: differentialMode({ mode: 'total', details: true }) });
    expect(t.find((x) => x.startsWith('a '))).toBe(
      'a (9,007,199,254,740,995 samples, 100.00%; before 9,007,199,254,740,993, after 9,007,199,254,740,995, delta +2, +0.00%)',
    );
  });

  it('a count past 2^63-1 is an error naming the input and the line, exit 1, no SVG', () => {
    const r = runCli(['svg', '-'], 'a;b 1\na;b 99999999999999999999999\n');
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString()).toBe(
      'flamefold: <stdin>:2: a count is too large: counts are kept exact up to 9223372036854775807 (2^63-1)\n',
    );
  });
});
