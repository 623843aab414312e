// `flamefold bench`: the throughput of the three stages of a conversion on the
// user's own captures. Each timed run happens in a fresh child process (see
// bench-child.ts), so its peak RSS is that stage's own and no run inherits a
// warm heap or grown wasm memory from the one before.

import { spawn } from 'node:child_process';
import { open } from '../util/file-handle.js';
import { fileURLToPath } from 'node:url';
import { collapse } from './collapse.js';
import { CHUNK_SIZE, CoreSession } from '../core.js';
import type { InputFormat } from '../formats/registry.js';
import { builtScript } from '../parallel/worker-script.js';

export const STAGES = ['read', 'fold', 'end to end'] as const;
export type Stage = (typeof STAGES)[number];
/** `idle` measures the child itself (Node and flamefold loaded, no work): the RSS floor. */
export type ChildStage = Stage | 'idle';

export interface StageTask {
  stage: ChildStage;
  file: string;
  format: InputFormat;
  jobs: number;
}

/** What one timed run reports. */
export interface StageRun {
  /** Wall time of the stage inside the process (Node start-up excluded), in milliseconds. */
  ms: number;
  /** Peak resident set size of the whole process (all its threads), in bytes. */
  peakRss: number;
  /** The format parsed (fold, end to end). */
  format?: string;
  /** Distinct stacks folded (fold, end to end). */
  stacks?: number;
  /** Bytes of folded output produced and discarded (end to end). */
  outputBytes?: number;
}

/** Reads [start, end) of the file into one reused buffer of the size collapse reads with. */
async function readRange(path: string, start: number, end: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_SIZE);
    let total = 0;
    for (let pos = start; pos < end; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK_SIZE, end - pos), pos);
      if (bytesRead === 0) break;
      total += bytesRead;
      pos += bytesRead;
    }
    return total;
  } finally {
    await fh.close();
  }
}

/** Runs one stage in this process and times it. */
export async function measureStage(task: StageTask): Promise<Omit<StageRun, 'peakRss'>> {
  // The main thread's wasm module is compiled before timing, as it would be by the
  // time a long run gets going; workers' start-up is part of the parallel stages.
  new CoreSession();
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  switch (task.stage) {
    case 'idle':
      return { ms: elapsed() };
    case 'read': {
      // `jobs` readers over equal ranges, as a parallel collapse reads the file.
      const fh = await open(task.file, 'r');
      const { size } = await fh.stat();
      await fh.close();
      const n = Math.max(1, Math.min(task.jobs, Math.ceil(size / CHUNK_SIZE)));
      const parts = Array.from({ length: n }, (_, k) => readRange(task.file, Math.floor((size * k) / n), Math.floor((size * (k + 1)) / n)));
      const bytes = (await Promise.all(parts)).reduce((a, b) => a + b, 0);
      if (bytes !== size) throw new Error(`${task.file}: read ${bytes} of ${size} bytes`);
      return { ms: elapsed() };
    }
    case 'fold': {
      const result = await collapse(task.file, { format: task.format, jobs: task.jobs });
      const { stacks } = result.totals;
      return { ms: elapsed(), format: result.inputs[0]!.format, stacks };
    }
    case 'end to end': {
      const result = await collapse(task.file, { format: task.format, jobs: task.jobs });
      let outputBytes = 0;
      for (const chunk of result.chunks()) outputBytes += chunk.length;
      return { ms: elapsed(), format: result.inputs[0]!.format, stacks: result.totals.stacks, outputBytes };
    }
  }
}

const CHILD_SCRIPT = fileURLToPath(builtScript('api/bench-child'));

/** A stage that failed: the child's error message (it names the file). */
export class StageError extends Error {
  override name = 'StageError';
}

/** Runs one stage in a fresh Node process and returns its figures. */
export function runStageInChild(task: StageTask): Promise<StageRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as StageRun);
      const message = Buffer.concat(err).toString('utf8').trim() || `bench child exited with code ${code}`;
      reject(new StageError(message));
    });
  });
}

/** The figures of one stage over its repeats. */
export interface StageResult {
  stage: Stage;
  /** Every run's time in milliseconds, in order. */
  runsMs: number[];
  /** The best (shortest) run. */
  bestMs: number;
  /** File size / best time, in MB/s (10^6 bytes a second). */
  mbPerSecond: number;
  /** The highest peak RSS over the runs, in bytes. */
  peakRss: number;
}

export interface FileResult {
  file: string;
  /** Size on disk (compressed size for .gz files). */
  bytes: number;
  format?: string;
  stacks?: number;
  stages: StageResult[];
  /** Set when a stage failed; the other files are still measured. */
  error?: string;
}

/** Measures every stage of one file, best of `repeat`. */
export async function benchFile(
  file: string,
  bytes: number,
  options: { format: InputFormat; jobs: number; repeat: number },
  onRun?: (stage: Stage, run: number) => void,
): Promise<FileResult> {
  const result: FileResult = { file, bytes, stages: [] };
  try {
    for (const stage of STAGES) {
      const runs: StageRun[] = [];
      for (let i = 0; i < options.repeat; i++) {
        onRun?.(stage, i + 1);
        runs.push(await runStageInChild({ stage, file, format: options.format, jobs: options.jobs }));
      }
      const bestMs = Math.min(...runs.map((r) => r.ms));
      const last = runs[runs.length - 1]!;
      if (last.format !== undefined) result.format = last.format;
      if (last.stacks !== undefined) result.stacks = last.stacks;
      result.stages.push({
        stage,
        runsMs: runs.map((r) => r.ms),
        bestMs,
        mbPerSecond: bytes / 1e6 / (Math.max(bestMs, 1e-3) / 1000),
        peakRss: Math.max(...runs.map((r) => r.peakRss)),
      });
    }
  } catch (err) {
    if (!(err instanceof StageError)) throw err;
    result.error = err.message;
  }
  return result;
}
