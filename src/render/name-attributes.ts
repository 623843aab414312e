// flamegraph.pl's --nameattr: SVG attributes for the frames of particular
// functions. Its file format, as flamegraph.pl describes it: a function name
// followed by a tab, then a sequence of tab-separated name=value pairs, e.g.
//
//   tcp_sendmsg<TAB>title=TCP send (net/ipv4/tcp.c)<TAB>href=https://example.org/tcp.c<TAB>class=net
//
// `title` replaces the frame's tooltip, `href` (and `target`, default _top)
// makes the frame a link, any other name becomes an attribute of the frame's
// <g> (class, style, data-*, ...). Every value is escaped where it is written.
// What cannot be made safe or would break the viewer is refused instead of
// pasted in as flamegraph.pl does: event handlers (on*), ids, namespaced
// names, flamegraph.pl's raw g_extra/a_extra text, and javascript:/data: links.

import { readText } from '../util/file-handle.js';
import { InputError, UsageError, systemErrorText } from '../errors.js';
import { xmlAttr } from './escape.js';

/** Attributes by function name, as the file gives them (name → value). */
export type NameAttributes = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** One function's attributes, checked and escaped, ready to write. */
export interface FrameAttributes {
  /** ` name="value"` pairs of the frame's <g> ('' when none). */
  group: string;
  /** The tooltip in place of "NAME (N samples, P%)", as given (the writer escapes it). */
  title: string | undefined;
  /** The `<a …>` start tag wrapping the frame's rectangle and label, when it links somewhere. */
  link: string | undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const LINK_KEYS = new Set(['href', 'xlink:href']);

/**
 * Whether a link runs script or carries a document (javascript:, vbscript:, data:). Read as a
 * browser reads it: leading controls and blanks are skipped, and tabs and newlines anywhere.
 */
// eslint-disable-next-line no-control-regex
const unsafeUrl = (url: string): boolean => /^(?:javascript|vbscript|data):/i.test(url.replace(/^[\x00-\x20]+|[\t\n\r]/g, ''));

/** Why an attribute is refused, or undefined when it may be written. */
function refusal(name: string, value: string): string | undefined {
  if (name === 'g_extra' || name === 'a_extra') return `'${name}' (raw attribute text) cannot be escaped: give each attribute as its own name=value pair`;
  if (LINK_KEYS.has(name)) return unsafeUrl(value) ? `a link may not run script or embed data: '${value}'` : undefined;
  if (!NAME.test(name)) return `'${name}' is not an attribute name this writer accepts (letters, digits, _ . -; no namespace)`;
  if (/^on/i.test(name)) return `'${name}': event handlers would replace the viewer's own (click to zoom, search)`;
  if (name === 'id') return "'id': frames of one function would share it, and ids belong to the viewer";
  return undefined;
}

/** Checks and escapes one function's attributes; throws an Error saying what is wrong. */
export function frameAttributes(attrs: Readonly<Record<string, string>>): FrameAttributes {
  let group = '';
  let title: string | undefined;
  let href: string | undefined;
  let target = '_top'; // flamegraph.pl's default: a link opens the page, not the SVG's frame
  for (const [name, value] of Object.entries(attrs)) {
    const why = refusal(name, value);
    if (why) throw new Error(why);
    if (name === 'title') title = value; // escaped where it is written, with the other tooltips
    else if (LINK_KEYS.has(name)) href = value;
    else if (name === 'target') target = value;
    else group += ` ${name}="${xmlAttr(value)}"`;
  }
  const link = href === undefined ? undefined : `<a xlink:href="${xmlAttr(href)}" target="${xmlAttr(target)}">`;
  return { group, title, link };
}

/** Checks every function's attributes (the API's map); a mistake is a UsageError naming the function. */
export function resolveNameAttributes(map: NameAttributes): Map<string, FrameAttributes> {
  const out = new Map<string, FrameAttributes>();
  for (const [func, attrs] of map) {
    try {
      out.set(func, frameAttributes(attrs));
    } catch (err) {
      throw new UsageError(`--nameattr: function '${func}': ${(err as Error).message}`);
    }
  }
  return out;
}

/** Parses a name-attribute file; a bad line is an InputError naming the file and the line. */
export function parseNameAttributes(text: string, file: string): Map<string, Record<string, string>> {
  const map = new Map<string, Record<string, string>>();
  // A byte order mark (Windows editors write one) is not part of the first function's name.
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new InputError(file, 'expected a function name, a tab, then name=value pairs separated by tabs', i + 1);
    const attrs: Record<string, string> = {};
    for (const pair of line.slice(tab + 1).split('\t')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new InputError(file, `expected name=value, not '${pair}'`, i + 1);
      attrs[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    try {
      frameAttributes(attrs);
    } catch (err) {
      throw new InputError(file, (err as Error).message, i + 1);
    }
    map.set(line.slice(0, tab), attrs); // a function given twice: the later line wins, as in flamegraph.pl
  }
  return map;
}

/** Reads a name-attribute file (UTF-8). */
export async function readNameAttributes(path: string): Promise<Map<string, Record<string, string>>> {
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    throw new InputError(path, `cannot open: ${systemErrorText(err)}`);
  }
  return parseNameAttributes(text, path);
}
