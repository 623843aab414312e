// pprof output: decoded with pprof-format, its stacks and totals must equal the
// folded output exactly; functions and locations are shared by name; and Go's
// own `go tool pprof -top` reads it (where Debian's golang-go is installed).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse, type CollapseResult } from '../../src/api/collapse.js';
import { pprofProfile, writePprof } from '../../src/export/pprof.js';
import { CORPUS } from '../support/corpus.js';
import { runCli, tempDir } from '../support/helpers.js';
import { corpusCaptures, stacksOf, sumsOf } from './oracle.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const int64 = (v: number | bigint): number => Number(BigInt.asIntN(64, BigInt(v)));

/** A decoded profile read back as folded stacks: "stack" → its values, and the sample type names. */
function readBack(profile: Profile): { types: string[]; stacks: Map<string, number[]>; samples: number } {
  const str = (i: number | bigint): string => profile.stringTable.strings[Number(i)]!;
  const fn = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
  const loc = new Map(profile.location.map((l) => [Number(l.id), l]));
  const stacks = new Map<string, number[]>();
  for (const s of profile.sample) {
    const names = s.locationId.map((id) => {
      const l = loc.get(Number(id))!;
      expect(l.line).toHaveLength(1);
      return fn.get(Number(l.line[0]!.functionId))!;
    });
    const stack = names.reverse().join(';'); // pprof lists the leaf first
    expect(stacks.has(stack)).toBe(false); // one sample per distinct stack
    stacks.set(stack, s.value.map(int64));
  }
  return { types: profile.sampleType.map((t) => str(t.type)), stacks, samples: profile.sample.length };
}

async function pprofBytes(result: CollapseResult, options = {}): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await writePprof(result, { write: async (c) => void chunks.push(Buffer.from(c)) }, options);
  return Buffer.concat(chunks);
}

