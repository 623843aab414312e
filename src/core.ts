// The only file that touches the WebAssembly core: it instantiates it, feeds
// input bytes straight into its memory, and reads results back out. Everything
// crossing the boundary is a number; strings cross only for output and errors.

import { readFileSync } from 'node:fs';
import { instantiateSync } from '@assemblyscript/loader';

/** Input formats the core parses, with their numeric codes in assembly/index.ts. */
export const FORMAT_CODES = { dtrace: 1, pmcstat: 2, procstat: 3, folded: 4 } as const;
export type ParsedFormat = keyof typeof FORMAT_CODES;

const OPTION = { includeOffset: 1, byThread: 2, kernelMarks: 3, event: 4, countColumn: 5, strictFolded: 6, eventsOnly: 7 } as const;

/** Count columns for setOption('countColumn'): diff folds BEFORE into the first, AFTER into the second. */
export const COUNT_COLUMN = { mixed: 0, before: 1, after: 2 } as const;

/** Size of the reads into wasm memory: large enough to amortise calls, small enough for the cache. */
export const CHUNK_SIZE = 1 << 20;

interface CoreExports {
  memory: WebAssembly.Memory;
  init(): void;
  setOption(option: number, value: number): void;
  beginInput(format: number): void;
  inputBuffer(size: number): number;
  parse(len: number): void;
  endInput(): void;
  normalizeFirst(): void;
  statLines(): number;
  statIgnoredLines(): number;
  statDroppedRecords(): number;
  statSamples(): number;
  statSamples2(): number;
  statRecords(): number;
  statTwoCounts(): number;
  statFrames(): number;
  statNodes(): number;
  statStacks(): number;
  eventBuffer(len: number): number;
  eventCount(): number;
  eventNamePtr(i: number): number;
  eventNameLen(i: number): number;
  eventSamples(i: number): number;
  eventSections(i: number): number;
  eventMatchedSections(): number;
  eventAdd(len: number, samples: number, sections: number): void;
  eventMatchedAdd(n: number): void;
  foldedBegin(): number;
  foldedNext(): number;
  foldedBuffer(): number;
  treeParents(): number;
  treeFrames(): number;
  treeSelf(): number;
  treeSelf2(): number;
  frameArena(): number;
  frameOffsets(): number;
  frameLengths(): number;
  __getString(ptr: number): string;
}

/** An error raised inside the core (bad input it cannot go past, or out of memory). */
export class CoreError extends Error {
  override name = 'CoreError';
}

let compiled: WebAssembly.Module | undefined;

function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('../build/flamefold.wasm', import.meta.url)));
  return compiled;
}

/** Counts a session keeps, as reported by the core. */
export interface CoreTotals {
  lines: number;
  ignoredLines: number;
  droppedRecords: number;
  samples: number;
  samples2: number;
  records: number;
  twoCounts: boolean;
  frames: number;
  nodes: number;
  stacks: number;
}

/** One pmcstat event (PMC) seen in the input: its `@ NAME [N samples]` sections summed. */
export interface CoreEvent {
  /** The name as printed: raw bytes (pmcstat prints it unchecked, so it need not be UTF-8). */
  name: Uint8Array;
  /** Sum of N over its sections' headers. */
  samples: number;
  /** How many sections it had (system-mode PMCs print one per CPU). */
  sections: number;
}

/** The call tree as parallel arrays (copied out of wasm memory). Node 0 is the root; parent < child. */
export interface TreeArrays {
  parent: Uint32Array;
  frame: Uint32Array;
  self: Float64Array;
  self2: Float64Array;
  /** Frame names as raw bytes, by frame id. */
  names: Uint8Array[];
}

/** One collapse session: a wasm instance with its own frame table and call tree. */
export class CoreSession {
  private readonly core: CoreExports;

  constructor() {
    let core: CoreExports | undefined;
    const abort = (msg: number): never => {
      const text = core ? core.__getString(msg) : 'failure in the core';
      throw new CoreError(text);
    };
    const instance = instantiateSync(wasmModule(), { env: { abort } });
    core = instance.exports as unknown as CoreExports;
    this.core = core;
    core.init();
  }

  setIncludeOffset(on: boolean): void {
    this.core.setOption(OPTION.includeOffset, on ? 1 : 0);
  }

  setOption(name: keyof typeof OPTION, value: number): void {
    this.core.setOption(OPTION[name], value);
  }

