// One conversion of `flamefold batch`, in its own worker thread: collapse one
// capture, write its output atomically, report figures (and progress) back.

import { parentPort, workerData } from 'node:worker_threads';
import { collapse, type CollapseOptions, type CollapseResult } from '../api/collapse.js';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../output/atomic-file.js';
import { findDestination } from '../output/destination.js';
import type { RenderOptions } from '../render/render.js';

/** The SVG options batch passes through (plain data: they cross to the worker). */
export type BatchSvgOptions = Pick<RenderOptions, 'title' | 'subtitle' | 'colors' | 'width'>;

/** What to read of each capture (format and its flags, --event, filters, --window), as collapse() takes it: plain data. */
export type BatchReadOptions = Omit<CollapseOptions, 'jobs' | 'onProgress' | 'onWarning' | 'oneEvent' | 'eventsOnly' | 'keepOrder' | 'snapshotIndexes'>;

export interface BatchTask {
  input: string;
  output: string;
  read: BatchReadOptions;
  /** Threads for this file (parallel collapse of a large file). */
  jobs: number;
  /** Post progress messages. */
  report: boolean;
  /** Draw an SVG flame graph instead of writing folded stacks. */
  svg?: BatchSvgOptions;
}

export type BatchReply =
  | { progress: number }
  | { warning: string }
  | { ok: true; format: string; bytes: number; stacks: number; samples: number }
  | { ok: false; message: string; format?: string };

// Progress goes out in steps of this many bytes, not per 1 MiB chunk.
const PROGRESS_STEP = 4 << 20;

export async function convert(task: BatchTask, post: (reply: BatchReply) => void): Promise<BatchReply> {
  await findDestination(task.output); // an output that cannot be written fails before its input is read
  let pending = 0;
  const onProgress = (n: number): void => {
    pending += n;
    if (pending >= PROGRESS_STEP) {
      post({ progress: pending });
      pending = 0;
    }
  };
  const result = await collapse(task.input, {
    ...task.read,
    jobs: task.jobs,
    oneEvent: task.svg !== undefined, // as `flamefold svg`: one graph, one event
    onWarning: (warning) => post({ warning }),
    ...(task.report && { onProgress }),
  });
  if (pending > 0) post({ progress: pending });
  const t = result.totals;
  const format = result.inputs[0]!.format;
  try {
    await writeOutputOf(task, result, post);
  } catch (err) {
    const message = err instanceof InputError ? err.message : `${task.input}: ${(err as Error).message}`;
    return { ok: false, message, format };
  }
  return { ok: true, format, bytes: t.bytesRead, stacks: t.stacks, samples: t.samples };
}

/** Writes the folded stacks, or the SVG with --svg, to the task's output atomically. */
async function writeOutputOf(task: BatchTask, result: CollapseResult, post: (reply: BatchReply) => void): Promise<void> {
  if (task.svg) {
    // Loaded only for --svg: the renderer is not needed for folded output.
    const { flameGraph } = await import('../render/render.js');
    // The same path as `flamefold svg`.
    const graph = await flameGraph(result, { ...task.svg, onWarning: (m) => post({ warning: `${task.input}: ${m}` }) });
    // As `flamefold svg`: an empty graph is a failure, not an empty picture.
    if (graph.samples <= 0) throw new InputError(task.input, 'no stack counts found: nothing to draw');
    await writeFileAtomic(task.output, (sink) => graph.writeTo(sink));
  } else {
    await writeFileAtomic(task.output, (sink) => result.writeFolded(sink));
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  const post = (reply: BatchReply): void => port.postMessage(reply);
  const task = workerData as BatchTask;
  // Input errors name the file already; others (EISDIR, EACCES on the output) get its name here.
  const describe = (err: Error): string => (err instanceof InputError ? err.message : `${task.input}: ${err.message}`);
  convert(task, post).then(post, (err: Error) => post({ ok: false, message: describe(err) }));
}
