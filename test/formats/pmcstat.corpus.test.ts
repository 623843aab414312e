// pmcstat corpus: every `.expected.folded` byte for byte, format detection,
// event listing and selection on the real multi-event files, kernel marks.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CoreSession } from '../../src/core.js';
import { CORPUS, casesWith } from '../support/corpus.js';
import { runCli } from '../support/helpers.js';

const dir = join(CORPUS, 'pmcstat');
const inputOf = (name: string): string =>
  name === 'inferno-pr214-large' ? join(dir, `${name}.txt.gz`) : join(dir, `${name}.txt`);
const expected = (name: string): string => readFileSync(join(dir, `${name}.expected.folded`), 'utf8');

describe('pmcstat corpus: byte-identical to every .expected.folded', () => {
  const cases = casesWith('pmcstat', '.expected.folded');
  it('has the corpus cases', () => expect(cases.length).toBe(13));
  for (const name of cases) {
    it(name, async () => {
      const result = await collapse(inputOf(name), { format: 'pmcstat' });
      expect(result.text()).toBe(expected(name));
    });
  }

  it('--format auto recognises every pmcstat corpus file', async () => {
    for (const name of cases) {
      const result = await collapse(inputOf(name));
      expect([name, result.inputs[0]!.format]).toEqual([name, 'pmcstat']);
      expect(result.text()).toBe(expected(name));
    }
  });

  it('the malformed lines of the weird-stack-line files count as ignored', async () => {
    for (const kind of ['bad-count', 'bad-percent', 'no-function-name']) {
      const result = await collapse(inputOf(`inferno-pr214-weird-stack-line-${kind}`), { format: 'pmcstat' });
      expect(result.totals.linesIgnored).toBe(1);
    }
  });

  it('the CPI excerpt: its "[...]" elisions are ignored lines, the samples they stand for are remainders', async () => {
    const result = await collapse(inputOf('brendangregg-cpi-blog-excerpt'), { format: 'pmcstat' });
    expect(result.totals.linesIgnored).toBe(3);
    expect(result.totals.samples).toBe(854 + 213); // every top-level count is accounted for
  });
});

describe('pmcstat events', () => {
  it('lists the CPI excerpt\'s events with their samples summed over sections', async () => {
    const result = await collapse(inputOf('brendangregg-cpi-blog-excerpt'), { format: 'pmcstat', eventsOnly: true });
    const events = result.events().map(({ label, samples, sections }) => ({ label, samples, sections }));
    expect(events).toEqual([
      { label: 'CPU_CLK_UNHALTED.THREAD_P', samples: 10867 + 10856, sections: 2 },
      { label: 'RESOURCE_STALLS.ANY', samples: 3462, sections: 1 },
    ]);
    expect(result.text()).toBe(''); // headers only
  });

  it('keeps the non-UTF-8 event name of dd.txt as bytes', async () => {
    const result = await collapse(inputOf('inferno-pr214-dd'), { format: 'pmcstat' });
    const events = result.events();
    expect(events.map((e) => [Buffer.from(e.name).toString('hex'), e.label, e.samples, e.sections])).toEqual([
      [Buffer.from('CLOCK.HARD').toString('hex'), 'CLOCK.HARD', 2 + 1 + 251, 3],
      ['e803', '\\xe8\\x03', 66, 1],
    ]);
  });

  it('the sections of each event, folded apart and summed, give the whole file', async () => {
    for (const name of ['inferno-pr214-dd', 'brendangregg-cpi-blog-excerpt', 'handmade-multi-pmc']) {
      const all = await collapse(inputOf(name), { format: 'pmcstat', eventsOnly: true });
      const sum = new Map<string, number>();
      for (const e of all.events()) {
        const one = await collapse(inputOf(name), { format: 'pmcstat', event: e.name });
        expect(one.text()).not.toBe('');
        for (const line of one.lines()) {
          const at = line.lastIndexOf(' ');
          sum.set(line.slice(0, at), (sum.get(line.slice(0, at)) ?? 0) + Number(line.slice(at + 1)));
        }
      }
      const merged = [...sum.keys()]
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        .map((k) => `${k} ${sum.get(k)}\n`)
        .join('');
      expect(merged).toBe(expected(name));
    }
  });

  it('RESOURCE_STALLS.ANY of the CPI excerpt alone', async () => {
    const result = await collapse(inputOf('brendangregg-cpi-blog-excerpt'), { format: 'pmcstat', event: 'RESOURCE_STALLS.ANY' });
    // the two sf_buf_mext stacks of expected.folded: the only ones below that header
    expect(result.text()).toBe(
      expected('brendangregg-cpi-blog-excerpt').split('\n').filter((l) => l.endsWith('sf_buf_mext 97') || l.endsWith('sf_buf_mext 116')).join('\n') + '\n',
    );
  });

  it('mergeEvents: the events of a session that read part of a file add up (as a parallel worker\'s do)', () => {
    const text = readFileSync(inputOf('inferno-pr214-dd'));
    const cut = text.indexOf('@ CLOCK.HARD [251 samples]');
    const whole = new CoreSession();
    whole.setEvent(Buffer.from('CLOCK.HARD'));
    whole.beginInput('pmcstat');
    whole.write(text);
    whole.endInput();
    const [a, b] = [new CoreSession(), new CoreSession()];
    for (const [s, part, start] of [[a, text.subarray(0, cut), 0], [b, text.subarray(cut), cut]] as const) {
      s.setEvent(Buffer.from('CLOCK.HARD'));
      s.setInputOffset(start); // as a range of the file: where each event was first seen is the file's offset
      s.beginInput('pmcstat');
      s.write(part);
      s.endInput();
    }
    expect(b.events().length).toBe(2);
    a.mergeEvents(b.events(), b.matchedSections());
    expect(a.events()).toEqual(whole.events());
    expect(a.matchedSections()).toBe(3);
    expect(whole.matchedSections()).toBe(3);
  });

  it('the CLI lists the non-UTF-8 name as \\xHH and takes it back in --event', async () => {
    const list = runCli(['collapse', '--list-events', inputOf('inferno-pr214-dd')]);
    expect(list.status).toBe(0);
    expect(list.stdout.toString()).toBe('CLOCK.HARD 254\n\\xe8\\x03 66\n');
    const one = runCli(['collapse', '--event', '\\xe8\\x03', inputOf('inferno-pr214-dd')]);
    expect(one.status).toBe(0);
    const api = await collapse(inputOf('inferno-pr214-dd'), { event: Uint8Array.of(0xe8, 0x03) });
    expect(one.stdout.toString()).toBe(api.text());
    expect(api.totals.samples).toBe(66);
  });

  it('an unknown event is an error listing the events present', async () => {
    await expect(collapse(inputOf('inferno-pr214-dd'), { format: 'pmcstat', event: 'CYCLES' })).rejects.toThrow(
      "no section of event 'CYCLES' in the input; events present: CLOCK.HARD (254 samples), \\xe8\\x03 (66 samples)",
    );
  });

  it('an event in one input but not another: folded, with a warning for the other', async () => {
    const result = await collapse([inputOf('handmade-remainder'), inputOf('brendangregg-cpi-blog-excerpt')], {
      format: 'pmcstat',
      event: 'INST_RETIRED.ANY_P',
    });
    expect(result.text()).toBe(expected('handmade-remainder'));
    expect(result.warnings).toEqual([
      `${inputOf('brendangregg-cpi-blog-excerpt')}: no section of event 'INST_RETIRED.ANY_P'`,
    ]);
  });
});