  /** pmcstat: fold only the sections of this event (its name as bytes); null: every event. */
  setEvent(name: Uint8Array | null): void {
    if (name === null) {
      this.core.setOption(OPTION.event, -1);
      return;
    }
    const ptr = this.core.eventBuffer(name.length);
    new Uint8Array(this.core.memory.buffer, ptr, name.length).set(name);
    this.core.setOption(OPTION.event, name.length);
  }

  /** pmcstat: the events seen so far, in order of first appearance. */
  events(): CoreEvent[] {
    const c = this.core;
    const out: CoreEvent[] = [];
    for (let i = 0; i < c.eventCount(); i++) {
      const name = new Uint8Array(c.memory.buffer, c.eventNamePtr(i), c.eventNameLen(i)).slice();
      out.push({ name, samples: c.eventSamples(i), sections: c.eventSections(i) });
    }
    return out;
  }

  /** pmcstat: sections folded under the setEvent() filter so far. */
  matchedSections(): number {
    return this.core.eventMatchedSections();
  }

  /** pmcstat: adds another session's events() and matchedSections() (a worker's part of a file) to this one's. */
  mergeEvents(events: readonly CoreEvent[], matchedSections: number): void {
    const c = this.core;
    for (const e of events) {
      new Uint8Array(c.memory.buffer, c.eventBuffer(e.name.length), e.name.length).set(e.name);
      c.eventAdd(e.name.length, e.samples, e.sections);
    }
    c.eventMatchedAdd(matchedSections);
  }

  beginInput(format: ParsedFormat): void {
    this.core.beginInput(FORMAT_CODES[format]);
  }

  /** A view of wasm memory where up to `size` input bytes may be written; valid until the next call. */
  inputView(size: number): Uint8Array {
    const ptr = this.core.inputBuffer(size);
    return new Uint8Array(this.core.memory.buffer, ptr, size);
  }

  /** Parses `len` bytes written into the last inputView(). */
  commit(len: number): void {
    if (len > 0) this.core.parse(len);
  }

  /** Copies bytes in (for input that arrives in JS buffers: streams, decompressors). */
  write(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; off += CHUNK_SIZE) {
      const piece = bytes.subarray(off, Math.min(off + CHUNK_SIZE, bytes.length));
      this.inputView(piece.length).set(piece);
      this.commit(piece.length);
    }
  }

  endInput(): void {
    this.core.endInput();
  }

  /** diff -n: scales the first count column to the second's total, truncating each stack's count. */
  normalizeFirst(): void {
    this.core.normalizeFirst();
  }

  totals(): CoreTotals {
    const c = this.core;
    return {
      lines: c.statLines(),
      ignoredLines: c.statIgnoredLines(),
      droppedRecords: c.statDroppedRecords(),
      samples: c.statSamples(),
      samples2: c.statSamples2(),
      records: c.statRecords(),
      twoCounts: c.statTwoCounts() !== 0,
      frames: c.statFrames(),
      nodes: c.statNodes(),
      stacks: c.statStacks(),
    };
  }

  /** Folded text, sorted, in chunks of about 1 MiB (each a fresh copy). */
  *folded(): Generator<Uint8Array> {
    const c = this.core;
    c.foldedBegin();
    for (;;) {
      const n = c.foldedNext();
      if (n === 0) return;
      yield new Uint8Array(c.memory.buffer, c.foldedBuffer(), n).slice();
    }
  }

  tree(): TreeArrays {
    const c = this.core;
    const buf = c.memory.buffer;
    const n = c.statNodes();
    const parent = new Uint32Array(buf, c.treeParents(), n).slice();
    const frame = new Uint32Array(buf, c.treeFrames(), n).slice();
    const self = new Float64Array(buf, c.treeSelf(), n).slice();
    const self2Ptr = c.treeSelf2();
    const self2 = self2Ptr === 0 ? new Float64Array(n) : new Float64Array(buf, self2Ptr, n).slice();
    const frames = c.statFrames();
    const offsets = new Uint32Array(buf, c.frameOffsets(), frames);
    const lengths = new Uint32Array(buf, c.frameLengths(), frames);
    const arena = c.frameArena();
    const names: Uint8Array[] = new Array<Uint8Array>(frames);
    for (let i = 0; i < frames; i++) {
      const start = arena + offsets[i]!;
      names[i] = new Uint8Array(buf, start, lengths[i]!).slice();
    }
    return { parent, frame, self, self2, names };
  }
}