describe('pprof export', () => {
  it('one sample per stack, leaf first, frames shared by name (hand-made)', async () => {
    const result = await collapse(Buffer.from('main;a;b 5\nmain;a;c 3\nmain;b 2\nmain;main;main 4\nx y;z -2\n'));
    const bytes = await pprofBytes(result);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip, as pprof expects
    const profile = Profile.decode(gunzipSync(bytes));
    const back = readBack(profile);
    expect(back.types).toEqual(['samples']);
    expect(back.stacks).toEqual(new Map([
      ['main;a;b', [5]], ['main;a;c', [3]], ['main;b', [2]], ['main;main;main', [4]], ['x y;z', [-2]],
    ]));
    const names = profile.function.map((f) => profile.stringTable.strings[Number(f.name)]);
    expect(names.sort()).toEqual(['a', 'b', 'c', 'main', 'x y', 'z']);
    expect(profile.location).toHaveLength(6);
    const leafOf = profile.sample.map((s) => Number(s.locationId[0]));
    const mainId = Number(profile.function.find((f) => profile.stringTable.strings[Number(f.name)] === 'main')!.id);
    expect(leafOf).toContain(mainId); // main;main;main ends in main
    expect(profile.sample.find((s) => s.locationId.length === 3 && s.locationId.every((id) => Number(id) === mainId))).toBeDefined();
  });

  it('two-count input gives two sample types, named from the count name', async () => {
    const result = await collapse(Buffer.from('a;b 1 4\na;c 3 0\n'));
    const back = readBack(Profile.decode(gunzipSync(await pprofBytes(result, { countName: 'cycles' }))));
    expect(back.types).toEqual(['cycles_before', 'cycles_after']);
    expect(back.stacks).toEqual(new Map([['a;b', [1, 4]], ['a;c', [3, 0]]]));
  });

  it('a fractional count is an error naming the input and the stack, and no file is written', async () => {
    const result = await collapse(Buffer.from('a;b 1.5\n'));
    expect(() => pprofProfile(result)).toThrow(/<buffer 1>: pprof sample values are whole numbers, but the stack 'a;b' counts 1\.5/);
    const input = join(tmp.dir, 'frac.folded');
    writeFileSync(input, 'a;b 1.5\nc 2\n');
    const out = join(tmp.dir, 'frac.pb.gz');
    const r = runCli(['collapse', '--to', 'pprof', input, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/frac\.folded: pprof sample values are whole numbers, but the stack 'a;b' counts 1\.5/);
    expect(existsSync(out)).toBe(false);
  });

  it.each(corpusCaptures().map((c) => [relative(CORPUS, c), c]))('%s: stacks and totals equal the folded output exactly', async (_name, capture) => {
    const result = await collapse(capture, { jobs: 1 });
    const folded = result.text();
    const back = readBack(Profile.decode(gunzipSync(await pprofBytes(result))));
    expect(back.samples).toBe(result.totals.stacks);
    expect(back.stacks).toEqual(stacksOf(folded, 1));
    expect([...back.stacks.values()].reduce((sum, [v]) => sum + v!, 0)).toBe(result.totals.samples);
  });

  it('collapse --to pprof: the event name is the sample type, -o is written whole', () => {
    const capture = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const out = join(tmp.dir, 'pmc.pb.gz');
    const r = runCli(['collapse', '--to', 'pprof', '--event', 'RESOURCE_STALLS.ANY', capture, '-o', out]);
    expect(r.stderr.toString()).toBe('');
    const folded = runCli(['collapse', '--event', 'RESOURCE_STALLS.ANY', capture]).stdout.toString();
    const back = readBack(Profile.decode(gunzipSync(readFileSync(out))));
    expect(back.types).toEqual(['RESOURCE_STALLS.ANY']);
    expect(back.stacks).toEqual(stacksOf(folded, 1));
    const named = runCli(['collapse', '--to', 'pprof', '--countname', 'stalls', '--event', 'RESOURCE_STALLS.ANY', capture]);
    expect(readBack(Profile.decode(gunzipSync(named.stdout))).types).toEqual(['stalls']);
  });

  it('collapse --to pprof of several events: a sample type each, never their sum; stdin gives its first', () => {
    const capture = corpusCaptures().find((c) => c.endsWith('handmade-multi-pmc.txt'))!;
    const events = ['CPU_CLK_UNHALTED.THREAD_P', 'RESOURCE_STALLS.ANY'];
    const r = runCli(['collapse', '--to', 'pprof', capture]);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe('');
    const back = readBack(Profile.decode(gunzipSync(r.stdout)));
    expect(back.types).toEqual(events);
    // Each column is its event alone, 0 where that event lacks the stack.
    const [cycles, stalls] = events.map((e) => stacksOf(runCli(['collapse', '--event', e, capture]).stdout.toString(), 1));
    const expected = new Map<string, number[]>();
    for (const [stack, [n]] of cycles!) expected.set(stack, [n!, 0]);
    for (const [stack, [n]] of stalls!) expected.set(stack, [expected.get(stack)?.[0] ?? 0, n!]);
    expect(back.stacks).toEqual(expected);
    const piped = runCli(['collapse', '--to', 'pprof'], readFileSync(capture));
    expect(piped.status).toBe(0);
    expect(piped.stderr.toString()).toMatch(/<stdin>: several events; folded only the first, 'CPU_CLK_UNHALTED.THREAD_P'/);
    expect(readBack(Profile.decode(gunzipSync(piped.stdout))).stacks).toEqual(cycles);
  });

  it('--to with an unknown output is a usage error', () => {
    const r = runCli(['collapse', '--to', 'json'], 'a 1\n');
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/unknown output 'json' for --to: use folded, pprof, speedscope/);
  });
});

const hasGo = spawnSync('go', ['version']).status === 0;

describe.skipIf(!hasGo)('go tool pprof (skipped where `go` is missing: Debian golang-go)', () => {
  it.each(['dtrace/example-dtrace-stacks.txt', 'dtrace/rust-names.txt', 'dtrace/java.txt', 'pmcstat/inferno-pr214-iperf3.txt'])(
    '%s: flat and cum of every function equal self and total from the folded output',
    (name) => {
      const capture = corpusCaptures().find((c) => c.endsWith(name));
      expect(capture).toBeDefined();
      const out = join(tmp.dir, `${name.replace('/', '-')}.pb.gz`);
      expect(runCli(['collapse', '--to', 'pprof', capture!, '-o', out]).status).toBe(0);
      const folded = runCli(['collapse', capture!]).stdout.toString();
      const r = spawnSync('go', ['tool', 'pprof', '-top', '-symbolize=none', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', out], {
        env: { ...process.env, PPROF_TMPDIR: tmp.dir },
      });
      expect(r.status, r.stderr.toString()).toBe(0);
      const rows = new Map<string, { self: number; total: number }>();
      for (const line of r.stdout.toString().split('\n')) {
        const m = /^\s*(-?\d+)\s+\S+%\s+\S+%\s+(-?\d+)\s+\S+%\s+(.*)$/.exec(line);
        if (m) rows.set(m[3]!, { self: Number(m[1]), total: Number(m[2]) });
      }
      expect(rows).toEqual(sumsOf(folded));
    },
  );
});
