// The format registries of both languages tell the same story: every format
// the TypeScript side knows (detection, boundaries, options) is one the core
// parses, under the same name, with the same options; and the reverse.

import { describe, expect, it } from 'vitest';
import { CoreSession } from '../../src/core.js';
import { FORMATS, formatNamed, formatOptions } from '../../src/formats/registry.js';

describe('format registry', () => {
  const core = new CoreSession().formats();

  it('lists the same formats in both languages', () => {
    expect(core.map((f) => f.name).sort()).toEqual([...FORMATS].sort());
  });

  it("gives each format's options to the core's format of the same name", () => {
    for (const o of formatOptions()) {
      expect(core.find((f) => f.name === o.format)?.options, `${o.format} --${o.flag}`).toContain(o.key);
    }
  });

  it('has distinct names, flags and option keys, and a boundary rule and detector for each format', () => {
    const flags = formatOptions().map((o) => o.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(FORMATS).size).toBe(FORMATS.length);
    for (const name of FORMATS) {
      const f = formatNamed(name);
      expect(typeof f.detect).toBe('function');
      expect(typeof f.boundary).toBe('function');
    }
  });

  it('rejects a format or option the core does not have', () => {
    const s = new CoreSession();
    expect(() => s.beginInput('nosuchformat')).toThrow(/no format 'nosuchformat'/);
    expect(s.setFormatOption('noSuchOption', 1)).toBe(false);
  });
});
