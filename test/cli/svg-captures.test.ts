// `flamefold svg` and the one-shot form take any capture (issue 11, item 5):
// the format is detected, binary input is refused, collapse's capture options
// apply, and a capture with several pmcstat events is drawn for one of them.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { collapse } from '../../src/index.js';
import { captureOptions } from '../../src/cli/capture-options.js';
import { CORPUS } from '../support/corpus.js';
import { generate, runCli, tempDir } from '../support/helpers.js';
import { svgFrames } from '../support/svgframes.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const dtrace = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
const multiPmc = join(CORPUS, 'pmcstat', 'handmade-multi-pmc.txt');
const procstat = join(CORPUS, 'procstat', 'handmade-procstat-kk-2snapshots-w19.txt');

/** What `flamefold collapse ARGS | flamefold svg` draws: the reference for a capture drawn in one step. */
function viaCollapse(collapseArgs: string[]): string {
  const folded = runCli(['collapse', ...collapseArgs]);
  expect(folded.status, folded.stderr.toString()).toBe(0);
  const svg = runCli(['svg', '-f', 'folded'], folded.stdout);
  expect(svg.status, svg.stderr.toString()).toBe(0);
  return svg.stdout.toString();
}

describe('svg reads any capture, as the one-shot form does', () => {
  it('a DTrace capture is detected and drawn as its folded stacks, not its count lines as frames', () => {
    const reference = viaCollapse([dtrace]);
    const svg = runCli(['svg', dtrace]);
    expect(svg.status).toBe(0);
    expect(svg.stdout.toString()).toBe(reference);
    expect(runCli([dtrace]).stdout.toString()).toBe(reference);
    // No frame is a count line (blanks and digits), as folded parsing of the capture drew.
    expect(svgFrames(reference).filter((f) => /^\s*\d*\s*$/.test(f.name) && f.name !== 'all')).toEqual([]);
    // From stdin, gzipped or not.
    expect(runCli(['svg'], readFileSync(dtrace)).stdout.toString()).toBe(reference);
    expect(runCli(['svg'], gzipSync(readFileSync(dtrace))).stdout.toString()).toBe(reference);
  });

  it('every corpus capture format draws through svg what collapse | svg draws', () => {
    for (const file of [procstat, join(CORPUS, 'pmcstat', 'handmade-remainder.txt'), join(CORPUS, 'pmcstat', 'inferno-pr214-large.txt.gz')]) {
      expect(runCli(['svg', file]).stdout.toString(), file).toBe(viaCollapse([file]));
    }
  });

  it('-f folded still reads a capture as folded lines when asked to', () => {
    const r = runCli(['svg', '-f', 'folded', dtrace]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).not.toBe(viaCollapse([dtrace]));
  });

  it('binary input is refused: exit 1, one line naming the file, no output file', () => {
    const binary = join(tmp.dir, 'program.bin');
    writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0\0\0'), Buffer.alloc(4000, 7), Buffer.from('a;b 1\n')]));
    for (const args of [['svg', binary], [binary], ['svg', process.execPath]]) {
      const out = join(tmp.dir, 'never.svg');
      const r = runCli([...args, '-o', out]);
      expect(r.status, args.join(' ')).toBe(1);
      const stderr = r.stderr.toString();
      expect(stderr).toMatch(/^flamefold: .*: cannot tell the input format: binary data \(a NUL byte at offset \d+\), not a text capture; --format forces one of: [a-z, ]+\n$/);
      expect(stderr).toContain(args.at(-1)!);
      expect(existsSync(out)).toBe(false);
    }
    // From stdin too, gzipped or not.
    const piped = runCli(['svg'], gzipSync(readFileSync(binary)));
    expect(piped.status).toBe(1);
    expect(piped.stderr.toString()).toMatch(/^flamefold: <stdin>: cannot tell the input format: binary data/);
  });
});

