// Stack filters: inferno's --base and --skip-after, and --grep/--exclude (what
// `grep` and `grep -v` do to folded lines, given a name). They apply to a
// result's stacks before anything is drawn or written, so every command that
// reads stacks (collapse, svg, diff, compare, cpi) gets them through one path:
// the folded stream of the collapse is folded again into a fresh session, each
// stack transformed on the way (refold(), which diff -s uses too). Regular
// expressions stay in JavaScript; the core sees only folded lines.

import { CoreSession } from '../core.js';
import { UsageError } from '../errors.js';

/** Options that select and cut stacks; they are part of CollapseOptions and ColumnsOptions. */
export interface StackFilterOptions {
  /**
   * inferno's --base: keep only the stacks that pass through one of these frames (exact
   * names), each cut so that the frame's deepest occurrence becomes its root.
   */
  base?: string | readonly string[];
  /**
   * inferno's --skip-after: in a stack that passes through one of these frames, drop the
   * frames below the deepest occurrence (its callers), so it becomes the root; other
   * stacks are kept whole.
   */
  skipAfter?: string | readonly string[];
  /** Keep only the stacks whose folded text (`root;...;leaf`, no count) matches this regular expression. */
  grep?: string | RegExp;
  /** Drop the stacks whose folded text (`root;...;leaf`, no count) matches this regular expression. */
  exclude?: string | RegExp;
}

/**
 * A stack in, the stack to keep out (or undefined to drop it). Stacks are
 * "binary strings": one character per byte (latin1), so names in any encoding
 * pass through unchanged.
 */
export type StackTransform = (stack: string) => string | undefined;

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** A name as the core stores it: its UTF-8 bytes, one character per byte. */
const binary = (name: string): string => Buffer.from(name, 'utf8').toString('latin1');

function regex(option: string, v: string | RegExp | undefined): RegExp | undefined {
  if (v === undefined) return undefined;
  // A global or sticky expression would carry lastIndex from one stack to the next.
  if (v instanceof RegExp) return new RegExp(v.source, v.flags.replace(/[gy]/g, ''));
  try {
    return new RegExp(v);
  } catch (err) {
    throw new UsageError(`--${option}: not a regular expression: ${(err as Error).message}`);
  }
}

/** The deepest frame of `frames` that is in `names`, or -1. */
function deepest(frames: string[], names: Set<string>): number {
  for (let i = frames.length - 1; i >= 0; i--) if (names.has(frames[i]!)) return i;
  return -1;
}

/** The text a regular expression is matched against: the stack decoded as UTF-8. */
const readable = (stack: string): string => (/^[\x00-\x7f]*$/.test(stack) ? stack : Buffer.from(stack, 'latin1').toString('utf8'));

/**
 * The transform the options ask for, or undefined when they select every stack
 * unchanged. Throws a UsageError for a bad regular expression or an empty
 * symbol, so a caller fails before reading any input. Order: --grep and
 * --exclude see the whole stack, then --base cuts it, then --skip-after.
 */
export function stackFilter(options: StackFilterOptions): StackTransform | undefined {
  const base = list(options.base);
  const skipAfter = list(options.skipAfter);
  for (const [option, names] of [['base', base], ['skip-after', skipAfter]] as const) {
    if (names.some((n) => n === '')) throw new UsageError(`--${option} needs a frame name, not an empty string`);
  }
  const grep = regex('grep', options.grep);
  const exclude = regex('exclude', options.exclude);
  if (base.length === 0 && skipAfter.length === 0 && !grep && !exclude) return undefined;
  const baseNames = new Set(base.map(binary));
  const skipNames = new Set(skipAfter.map(binary));
  return (stack) => {
    if (grep || exclude) {
      const text = readable(stack);
      if (grep && !grep.test(text)) return undefined;
      if (exclude?.test(text)) return undefined;
    }
    if (baseNames.size === 0 && skipNames.size === 0) return stack;
    let frames = stack.split(';');
    if (baseNames.size > 0) {
      const at = deepest(frames, baseNames);
      if (at < 0) return undefined;
      frames = frames.slice(at);
    }
    if (skipNames.size > 0) {
      const at = deepest(frames, skipNames);
      if (at > 0) frames = frames.slice(at);
    }
    return frames.join(';');
  };
}

