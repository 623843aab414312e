// Generated DTrace captures of every shape gen-dtrace.mjs makes, against its
// independent --expect oracle.

import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { generate, readText, tempDir } from '../support/helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const shapes: { name: string; args: string[] }[] = [
  { name: 'mixed-1-snapshot', args: ['--bytes', '3M', '--seed', '1', '--stacks', '800'] },
  { name: 'mixed-snapshots', args: ['--bytes', '3M', '--seed', '2', '--stacks', '1500', '--snapshots', '12'] },
  { name: 'kernel-quiet', args: ['--bytes', '2M', '--seed', '3', '--style', 'kernel', '--quiet'] },
  { name: 'user-snapshots-quiet', args: ['--bytes', '2M', '--seed', '4', '--style', 'user', '--snapshots', '5', '--quiet'] },
  { name: 'user-seed-99', args: ['--bytes', '2M', '--seed', '99', '--style', 'user', '--stacks', '3000'] },
  { name: 'mixed-many-stacks', args: ['--bytes', '4M', '--seed', '7', '--stacks', '20000', '--snapshots', '3'] },
];

describe('generated DTrace captures fold to the generator\'s expected output', () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const { input, expected } = generate('gen-dtrace.mjs', tmp.dir, shape.name, shape.args);
      const result = await collapse(input, { format: 'dtrace' });
      expect(result.text()).toBe(readText(expected));
      expect(result.totals.recordsDropped).toBe(0);
    });
  }

  it('detects the format of every shape', async () => {
    for (const shape of shapes) {
      const result = await collapse(`${tmp.dir}/${shape.name}.txt`);
      expect(result.inputs[0]!.format).toBe('dtrace');
    }
  });
});
