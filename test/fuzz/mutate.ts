// Inputs for fuzzing: corpus captures of each format, damaged the ways real
// files get damaged (cut short, bytes flipped, lines lost or doubled, NUL and
// CR bytes, very long lines, huge numbers, gzip of any of it, cut or not) and
// random bytes. fast-check makes them from fixed seeds, so a failure replays.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CORPUS } from '../support/corpus.js';

/** A seed input: a corpus file (a large one cut to its first lines). */
export interface Seed {
  name: string;
  bytes: Uint8Array;
}

/** Seeds past this size are cut (at a line end): many runs must stay quick. */
const SEED_BYTES = 48 << 10;

function cut(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= SEED_BYTES) return bytes;
  const nl = bytes.lastIndexOf(10, SEED_BYTES);
  return bytes.subarray(0, nl < 0 ? SEED_BYTES : nl + 1);
}

function read(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return cut(path.endsWith('.gz') ? gunzipSync(bytes) : bytes);
}

/** The corpus files in `dir` whose names pass `keep`. */
function corpusFiles(dir: string, keep: (file: string) => boolean): Seed[] {
  return readdirSync(join(CORPUS, dir))
    .filter(keep)
    .sort()
    .map((file) => ({ name: `${dir}/${file}`, bytes: read(join(CORPUS, dir, file)) }));
}

const capture = (f: string): boolean => f.endsWith('.txt') || f.endsWith('.txt.gz');

/** The seeds of a format: its corpus captures (folded: the folded inputs of the flame graph cases). */
export function seedsOf(format: string): Seed[] {
  if (format === 'folded') {
    const cases = readdirSync(join(CORPUS, 'flamegraph')).sort();
    return [
      ...cases.flatMap((c) => corpusFiles(join('flamegraph', c), (f) => f.endsWith('.txt') && !f.includes('stderr'))),
      ...corpusFiles('diff-folded', (f) => f.endsWith('.txt') || f.endsWith('.folded2')),
    ];
  }
  return corpusFiles(format, capture);
}

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** Numbers that stress a count parser: past 2^53, 2^63 and 2^64, fractions, signs, exponents. */
const HUGE = [
  '9007199254740993', '9223372036854775807', '9223372036854775808', '18446744073709551616',
  '99999999999999999999999', '-99999999999999999999999', '1e308', '0.000000000000000000001',
  '1' + '0'.repeat(400), '-0', '00000000000000000001', '4294967296', '-9223372036854775809', '12.', '.5',
];

/** Bytes inserted at a place: the ones parsers trip over. */
const INSERTS = ['\0', '\r', '\n', '\r\n', '\t', ' ', '\n\n', ';', '@ ', '`', '->', '+0x', '[', ']', '%', '\xff', '\xc3', '#'];

type Mutation = (b: Uint8Array) => Uint8Array;

const splice = (b: Uint8Array, at: number, del: number, add: Uint8Array): Uint8Array =>
  Buffer.concat([b.subarray(0, at), add, b.subarray(Math.min(b.length, at + del))]);

/** Start offsets of the lines of `b`. */
function lineStarts(b: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < b.length - 1; i++) if (b[i] === 10) starts.push(i + 1);
  return starts;
}

/** A position in [0, length] chosen by a fraction, so one arbitrary fits every input. */
const at = (fraction: number, length: number): number => Math.min(length, Math.floor(fraction * (length + 1)));

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** One mutation of an input. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // cut short anywhere (mid-line, mid-number, mid-UTF-8)
  fraction.map((f): Mutation => (b) => b.subarray(0, at(f, b.length))),
  // a few bytes changed
  fc.array(fc.tuple(fraction, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => (b) => {
    const out = Uint8Array.from(b);
    for (const [f, v] of flips) if (out.length > 0) out[Math.min(out.length - 1, at(f, out.length))] = v;
    return out;
  }),
  // bytes parsers care about, inserted
  fc.tuple(fraction, fc.constantFrom(...INSERTS)).map(([f, s]): Mutation => (b) => splice(b, at(f, b.length), 0, ascii(s))),
  // a very long line (up to 1 MiB), of blanks, a frame name or digits
  fc.tuple(fraction, fc.integer({ min: 1 << 10, max: 1 << 20 }), fc.constantFrom('x', ' ', '9', 'a;', '\t')).map(([f, n, unit]): Mutation => (b) => {
    const starts = lineStarts(b);
    const line = ascii(unit.repeat(Math.ceil(n / unit.length)) + '\n');
    return splice(b, starts[at(f, starts.length - 1)] ?? 0, 0, line);
  }),
  // a run of digits replaced by a huge or odd number
  fc.tuple(fraction, fc.constantFrom(...HUGE)).map(([f, n]): Mutation => (b) => {
    const text = Buffer.from(b).toString('latin1');
    const runs = [...text.matchAll(/\d+/g)];
    if (runs.length === 0) return b;
    const run = runs[Math.min(runs.length - 1, Math.floor(f * runs.length))]!;
    return splice(b, run.index, run[0].length, ascii(n));
  }),
  // a line dropped, or repeated
  fc.tuple(fraction, fc.boolean()).map(([f, drop]): Mutation => (b) => {
    const starts = lineStarts(b);
    const i = Math.min(starts.length - 1, Math.floor(f * starts.length));
    const end = starts[i + 1] ?? b.length;
    return drop ? splice(b, starts[i]!, end - starts[i]!, new Uint8Array(0)) : splice(b, starts[i]!, 0, b.subarray(starts[i], end));
  }),
  // a stretch moved elsewhere (records interleaved)
  fc.tuple(fraction, fraction, fraction).map(([f1, f2, f3]): Mutation => (b) => {
    const s = at(Math.min(f1, f2), b.length);
    const e = at(Math.max(f1, f2), b.length);
    const piece = b.subarray(s, e);
    const rest = splice(b, s, e - s, new Uint8Array(0));
    return splice(rest, at(f3, rest.length), 0, piece);
  }),
  // line ends turned into CRLF (a copy through Windows)
  fc.constant<Mutation>((b) => ascii(Buffer.from(b).toString('latin1').replace(/\n/g, '\r\n'))),
  // indentation turned into tabs
  fc.constant<Mutation>((b) => ascii(Buffer.from(b).toString('latin1').replace(/^( +)/gm, (m) => '\t'.repeat(Math.ceil(m.length / 8))))),
);

/** An input: a seed with one to four mutations, or random bytes; gzipped (whole or cut) one time in five. */
export function inputsFrom(seeds: readonly Seed[]): fc.Arbitrary<{ seed: string; bytes: Uint8Array }> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => ({ seed: seed.name, bytes: ms.reduce((b, m) => m(b), seed.bytes) }));
  const random = fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.string({ unit: fc.constantFrom('a', ';', ' ', '1', '\n', '\t', '@', '[', ']', '%', '`', '+', '-', '.', '\r', '\0'), maxLength: 2000 }).map(ascii),
  ).map((bytes) => ({ seed: 'random', bytes }));
  const plain = fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: random });
  return fc.tuple(plain, fc.integer({ min: 0, max: 9 }), fraction).map(([input, gz, f]) => {
    if (gz > 1) return input;
    const compressed = gzipSync(input.bytes);
    // A cut gzip stream: the decompressor fails part-way.
    return { seed: `${input.seed} (gzip${gz === 1 ? ', cut' : ''})`, bytes: gz === 1 ? compressed.subarray(0, at(f, compressed.length)) : compressed };
  });
}
