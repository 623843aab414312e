// --cp: flamegraph.pl's consistent palette file ("palette.map"), one
// "name->rgb(r,g,b)" line per frame name, sorted, read before drawing and
// written back after, so a name keeps its colour across graphs.

import { readText } from '../util/file-handle.js';
import { writeFileAtomic } from '../output/atomic-file.js';
import { InputError, systemErrorText } from '../errors.js';

/** Reads a palette map; a missing file is an empty map. The colour is what follows the last "->". */
export async function readPaletteMap(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new InputError(path, `cannot read: ${systemErrorText(err)}`);
  }
  const map = new Map<string, string>();
  // A byte order mark (Windows editors write one) is not part of the first name.
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const at = line.lastIndexOf('->');
    if (at >= 0) map.set(line.slice(0, at), line.slice(at + 2).replace(/\r$/, ''));
  }
  return map;
}

/** Writes a palette map, sorted by name as flamegraph.pl writes it (atomically). */
export async function writePaletteMap(path: string, map: Map<string, string>): Promise<void> {
  const keys = [...map.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  await writeFileAtomic(path, async (sink) => {
    await sink.write(keys.map((k) => `${k}->${map.get(k)}\n`).join(''));
  });
}
