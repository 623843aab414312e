// Loading the WebAssembly core: compiling the module once per thread (or
// adopting one compiled by another thread), instantiating it, and the core's
// tables of names. src/core.ts (CoreSession) is the one user of this file, and
// with it the only code that touches the core's exports.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CoreExports, NoteKind } from './core-types.js';
import { PACKAGE_ROOT } from './package-root.js';

let compiled: WebAssembly.Module | undefined;

/** The core's file: FLAMEFOLD_WASM selects another build of it (e.g. one with names, for profiling). */
const corePath = (): string => process.env.FLAMEFOLD_WASM ?? fileURLToPath(new URL('build/flamefold.wasm', PACKAGE_ROOT));

function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(corePath()));
  return compiled;
}

/** What the command's launcher (scripts/cli-launcher.cjs) started compiling, and from which file. */
interface CompilingAhead {
  path: string;
  compiling: Promise<WebAssembly.Module>;
}
const AHEAD = Symbol.for('flamefold.core-compiling');

/**
 * Takes the module the launcher began compiling as the command started (on V8's own threads, while
 * this thread loaded the CLI), when it is this thread's core: awaited before the first session, the
 * compile is then off this thread's path. Without one (the API, a worker), or if it failed, the
 * module is compiled when first needed, as always.
 */
export async function coreCompiled(): Promise<void> {
  const ahead = (globalThis as { [AHEAD]?: CompilingAhead })[AHEAD];
  if (compiled || !ahead || ahead.path !== corePath()) return;
  try {
    compiled ??= await ahead.compiling;
  } catch {
    // wasmModule() compiles it again, and reports what is wrong
  }
}

/** The compiled core, for worker threads: a module posted to a worker shares its compiled code. */
export function coreModule(): WebAssembly.Module {
  return wasmModule();
}

/** Makes this thread's sessions use a module compiled by another thread. */
export function adoptCoreModule(module: WebAssembly.Module): void {
  compiled = module;
}

/** An error raised inside the core (bad input it cannot go past, or out of memory). */
export class CoreError extends Error {
  override name = 'CoreError';
}

/**
 * A new instance of the core, initialised (its own memory and, unless `session` is false, a
 * collapse session's tables). `markerLine` answers the core's question whether the line of
 * `len` bytes at `ptr` matches --snapshot-marker (1) or not (0).
 */
export function instantiateCore(markerLine: (ptr: number, len: number) => number, session = true): CoreExports {
  let core: CoreExports | undefined;
  // AssemblyScript's abort(message, file, line, column): the message names the input's line when it is bad input.
  const abort = (message: number): never => {
    throw new CoreError((core && message !== 0 && stringAt(core, message)) || 'failure in the core');
  };
  core = new WebAssembly.Instance(wasmModule(), { env: { abort, markerLine } }).exports as unknown as CoreExports;
  if (session) core.init(); // a collapse session's tables (an instance that only writes needs none)
  return core;
}

/**
 * An AssemblyScript string in the core's memory: UTF-16 code units, their
 * byte length stored in the four bytes before it (the runtime's object header).
 */
function stringAt(core: CoreExports, ptr: number): string {
  const bytes = new Uint32Array(core.memory.buffer, ptr - 4, 1)[0]!;
  return Buffer.from(core.memory.buffer, ptr, bytes).toString('utf16le');
}

/**
 * The core's tables of names: formats (code = index + 1), their options and
 * the session's options (code = index). Read once: the core is the one place
 * that numbers them.
 */
export interface CoreTables {
  formats: Map<string, number>;
  /** Option name → [format code, option index] of each format that has it. */
  formatOptions: Map<string, [number, number][]>;
  sessionOptions: Map<string, number>;
  noteKinds: NoteKind[];
  /** How many notes of each kind the core keeps with their line. */
  notesKept: number;
}
let tables: CoreTables | undefined;

/** The tables, read from the first instance asked (every instance of the module numbers alike). */
export function tablesOf(core: CoreExports): CoreTables {
  if (tables) return tables;
  const words = (ptr: number): string[] => stringAt(core, ptr).split(' ').filter((w) => w !== '');
  const formats = new Map(words(core.formatNames()).map((name, i) => [name, i + 1]));
  const formatOptions = new Map<string, [number, number][]>();
  for (const code of formats.values()) {
    words(core.formatOptionNames(code)).forEach((name, index) => {
      formatOptions.set(name, [...(formatOptions.get(name) ?? []), [code, index]]);
    });
  }
  const sessionOptions = new Map(words(core.sessionOptionNames()).map((name, i) => [name, i]));
  const noteKinds = words(core.noteKindNames()) as NoteKind[];
  tables = { formats, formatOptions, sessionOptions, noteKinds, notesKept: core.notesKept() };
  return tables;
}

/** The code of a name in one of the core's tables; a name it lacks is a bug in the caller. */
export function codeOf(table: ReadonlyMap<string, number>, name: string, what: string): number {
  const code = table.get(name);
  if (code === undefined) throw new Error(`the core has no ${what} '${name}'`);
  return code;
}

/** The formats the core reads, in code order, with the names of their options. */
export function formatList({ formats, formatOptions }: CoreTables): { name: string; options: string[] }[] {
  return [...formats].map(([name, code]) => ({
    name,
    options: [...formatOptions].filter(([, places]) => places.some(([c]) => c === code)).map(([option]) => option),
  }));
}
