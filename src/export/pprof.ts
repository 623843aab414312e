// pprof output: a result as a gzipped profile.proto (what `go tool pprof`,
// Pyroscope, speedscope and Perfetto read), encoded by the pprof-format package.
// One sample per distinct stack with its count(s) as values; a function and a
// location per distinct frame name, shared by every stack that has it. The
// stacks come from CollapseResult.stackPaths(), the walk every export reads.

import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Function as ProfileFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { CollapseResult } from '../api/collapse.js';
import { InputError } from '../errors.js';
import type { OutputSink } from '../output/atomic-file.js';

const gzipAsync = promisify(gzip);

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

/** A count (its exact text) as a pprof value (an int64): whole numbers only, never silently rounded. */
function sampleValue(result: CollapseResult, count: string, stack: () => string): number | bigint {
  const n = Number(count);
  if (Number.isSafeInteger(n)) return n; // a fraction is never whole here: counts print in their shortest form ("2", not "2.0")
  if (/^-?\d+$/.test(count)) return BigInt(count);
  const inputs = result.inputs.map((i) => i.name).join(', ') || '<no input>';
  throw new InputError(inputs, `pprof sample values are whole numbers, but the stack '${stack()}' counts ${count} (folded and speedscope output keep fractions)`);
}

/**
 * The profile of a result, or of several (one per event, see collapsePerEvent) whose sample
 * types sit side by side: one sample per distinct stack, functions and locations shared by name.
 */
export function pprofProfile(results: CollapseResult | readonly PprofSource[], options: PprofOptions = {}): Profile {
  const { sources, names } = Array.isArray(results)
    ? { sources: results as readonly PprofSource[], names: (results as readonly PprofSource[]).flatMap(sampleTypeNames) }
    : sourcesOf(results as CollapseResult, options);
  const strings = new StringTable();
  const sampleType = names.map((name) => new ValueType({ type: strings.dedup(name), unit: strings.dedup('count') }));
  const functions: ProfileFunction[] = [];
  const locations: Location[] = [];
  const idOf = new Map<string, number>(); // frame name → its function's id, also its location's id
  const samples: Sample[] = [];
  // A stack of several sources is one sample with a value per sample type (0 where a source lacks it).
  const sampleOf = sources.length > 1 ? new Map<string, Sample>() : undefined;
  let column = 0;
  for (const { result } of sources) {
    const functionOf = result.perFrame((name) => {
      let id = idOf.get(name); // sources share functions by name
      if (id === undefined) {
        id = functions.length + 1; // ids start at 1: 0 means "none" in profile.proto
        const nameId = strings.dedup(name);
        functions.push(new ProfileFunction({ id, name: nameId, systemName: nameId }));
        locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
        idOf.set(name, id);
      }
      return id;
    });
    for (const { frameIds, countText, count2Text } of result.stackPaths()) {
      const n = frameIds.length;
      const locationId = new Array<number>(n);
      for (let i = 0; i < n; i++) locationId[i] = functionOf(frameIds[n - 1 - i]!); // pprof lists a sample's locations leaf first
      const stack = (): string => Array.from(frameIds, result.frameNames()).join(';');
      const values = [sampleValue(result, countText, stack)];
      if (count2Text !== undefined) values.push(sampleValue(result, count2Text, stack));
      if (!sampleOf) {
        samples.push(new Sample({ locationId, value: values }));
        continue;
      }
      const key = locationId.join(',');
      let sample = sampleOf.get(key);
      if (!sample) {
        sample = new Sample({ locationId, value: new Array<number | bigint>(names.length).fill(0) });
        sampleOf.set(key, sample);
        samples.push(sample);
      }
      values.forEach((v, i) => (sample.value[column + i] = v));
    }
    column += result.twoCounts ? 2 : 1;
  }
  return new Profile({
    sampleType,
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    // no default_sample_type: pprof then shows the last column, the one an SVG's widths come from
  });
}

/** Writes a result (or several, see pprofProfile) as a gzipped pprof profile. Nothing is written when a count cannot be a pprof value. */
export async function writePprof(results: CollapseResult | readonly PprofSource[], sink: OutputSink, options: PprofOptions = {}): Promise<void> {
  const encoded = pprofProfile(results, options).encode();
  const compressed = await gzipAsync(encoded);
  for (let off = 0; off < compressed.length; off += 1 << 20) {
    await sink.write(compressed.subarray(off, Math.min(off + (1 << 20), compressed.length)));
  }
}
