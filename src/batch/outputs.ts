// `flamefold batch`: where each capture's output goes, in the output folder.

import { resolve as resolvePath, basename, join } from 'node:path';

/** Suffixes taken off an input's name to make its output's: `.gz`, then `.txt`. */
export function outputStem(input: string): string {
  let name = basename(input);
  if (name.endsWith('.gz') && name.length > 3) name = name.slice(0, -3);
  if (name.endsWith('.txt') && name.length > 4) name = name.slice(0, -4);
  return name;
}

/**
 * Output paths in `dir`, one per input, never two the same: every input whose
 * plain name (`STEM.EXT`) no earlier input took gets it; the others get
 * `STEM-2.EXT`, `STEM-3.EXT`, ... (the first free one, in input order). Names are
 * compared ignoring case, so no two outputs clash on case-insensitive file
 * systems either, and no output is ever the path of an input.
 */
export function outputPaths(inputs: readonly string[], dir: string, ext: string): string[] {
  const taken = new Set<string>(inputs.map((i) => resolvePath(i).toLowerCase()));
  const key = (name: string): string => resolvePath(dir, name).toLowerCase();
  const names: (string | undefined)[] = inputs.map((input) => {
    const plain = `${outputStem(input)}${ext}`;
    if (taken.has(key(plain))) return undefined;
    taken.add(key(plain));
    return plain;
  });
  return inputs.map((input, i) => {
    let name = names[i];
    for (let n = 2; name === undefined; n++) {
      const candidate = `${outputStem(input)}-${n}${ext}`;
      if (!taken.has(key(candidate))) {
        taken.add(key(candidate));
        name = candidate;
      }
    }
    return join(dir, name);
  });
}
