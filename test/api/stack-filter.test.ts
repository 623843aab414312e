// Stack filters (--base, --skip-after, --grep, --exclude) on every command
// that reads stacks: hand-made cases computed by hand, an independent oracle
// over the generators' expected output, and inferno's own --base SVGs from the
// corpus, reproduced by an oracle written from inferno's description.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, collapseTwoMetrics, compare, diff, renderSvg, UsageError } from '../../src/index.js';
import { stackFilter } from '../../src/api/stack-filter.js';
import { CORPUS } from '../support/corpus.js';
import { frameData, svgFrames, unescapeXml } from '../support/svgframes.js';
import { generate, mergeFolded, readText, runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const folded = (text: string): Buffer => Buffer.from(text);
const fold = async (text: string, options: Parameters<typeof collapse>[1] = {}): Promise<string> =>
  (await collapse(folded(text), { format: 'folded', ...options })).text();

// A tokio-style profile: the runtime's frames sit under every task, one task recurses through the runtime.
const TOKIO = [
  'main;rt::block_on;tokio::run;task_a;work 5',
  'main;rt::block_on;tokio::run;task_b;io 3',
  'main;setup 2',
  'main;rt::block_on;tokio::run;task_a;tokio::run;inner 4',
  'tokio::run;orphan 1',
  'main;rt::block_on;tokio::run 6',
].join('\n') + '\n';

describe('--base (inferno): keep the stacks through FRAME, cut so that it is their root', () => {
  it('drops stacks without it, cuts at its deepest occurrence, keeps it as root or leaf, merges what becomes equal', async () => {
    expect(await fold(TOKIO, { base: 'tokio::run' })).toBe(
      // by hand: setup has no tokio::run (dropped); inner's stack has two (cut at the second); the
      // orphan starts with it (kept whole); the last line ends with it (kept as a one-frame stack)
      'tokio::run 6\ntokio::run;inner 4\ntokio::run;orphan 1\ntokio::run;task_a;work 5\ntokio::run;task_b;io 3\n',
    );
    // Stacks that become equal merge: both tasks' io under one root.
    expect(await fold('a;x;io 2\nb;x;io 3\nc;y 1\n', { base: 'x' })).toBe('x;io 5\n');
  });

  it('several names: the deepest frame that is any of them', async () => {
    expect(await fold(TOKIO, { base: ['task_a', 'task_b'] })).toBe('task_a;tokio::run;inner 4\ntask_a;work 5\ntask_b;io 3\n');
    expect(await fold(TOKIO, { base: ['rt::block_on', 'task_a'] })).toBe(
      'rt::block_on;tokio::run 6\nrt::block_on;tokio::run;task_b;io 3\ntask_a;tokio::run;inner 4\ntask_a;work 5\n',
    );
  });

  it('names match whole frames exactly: no substrings, annotations count', async () => {
    expect(await fold('main;tokio::run_x 1\nmain;tokio 1\n', { base: 'tokio::run' })).toBe('');
    expect(await fold('main;read_[k];x 1\nmain;read;y 2\n', { base: 'read' })).toBe('read;y 2\n');
  });

  it('is what inferno draws for the corpus --base SVGs, apart from its two documented slips', async () => {
    const dir = join(CORPUS, 'flamegraph', 'flamechart-base');
    const lines = readText(join(dir, 'flames.txt')).split('\n').filter((l) => l !== '');
    // inferno's --base, read from its description and source: it scans the ';'-separated pieces of the
    // whole line from the end and keeps the line from the first piece equal to a base name. The last
    // piece is "leaf COUNT", so a leaf never matches; a line whose only match is its first frame is dropped.
    const inferno = (line: string, bases: readonly string[]): string | undefined => {
      const pieces = line.split(';');
      for (let i = pieces.length - 1; i > 0; i--) if (bases.includes(pieces[i]!)) return pieces.slice(i).join(';');
      return undefined;
    };
    // Name, y, and start and width in samples: inferno's fg:x and fg:w attributes, ours from our frame data.
    const frameSet = (svg: string): string[] =>
      (frameData(svg)
        ? svgFrames(svg).map((f) => `${f.name}|${f.y}|${f.start}|${f.samplesWidth}`)
        : [...svg.matchAll(/<title>([^<]*)<\/title>\s*<rect x="[^"]*" y="([^"]*)"[^>]*fg:x="([^"]*)" fg:w="([^"]*)"/g)].map(
            (m) => `${unescapeXml(m[1]!.replace(/ \([^(]*$/, ''))}|${m[2]}|${m[3]}|${m[4]}`,
          )
      ).sort();
    const cases: [string, readonly string[]][] = [['flames.inferno-base-Final.svg', ['Final']], ['flames.inferno-base-Final-Samples.svg', ['Final', 'Samples']]];
    for (const [file, bases] of cases) {
      // The oracle is inferno: drawn (at inferno's minimum width), its stacks give inferno's SVG frame for frame.
      const theirs = lines.flatMap((line) => inferno(line, bases) ?? []);
      const reference = frameSet(readFileSync(join(dir, file), 'utf8'));
      expect(frameSet(await renderSvg(theirs.join('\n') + '\n', { minWidth: '0.01%' }))).toEqual(reference);
      expect(reference.length).toBeGreaterThan(30);
      // Ours differs on exactly the lines whose leaf is a base name: there the leaf is the deepest match.
      const ours = stackFilter({ base: bases })!;
      const cut = (line: string): [string, string] => [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' '))];
      const differ = lines.filter((line) => {
        const [stack, count] = cut(line);
        const mine = ours(stack);
        return (mine === undefined ? undefined : mine + count) !== inferno(line, bases);
      });
      const leafIsBase = lines.filter((line) => bases.includes(cut(line)[0].split(';').pop()!));
      expect(differ).toEqual(leafIsBase);
      expect(differ.length).toBeGreaterThan(0);
      for (const line of differ) expect(ours(cut(line)[0])).toBe(cut(line)[0].split(';').pop());
    }
    // The other slip: inferno drops a stack whose only base frame is its root; here it is kept whole.
    expect(await fold('Final;x 2\n', { base: 'Final' })).toBe('Final;x 2\n');
  });
});

