// Frame names in the tables printed for a terminal (top, compare). A name is
// whatever bytes a capture held: an escape sequence in one (ESC [ ... ) would
// recolour, move or retitle the user's terminal, and a bidi control would
// reorder the columns after it. Such characters are shown as escapes instead;
// every other character, UTF-8 names included, is printed as it is. The JSON
// reports keep names exact.

// C0 controls, DEL, C1 controls; the bidi embeddings, overrides, isolates and marks.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `name` with control and bidi characters written `\xHH` (below U+0100) or `\u{HHHH}`. */
export function terminalText(name: string): string {
  return name.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
