// Escaping for every context a frame name or an option reaches in the SVG:
// XML text, XML attributes, comments, the CSS in <style>, and data embedded in
// the viewer script. flamegraph.pl pastes titles, count names, the name type
// and the font straight in, so a `<`, a quote or a `]]>` breaks the file or
// runs as script; here every such value passes through one of these.

// Characters XML 1.0 forbids outright. C0 controls become their visible
// "control picture" (NUL → ␀, ESC → ␛) so a name stays recognisable;
// U+FFFE, U+FFFF and lone surrogates become U+FFFD.
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function replaceIllegal(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
}

/** Replaces characters that may not appear in an XML document at all. */
export function xmlSafe(s: string): string {
  return s.replace(ILLEGAL, replaceIllegal);
}

const TEXT_SPECIAL = /[&<>]/;
const TEXT_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Content of an XML element. `>` is escaped too, so `]]>` never appears. */
export function xmlText(s: string): string {
  const safe = xmlSafe(s);
  return TEXT_SPECIAL.test(safe) ? safe.replace(/[&<>]/g, (c) => TEXT_ENTITIES[c]!) : safe;
}

const ATTR_ENTITIES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;',
};

/** Value of a double-quoted XML attribute; tabs and newlines survive attribute normalisation. */
export function xmlAttr(s: string): string {
  return xmlSafe(s).replace(/[&<>"\t\n\r]/g, (c) => ATTR_ENTITIES[c]!);
}

/**
 * Text inside `<!-- -->`, where nothing can be escaped: markup characters are
 * written as entity text (as inferno does), and a `-` that would form `--` or
 * end the comment is written as `&#45;`, so the comment cannot be closed early.
 */
export function xmlComment(s: string): string {
  return xmlText(s).replace(/-(?=-|$)/g, '&#45;');
}

/** A CSS string literal for a value, with quotes, backslashes and line breaks escaped. */
function cssString(s: string): string {
  return `"${s.replace(/["\\\n\r\f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/**
 * A font-family value for the stylesheet from a user's font list. Plain names
 * (`Verdana`, `Andale Mono`, `monospace`) stay bare so generic families keep
 * working; anything else becomes a quoted CSS string. The result is then
 * XML-escaped, since the stylesheet is element text.
 */
export function cssFontFamily(fonts: string): string {
  const families = xmlSafe(fonts)
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => (/^[A-Za-z][A-Za-z0-9 _-]*$/.test(f) && !/ {2}/.test(f) ? f : cssString(f)));
  return xmlText(families.length > 0 ? families.join(', ') : 'sans-serif');
}

/**
 * JSON for data inside the viewer's `<script>`: `<`, `>` and `&` are written as
 * `\u003c`-style escapes, so neither `</script>` nor `]]>` can appear, and the
 * characters XML forbids are escaped rather than written raw.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Markup with every character outside ASCII written as a character reference
 * (`é` → `&#233;`), so the bytes are the same in any ASCII-compatible encoding
 * the XML declaration names (--encoding). Apply it to markup only: inside the
 * script and comments a reference is not decoded (see asciiScriptJson).
 */
export function asciiCharRefs(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  return s.replace(/[^\x00-\x7f]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return `&#${code >= 0xd800 && code <= 0xdfff ? 0xfffd : code};`; // a lone surrogate is no character
  });
}

/** scriptJson, with every character outside ASCII written as a `\uXXXX` escape. */
export function asciiScriptJson(value: unknown): string {
  return scriptJson(value).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
