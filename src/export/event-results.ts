// Exports that keep every event of a capture apart (speedscope profiles, pprof
// sample types): counts of different events never add up, so a capture holding
// several (pmcstat PMCs such as cycles and instructions, perf events) is folded
// once per event.

import { stat } from '../util/file-handle.js';
import { collapse, type CollapseOptions, type CollapseResult } from '../api/collapse.js';
import type { CollapseInput } from '../input/feed.js';

/** One event's stacks; `event` is the event's label, undefined when the inputs hold one event (or none). */
export interface EventResult {
  event: string | undefined;
  result: CollapseResult;
}

/**
 * `inputs` folded once per event they hold, in the order of `result.events()`: a file holding
 * several is read again per event. A stream cannot be read again, so inputs with one fold only
 * each input's first event, with a warning naming the others (as a flame graph does). With
 * `options.event`, or one event, there is a single result.
 */
export async function* collapsePerEvent(inputs: readonly CollapseInput[], options: CollapseOptions = {}): AsyncGenerator<EventResult> {
  if (options.event !== undefined) {
    yield { event: undefined, result: await collapse(inputs, options) };
    return;
  }
  const rereadable = (await Promise.all(inputs.map(isRegularFile))).every(Boolean);
  // The warnings of a pass that is read again per event would be said twice: held until known.
  const held: string[] = [];
  const result = await collapse(inputs, rereadable ? { ...options, onWarning: (m) => held.push(m) } : { ...options, oneEvent: true });
  const events = result.events();
  if (!rereadable || events.length < 2) {
    if (options.onWarning) held.forEach(options.onWarning);
    yield { event: undefined, result };
    return;
  }
  for (const event of events) yield { event: event.label, result: await collapse(inputs, { ...options, event: event.name }) };
}

async function isRegularFile(input: CollapseInput): Promise<boolean> {
  if (typeof input !== 'string' || input === '-') return false;
  return (await stat(input)).isFile();
}
