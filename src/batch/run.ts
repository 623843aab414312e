// `flamefold batch`: many captures converted N at a time, one output file each.
//
// Each file is converted in a fresh worker thread (at most N alive at once):
// - a worker starts in milliseconds, far cheaper than a Node child process, and
//   progress, warnings and figures come back as structured messages;
// - wasm memory never shrinks, so a worker per file hands the memory a large
//   capture needed back when that file is done, instead of keeping the peak for
//   the rest of the batch;
// - a file that fails (bad input, the core out of memory, even a worker that dies)
//   fails alone: its worker ends and the others carry on.

import { newWorker, workerScript } from '../parallel/worker-script.js';
import type { BatchReadOptions, BatchReply, BatchSvgOptions, BatchTask } from './worker.js';
import { trackTempFilesOf } from '../output/atomic-file.js';

/** The outcome of one file of a batch. */
export interface BatchItem {
  input: string;
  output: string;
  /** Size on disk. */
  bytes: number;
  ok: boolean;
  format?: string;
  stacks?: number;
  /** Wall time of its conversion, in milliseconds. */
  ms: number;
  /** Why it failed. */
  error?: string;
}

export interface BatchOptions {
  /** What to read of each capture (format, --event, filters, --window). */
  read: BatchReadOptions;
  /** Files converted at once. */
  jobs: number;
  /** Draw SVG flame graphs (with these options) instead of writing folded stacks. */
  svg?: BatchSvgOptions;
  /** Called with input bytes consumed (all files together), for progress. */
  onProgress?: (bytes: number) => void;
  /** Called as each file finishes. */
  onDone?: (item: BatchItem, finished: number) => void;
  onWarning?: (message: string) => void;
}

const WORKER_SCRIPT = workerScript('batch-worker');

/** Converts one file in a fresh worker thread; never rejects (failures are items). */
function convertInWorker(task: BatchTask, bytes: number, options: BatchOptions): Promise<BatchItem> {
  const start = performance.now();
  const base = { input: task.input, output: task.output, bytes };
  return new Promise((resolve) => {
    let reported = 0;
    let settled = false;
    const worker = newWorker(WORKER_SCRIPT, { workerData: task });
    const finish = (item: Omit<BatchItem, 'ms' | 'input' | 'output' | 'bytes'>): void => {
      if (settled) return;
      settled = true;
      // Whatever was not reported counts now, so the overall figure reaches the total.
      if (bytes > reported) options.onProgress?.(bytes - reported);
      void worker.terminate();
      resolve({ ...base, ...item, ms: performance.now() - start });
    };
    worker.on('message', (reply: BatchReply) => {
      if ('progress' in reply) {
        reported += reply.progress;
        options.onProgress?.(reply.progress);
      } else if ('warning' in reply) {
        options.onWarning?.(reply.warning);
      } else if (reply.ok) {
        finish({ ok: true, format: reply.format, stacks: reply.stacks });
      } else {
        finish({ ok: false, error: reply.message, ...(reply.format !== undefined && { format: reply.format }) });
      }
    });
    worker.once('error', (err) => finish({ ok: false, error: `${task.input}: ${err.message}` }));
    worker.once('exit', (code) => finish({ ok: false, error: `${task.input}: worker exited with code ${code}` }));
  });
}

/**
 * Converts every input to its output path, `jobs` files at a time, in input order.
 * Results come back in input order; a failed file does not stop the others.
 */
export async function runBatch(
  inputs: readonly { input: string; output: string; bytes: number }[],
  options: BatchOptions,
): Promise<BatchItem[]> {
  const slots = Math.max(1, Math.min(options.jobs, inputs.length));
  // With fewer files than jobs, the spare threads split a large file (parallel collapse).
  const perFile = Math.max(1, Math.floor(options.jobs / slots));
  const items: BatchItem[] = new Array(inputs.length);
  let next = 0;
  let finished = 0;
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      const { input, output, bytes } = inputs[i]!;
      const task: BatchTask = {
        input,
        output,
        read: options.read,
        jobs: perFile,
        report: options.onProgress !== undefined,
        ...(options.svg && { svg: options.svg }),
      };
      const untrack = await trackTempFilesOf(output); // the worker's temp file, removed here on a signal
      const item = await convertInWorker(task, bytes, options).finally(untrack);
      items[i] = item;
      options.onDone?.(item, ++finished);
    }
  };
  await Promise.all(Array.from({ length: slots }, lane));
  return items;
}