describe('svg and the one-shot form take the capture options', () => {
  it('the format flags: --includeoffset, --by-thread, --kernel-marks', () => {
    const iperf = join(CORPUS, 'pmcstat', 'inferno-pr214-iperf3.txt');
    for (const [flag, file] of [['--includeoffset', dtrace], ['--by-thread', procstat], ['--kernel-marks', iperf]] as const) {
      const reference = viaCollapse([flag, file]);
      expect(reference, flag).not.toBe(viaCollapse([file])); // the flag changes the graph
      for (const args of [['svg', flag, file], [file, flag]]) {
        const r = runCli(args);
        expect(r.status, args.join(' ')).toBe(0);
        expect(r.stderr.toString()).toBe('');
        expect(r.stdout.toString(), args.join(' ')).toBe(reference);
      }
    }
  });

  it('-j, --event and --max-memory', () => {
    const reference = viaCollapse(['--event', 'RESOURCE_STALLS.ANY', multiPmc]);
    for (const args of [['svg', '--event', 'RESOURCE_STALLS.ANY', multiPmc], [multiPmc, '--event', 'RESOURCE_STALLS.ANY', '-j', '2'], ['svg', '-j', '3', '--max-memory', '64', '--event', 'RESOURCE_STALLS.ANY', multiPmc]]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stderr.toString()).toBe('');
      expect(r.stdout.toString()).toBe(reference);
    }
    expect(runCli(['svg', '-j', '0', multiPmc]).status).toBe(2);
    // What the command line asks for is what collapse() is given.
    expect(captureOptions({ format: 'auto', jobs: '3', event: 'X\\x01', 'by-thread': true, 'max-memory': '64' })).toMatchObject({
      format: 'auto',
      jobs: 3,
      event: Uint8Array.of(0x58, 1),
      byThread: true,
      includeOffset: false,
      maxMemoryMiB: 64,
    });
  });

  it('--help lists them', () => {
    for (const args of [['svg', '--help'], [dtrace, '--help']]) {
      const help = runCli(args).stdout.toString();
      for (const flag of ['--jobs', '--event', '--by-thread', '--kernel-marks', '--includeoffset', '--max-memory', '--format']) {
        expect(help, `${args.join(' ')}: ${flag}`).toContain(flag);
      }
      expect(help).toContain("input's first, with a warning naming the others");
    }
  });
});

describe('a capture with several pmcstat events is drawn for one of them', () => {
  const first = 'CPU_CLK_UNHALTED.THREAD_P';
  const warning =
    `flamefold: warning: ${multiPmc}: several events; folded only the first, '${first}' (123659899 samples), ` +
    `not 'RESOURCE_STALLS.ANY' (1000 samples): --event NAME selects one\n`;

  it('the first, with a warning that lists the others', () => {
    const reference = viaCollapse(['--event', first, multiPmc]);
    expect(reference).not.toBe(viaCollapse([multiPmc])); // the events summed: what must not be drawn
    for (const args of [['svg', multiPmc], [multiPmc]]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.toString()).toBe(reference);
      expect(r.stderr.toString()).toBe(warning);
    }
    const piped = runCli(['svg'], gzipSync(readFileSync(multiPmc)));
    expect(piped.stdout.toString()).toBe(reference);
    expect(piped.stderr.toString()).toBe(warning.replace(multiPmc, '<stdin>'));
  });

  it('a capture of one event, several sections, draws them all without a warning', () => {
    const excerpt = join(CORPUS, 'pmcstat', 'inferno-pr214-large.txt.gz');
    const r = runCli(['svg', excerpt]);
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe(viaCollapse([excerpt]));
  });

  it('in the API (oneEvent): the first event of the input, chosen before a file is cut into ranges', async () => {
    const { input } = generate('gen-pmcstat.mjs', tmp.dir, 'events', ['--seed', '5', '--stacks', '3000', '--sections', '6', '--events', 'B_EVENT,A_EVENT,C_EVENT']);
    const expected = (await collapse(input, { event: 'B_EVENT', jobs: 1 })).text();
    const [b, ...others] = (await collapse(input, { eventsOnly: true })).events();
    expect(b!.label).toBe('B_EVENT'); // the first section's
    const listed = others.map((e) => `'${e.label}' (${e.samples} samples)`);
    for (const jobs of [1, 2, 3]) {
      const warnings: string[] = [];
      const result = await collapse(input, { oneEvent: true, jobs, splitMinBytes: 0, onWarning: (w) => warnings.push(w) });
      expect(result.text(), `jobs ${jobs}`).toBe(expected);
      expect(warnings).toHaveLength(1);
      const said = /^(.*): several events; folded only the first, 'B_EVENT' \((\d+) samples\), not (.*): --event NAME selects one$/.exec(warnings[0]!);
      expect(said?.slice(1, 3)).toEqual([input, String(b!.samples)]);
      // Ranges parsed by workers merge their events in the order the workers finish, not the file's.
      expect(said![3]!.split(', ').sort()).toEqual([...listed].sort());
    }
    // Without it, collapse sums every event (the contract's folded output).
    expect((await collapse(input, { jobs: 1 })).totals.samples).toBeGreaterThan((await collapse(input, { event: 'B_EVENT' })).totals.samples);
  });
});