/** What refold() did besides folding. */
export interface Refolded {
  session: CoreSession;
  /** Stacks kept whose text starts with `#`: folded input reads such a line as a comment, so they are lost. */
  lostToComments: number;
}

/**
 * Folds the stacks of `from` into a new session, each transformed (or dropped)
 * on the way: the session's folded output is read back as folded input, so
 * stacks that become equal merge, counts stay exact, and one count column or
 * two pass through alike. The new session keeps `from`'s memory options and
 * its events (pmcstat PMCs). A session that logged its records in input order
 * (a flame chart's) is read and refolded in that order, and logs them too.
 */
export function refold(from: CoreSession, transform: StackTransform): Refolded {
  const to = new CoreSession();
  const { values } = from.optionsSnapshot();
  if (values.memoryLimitMiB !== undefined) to.setOption('memoryLimitMiB', values.memoryLimitMiB);
  if (values.stackTableBytes !== undefined) to.setOption('stackTableBytes', values.stackTableBytes);
  const inputOrder = values.recordOrder === 1;
  if (inputOrder) to.setOption('recordOrder', 1);
  // Each line ends in one count, or two for a two-count session ("stack before after").
  const counts = from.hasTwoCounts() ? 2 : 1;
  let lostToComments = 0;
  to.beginInput('folded');
  for (const view of from.foldedViews(inputOrder)) {
    // Views hold whole lines; latin1 maps bytes 1:1, so names in any encoding survive.
    const text = Buffer.from(view.buffer, view.byteOffset, view.length).toString('latin1');
    // Lines the transform keeps as they are are copied as runs of bytes; the others are
    // written after them (the order of sorted folded input does not matter: stacks merge),
    // or, in input order, before the next run.
    let run = 0;
    let changed = '';
    const writeChanged = (): void => {
      if (changed !== '') to.write(Buffer.from(changed, 'latin1'));
      changed = '';
    };
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let cut = text.lastIndexOf(' ', end - 1);
      if (counts === 2) cut = text.lastIndexOf(' ', cut - 1);
      const stack = text.slice(start, cut);
      const kept = transform(stack);
      if (kept !== undefined && kept.charCodeAt(0) === 0x23) lostToComments++; // '#'
      if (kept !== stack) {
        if (start > run) {
          if (inputOrder) writeChanged();
          to.write(view.subarray(run, start));
        }
        if (kept !== undefined) changed += kept + text.slice(cut, end) + '\n';
        run = end + 1;
      }
      start = end + 1;
    }
    if (inputOrder) writeChanged();
    if (text.length > run) to.write(view.subarray(run, text.length));
    writeChanged();
  }
  to.endInput();
  to.mergeEvents(from.events(), from.matchedSections());
  return { session: to, lostToComments };
}

/**
 * Applies the options' stack filter to a session: the session itself when
 * there is none, else a refolded one. Says (through `warn`) when the filter
 * kept no stack, or lost some to folded input's comment rule.
 */
export function filterSession(
  session: CoreSession,
  filter: StackTransform | undefined,
  warn: (message: string) => void,
): CoreSession {
  if (!filter) return session;
  const before = session.totals().stacks;
  const { session: filtered, lostToComments } = refold(session, filter);
  if (lostToComments > 0) {
    warn(`${lostToComments} stack${lostToComments === 1 ? '' : 's'} starting with '#' dropped: folded input reads such lines as comments`);
  }
  if (before > 0 && filtered.totals().stacks === 0) warn('no stack passed the stack filters (--base, --skip-after, --grep, --exclude)');
  return filtered;
}
