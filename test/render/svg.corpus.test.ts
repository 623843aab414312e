// Parity with flamegraph.pl: every corpus case with a flamegraph.pl SVG draws
// the same frames (name, samples, x, width, y — as sets, since flamegraph.pl's
// element order is random) and the same fills. The only differences allowed
// are the flamegraph.pl defects the corpus README documents.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, renderSvg, svgChunksOf, type RenderOptions } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { compareFrames, svgFrames } from '../support/svgframes.js';

/** Options from a flamegraph.pl SVG's file name suffix (corpus README, "File name conventions"). */
function optionsOf(suffix: string): RenderOptions {
  const o: RenderOptions = {};
  for (const opt of suffix.split('-').filter(Boolean)) {
    if (opt === 'hash') o.hash = true;
    else if (opt === 'negate') o.negate = true;
    else if (opt === 'reverse') o.reverse = true;
    else if (opt === 'inverted') o.inverted = true;
    else if (opt === 'flamechart') o.flameChart = true;
    else if (opt === 'java') o.colors = 'java';
    else if (opt === 'io') o.colors = 'io';
    else throw new Error(`unknown option in file name: ${opt}`);
  }
  return o;
}

// options-escaping/: one input, the options named by each case (corpus README table).
const ESCAPING: Record<string, RenderOptions> = {
  title_simple: { title: 'Test Graph' },
  title_with_symbols: { title: 'Test <& \' "' },
  subtitle_with_symbols: { subtitle: 'Test Subtitle <& \' "' },
  count_name_with_symbols: { countName: 'test-samples <& \' "' },
  name_type_with_quote: { nameType: "Test: '" },
  name_type_with_backslash: { nameType: 'Test: \\' },
  font_type_with_quote: { fontType: 'Andale Mono"' },
};

interface Case {
  name: string;
  svg: string;
  input: string;
  options: RenderOptions;
}

function corpusCases(): Case[] {
  const cases: Case[] = [];
  const fg = join(CORPUS, 'flamegraph');
  for (const dir of readdirSync(fg).sort()) {
    for (const file of readdirSync(join(fg, dir)).sort()) {
      const m = /^(.*)\.flamegraph-pl(-[a-z-]+)?\.svg$/.exec(file);
      if (!m) continue;
      const svg = join(fg, dir, file);
      if (dir === 'options-escaping') {
        cases.push({ name: `${dir}/${m[1]}`, svg, input: join(fg, dir, 'diff.txt'), options: ESCAPING[m[1]!]! });
      } else {
        cases.push({ name: `${dir}/${file}`, svg, input: join(fg, dir, `${m[1]}.txt`), options: optionsOf(m[2] ?? '') });
      }
    }
  }
  // dtrace/: flamegraph.pl ran on stackcollapse.pl's output (the same as our collapse of the capture).
  cases.push({
    name: 'dtrace/example-dtrace-stacks.flamegraph-pl.svg',
    svg: join(CORPUS, 'dtrace', 'example-dtrace-stacks.flamegraph-pl.svg'),
    input: join(CORPUS, 'dtrace', 'example-dtrace-stacks.folded'),
    options: {},
  });
  for (const file of readdirSync(join(CORPUS, 'diff-folded')).sort()) {
    const m = /^(.*)\.flamegraph-pl(-[a-z-]+)?\.svg$/.exec(file);
    if (m) {
      cases.push({
        name: `diff-folded/${file}`,
        svg: join(CORPUS, 'diff-folded', file),
        input: join(CORPUS, 'diff-folded', `${m[1]}.folded2`),
        options: optionsOf(m[2] ?? ''),
      });
    }
  }
  return cases;
}

// Documented flamegraph.pl defect 3: it draws `# key: value` comment lines as frames; we skip them.
const COMMENT_LINES = new Set(['austin/flames.flamegraph-pl.svg']);

describe('flamegraph.pl parity: same frames and fills on every corpus SVG', () => {
  const cases = corpusCases();
  it('finds the corpus cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) {
    it(c.name, async () => {
      const reference = svgFrames(readFileSync(c.svg, 'utf8'), c.options.countName);
      const ours = svgFrames(await renderSvg(readFileSync(c.input), c.options), c.options.countName);
      if (COMMENT_LINES.has(c.name)) {
        // Without the comment lines the total shrinks, so x and width differ: compare the rest.
        const shape = (fs: typeof ours): string[] =>
          fs.filter((f) => !f.name.startsWith('#') && f.name !== 'all').map((f) => `${f.name}|${f.samples}|${f.y}|${f.fill}`).sort();
        expect(reference.some((f) => f.name.startsWith('#'))).toBe(true);
        expect(ours.some((f) => f.name.startsWith('#'))).toBe(false);
        expect(shape(ours)).toEqual(shape(reference));
        return;
      }
      const diff = compareFrames(ours, reference);
      expect(diff.missing, 'frames flamegraph.pl draws that we do not').toEqual([]);
      expect(diff.extra, 'frames we draw that flamegraph.pl does not').toEqual([]);
      expect(diff.fills, 'frames coloured differently').toEqual([]);
      expect(ours.length).toBe(reference.length);
    });
  }
});

describe('flamegraph.pl parity for a capture drawn in one step', () => {
  it('dtrace/example-dtrace-stacks: the capture, collapsed and drawn, matches flamegraph.pl on its folded output', async () => {
    const dir = join(CORPUS, 'dtrace');
    const reference = svgFrames(readFileSync(join(dir, 'example-dtrace-stacks.flamegraph-pl.svg'), 'utf8'));
    const result = await collapse(join(dir, 'example-dtrace-stacks.txt'));
    const ours = svgFrames(Buffer.concat([...svgChunksOf(result)]).toString('utf8'));
    const diff = compareFrames(ours, reference);
    expect(diff.missing).toEqual([]);
    expect(diff.extra).toEqual([]);
    expect(diff.fills).toEqual([]);
    expect(ours.length).toBeGreaterThan(50);
  });
});
