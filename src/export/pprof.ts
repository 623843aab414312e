// pprof output: a result as a gzipped profile.proto (what `go tool pprof`,
// Pyroscope, speedscope and Perfetto read), the bytes pprof-format's encoder
// gives, written as they are made (pprof-encoding.ts) and gzipped as a stream:
// what is held is a number or two per function, not an object per sample,
// location, function and string (at millions of frames more than V8 has).
// One sample per distinct stack with its count(s) as values; a function and a
// location per distinct frame name, shared by every stack that has it. The
// stacks come from CollapseResult.stackPaths(), the walk every export reads.

import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { CollapseResult } from '../api/collapse.js';
import { InputError } from '../errors.js';
import type { OutputSink } from '../output/atomic-file.js';
import { FrameKeys } from './frame-keys.js';
import { FUNCTION, LOCATION, ProtoWriter, SAMPLE, SAMPLE_TYPE } from './pprof-encoding.js';

/** Options of a pprof export. */
export interface PprofOptions {
  /**
   * What the counts are: the sample type's name (default "samples"). Pass the event's
   * label when the result holds one pmcstat event (`collapse --event` does).
   * Two-count input gets two sample types, NAME_before and NAME_after.
   */
  countName?: string;
  /** The sample types' names, one per count column; overrides countName. */
  sampleTypes?: readonly string[];
  /**
   * The largest profile (encoded, before gzip) made: past it, an error (default 2 GiB - 1, protobuf's
   * limit for one message, past which pprof's readers refuse it).
   */
  maxBytes?: number;
}

/** A result and the name of its sample type: a profile may hold several results, one per event of a capture. */
export interface PprofSource {
  result: CollapseResult;
  /** Its sample type; a two-count result has two, NAME_before and NAME_after. */
  name: string;
}

/** The sample type names of one source: one per count column. */
function sampleTypeNames({ result, name }: PprofSource): string[] {
  return result.twoCounts ? [`${name}_before`, `${name}_after`] : [name];
}

/** The sources of a profile of one result, named by the options. */
function sourcesOf(result: CollapseResult, options: PprofOptions): { sources: PprofSource[]; names: string[] } {
  const source = { result, name: options.countName ?? 'samples' };
  if (!options.sampleTypes) return { sources: [source], names: sampleTypeNames(source) };
  const columns = result.twoCounts ? 2 : 1;
  if (options.sampleTypes.length !== columns) {
    throw new Error(`sampleTypes names ${options.sampleTypes.length} types for ${columns} count column(s)`);
  }
  return { sources: [source], names: [...options.sampleTypes] };
}

/** A whole count (its exact text, checked by checkWhole) as a pprof value (an int64), never rounded. */
function sampleValue(count: string): number | bigint {
  const n = Number(count);
  return Number.isSafeInteger(n) ? n : BigInt(count); // counts print in their shortest form ("2", not "2.0")
}

/**
 * The encoded profile (uncompressed), a chunk at a time: a result, or several (one per event, see
 * collapsePerEvent) whose sample types sit side by side. One sample per distinct stack (in folded
 * order), functions and locations shared by name, made in order of first use (each sample's frames
 * leaf first), then the string table: as pprof-format encodes the same Profile. A count that is not a
 * whole number is an error before the first chunk.
 */