describe('--skip-after (inferno): drop the callers of FRAME', () => {
  it('cuts the stacks through it at its deepest occurrence and keeps the others whole', async () => {
    expect(await fold(TOKIO, { skipAfter: 'tokio::run' })).toBe(
      'main;setup 2\ntokio::run 6\ntokio::run;inner 4\ntokio::run;orphan 1\ntokio::run;task_a;work 5\ntokio::run;task_b;io 3\n',
    );
    expect(await fold(TOKIO, { skipAfter: ['task_b', 'setup'] })).toBe(
      'main;rt::block_on;tokio::run 6\nmain;rt::block_on;tokio::run;task_a;tokio::run;inner 4\nmain;rt::block_on;tokio::run;task_a;work 5\nsetup 2\ntask_b;io 3\ntokio::run;orphan 1\n',
    );
  });

  it('after --base, on what --base kept', async () => {
    expect(await fold(TOKIO, { base: 'rt::block_on', skipAfter: 'task_a' })).toBe(
      'rt::block_on;tokio::run 6\nrt::block_on;tokio::run;task_b;io 3\ntask_a;tokio::run;inner 4\ntask_a;work 5\n',
    );
  });
});

describe('--grep and --exclude: a regular expression on the folded stack text, as grep on folded lines', () => {
  it('match the whole text "root;...;leaf", never the count', async () => {
    expect(await fold(TOKIO, { grep: 'task_' })).toBe(
      'main;rt::block_on;tokio::run;task_a;tokio::run;inner 4\nmain;rt::block_on;tokio::run;task_a;work 5\nmain;rt::block_on;tokio::run;task_b;io 3\n',
    );
    expect(await fold(TOKIO, { grep: '^main;[^;]*$' })).toBe('main;setup 2\n'); // anchors: the stack's ends
    expect(await fold(TOKIO, { grep: ' 5' })).toBe(''); // counts are not part of the text
    expect(await fold(TOKIO, { exclude: /tokio::run(;|$)/ })).toBe('main;setup 2\n');
    expect(await fold(TOKIO, { grep: /task/g, exclude: 'io$' })).toBe(
      'main;rt::block_on;tokio::run;task_a;tokio::run;inner 4\nmain;rt::block_on;tokio::run;task_a;work 5\n',
    );
  });

  it('see the whole stack before --base cuts it', async () => {
    expect(await fold(TOKIO, { grep: '^main;', base: 'task_a' })).toBe('task_a;tokio::run;inner 4\ntask_a;work 5\n');
  });

  it('read names as UTF-8; bytes that are not UTF-8 pass through unchanged', async () => {
    const text = Buffer.concat([Buffer.from('main;café 2\nmain;caf'), Buffer.from([0xe9]), Buffer.from(';x 3\nmain;other 1\n')]);
    const result = await collapse(text, { format: 'folded', grep: 'é' });
    expect(result.text()).toBe('main;café 2\n');
    const kept = await collapse(text, { format: 'folded', exclude: 'other' });
    expect(Buffer.concat([...kept.chunks()]).includes(Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0x3b])]))).toBe(true);
  });

  // A flame chart's records are refolded in input order: the chart equals the chart of the
  // records filtered by hand first. Records of one stack apart (a, b, a) stay apart; those
  // the filter brings together (a dropped b between them, or two stacks cut to one) merge.
  it('a flame chart is filtered in input order', async () => {
    const records = ['main;a;x 1', 'main;b 2', 'main;a;x 3', 'rt;a;y 4', 'main;c;a;y 5', 'main;a;x 6', 'main;d 7'];
    const chart = async (text: string, options: Parameters<typeof collapse>[1] = {}): Promise<string> =>
      renderSvg(await collapse(folded(text), { format: 'folded', keepOrder: true, ...options }), { flameChart: true, minWidth: 0 });
    const lines = (kept: string[]): string => kept.join('\n') + '\n';
    // --exclude '^main;b$': a;x 1 and a;x 3 become neighbours and merge.
    expect(await chart(lines(records), { exclude: '^main;b$' })).toBe(await chart(lines(records.filter((r) => r !== 'main;b 2'))));
    // --base a: main;b and main;d go; main;a;x, rt;a;y and main;c;a;y are cut at a.
    const based = ['a;x 1', 'a;x 3', 'a;y 4', 'a;y 5', 'a;x 6'];
    expect(await chart(lines(records), { base: 'a' })).toBe(await chart(lines(based)));
    // Records whose stacks live in the call tree (no stack-table budget) are read in order too.
    expect(await chart(lines(records), { base: 'a', stackTableBytes: 0 })).toBe(await chart(lines(based)));
    // --skip-after c cuts one record and keeps the others whole, in their places.
    const skipped = records.map((r) => (r === 'main;c;a;y 5' ? 'c;a;y 5' : r));
    expect(await chart(lines(records), { skipAfter: 'c' })).toBe(await chart(lines(skipped)));
    const svg = await chart(lines(records), { base: 'a' });
    // Neighbours of one name merge at each depth: one a; x, y, x below it.
    const at = (name: string): number[][] => svgFrames(svg).filter((f) => f.name === name).map((f) => [f.start, f.samplesWidth]);
    expect([at('a'), at('x'), at('y')]).toEqual([[[0, 19]], [[0, 4], [13, 6]], [[4, 9]]]);
  });

  it('on the CLI: svg --flamechart --grep draws the chart of the matching records', () => {
    const records: string[] = [];
    for (let i = 0; i < 300; i++) records.push(`main;${['read', 'write', 'poll'][(i * 7) % 3]};f${i % 4} ${1 + (i % 5)}`);
    const all = join(tmp.dir, 'chart.folded');
    const kept = join(tmp.dir, 'chart-kept.folded');
    writeFileSync(all, records.join('\n') + '\n');
    writeFileSync(kept, records.filter((r) => /read|write/.test(r)).join('\n') + '\n');
    const filtered = runCli(['svg', '--flamechart', '--grep', 'read|write', all]);
    expect(filtered.status, filtered.stderr.toString()).toBe(0);
    const reference = runCli(['svg', '--flamechart', kept]);
    expect(filtered.stdout.toString()).toBe(reference.stdout.toString());
    expect(svgFrames(filtered.stdout.toString()).some((f) => f.name === 'poll')).toBe(false);
  });

  it('a bad expression or an empty frame name is a usage error before any input is read', async () => {
    await expect(collapse('/nonexistent/input', { grep: '(' })).rejects.toThrow(UsageError);
    await expect(collapse('/nonexistent/input', { exclude: '[' })).rejects.toThrow(/--exclude: not a regular expression/);
    await expect(diff('/nonexistent/a', '/nonexistent/b', { base: '' })).rejects.toThrow(UsageError);
  });
});

