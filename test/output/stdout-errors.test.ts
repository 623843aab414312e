// Standard output that fails: a reader that goes away (EPIPE, `| head`) ends the
// command quietly with exit 0; a full disk (ENOSPC, `> /dev/full`) is one line
// and exit 1 — for every command, every thread count, even --help. And no Node
// stack trace ever reaches the user: an internal error is one line, exit 70.

import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus.js';
import { generate, tempDir, workerLog } from '../support/helpers.js';
import { noStackTrace, runCliAsync, startCli } from '../support/cli-process.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const small = join(CORPUS, 'dtrace', 'example-dtrace-stacks.txt');
let big = '';
beforeAll(() => {
  // Past the size from which collapse parses with worker threads (48 MiB), so -j 2 really uses two.
  big = generate('gen-dtrace.mjs', tmp.dir, 'big', ['--bytes', '52M', '--seed', '11']).input;
});

/** Runs the command with a stdout whose reader closes after `keep` bytes (0: before anything is written). */
async function withClosingReader(args: string[], keep: number, env?: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  const run = startCli(args, { stdio: ['ignore', 'pipe', 'pipe'], timeoutMs: 120_000, ...(env && { env }) });
  let seen = 0;
  const stdout = run.child.stdout!;
  if (keep === 0) stdout.destroy();
  else
    stdout.on('data', (b: Buffer) => {
      seen += b.length;
      if (seen >= keep) stdout.destroy(); // as `head -c` does
    });
  const r = await run.done;
  return { status: r.status, stderr: r.stderr };
}

describe('EPIPE: the reader of stdout goes away', () => {
  it('collapse -j 2 of a large capture, | head: exit 0 and nothing on stderr (run after run)', async () => {
    // The failure this guards against (an unhandled 'error' event from the worker's stdout
    // pipe) showed in about two runs of five: several runs make it all but certain.
    const workers = workerLog();
    try {
      for (let run = 0; run < 5; run++) {
        const r = await withClosingReader(['collapse', '-j', '2', big], run % 2 === 0 ? 0 : 1, workers.env);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
      // Each run really parsed with a worker thread (whose stdout pipe is what broke).
      expect(workers.started().filter((script) => script.endsWith('/flamefold-parallel-worker.cjs')).length).toBe(5);
    } finally {
      workers.cleanup();
    }
  });

  // Arguments are functions: the large capture is generated once the tests start.
  const commands: [string, () => string[]][] = [
    ['collapse -j 1', () => ['collapse', '-j', '1', big]],
    ['one-shot SVG', () => [big]],
    ['svg', () => ['svg', '-f', 'auto', big]],
    ['diff -j 2', () => ['diff', '-j', '2', small, big]],
    ['compare', () => ['compare', small, big]],
    ['-o /dev/stdout', () => ['collapse', big, '-o', '/dev/stdout']],
    ['--help', () => ['--help']],
    ['collapse --help', () => ['collapse', '--help']],
  ];
  for (const [name, args] of commands) {
    it(`${name}: exit 0, quietly`, async () => {
      const r = await withClosingReader(args(), 0);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});

describe('ENOSPC: stdout on a full device', () => {
  const commands: [string, () => string[]][] = [
    ['collapse -j 2', () => ['collapse', '-j', '2', big]],
    ['collapse', () => ['collapse', small]],
    ['one-shot SVG', () => [small]],
    ['diff', () => ['diff', small, small]],
    ['compare', () => ['compare', small, small]],
    ['batch (its summary)', () => ['batch', '-q', '-d', join(tmp.dir, 'batch-out'), small]],
    ['--help', () => ['--help']],
    ['--version', () => ['--version']],
    ['svg --help', () => ['svg', '--help']],
    ['-o /dev/stdout', () => ['collapse', small, '-o', '/dev/stdout']],
  ];
  for (const [name, argsOf] of commands) {
    it(`${name}: one line, exit 1`, async () => {
      const args = argsOf();
      const full = openSync('/dev/full', 'w');
      try {
        const r = await runCliAsync(args, { stdio: ['ignore', full, 'pipe'], timeoutMs: 120_000 });
        const what = args.includes('/dev/stdout') ? '/dev/stdout' : 'standard output';
        expect(r.stderr).toBe(`flamefold: cannot write ${what}: no space left on device\n`);
        expect(r.status).toBe(1);
      } finally {
        closeSync(full);
      }
    });
  }
});

describe('internal errors', () => {
  // A module loaded before the CLI breaks it the way a bug would.
  const breaking = (name: string, code: string): string[] => {
    const path = join(tmp.dir, `${name}.mjs`);
    writeFileSync(path, code);
    return ['--import', path];
  };

  it('an exception flamefold did not expect: one line asking for a report, exit 70', async () => {
    // Both ways the core is compiled: ahead by the launcher (whose failure the CLI leaves to its own compile), and by the CLI.
    const nodeArgs = breaking(
      'no-wasm',
      "WebAssembly.compile = () => Promise.reject(new TypeError('the core is missing'));\nWebAssembly.Module = function () { throw new TypeError('the core is missing'); };\n",
    );
    const r = await runCliAsync(['collapse', small], { nodeArgs });
    expect(r.stderr).toBe('flamefold: internal error: the core is missing — please report it\n');
    expect(r.status).toBe(70);
    const debug = await runCliAsync(['collapse', small], { nodeArgs, env: { ...process.env, FLAMEFOLD_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/^flamefold: internal error: the core is missing — please report it\nTypeError: the core is missing\n\s+at /);
  });

  it('an uncaught exception or unhandled rejection outside any command: the same one line, exit 70', async () => {
    for (const [name, code] of [
      ['throws', "setTimeout(() => { throw new RangeError('late surprise'); }, 100);\n"],
      ['rejects', "setTimeout(() => { Promise.reject(new RangeError('late surprise')); }, 100);\n"],
    ] as const) {
      // The command waits on a stdin nobody writes to, so the surprise comes first.
      const run = startCli(['collapse', '-'], { nodeArgs: breaking(name, code), stdio: ['pipe', 'pipe', 'pipe'], timeoutMs: 30_000 });
      const r = await run.done;
      run.child.stdin?.destroy();
      expect(r.stderr).toBe('flamefold: internal error: late surprise — please report it\n');
      expect(r.status).toBe(70);
      expect(noStackTrace(r.stderr)).toBe(true);
    }
  });
});