function* profileChunks(results: CollapseResult | readonly PprofSource[], options: PprofOptions): Generator<Uint8Array> {
  const { sources, names } = Array.isArray(results)
    ? { sources: results as readonly PprofSource[], names: (results as readonly PprofSource[]).flatMap(sampleTypeNames) }
    : sourcesOf(results as CollapseResult, options);
  for (const { result } of sources) if (result.countScale > 0) checkWhole(result);
  const w = new ProtoWriter();
  const maxBytes = options.maxBytes ?? 2 ** 31 - 1;
  let made = 0;
  const take = (): Uint8Array[] => {
    const chunks = w.out.full.splice(0);
    for (const chunk of chunks) made += chunk.length;
    if (made > maxBytes) {
      const inputs = sources.map(({ result }) => result.inputs.map((i) => i.name).join(', ')).join(', ') || '<no input>';
      throw new InputError(inputs, `a pprof profile of these stacks passes ${maxBytes} bytes, protobuf's limit for one message (pprof readers refuse it): use speedscope or folded output`);
    }
    return chunks;
  };
  // The string table starts with "", then the sample types' names and unit (each once).
  const strings = new Map<string, number>([['', 0]]);
  const dedup = (s: string): number => strings.get(s) ?? (strings.set(s, strings.size), strings.size - 1);
  for (const name of names) {
    const [type, unit] = [dedup(name), dedup('count')];
    w.field(8, type);
    w.field(16, unit);
    w.record(SAMPLE_TYPE);
  }
  // A function per distinct frame name (frame-keys.ts), its id 1 + the frame's: 0 means "none" in profile.proto.
  const functions = new FrameKeys();
  const sampleOf = sources.length > 1 ? new Map<string, { locationId: number[]; value: (number | bigint)[] }>() : undefined;
  let column = 0;
  for (const { result } of sources) {
    const values: (number | bigint)[] = [];
    const frameOf = functions.indexOf(result);
    for (const { frameIds, countText, count2Text } of result.stackPaths()) {
      const n = frameIds.length;
      const locationId = new Array<number>(n);
      for (let i = 0; i < n; i++) locationId[i] = frameOf(frameIds[n - 1 - i]!) + 1; // pprof lists a sample's locations leaf first
      values.length = 0;
      values.push(sampleValue(countText));
      if (count2Text !== undefined) values.push(sampleValue(count2Text));
      if (!sampleOf) {
        w.packed(10, locationId); // Sample's fields 1 and 2
        w.packed(18, values);
        w.record(SAMPLE);
        if (w.out.full.length > 0) yield* take();
        continue;
      }
      // A stack of several sources is one sample with a value per sample type (0 where a source lacks it).
      const key = locationId.join(',');
      let sample = sampleOf.get(key);
      if (!sample) sampleOf.set(key, (sample = { locationId, value: new Array<number | bigint>(names.length).fill(0) }));
      values.forEach((v, i) => (sample.value[column + i] = v));
    }
    column += result.twoCounts ? 2 : 1;
  }
  for (const { locationId, value } of sampleOf?.values() ?? []) {
    w.packed(10, locationId);
    w.packed(18, value);
    w.record(SAMPLE);
    if (w.out.full.length > 0) yield* take();
  }
  const functionCount = functions.size;
  for (let fn = 1; fn <= functionCount; fn++) {
    w.field(8, fn);
    w.line(fn); // its one line: the function of the same id
    w.record(LOCATION);
    if (w.out.full.length > 0) yield* take();
  }
  // A function's name is a new string unless it is one of the sample types' strings (the only
  // strings before them): decoded to see, when it is bytes as long as one of those.
  const fixed = strings.size;
  const fixedLengths = new Set([...strings.keys()].map((text) => Buffer.byteLength(text)));
  const decoder = new TextDecoder();
  const reused = new Map<number, number>(); // function → the sample type string its name is
  let next = fixed;
  for (let fn = 1; fn <= functionCount; fn++) {
    const name = functions.nameAt(fn - 1);
    const same = typeof name === 'string' ? strings.get(name) : fixedLengths.has(name.length) ? strings.get(decoder.decode(name)) : undefined;
    if (same !== undefined) reused.set(fn, same);
    const id = same ?? next++;
    w.field(8, fn);
    w.field(16, id);
    w.field(24, id);
    w.record(FUNCTION);
    if (w.out.full.length > 0) yield* take();
  }
  for (const text of strings.keys()) w.string(Buffer.from(text, 'utf8'));
  for (let fn = 1; fn <= functionCount; fn++) {
    if (reused.has(fn)) continue;
    const name = functions.nameAt(fn - 1);
    w.string(typeof name === 'string' ? Buffer.from(name, 'utf8') : name); // bytes not UTF-8 were decoded to U+FFFD's
    if (w.out.full.length > 0) yield* take();
  }
  w.out.flush();
  yield* take();
}

/** Throws the error of the first stack whose count (either column) is not a whole number: before any output is made. */
function checkWhole(result: CollapseResult): void {
  for (const { frameIds, countText, count2Text } of result.stackPaths()) {
    for (const count of count2Text === undefined ? [countText] : [countText, count2Text]) {
      if (/^-?\d+$/.test(count)) continue;
      const inputs = result.inputs.map((i) => i.name).join(', ') || '<no input>';
      const stack = Array.from(frameIds, result.frameNames()).join(';');
      throw new InputError(inputs, `pprof sample values are whole numbers, but the stack '${stack}' counts ${count} (folded and speedscope output keep fractions)`);
    }
  }
}

/**
 * The profile of a result, or of several (one per event, see collapsePerEvent) whose sample
 * types sit side by side: what writePprof() writes, decoded (pprof-format's Profile).
 */
export function pprofProfile(results: CollapseResult | readonly PprofSource[], options: PprofOptions = {}): Profile {
  return Profile.decode(Buffer.concat([...profileChunks(results, options)]));
}

/** Writes a result (or several, see pprofProfile) as a gzipped pprof profile. Nothing is written when a count cannot be a pprof value. */
export async function writePprof(results: CollapseResult | readonly PprofSource[], sink: OutputSink, options: PprofOptions = {}): Promise<void> {
  const gzip = createGzip();
  const written = (async (): Promise<void> => {
    for await (const chunk of gzip) await sink.write(chunk as Buffer);
  })();
  try {
    for (const chunk of profileChunks(results, options)) if (!gzip.write(chunk)) await once(gzip, 'drain');
    gzip.end();
  } catch (e) {
    gzip.destroy();
    await written.catch(() => undefined);
    throw e;
  }
  await written;
}
