// pmcstat callgraphs a copy has damaged (issue 11, item 8): a copy through an
// editor or `unexpand` has tabs for runs of blanks. Depth is read from the
// name column, so such a copy folds as the original: before, every caller
// line was lost (leaf-only stacks).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CORPUS, casesWith } from '../support/corpus.js';

const dir = join(CORPUS, 'pmcstat');

/**
 * The file through coreutils' unexpand: leading blanks to tabs (any tab width: the
 * indentation carries no depth), or every run of blanks that reaches a tab stop
 * (`-a`; tabs are read at 8 columns, the terminal's and unexpand's default).
 */
function unexpand(path: string, all: boolean): Buffer {
  const r = spawnSync('unexpand', all ? ['-a', path] : ['--first-only', '-t', '2', path]);
  if (r.status !== 0) throw new Error(`unexpand failed: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('pmcstat copies with tabs for blanks fold as the original', () => {
  const cases = casesWith('pmcstat', '.expected.folded').filter((n) => !n.endsWith('large'));
  let tabbedCopies = 0;
  for (const name of cases) {
    it(name, async () => {
      const path = join(dir, `${name}.txt`);
      const expected = readFileSync(join(dir, `${name}.expected.folded`), 'utf8');
      for (const all of [false, true]) {
        const tabbed = unexpand(path, all);
        if (tabbed.includes(9)) tabbedCopies++;
        const result = await collapse(tabbed, { format: 'pmcstat' });
        expect(result.text(), all ? 'unexpand -a' : 'unexpand --first-only -t 2').toBe(expected);
      }
    });
  }

  it('the copies had tabs', () => {
    expect(tabbedCopies).toBeGreaterThan(cases.length);
  });
});
