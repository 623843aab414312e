// Two-metric profiles for CPI flame graphs: the width metric (cycles) and a
// second metric (instructions retired, or stall cycles) folded into the two
// count columns of one call tree, from two events of one pmcstat capture or
// from two profiles. Column 1 holds the second metric and column 2 the cycles,
// the order `difffolded.pl stalls cycles` gives in Brendan Gregg's CPI flame
// graphs, so widths come from the cycles as in every two-count graph.

import { CollapseResult } from './collapse.js';
import { collapseColumns, type ColumnInput, type ColumnsOptions } from './diff.js';
import { InputError } from '../errors.js';
import { eventLabel } from '../formats/event-names.js';
import { inputName, type CollapseInput } from '../input/feed.js';
import type { InputFormat } from '../formats/registry.js';
import type { CoreSession } from '../core.js';

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

const bytes = (name: string | Uint8Array | undefined): Uint8Array | undefined =>
  name === undefined ? undefined : typeof name === 'string' ? new TextEncoder().encode(name) : name;

/** A column fed with only the sections of `event` (pmcstat), checked to have matched some. */
function eventColumn(input: CollapseInput, index: number, format: InputFormat, event: Uint8Array | undefined, role: string): ColumnInput {
  let before = 0;
  let seen = new Map<string, bigint>(); // events of earlier inputs (the same capture may be read twice)
  const events = (session: CoreSession): Map<string, bigint> => new Map(session.events().map((e) => [eventLabel(e.name), e.samples]));
  return {
    input,
    format,
    setup: (session) => {
      session.setEvent(event ?? null);
      before = session.matchedSections();
      seen = events(session);
    },
    finish: (session) => {
      if (!event || session.matchedSections() > before) return;
      const present = [...events(session)]
        .filter(([label, samples]) => samples > (seen.get(label) ?? 0n))
        .map(([label, samples]) => `${label} (${samples - (seen.get(label) ?? 0n)} samples)`);
      // Known only once the input is read, and the input is what lacks it (exit 1).
      throw new InputError(
        inputName(input, index),
        `no section of ${role} event '${eventLabel(event)}' in the input; ` +
          (present.length > 0 ? `events present: ${present.join(', ')}` : 'it has no "@ NAME [N samples]" headers'),
      );
    },
  };
}

/**
 * Folds the second metric into column 1 and the cycles into column 2. `cycles`
 * and `other` may be the same pmcstat capture, read twice with different events.
 */
export async function collapseTwoMetrics(cycles: CollapseInput, other: CollapseInput, options: TwoMetricOptions = {}): Promise<CollapseResult> {
  const format = options.format ?? 'auto';
  const first = eventColumn(other, 0, format, bytes(options.otherEvent), 'the second metric');
  const second = eventColumn(cycles, 1, format, bytes(options.cyclesEvent), 'the cycles');
  const folded = await collapseColumns(first, second, options);
  return new CollapseResult(folded.session, folded.inputs, folded.warnings, folded.read);
}