describe('the filters keep what the result says about its input', () => {
  it('totals count the stacks kept, and the lines read', async () => {
    const result = await collapse(folded(`${TOKIO}not a stack line\n`), { format: 'folded', base: 'task_a' });
    expect(result.totals).toMatchObject({ samples: 9, stacks: 2, lines: 7, linesIgnored: 1 });
  });

  it('two-count input keeps both counts', async () => {
    expect(await fold('a;x;y 1 2\nb;x;y 3 4\nc;z 5 6\n', { base: 'x' })).toBe('x;y 4 6\n');
  });

  it('pmcstat events survive the filter', async () => {
    const input = join(CORPUS, 'pmcstat', 'handmade-multi-pmc.txt');
    const plain = await collapse(input);
    const filtered = await collapse(input, { exclude: '^$' });
    expect(filtered.events().length).toBeGreaterThan(1);
    expect(filtered.events()).toEqual(plain.events());
    expect(filtered.text()).toBe(plain.text());
  });

  it('a filter that keeps nothing says so', async () => {
    const warnings: string[] = [];
    await collapse(folded(TOKIO), { format: 'folded', grep: 'nowhere', onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual(['no stack passed the stack filters (--base, --skip-after, --grep, --exclude)']);
  });
});

describe('one path for every command that reads stacks', () => {
  it('a generated capture: collapse (two threads) equals an independent filter over the expected stacks', async () => {
    const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, 'dtrace', ['--bytes', '3M', '--stacks', '300', '--seed', '11']);
    const lines = readText(expected).split('\n').filter((l) => l !== '');
    const frames = lines.map((l) => l.slice(0, l.lastIndexOf(' ')).split(';'));
    // A frame about halfway up the stacks, present in some but not all of them.
    const name = frames[Math.floor(frames.length / 2)]![2]!;
    const oracle = lines.flatMap((line) => {
      const stack = line.slice(0, line.lastIndexOf(' ')).split(';');
      const at = stack.lastIndexOf(name);
      return at < 0 || /idle/.test(stack.join(';')) ? [] : [`${stack.slice(at).join(';')}${line.slice(line.lastIndexOf(' '))}`];
    });
    expect(oracle.length).toBeGreaterThan(0);
    expect(oracle.length).toBeLessThan(lines.length);
    const result = await collapse(input, { base: name, exclude: 'idle', jobs: 2, splitMinBytes: 1 << 20 });
    expect(result.text()).toBe(mergeFolded(oracle.join('\n')));
  }, 60_000);

  it('diff, compare and cpi filter both profiles', async () => {
    const before = folded('main;a;x 10\nmain;b;x 5\nmain;c 5\n');
    const after = folded('main;a;x 20\nmain;c 1\n');
    expect((await diff(before, after, { format: 'folded', base: 'x' })).text()).toBe('x 15 20\n');
    expect((await diff(before, after, { format: 'folded', exclude: ';x$' })).text()).toBe('main;c 5 1\n');
    // Only the x stacks are compared: a and b are then 2/3 and 1/3 of base, all of new.
    const changes = await compare(before, after, { format: 'folded', grep: ';x$' });
    expect(changes.baseSamples).toBe(15);
    expect(changes.newSamples).toBe(20);
    expect(changes.functions.find((f) => f.name === 'b')!.totalChange).toBeCloseTo(-100 / 3, 9);
    const cpi = await collapseTwoMetrics(after, before, { format: 'folded', skipAfter: 'a' });
    expect(cpi.text()).toBe('a;x 10 20\nmain;b;x 5 0\nmain;c 5 1\n');
  });

  it('the CLI: collapse (and its exports), top, svg, the one-step form, diff and compare take the options; --help says what is matched', () => {
    const input = join(tmp.dir, 'tokio.folded');
    const other = join(tmp.dir, 'other.folded');
    writeFileSync(input, TOKIO);
    writeFileSync(other, 'main;setup 4\nmain;rt::block_on;tokio::run;task_b;io 1\n');
    const collapsed = runCli(['collapse', '--base', 'task_a', '--base', 'task_b', '--exclude', 'inner', input]);
    expect(collapsed.stdout.toString()).toBe('task_a;work 5\ntask_b;io 3\n');
    for (const command of [['svg'], []]) {
      const r = runCli([...command, '--skip-after', 'tokio::run', '--grep', 'task_b', input]);
      expect(r.status).toBe(0);
      const titles = svgFrames(r.stdout.toString()).map((f) => f.title);
      expect(titles).toContain('tokio::run (3 samples, 100.00%)');
      expect(titles.some((t) => t.startsWith('main '))).toBe(false);
    }
    expect(runCli(['diff', '--grep', ';io$', input, other]).stdout.toString()).toBe('main;rt::block_on;tokio::run;task_b;io 3 1\n');
    const compared = runCli(['compare', '--json', '--base', 'tokio::run', input, other]);
    expect(JSON.parse(compared.stdout.toString()).new.samples).toBe(1);
    const bad = runCli(['collapse', '--grep', '(', input]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.toString()).toContain('--grep: not a regular expression');
    const chart = runCli(['svg', '--flamechart', '--grep', ';io$', input]);
    expect(chart.status, chart.stderr.toString()).toBe(0);
    expect(svgFrames(chart.stdout.toString()).map((f) => f.name)).toEqual(['all', 'main', 'rt::block_on', 'tokio::run', 'task_b', 'io']);
    // top and the exports fold through the same options
    const top = JSON.parse(runCli(['top', '--json', '--base', 'task_a', input]).stdout.toString()) as { samples: number };
    expect(top.samples).toBe(9);
    const speedscope = JSON.parse(runCli(['collapse', '--to', 'speedscope', '--grep', 'task_b', input]).stdout.toString()) as {
      profiles: { weights: number[] }[];
    };
    expect(speedscope.profiles.map((p) => p.weights)).toEqual([[3]]);
    for (const command of ['collapse', 'top', 'svg', 'diff', 'compare', 'cpi']) {
      const help = runCli([command, '--help']).stdout.toString();
      expect(help, command).toContain('folded text "root;...;leaf"');
      expect(help, command).toContain('--skip-after FRAME');
    }
  });
});
