// Exports that keep every event of a capture apart (speedscope profiles, pprof
// sample types): counts of different events never add up, so a capture holding
// several (pmcstat PMCs such as cycles and instructions, perf events) is folded
// once per event. Its first read folds the first event (as a flame graph does)
// and lists the others: an input of one event, the usual kind, is read once,
// and one of N events N times.

import { stat } from '../util/file-handle.js';
import { collapse, type CollapseOptions, type CollapseResult } from '../api/collapse.js';
import { isSkippedEventsWarning } from '../api/event-checks.js';
import { inputName, type CollapseInput } from '../input/feed.js';

/** One event's stacks; `event` is the event's label, undefined when the inputs hold one event (or none). */
export interface EventResult {
  event: string | undefined;
  result: CollapseResult;
}

/**
 * `inputs` folded once per event they hold, in the order of `result.events()`: a file holding
 * several is read again for each after the first. A stream cannot be read again, so inputs with
 * one fold only each input's first event, with a warning naming the others (as a flame graph
 * does). With `options.event`, or one event, there is a single result.
 */
export async function* collapsePerEvent(inputs: readonly CollapseInput[], options: CollapseOptions = {}): AsyncGenerator<EventResult> {
  if (options.event !== undefined) {
    yield { event: undefined, result: await collapse(inputs, options) };
    return;
  }
  const rereadable = (await Promise.all(inputs.map(isRegularFile))).every(Boolean);
  // The first read folds each input's first event. Its warnings are held until the events are
  // known: the one naming the events left out is not said of inputs that are read again for them.
  const held: string[] = [];
  const result = await collapse(inputs, { ...options, oneEvent: true, ...(rereadable && { onWarning: (m: string) => held.push(m) }) });
  const events = result.events();
  const again = rereadable && events.length > 1;
  const names = inputs.map(inputName);
  // One input's first event is the first of result.events() (in order of first appearance): its
  // fold is the first result. Inputs whose first events may differ are all read again.
  const reused = again && inputs.length === 1;
  if (!again || reused) {
    const said = again ? held.filter((m) => !names.some((name) => isSkippedEventsWarning(m, name))) : held;
    if (options.onWarning) said.forEach(options.onWarning);
    yield { event: again ? events[0]!.label : undefined, result };
    if (!again) return;
  }
  for (const event of events.slice(reused ? 1 : 0)) yield { event: event.label, result: await collapse(inputs, { ...options, event: event.name }) };
}

async function isRegularFile(input: CollapseInput): Promise<boolean> {
  if (typeof input !== 'string' || input === '-') return false;
  return (await stat(input)).isFile();
}
