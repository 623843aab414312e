// What a collapse says about events: an --event that no input has (an error
// listing those present), and the events a one-event fold left out (a warning).

import type { CoreEvent, CoreSession } from '../core.js';
import { InputError } from '../errors.js';
import { eventLabel } from '../formats/event-names.js';

const plural = (n: bigint, word: string): string => `${n} ${word}${n === 1n ? '' : 's'}`;

/**
 * An --event that selects no section is a mistake worth stopping for: the error names the
 * inputs (they are what lacks it, known only once read) and the events present, "NAME (N samples)".
 * `role` says which event of a command it was ("the cycles").
 */
export function missingEventError(inputs: string, event: Uint8Array, present: readonly string[], role?: string): InputError {
  const what = `no section of ${role === undefined ? '' : `${role} `}event '${eventLabel(event)}' in the input`;
  return new InputError(inputs, present.length === 0 ? `${what}: it names no events` : `${what}; events present: ${present.join(', ')}`);
}

/**
 * For a format that folds only the first event of an input unless one is
 * asked for: a warning naming the events of the input just fed that were left
 * out (several events are never summed, nor dropped silently). `before`: the
 * session's events before that input.
 */
export function skippedEventsWarning(session: CoreSession, name: string, before: readonly CoreEvent[]): string | undefined {
  const picked = session.pickedEvent();
  if (!picked) return undefined;
  const earlier = new Map(before.map((e) => [eventLabel(e.name), e.samples]));
  const seen = session
    .events()
    .map((e) => ({ label: eventLabel(e.name), samples: e.samples - (earlier.get(eventLabel(e.name)) ?? 0n) }))
    .filter((e) => e.samples > 0n);
  const first = eventLabel(picked);
  const others = seen.filter((e) => e.label !== first);
  if (others.length === 0) return undefined;
  const folded = seen.find((e) => e.label === first)?.samples ?? 0n;
  return (
    `${skippedEventsPrefix(name)}'${first}' (${plural(folded, 'sample')}), not ` +
    `${others.map((e) => `'${e.label}' (${plural(e.samples, 'sample')})`).join(', ')}: --event NAME selects one`
  );
}

const skippedEventsPrefix = (name: string): string => `${name}: several events; folded only the first, `;

/** Whether `message` is skippedEventsWarning()'s for input `name`. */
export function isSkippedEventsWarning(message: string, name: string): boolean {
  return message.startsWith(skippedEventsPrefix(name));
}
