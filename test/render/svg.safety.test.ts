// Hostile input: frame names and options that break flamegraph.pl's SVGs
// (unescaped titles, names pasted into script and CSS) must give well-formed
// XML whose script is exactly ours, whatever the bytes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { renderSvg, type RenderOptions } from '../../src/index.js';
import { svgFrames } from '../support/svgframes.js';

/** Parses as namespace-aware XML; throws on the first well-formedness error. Returns the script text. */
function parseXml(svg: string): { scripts: string[]; texts: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const scripts: string[] = [];
  const texts: string[] = [];
  let inScript = false;
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (t) => {
    if (t.local === 'script') {
      inScript = true;
      scripts.push('');
    }
  });
  parser.on('closetag', (t) => {
    if (t.local === 'script') inScript = false;
  });
  parser.on('cdata', (c) => {
    if (inScript) scripts[scripts.length - 1] += c;
  });
  parser.on('text', (c) => {
    if (inScript) scripts[scripts.length - 1] += c;
    else texts.push(c);
  });
  parser.write(svg).close();
  if (error) throw error;
  return { scripts, texts };
}

const HOSTILE_NAMES = [
  '</text><script>window.__pwned=1</script>',
  '</title></g><script>window.__pwned=2</script><g>',
  ']]><script>window.__pwned=3</script>',
  '"><svg onload="window.__pwned=4">',
  "it's \"quoted\" & <tagged>",
  'nul\u0000byte',
  'esc\u001b[31mred\u001b[0m',
  'bell\u0007 vt\u000b ff\u000c',
  'tab\there',
  '<!-- not a comment -->',
  '-->',
  '\ufffe\uffff',
  'line\u2028sep\u2029',
  '${window.__pwned=5}`',
  '\\u003cscript\\u003e',
];

describe('hostile frame names give well-formed XML and only our script', () => {
  it('renders every hostile name, escaped, as a frame', async () => {
    const folded = HOSTILE_NAMES.map((n, i) => `root;${n} ${i + 1}\n`).join('');
    const svg = await renderSvg(folded, { minWidth: 0 });
    const { scripts } = parseXml(svg);
    expect(scripts).toHaveLength(1);
    expect(svg).not.toContain('window.__pwned=1</script>');
    expect(svg).not.toMatch(/<script>window/);
    // Every name survives as text (control characters shown as their control pictures).
    const names = svgFrames(svg).map((f) => f.name);
    expect(names).toContain('</text><script>window.__pwned=1</script>');
    expect(names).toContain("it's \"quoted\" & <tagged>");
    expect(names).toContain('nul\u2400byte');
    expect(names).toContain('esc\u241b[31mred\u241b[0m');
    expect(names).toContain('\ufffd\ufffd');
  });

  it('invalid UTF-8 in names is replaced, not passed through', async () => {
    const bytes = Buffer.concat([
      Buffer.from('root;bad'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
      Buffer.from('name 5\nroot;ok 3\n'),
    ]);
    const svg = await renderSvg(bytes);
    parseXml(svg);
    expect(Buffer.from(svg, 'utf8').toString('utf8')).toBe(svg);
    expect(svgFrames(svg).some((f) => f.name.startsWith('bad\ufffd'))).toBe(true);
  });

  it('any bytes as frame names (property)', async () => {
    const frameBytes = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((b) => b.filter((c) => c !== 0x0a && c !== 0x3b));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(frameBytes, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (stacks) => {
        // "r;" first, so no line is a "#" comment and every graph has samples.
        const lines = stacks.map((frames, i) => Buffer.concat([Buffer.from('r'), ...frames.flatMap((f) => [Buffer.from(';'), f]), Buffer.from(` ${i + 1}\n`)]));
        const svg = await renderSvg(Buffer.concat(lines), { minWidth: 0 });
        const { scripts } = parseXml(svg);
        expect(scripts).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });
});

const HOSTILE_TEXT = 'x</text><script>window.__pwned=6</script>]]>"\'\\\u0000\u001b</style>--><!--';

describe('every option that reaches the SVG is escaped for its context', () => {
  const cases: [string, RenderOptions][] = [
    ['title', { title: HOSTILE_TEXT }],
    ['subtitle', { subtitle: HOSTILE_TEXT }],
    ['countname', { countName: HOSTILE_TEXT }],
    ['nametype', { nameType: HOSTILE_TEXT }],
    ['notes', { notes: HOSTILE_TEXT }],
    ['fonttype', { fontType: HOSTILE_TEXT }],
    ['fonttype list', { fontType: 'Andale Mono", evil; } * { fill: red } x {' }],
  ];
  for (const [name, options] of cases) {
    it(name, async () => {
      const svg = await renderSvg('a;b 3\na;c 1\n', options);
      const { scripts } = parseXml(svg);
      expect(scripts).toHaveLength(1);
      // The script is ours: it parses, and its config carries the option verbatim.
      expect(() => new Function(scripts[0]!)).not.toThrow();
      expect(svg).not.toContain('<script>window');
      const css = /<style[^>]*>([\s\S]*?)<\/style>/.exec(svg)![1]!;
      expect(css).not.toContain('</style');
      // One rule per line, and the font never escapes its declaration.
      expect(css.split('\n').filter((l) => l.includes('font-family')).length).toBe(1);
      expect(/font-family:([^;]*);/.exec(css)![1]).not.toMatch(/[{}]/);
      // The comment with the notes cannot be closed early.
      for (const c of svg.matchAll(/<!--([\s\S]*?)-->/g)) expect(c[1]).not.toContain('--');
    });
  }

  it('the viewer config carries count name and name type exactly (as JSON, not pasted into code)', async () => {
    const svg = await renderSvg('a;b 3\n', { countName: "it's \\ \"x\"", nameType: 'Name: \'"\\' });
    const script = parseXml(svg).scripts[0]!;
    // The script calls the viewer with its config, then its parts: (function…)({config}, {\nframeIndex: …});
    const json = /\}\)\((\{[^\n]*\}), \{\nframeIndex: /.exec(script)![1]!;
    const config = JSON.parse(json) as { countName: string; nameType: string };
    expect(config.countName).toBe("it's \\ \"x\"");
    expect(config.nameType).toBe('Name: \'"\\');
  });
});
