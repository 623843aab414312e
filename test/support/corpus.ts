// Paths into the shared reference corpus (../shared beside the checkout).

import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const CORPUS = join(SHARED, 'corpus');
export const TOOLS = join(SHARED, 'tools');

/** Corpus cases of a directory that have `NAME.<suffix>` beside `NAME.txt`. */
export function casesWith(dir: string, suffix: string): string[] {
  const d = join(CORPUS, dir);
  return readdirSync(d)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .filter((name) => existsSync(join(d, `${name}.txt`)) || existsSync(join(d, `${name}.txt.gz`)))
    .sort();
}
