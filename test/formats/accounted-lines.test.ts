// Every line accounted for (issue 11, item 8): a line a format cannot read is
// reported with the input, the count, the first line numbers and why; what a
// format skips by its rules (comments, DTrace's own messages, headers) is not.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const FOLDED = 'no count at the end';
const DTRACE = 'not indented, so not a frame, and not a count or a DTrace message';
const PMCSTAT = 'not a section header, a call-graph node under its caller, or blank';
const PROCSTAT = 'not a header, nor a row laid out as procstat prints it (columns shifted, cut short)';

async function warningsOf(path: string, options: Parameters<typeof collapse>[1] = {}): Promise<readonly string[]> {
  return (await collapse(path, options)).warnings;
}

describe('each format reports the lines it could not read', () => {
  it('folded: lines without a count, not # comments', async () => {
    const badLines = join(CORPUS, 'flamegraph', 'bad-lines', 'bad-lines.txt');
    expect(await warningsOf(badLines)).toEqual([`${badLines}: 2 malformed lines ignored (lines 3, 6): ${FOLDED}`]);
    const commented = join(tmp.dir, 'commented.folded');
    writeFileSync(commented, '# austin: 3.6\n# mode: wall\na;b 1\nno count here\n# more\na;c 2\n');
    const result = await collapse(commented);
    expect(result.warnings).toEqual([`${commented}: 1 malformed line ignored (line 4): ${FOLDED}`]);
    expect(result.totals.linesIgnored).toBe(4); // the comments are skipped, and counted, but not reported
  });

  it('folded, through svg: the warning names the file and the lines, and counts no comment', () => {
    const r = runCli(['svg', '-'], '# comment\na;b 1\nbad\n# another\na;c 2\n');
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe(`flamefold: warning: <stdin>: 1 malformed line ignored (line 3): ${FOLDED}\n`);
  });

  it('dtrace: unindented lines that are not DTrace messages (a prompt, ^C)', async () => {
    const prompt = join(CORPUS, 'dtrace', 'freebsd-fbt-malloc-stack.txt');
    expect(await warningsOf(prompt)).toEqual([`${prompt}: 2 malformed lines ignored (lines 1, 2): ${DTRACE}`]);
    // The CPU/ID header, probe-firing lines and dtrace: messages are DTrace's own: skipped quietly.
    for (const name of ['example-dtrace-stacks', 'stack-ustack', 'only-header-lines']) {
      const warnings = await warningsOf(join(CORPUS, 'dtrace', `${name}.txt`));
      expect(warnings.filter((w) => w.includes('malformed')), name).toEqual([]);
    }
  });

  it('pmcstat: elisions ([...], (snipped)) and nodes without their caller', async () => {
    const excerpt = join(CORPUS, 'pmcstat', 'brendangregg-cpi-blog-excerpt.txt');
    expect(await warningsOf(excerpt)).toEqual([`${excerpt}: 3 malformed lines ignored (lines 18, 20, 28): ${PMCSTAT}`]);
    const snipped = join(CORPUS, 'pmcstat', 'cheribsd-morello-doc-mangled-indent.txt');
    expect(await warningsOf(snipped)).toEqual([`${snipped}: 1 malformed line ignored (line 20): ${PMCSTAT}`]);
    const orphan = join(tmp.dir, 'orphan.txt');
    writeFileSync(orphan, '@ CLOCK [5 samples]\n\n100.0%  [5]        leaf @ /boot/kernel/kernel\n   100.0%  [5]          grandcaller\n');
    expect(await warningsOf(orphan)).toEqual([`${orphan}: 1 malformed line ignored (line 4): ${PMCSTAT}`]);
  });

  it('procstat: damaged rows and lines that are no rows', async () => {
    const capture = readFileSync(join(CORPUS, 'procstat', 'handmade-procstat-kk-2snapshots-w19.txt'), 'latin1').split('\n');
    capture[2] = capture[2]!.replace('kernel              ', 'kernel             '); // line 3: COMM padding short
    capture[4] = capture[4]!.replace('  812 100577', '  812'); // line 5: no TID
    capture.splice(6, 0, 'procstat: 1204: process exited'); // line 7: not a row
    const damaged = join(tmp.dir, 'damaged.txt');
    writeFileSync(damaged, capture.join('\n'), 'latin1');
    expect(await warningsOf(damaged, { format: 'procstat' })).toEqual([`${damaged}: 3 malformed lines ignored (lines 3, 5, 7): ${PROCSTAT}`]);
  });

  it('the first eight lines are listed, and how many more; on one thread or several', async () => {
    const lines = ['a;b 1'];
    for (let i = 0; i < 40_000; i++) lines.push(i % 1000 === 7 ? `line ${i} without a count` : `a;b;c${i % 13} ${i % 5}`);
    const big = join(tmp.dir, 'big.folded');
    writeFileSync(big, lines.join('\n') + '\n');
    const bad = lines.map((l, i) => (l.endsWith('count') ? i + 1 : 0)).filter((n) => n > 0);
    const expected = [`${big}: 40 malformed lines ignored (lines ${bad.slice(0, 8).join(', ')} and 32 more): ${FOLDED}`];
    expect(await warningsOf(big, { jobs: 1 })).toEqual(expected);
    expect(await warningsOf(big, { jobs: 3, splitMinBytes: 0 })).toEqual(expected);
  });
});
