// procstat rows a copy has damaged (issue 11, item 8): each quirk is a
// hand-made case from the corpus's exact-layout capture with one row damaged
// the way copies damage them. A damaged row is not read (and is reported), never
// folded with its frames in the thread name or a piece of a name as a frame.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { CORPUS } from '../support/corpus.js';
import { mergeFolded } from '../support/helpers.js';

const dir = join(CORPUS, 'procstat');
const base = 'handmade-procstat-kk-2snapshots-w19';
const capture = readFileSync(join(dir, `${base}.txt`), 'latin1');
const golden = readFileSync(join(dir, `${base}.expected.folded`), 'utf8');
const goldenByThread = readFileSync(join(dir, `${base}.expected-bythread.folded`), 'utf8');

// Line 3 of the capture, the row every case damages (a second snapshot has the same thread):
//     0 100038 kernel              if_io_tqg_0         mi_switch+0xbe sleepq_wait+0x2c _sleep+0x1f1 gtaskqueue_thread_loop+0x11c fork_exit+0x82 fork_trampoline+0xe
const ROW = 3;
const lines = capture.split('\n');
const row = lines[ROW - 1]!;
const STACK = 'fork_trampoline;fork_exit;gtaskqueue_thread_loop;_sleep;sleepq_wait;mi_switch';

/** The capture with line 3 replaced. */
const withRow = (text: string): Buffer => Buffer.from(lines.map((l, i) => (i === ROW - 1 ? text : l)).join('\n'), 'latin1');

/** A golden less one sample of a stack (the damaged row's). */
function lessOne(folded: string, stack: string): string {
  return mergeFolded(folded, `${stack} -1\n`).replace(/^.* 0\n/gm, '');
}

async function fold(bytes: Buffer, byThread = false): Promise<string> {
  return (await collapse(bytes, { format: 'procstat', byThread })).text();
}

/** The warning a damaged line gives. */
const reported = (line: number): string =>
  `<buffer 1>: 1 malformed line ignored (line ${line}): not a header, nor a row laid out as procstat prints it (columns shifted, cut short)`;

async function warnings(bytes: Buffer): Promise<readonly string[]> {
  return (await collapse(bytes, { format: 'procstat' })).warnings;
}

describe('procstat rows damaged by a copy are not read', () => {
  expect(row).toMatch(/^ {4}0 100038 kernel {14}if_io_tqg_0 {9}mi_switch\+0xbe /);

  const damaged: [string, string][] = [
    ['COMM padding one blank short (TDNAME and KSTACK shifted left)', row.replace('kernel              ', 'kernel             ')],
    ['COMM padding one blank long (TDNAME starts with a blank)', row.replace('kernel              ', 'kernel               ')],
    ['TDNAME padding one blank short (the leaf ran into the thread name)', row.replace('if_io_tqg_0         ', 'if_io_tqg_0        ')],
    ['columns squeezed to one blank', row.replace(/ +/g, ' ')],
    ['the TID column missing', row.replace('    0 100038 kernel', '    0 kernel')],
    ['the PID column missing', row.replace('    0 100038 kernel', ' 100038 kernel')],
  ];
  for (const [what, text] of damaged) {
    it(what, async () => {
      expect(await fold(withRow(text))).toBe(lessOne(golden, STACK));
      expect(await fold(withRow(text), true)).toBe(lessOne(goldenByThread, `kernel;if_io_tqg_0;${STACK}`));
      expect(await warnings(withRow(text))).toEqual([reported(ROW)]);
    });
  }

  it('a file cut mid-row: the cut row is not read (its last word is a piece of a name)', async () => {
    const cut = capture.indexOf('gtaskqueue_thread_loop') + 3; // "... _sleep+0x1f1 gta"
    const bytes = Buffer.from(capture.slice(0, cut), 'latin1');
    expect(await fold(bytes)).toBe('btext;swapper;_sleep;sleepq_timedwait;mi_switch 1\n');
    expect(await warnings(bytes)).toEqual([reported(3)]);
    // Cut after a frame's blank: procstat ends every row so, so the row is read (with the frames it has).
    const afterBlank = Buffer.from(capture.slice(0, capture.indexOf('fork_exit+0x82', cut)), 'latin1');
    expect(await fold(afterBlank)).toBe(
      'btext;swapper;_sleep;sleepq_timedwait;mi_switch 1\ngtaskqueue_thread_loop;_sleep;sleepq_wait;mi_switch 1\n',
    );
  });

  it('a whole capture without its final newline is read whole', async () => {
    expect(await fold(Buffer.from(capture.replace(/\n$/, ''), 'latin1'))).toBe(golden);
  });

  it('a copy without trailing blanks (poudriere-750) cut mid-word: told by the offset its last word lacks', async () => {
    const poudriere = readFileSync(join(dir, 'poudriere-750-procstat-kk-zfs.txt'), 'latin1');
    const expected = readFileSync(join(dir, 'poudriere-750-procstat-kk-zfs.expected.folded'), 'utf8');
    const last = poudriere.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/ fork_trampoline\+0xe$/);
    const lastStack = (await fold(Buffer.from(last, 'latin1'))).replace(/ 1\n$/, '');
    // Cut inside fork_trampoline+0xe's name: the row is not read.
    const cut = Buffer.from(poudriere.trimEnd().slice(0, -'oline+0xe'.length), 'latin1');
    expect(await fold(cut)).toBe(lessOne(expected, lastStack));
    expect(await warnings(cut)).toEqual([reported(poudriere.trimEnd().split('\n').length)]);
    // Cut inside its offset, or right after it: read (the frames are whole).
    for (const end of ['+0', '+0xe']) {
      const whole = Buffer.from(poudriere.trimEnd().slice(0, poudriere.trimEnd().length - '+0xe'.length) + end, 'latin1');
      expect(await fold(whole), end).toBe(expected);
    }
  });

  it('rows that fit stay read: a long COMM that runs on, a TDNAME with a blank, a run-on TDNAME with one', async () => {
    const w16 = 'handmade-procstat-k-w16-long-comm';
    const text = readFileSync(join(dir, `${w16}.txt`));
    expect(await fold(text)).toBe(readFileSync(join(dir, `${w16}.expected.folded`), 'utf8'));
    expect(await fold(text, true)).toBe(readFileSync(join(dir, `${w16}.expected-bythread.folded`), 'utf8'));
    // 16 columns: a 19-character thread name with a blank runs three columns on.
    const runOn = '  PID    TID COMM             TDNAME           KSTACK                       \n' +
      '    7 100070 zfskern          solthread 0xfffffff mi_switch sleepq_wait _cv_wait txg_thread_wait \n';
    expect(await fold(Buffer.from(runOn), true)).toBe('zfskern;solthread 0xfffffff;txg_thread_wait;_cv_wait;sleepq_wait;mi_switch 1\n');
  });
});