describe('pmcstat kernel marks', () => {
  // Adds `_[k]` to every frame of a golden but the user-space ones, and re-sorts.
  const mark = (folded: string, user: Set<string>): string =>
    folded
      .trimEnd()
      .split('\n')
      .map((line) => {
        const at = line.lastIndexOf(' ');
        const frames = line.slice(0, at).split(';').map((f) => (user.has(f) ? f : `${f}_[k]`));
        return `${frames.join(';')}${line.slice(at)}`;
      })
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((l) => `${l}\n`)
      .join('');

  it('marks the frames of images under /boot/, the image carried from the line that printed it', async () => {
    // Written from the images in handmade-multi-pmc.txt: these frames are in
    // /lib, /usr/local/bin and /usr/local/lib; all others are under /boot/kernel.
    const user = new Set(['_start', 'main', '_ZN5Index4loadEPKc', '_read', '0x2a3c80', '0x2a4f13', 'memcpy.isra.0']);
    const result = await collapse(inputOf('handmade-multi-pmc'), { format: 'pmcstat', kernelMarks: true });
    expect(result.text()).toBe(mark(expected('handmade-multi-pmc'), user));
  });

  it('dd.txt: kernel and hwpmc.ko frames marked, its one libc/dd entry not', async () => {
    // lines 85-86 are the only ones outside /boot/: 0xb768a @ /lib/libc.so.7, 0x2042e0 @ /bin/dd
    const text = readFileSync(inputOf('inferno-pr214-dd'), 'latin1');
    expect(text.match(/ @ \/(?!boot\/)\S+/g)).toEqual([' @ /lib/libc.so.7', ' @ /bin/dd']);
    const result = await collapse(inputOf('inferno-pr214-dd'), { format: 'pmcstat', kernelMarks: true });
    expect(result.text()).toBe(mark(expected('inferno-pr214-dd'), new Set(['0xb768a', '0x2042e0'])));
    expect(result.text()).toMatch(/pmclog_loop_\[k\]/);
  });

  it('marks nothing in user-space-only captures', async () => {
    const result = await collapse(inputOf('inferno-pr214-shared2'), { format: 'pmcstat', kernelMarks: true });
    expect(result.text()).toBe(expected('inferno-pr214-shared2'));
  });
});
