// `flamefold batch`: one output per capture (equal to what collapse / the one-shot SVG
// writes), name clashes, a bad file among good ones, the summary, exit codes, --svg.

import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { afterAll, describe, expect, it } from 'vitest';
import { outputPaths, outputStem } from '../../src/batch/outputs.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, runCliCountingWorkers, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const corpus = (dir: string, name: string): { input: string; golden: string } => ({
  input: join(CORPUS, dir, `${name}.txt`),
  golden: join(CORPUS, dir, `${name}.expected.folded`),
});
const GOOD = [
  corpus('dtrace', 'example-dtrace-stacks'),
  corpus('dtrace', 'java'),
  corpus('procstat', 'brendangregg-procstat-ka-2015'),
  corpus('pmcstat', 'inferno-pr214-dd'),
  corpus('pmcstat', 'handmade-remainder'),
];
const read = (path: string): string => readFileSync(path, 'utf8');
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let n = 0;
const freshDir = (): string => join(tmp.dir, `out-${++n}`);
const noTempFiles = (dir: string): void => expect(readdirSync(dir).filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([]);

/** Throws unless `text` is well-formed XML (saxes is a strict, non-validating parser). */
function checkWellFormed(text: string): void {
  const parser = new SaxesParser();
  parser.on('error', (err) => {
    throw err;
  });
  parser.write(text).close();
}

describe('output names', () => {
  it('drop .gz, then .txt', () => {
    expect(outputStem('/a/b/x.txt')).toBe('x');
    expect(outputStem('x.txt.gz')).toBe('x');
    expect(outputStem('x.gz')).toBe('x');
    expect(outputStem('x.stacks')).toBe('x.stacks');
    expect(outputStem('x.gz.txt')).toBe('x.gz');
    expect(outputStem('.txt')).toBe('.txt');
  });

  it('clashes: the first keeps the plain name, later ones get -2, -3, never a name another input has plain', () => {
    const out = outputPaths(['a/x.txt', 'b/x.txt', 'x-2.txt', 'c/x.txt.gz', 'X.txt', 'y.txt'], '/o', '.folded');
    expect(out).toEqual(['/o/x.folded', '/o/x-3.folded', '/o/x-2.folded', '/o/x-4.folded', '/o/X-5.folded', '/o/y.folded']);
    expect(new Set(out.map((p) => p.toLowerCase())).size).toBe(out.length);
  });

  it('never the path of an input', () => {
    const dir = resolve(tmp.dir, 'inplace');
    // x.txt would become x.folded, which is the second input: it gets x-2.folded instead.
    expect(outputPaths([join(dir, 'x.txt'), join(dir, 'x.folded')], dir, '.folded')).toEqual([
      join(dir, 'x-2.folded'),
      join(dir, 'x.folded.folded'),
    ]);
  });
});

describe('flamefold batch', () => {
  it('converts every capture to DIR/NAME.folded, equal to its golden, with a summary', () => {
    const dir = freshDir();
    const r = runCli(['batch', '--out-dir', dir, ...GOOD.map((g) => g.input)]);
    // java.txt's first lines are not DTrace output: each capture's warnings reach the user.
    expect(r.stderr.toString()).toBe(
      `flamefold: warning: ${GOOD[1]!.input}: 2 malformed lines ignored (lines 1, 2): not indented, so not a frame, and not a count or a DTrace message\n`,
    );
    expect(r.status).toBe(0);
    for (const g of GOOD) expect(read(join(dir, `${outputStem(g.input)}.folded`))).toBe(read(g.golden));
    expect(readdirSync(dir)).toHaveLength(GOOD.length);
    const summary = r.stdout.toString().split('\n');
    expect(summary[0]).toMatch(/^file\s+format\s+bytes\s+stacks\s+time\s+status\s+output$/);
    // One row per capture in command-line order: format, stacks (lines of the golden), ok, output.
    GOOD.forEach((g, i) => {
      const cells = summary[i + 1]!.split(/\s{2,}/);
      expect(cells[0]).toBe(g.input);
      expect(cells[1]).toBe(g.input.includes('/dtrace/') ? 'dtrace' : g.input.includes('/procstat/') ? 'procstat' : 'pmcstat');
      expect(Number(cells[3])).toBe(read(g.golden).split('\n').filter((l) => l).length);
      expect(cells[4]).toMatch(/^\d+\.\d\d s$/);
      expect(cells[5]).toBe('ok');
      expect(cells[6]).toBe(join(dir, `${outputStem(g.input)}.folded`));
    });
    expect(r.stdout.toString()).toContain(`${GOOD.length} of ${GOOD.length} converted, 0 failed`);
    noTempFiles(dir);
  });

  it('a bad capture among good ones: the good outputs written, the bad one reported with no output, exit 1', () => {
    const dir = freshDir();
    const bad = join(tmp.dir, 'garbage.txt');
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 10, 0]));
    const missing = join(tmp.dir, 'missing.txt');
    const folder = join(tmp.dir, 'a-folder.txt');
    mkdirSync(folder, { recursive: true });
    const inputs = [GOOD[0]!.input, bad, GOOD[1]!.input, missing, folder, GOOD[2]!.input];
    const r = runCli(['batch', '-d', dir, '--jobs', '2', ...inputs]);
    expect(r.status).toBe(1);
    for (const g of GOOD.slice(0, 3)) expect(read(join(dir, `${outputStem(g.input)}.folded`))).toBe(read(g.golden));
    expect(existsSync(join(dir, 'garbage.folded'))).toBe(false);
    expect(existsSync(join(dir, 'missing.folded'))).toBe(false);
    expect(readdirSync(dir)).toHaveLength(3);
    noTempFiles(dir);
    const stderr = r.stderr.toString();
    expect(stderr).toContain(`${bad}: cannot tell the input format`);
    expect(stderr).toContain(`${missing}: cannot open: no such file or directory`);
    expect(stderr).toContain(`${folder}: is a directory, not a capture`);
    const stdout = r.stdout.toString();
    expect(stdout).toMatch(new RegExp(`^${esc(bad)}\\s+-\\s+8 B\\s+-\\s+\\S+ s\\s+FAILED\\s+-$`, 'm'));
    expect(stdout).toContain('3 of 6 converted, 3 failed');
    expect(stdout).toContain(`failed: ${bad}: cannot tell the input format`);
  });

  it('same names from different folders and .txt beside .txt.gz do not overwrite each other', () => {
    const dir = freshDir();
    const other = join(tmp.dir, 'other');
    mkdirSync(other, { recursive: true });
    // other/java.txt is a different capture under the same name; java.txt.gz the example, compressed.
    const otherJava = join(other, 'java.txt');
    copyFileSync(GOOD[0]!.input, otherJava);
    const gz = join(other, 'java.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(corpus('procstat', 'brendangregg-procstat-ka-2015').input)));
    const r = runCli(['batch', '-d', dir, GOOD[1]!.input, otherJava, gz]);
    expect(r.status).toBe(0);
    expect(read(join(dir, 'java.folded'))).toBe(read(GOOD[1]!.golden));
    expect(read(join(dir, 'java-2.folded'))).toBe(read(GOOD[0]!.golden));
    expect(read(join(dir, 'java-3.folded'))).toBe(read(GOOD[2]!.golden));
    expect(r.stdout.toString()).toMatch(new RegExp(`${esc(gz)}\\s+procstat\\s.*ok\\s+${esc(join(dir, 'java-3.folded'))}`));
  });

  it('the same outputs for any --jobs, and equal to flamefold collapse on each capture', () => {
    const one = freshDir();
    const many = freshDir();
    const inputs = GOOD.map((g) => g.input);
    expect(runCli(['batch', '-d', one, '-j', '1', ...inputs]).status).toBe(0);
    expect(runCli(['batch', '-d', many, '-j', '4', ...inputs]).status).toBe(0);
    for (const input of inputs) {
      const name = `${outputStem(input)}.folded`;
      expect(read(join(many, name))).toBe(read(join(one, name)));
      expect(read(join(one, name))).toBe(runCli(['collapse', input]).stdout.toString());
    }
  });

  it('with fewer captures than --jobs, the spare threads split a capture', () => {
    const split = { FLAMEFOLD_SPLIT_MIN_BYTES: '0' }; // the corpus captures are far below the default size
    const alone = freshDir();
    const r = runCliCountingWorkers(['batch', '-d', alone, '-j', '3', GOOD[0]!.input], split);
    expect(r.status).toBe(0);
    expect(r.workers).toBe(2); // the capture's own thread and two spare ones
    expect(read(join(alone, `${outputStem(GOOD[0]!.input)}.folded`))).toBe(read(GOOD[0]!.golden));
    const two = runCliCountingWorkers(['batch', '-d', freshDir(), '-j', '2', GOOD[0]!.input, GOOD[1]!.input], split);
    expect(two.status).toBe(0);
    expect(two.workers).toBe(0); // a thread per capture: none to spare
  });

  it('--format applies to every capture (not detected per file)', () => {
    const dir = freshDir();
    const dtrace = GOOD[0]!.input;
    const pmcstat = GOOD[3]!.input;
    const r = runCli(['batch', '-d', dir, '--format', 'pmcstat', dtrace, pmcstat]);
    expect(r.status).toBe(0);
    // The DTrace capture read as pmcstat: as `collapse --format pmcstat` does, nothing folded, a warning.
    expect(r.stdout.toString()).toMatch(new RegExp(`^${esc(dtrace)}\\s+pmcstat\\s+1\\.4 MB\\s+0\\s`, 'm'));
    expect(read(join(dir, `${outputStem(dtrace)}.folded`))).toBe(runCli(['collapse', '--format', 'pmcstat', dtrace]).stdout.toString());
    expect(r.stderr.toString()).toContain(`warning: ${dtrace}: no stacks found`);
    expect(read(join(dir, `${outputStem(pmcstat)}.folded`))).toBe(read(GOOD[3]!.golden));
  });

  it('what collapse reads (format flags, --event, filters, --window) applies to every capture, as collapse reads it', () => {
    const perf = join(CORPUS, 'perf', 'example-perf-stacks.txt.gz');
    const pmc = join(CORPUS, 'pmcstat', 'handmade-multi-pmc.txt');
    const dtrace = GOOD[0]!.input;
    const cases: [string[], string][] = [ // options, and a capture whose output they change
      [['--pid', '--kernel'], perf],
      [['--event', 'RESOURCE_STALLS.ANY'], pmc],
      [['--grep', 'java|read', '--skip-after', 'main'], dtrace],
      [['--window', '0..0'], perf],
    ];
    for (const [options, changed] of cases) {
      const dir = freshDir();
      const r = runCli(['batch', '-d', dir, ...options, perf, pmc, dtrace]);
      expect(r.status, r.stderr.toString()).toBe(options[0] === '--event' ? 1 : 0); // the perf and DTrace captures lack that event
      for (const input of [perf, pmc, dtrace]) {
        const alone = runCli(['collapse', ...options, input]);
        const out = join(dir, `${outputStem(input)}.folded`);
        if (alone.status !== 0) {
          expect(existsSync(out)).toBe(false);
          continue;
        }
        expect(read(out)).toBe(alone.stdout.toString());
        if (input === changed) expect(read(out)).not.toBe(runCli(['collapse', input]).stdout.toString());
      }
    }
  });

  it('--svg: well-formed SVGs, the same as the one-shot command draws; a capture with no samples fails', () => {
    const dir = freshDir();
    const empty = join(CORPUS, 'dtrace', 'ahl-btrace-jstack-traced.txt'); // traced stacks only: no counts
    const inputs = [GOOD[0]!.input, GOOD[2]!.input, GOOD[3]!.input, empty];
    const r = runCli(['batch', '--svg', '--title', 'Batch <&> "run"', '--colors', 'java', '--width', '900', '-d', dir, ...inputs]);
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toContain('3 of 4 converted, 1 failed');
    expect(r.stderr.toString()).toContain(`${empty}: no stack counts found: nothing to draw`);
    expect(existsSync(join(dir, 'ahl-btrace-jstack-traced.svg'))).toBe(false);
    for (const input of inputs.slice(0, 3)) {
      const svg = read(join(dir, `${outputStem(input)}.svg`));
      expect(() => checkWellFormed(svg)).not.toThrow();
      expect(svg).toContain('width="900"');
      expect(svg).toContain('Batch &lt;&amp;&gt;');
      const oneShot = join(tmp.dir, 'one-shot.svg');
      const o = runCli([input, '--title', 'Batch <&> "run"', '--colors', 'java', '--width', '900', '-o', oneShot]);
      expect(o.status).toBe(0);
      expect(svg).toBe(read(oneShot));
    }
    noTempFiles(dir);
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(() => checkWellFormed('<svg><g></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><title>a & b</title></svg>')).toThrow();
  });

  it('usage errors exit 2, before anything is written', () => {
    const dir = freshDir();
    const input = GOOD[0]!.input;
    expect(runCli(['batch', input]).status).toBe(2); // no --out-dir
    expect(runCli(['batch', '-d', dir]).status).toBe(2); // no captures
    expect(runCli(['batch', '-d', dir, '-']).status).toBe(2);
    expect(runCli(['batch', '-d', dir, '--title', 'x', input]).status).toBe(2); // an --svg option without --svg
    expect(runCli(['batch', '-d', dir, '--svg', '--colors', 'plaid', input]).status).toBe(2);
    expect(runCli(['batch', '-d', dir, '--svg', '--width', '-5', input]).status).toBe(2);
    expect(runCli(['batch', '-d', dir, '--jobs', '0', input]).status).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });

  it('--help documents the naming and clashes; the command is listed', () => {
    const r = runCli(['batch', '--help']);
    expect(r.status).toBe(0);
    const help = r.stdout.toString();
    expect(help).toMatch(/^Usage: flamefold batch/);
    expect(help).toContain('NAME-2, NAME-3');
    for (const o of ['--out-dir', '--svg', '--jobs', '--format', '--quiet', '--title', '--colors', '--width']) expect(help).toContain(o);
    expect(runCli(['--help']).stdout.toString()).toMatch(/^ {2}batch /m);
  });
});
