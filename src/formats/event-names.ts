// Event names (pmcstat PMCs, perf events) on the command line and in messages. pmcstat
// prints a PMC name unchecked, so it can be any bytes (corpus dd.txt has
// `@ \xe8\x03 [66 samples]`). Names are shown with every byte outside
// printable ASCII, and the backslash, as `\xHH`; the same escapes are accepted
// by `--event`, so a listed name can be pasted back.

/** A printable form of an event name: printable ASCII kept, other bytes and `\` as `\xHH`. */
export function eventLabel(name: Uint8Array): string {
  let out = '';
  for (const b of name) {
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** An event name as the API takes it (a string is UTF-8), as the core reads it: its bytes. */
export const eventNameBytes = (name: string | Uint8Array | undefined): Uint8Array | undefined =>
  name === undefined ? undefined : typeof name === 'string' ? new TextEncoder().encode(name) : name;

/** The bytes an `--event` value names: `\xHH` is one byte, everything else is UTF-8. */
export function eventBytes(text: string): Uint8Array {
  const parts: number[] = [];
  const encoder = new TextEncoder();
  let i = 0;
  while (i < text.length) {
    const m = /^\\x([0-9a-fA-F]{2})/.exec(text.slice(i, i + 4));
    if (m) {
      parts.push(parseInt(m[1]!, 16));
      i += 4;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    parts.push(...encoder.encode(ch));
    i += ch.length;
  }
  return Uint8Array.from(parts);
}
