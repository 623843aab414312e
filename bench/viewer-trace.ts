// Where a viewer step's time goes (bench/viewer.ts): one more, untimed run of
// each SVG is traced through the DevTools protocol, and each step (the load, a
// click, a key) is broken down into the renderer main thread's CPU time (trace
// thread time, which a busy machine inflates less than wall time) from the
// step's first task (the page's first, or the first input event's) to the
// end of the task of the first paint after it (after the load event, for the
// load): the document's parsing (with the script it runs then), Chromium's text
// selection on mousedown, script, style, layout, pre-paint, paint, layerize and
// hit tests, and the rest of the tasks in that window.

import type { CDPSession, Page } from 'playwright-core';

export const PARTS = ['parse', 'selection', 'script', 'style', 'layout', 'prepaint', 'paint', 'layerize', 'hit tests'] as const;
type Part = (typeof PARTS)[number];
export type Breakdown = Record<Part | 'other' | 'total', number>;

/** The trace event each part is the outermost events of. */
const EVENT_OF: Record<Part, string> = {
  parse: 'DocumentLoader::CommitData',
  selection: 'SelectionController::handleMousePressEvent',
  script: 'FunctionCall',
  style: 'UpdateLayoutTree',
  layout: 'Layout',
  prepaint: 'PrePaint',
  paint: 'Paint',
  layerize: 'Layerize',
  'hit tests': 'HitTest',
};
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'input', 'loading'];
/** A task of the thread's event loop, as devtools.timeline names it. */
const TASK = 'RunTask';
const INPUT = 'WebFrameWidgetImpl::HandleInputEvent';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { type?: string } };
}

/** Traces one step at a time of a page: begin() before the step's input, end() once it has painted. */
export class StepTracer {
  private session: CDPSession | undefined;
  private events: TraceEvent[] = [];
  /** Each step's breakdown, by the name end() was given. */
  readonly steps = new Map<string, Breakdown>();

  async begin(page: Page): Promise<void> {
    const session = (this.session = await page.context().newCDPSession(page));
    this.events = [];
    session.on('Tracing.dataCollected', (e) => this.events.push(...(e.value as unknown as TraceEvent[])));
    await session.send('Tracing.start', { categories: CATEGORIES.join(','), transferMode: 'ReportEvents' });
  }

  /**
   * Ends the trace; `trigger` is the DOM event that does the step's work ('click', 'keydown'), or
   * 'load' for the page's loading (begun before the navigation): from its first task to the paint
   * after its load event. The first `skipInputs` input events are not part of the step (a pointer's
   * move before the press that is timed).
   */
  async end(step: string, trigger: string, skipInputs = 0): Promise<void> {
    const session = this.session!;
    const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()));
    await session.send('Tracing.end');
    await complete;
    await session.detach();
    this.steps.set(step, breakdown(this.events, trigger, skipInputs));
  }
}

const cpu = (e: TraceEvent): number => (e.tdur ?? e.dur ?? 0) / 1000;
const endOf = (e: TraceEvent): number => e.ts + (e.dur ?? 0);

/** The events of this name not inside another of the same name (a paint of the document holds the SVG's). */
function outermost(events: TraceEvent[], name: string, from: number, to: number): TraceEvent[] {
  const kept: TraceEvent[] = [];
  for (const e of events) {
    if (e.name !== name || e.ts < from || e.ts > to) continue;
    const last = kept[kept.length - 1];
    if (!last || e.ts >= endOf(last)) kept.push(e);
  }
  return kept;
}

function breakdown(all: TraceEvent[], trigger: string, skipInputs: number): Breakdown {
  // (The window's load event is the last: an SVG document's root element has one before it.)
  const dispatch = all.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === trigger).at(trigger === 'load' ? -1 : 0);
  if (!dispatch) throw new Error(`no ${trigger} event in the trace`);
  // The renderer main thread: the one that dispatched the event.
  const events = all.filter((e) => e.pid === dispatch.pid && e.tid === dispatch.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // A load starts with the thread's first task in the trace (begun before the navigation).
  const starts = trigger === 'load' ? events.slice(0, 1) : events.filter((e) => e.name === INPUT).slice(skipInputs);
  const from = Math.min(dispatch.ts, ...starts.map((e) => e.ts));
  // A load whose last paint came before its load event has nothing to paint after it: it ends with that event.
  const paint = events.find((e) => e.name === 'Paint' && e.ts > dispatch.ts) ?? (trigger === 'load' ? dispatch : undefined);
  if (!paint) throw new Error(`no paint after the ${trigger} event in the trace`);
  // To the end of the task that painted: it layerizes and commits after the paint.
  const tasks = outermost(events, TASK, -Infinity, Infinity);
  const to = endOf(tasks.find((t) => t.ts <= paint.ts && endOf(t) >= endOf(paint)) ?? paint);
  const result = { total: 0, other: 0 } as Breakdown;
  for (const t of tasks) if (endOf(t) >= from && t.ts <= to) result.total += cpu(t);
  let parts = 0;
  for (const p of PARTS) parts += result[p] = outermost(events, EVENT_OF[p], from, to).reduce((sum, e) => sum + cpu(e), 0);
  result.other = Math.max(0, result.total - parts);
  return result;
}
