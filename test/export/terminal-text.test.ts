// Frame names in the tables top and compare print for a terminal: control and
// bidi characters (a name is whatever bytes a capture held) are shown as escapes,
// so a name cannot drive the terminal or reorder the columns; the JSON reports
// and every other character (UTF-8 names) stay exact.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalText } from '../../src/export/terminal-text.js';
import { runCli, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// ESC [31m, BEL, a C1 CSI (U+009B), a right-to-left override, DEL; and a name that is fine as it is.
const HOSTILE = 'evil\u001b[31m\u0007\u009b2J\u202eexe.txt\u007f';
const SHOWN = 'evil\\x1b[31m\\x07\\x9b2J\\u{202e}exe.txt\\x7f';
const FINE = 'café::日本<std::string>\\path';
// Any character the tables must not print raw.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const base = join(tmp.dir, 'base.folded');
const next = join(tmp.dir, 'new.folded');
writeFileSync(base, 'main;work 10\n');
writeFileSync(next, `main;work 10\nmain;${HOSTILE} 10\nmain;${FINE} 10\n`);

describe('terminalText', () => {
  it('escapes C0, DEL, C1 and bidi controls, and nothing else', () => {
    expect(terminalText(HOSTILE)).toBe(SHOWN);
    expect(terminalText(FINE)).toBe(FINE);
    expect(terminalText('\u2066a\u2069\u200f\u061c')).toBe('\\u{2066}a\\u{2069}\\u{200f}\\u{61c}');
  });
});

describe('the tables of top and compare', () => {
  it('top: the name escaped, the JSON exact', () => {
    const text = runCli(['top', next]).stdout.toString();
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain(`  ${SHOWN}\n`);
    expect(text).toContain(`  ${FINE}\n`);
    const json = JSON.parse(runCli(['top', '--json', next]).stdout.toString()) as { bySelf: { name: string }[] };
    expect(json.bySelf.map((e) => e.name)).toContain(HOSTILE);
  });

  it('compare: the tables and the regression list escaped, the JSON exact', () => {
    const r = runCli(['compare', base, next]);
    expect(r.status).toBe(1); // both new functions grew past 2 points
    const text = r.stdout.toString();
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain(`  ${SHOWN}\n`);
    expect(text).toContain(`  ${SHOWN} (self +33.33, total +33.33)\n`);
    expect(text).toContain(`  ${FINE}\n`);
    const json = JSON.parse(runCli(['compare', '--json', base, next]).stdout.toString()) as { regressions: string[] };
    expect(json.regressions).toContain(HOSTILE);
  });
});
