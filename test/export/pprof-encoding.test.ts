// pprof output is written a record at a time (src/export/pprof-encoding.ts):
// its bytes must be those pprof-format's own encoder gives for the Profile
// built of objects the straightforward way (here: one Sample, Location,
// Function per stack and name, the strings deduplicated by its StringTable),
// including the corners: names not UTF-8 (one function), names equal to a
// sample type's string, the empty stack, negative and 64-bit counts, two
// counts, several sources (events) side by side.

import { gunzipSync } from 'node:zlib';
import { Function as ProfileFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { collapse, type CollapseResult } from '../../src/api/collapse.js';
import { writePprof, type PprofSource } from '../../src/export/pprof.js';

/** The profile built of pprof-format's objects, encoded by it (what the export wrote before it streamed). */
function oracle(sources: readonly PprofSource[]): Uint8Array {
  const strings = new StringTable();
  const names = sources.flatMap(({ result, name }) => (result.twoCounts ? [`${name}_before`, `${name}_after`] : [name]));
  const sampleType = names.map((name) => new ValueType({ type: strings.dedup(name), unit: strings.dedup('count') }));
  const functions: ProfileFunction[] = [];
  const locations: Location[] = [];
  const idOf = new Map<string, number>();
  const samples: Sample[] = [];
  const sampleOf = new Map<string, Sample>();
  const value = (text: string): number | bigint => (Number.isSafeInteger(Number(text)) ? Number(text) : BigInt(text));
  let column = 0;
  for (const { result } of sources) {
    for (const { frames, countText, count2Text } of result.stacks()) {
      const locationId = [...frames].reverse().map((name) => {
        let id = idOf.get(name);
        if (id === undefined) {
          id = functions.length + 1;
          const nameId = strings.dedup(name);
          functions.push(new ProfileFunction({ id, name: nameId, systemName: nameId }));
          locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
          idOf.set(name, id);
        }
        return id;
      });
      const values = count2Text === undefined ? [value(countText)] : [value(countText), value(count2Text)];
      if (sources.length === 1) {
        samples.push(new Sample({ locationId, value: values }));
        continue;
      }
      let sample = sampleOf.get(locationId.join(','));
      if (!sample) {
        sample = new Sample({ locationId, value: new Array<number | bigint>(names.length).fill(0) });
        sampleOf.set(locationId.join(','), sample);
        samples.push(sample);
      }
      values.forEach((v, i) => (sample.value[column + i] = v));
    }
    column += result.twoCounts ? 2 : 1;
  }
  return new Profile({ sampleType, sample: samples, location: locations, function: functions, stringTable: strings }).encode();
}

/** Where the export's bytes (gunzipped) first differ from the oracle's, -1 when they do not (a deep equal of megabytes is slow). */
async function firstDifference(sources: readonly PprofSource[]): Promise<number> {
  const chunks: Buffer[] = [];
  await writePprof(sources, { write: async (c) => void chunks.push(Buffer.from(c)) });
  const [ours, theirs] = [gunzipSync(Buffer.concat(chunks)), Buffer.from(oracle(sources))];
  if (ours.equals(theirs)) return -1;
  let i = 0;
  while (i < ours.length && ours[i] === theirs[i]) i++;
  return i;
}

const fold = (...parts: (string | number[])[]): Promise<CollapseResult> =>
  collapse(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))), { format: 'folded' });

describe('pprof encoding', () => {
  it('names not UTF-8 (one function), a name equal to a sample type\'s string, the empty stack, negative and 64-bit counts', async () => {
    const result = await fold(
      'main;a;b 5\nmain;samples;count 3\nmain;main;main -4\n 7\né;ab;\u{1F600} 9007199254740993\nx -9007199254740993\n',
      [0x71, 0xff, 0x3b, 0x62, 0x20, 0x31, 0x0a, 0x71, 0xfe, 0x3b, 0x63, 0x20, 0x32, 0x0a], // q\xff;b 1 and q\xfe;c 2: q\uFFFD is one function
    );
    expect(await firstDifference([{ result, name: 'samples' }])).toBe(-1);
  });

  it('two counts; several sources side by side, sharing functions by name', async () => {
    const two = await fold('a;b 1 4\na;c 3 0\nc;count 2 2\n');
    expect(await firstDifference([{ result: two, name: 'cycles' }])).toBe(-1);
    const sources = [
      { result: await fold('a;b 1\na;c 3\nd 4\n'), name: 'cycles' },
      { result: await fold('a;c 5\ne;a 6\nd 1\n', [0x71, 0xff, 0x20, 0x31, 0x0a]), name: 'stalls' },
    ];
    expect(await firstDifference(sources)).toBe(-1);
  });

  it('several sources: names of the first (plain, past ASCII, not UTF-8, a sample type\'s) met again in the second are its functions', async () => {
    const sources = [
      { result: await fold('a;count 1\n', [0xc3, 0xa9, 0x3b, 0x71, 0xff, 0x20, 0x32, 0x0a], 'b;a 3\n'), name: 'cycles' },
      { result: await fold('c;a 4\n', [0x71, 0xfe, 0x3b, 0xc3, 0xa9, 0x20, 0x35, 0x0a], 'count;b;cycles 6\n'), name: 'stalls' },
    ];
    expect(await firstDifference(sources)).toBe(-1);
  });

  it('many frames and samples, across the 1 MiB chunks the records are gathered in', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60000; i++) lines.push(`root;mod${i % 7};fn_${i}_${'x'.repeat(i % 40)};leaf${i % 1000} ${(i * 7919) % 100000}\n`);
    const result = await fold(lines.join(''));
    const source = [{ result, name: 'samples' }];
    expect(await firstDifference(source)).toBe(-1);
  });

  it('a profile past protobuf\'s message limit (maxBytes, 2 GiB - 1 by default) is an error naming the input, not a crash', async () => {
    const result = await fold('a;b 1\na;c 2\n');
    const sink = { write: async (): Promise<void> => undefined };
    await expect(writePprof(result, sink, { maxBytes: 20 })).rejects.toThrow(
      /^<buffer 1>: a pprof profile of these stacks passes 20 bytes, protobuf's limit for one message \(pprof readers refuse it\): use speedscope or folded output$/,
    );
    await expect(writePprof(result, sink, { maxBytes: 200 })).resolves.toBeUndefined();
  });
});
