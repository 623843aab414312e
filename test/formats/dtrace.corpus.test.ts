import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CORPUS, casesWith } from '../support/corpus.js';

const dir = join(CORPUS, 'dtrace');

describe('DTrace corpus: byte-identical to every .expected.folded', () => {
  const cases = casesWith('dtrace', '.expected.folded');
  it('has the corpus cases', () => expect(cases.length).toBeGreaterThanOrEqual(13));
  for (const name of cases) {
    it(name, async () => {
      const result = await collapse(join(dir, `${name}.txt`), { format: 'dtrace' });
      expect(result.text()).toBe(readFileSync(join(dir, `${name}.expected.folded`), 'utf8'));
    });
  }
});

describe('DTrace --includeoffset matches inferno\'s corrected output', () => {
  for (const name of ['example-dtrace-stacks', 'flamegraph-bug']) {
    it(name, async () => {
      const result = await collapse(join(dir, `${name}.txt`), { format: 'dtrace', includeOffset: true });
      expect(result.text()).toBe(readFileSync(join(dir, `${name}.offsets.inferno.folded`), 'utf8'));
    });
  }
});
