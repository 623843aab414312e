// Two-metric profiles for CPI flame graphs: the width metric (cycles) and a
// second metric (instructions retired, or stall cycles) folded into the two
// count columns of one call tree, from two events of one pmcstat capture or
// from two profiles. Column 1 holds the second metric and column 2 the cycles,
// the order `difffolded.pl stalls cycles` gives in Brendan Gregg's CPI flame
// graphs, so widths come from the cycles as in every two-count graph.

import { CollapseResult } from './collapse.js';
import { collapseColumns, eventColumn, type ColumnsOptions } from './diff.js';
import type { CollapseInput } from '../input/feed.js';
import type { InputFormat } from '../formats/registry.js';

/** What the second metric counts: the colour is cycles/instructions (CPI) or stalls/cycles. */
export type SecondMetric = 'instructions' | 'stalls';

export interface TwoMetricOptions extends ColumnsOptions {
  /** Input format of both profiles; `auto` (the default) detects each one. */
  format?: InputFormat;
  /** pmcstat: the event counting cycles (the widths). */
  cyclesEvent?: string | Uint8Array;
  /** pmcstat: the event counting the second metric. */
  otherEvent?: string | Uint8Array;
}

/**
 * Folds the second metric into column 1 and the cycles into column 2. `cycles`
 * and `other` may be the same pmcstat capture, read twice with different events.
 */
export async function collapseTwoMetrics(cycles: CollapseInput, other: CollapseInput, options: TwoMetricOptions = {}): Promise<CollapseResult> {
  const format = options.format ?? 'auto';
  const first = eventColumn(other, 0, format, options.otherEvent, 'the second metric');
  const second = eventColumn(cycles, 1, format, options.cyclesEvent, 'the cycles');
  const folded = await collapseColumns(first, second, options);
  return new CollapseResult(folded.session, folded.inputs, folded.warnings, folded.read);
}
