// A column of a two-column collapse (diff, compare, cpi) that folds one event
// of its input: the named one, checked to be there, or (with no name) the
// input's first, which collapseColumns' oneEvent session option picks.

import { InputError } from '../errors.js';
import { eventLabel } from '../formats/event-names.js';
import { inputName, type CollapseInput } from '../input/feed.js';
import type { InputFormat } from '../formats/registry.js';
import type { CoreSession } from '../core.js';
import type { ColumnInput } from './diff.js';

/** An event name as the core reads it: its bytes. */
export const eventNameBytes = (name: string | Uint8Array | undefined): Uint8Array | undefined =>
  name === undefined ? undefined : typeof name === 'string' ? new TextEncoder().encode(name) : name;

/**
 * A column fed with only the records of `event` (pmcstat sections, perf records), checked to
 * have matched some: `role` names the column's event in that error ("the cycles").
 */
export function eventColumn(input: CollapseInput, index: number, format: InputFormat, event: Uint8Array | undefined, role?: string): ColumnInput {
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
        `no section of ${role === undefined ? '' : `${role} `}event '${eventLabel(event)}' in the input; ` +
          (present.length > 0 ? `events present: ${present.join(', ')}` : 'it names no events'),
      );
    },
  };
}
