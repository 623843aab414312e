// The import graph of src/ has no cycles: between modules, nor between folders
// (src/api/, src/render/, ... and the top-level files each count as one), so the
// layers read one way (cli → api → input → core, render → api, ...). Imports
// are read by TypeScript's own scanner: type-only imports, re-exports and
// dynamic import() count, comments do not. It sits at the top of test/ because
// it covers every folder of src/.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/helpers.js';

const SRC = join(ROOT, 'src');

type Graph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Module → the modules it imports, as paths under src/ (`parallel/pool.ts`). */
function moduleGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    const deps = new Set<string>();
    for (const { fileName } of imports) {
      if (!fileName.startsWith('.')) continue; // node: and packages
      const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'));
      // A name that resolves to nothing means this reader is wrong, not that the edge can be skipped.
      if (!existsSync(target)) throw new Error(`${relative(SRC, file)}: cannot resolve '${fileName}'`);
      deps.add(relative(SRC, target));
    }
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

/** The same graph between folders: `api/`, `render/`, ...; a top-level file is its own node. */
function folderGraph(modules: Graph): Graph {
  const folder = (path: string): string => (path.includes('/') ? `${path.split('/')[0]}/` : path);
  const graph: Graph = new Map();
  for (const [from, deps] of modules) {
    const edges = graph.get(folder(from)) ?? new Set<string>();
    for (const to of deps) if (folder(to) !== folder(from)) edges.add(folder(to));
    graph.set(folder(from), edges);
  }
  return graph;
}

/** One cycle per strongly connected component, written `a → b → a`, each with the edges that make it. */
function cycles(graph: Graph): string[] {
  // Tarjan's algorithm, then a path around each component of more than one node (or a self-loop).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) components.push(component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => {
    const inside = new Set(component);
    const start = [...component].sort()[0]!;
    // Breadth-first from the start back to itself, within the component: the shortest cycle through it.
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!inside.has(w) || previous.has(w)) continue;
        previous.set(w, v);
        queue.push(w);
      }
      if (previous.has(start)) break;
    }
    const back: string[] = [];
    for (let v = previous.get(start)!; v !== start; v = previous.get(v)!) back.push(v);
    return [start, ...back.reverse(), start].join(' → ');
  });
}

describe('the import graph of src/', () => {
  it('the cycle finder finds cycles (so an empty answer means something)', () => {
    const graph: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
      ['e', new Set(['e'])],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a', 'e → e']);
    expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toEqual([]);
  });

  it('reads the imports it should: type-only, re-exports and dynamic import() included', () => {
    const modules = moduleGraph();
    expect(modules.get('index.ts')).toContain('api/collapse.ts'); // export ... from
    expect(modules.get('cli/main.ts')).toContain('cli/svg.ts'); // import('./svg.js')
    expect(modules.get('render/svg.ts')).toContain('render/options.ts'); // import type
  });

  it('no module imports itself back, however indirectly', () => {
    expect(cycles(moduleGraph())).toEqual([]);
  });

  it('no folder imports itself back through another (the layers read one way)', () => {
    expect(cycles(folderGraph(moduleGraph()))).toEqual([]);
  });
});
