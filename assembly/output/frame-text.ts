// The SVG's frames as text: each frame's `<rect>` in #frames, and its tooltip
// as an item of the frame data's JSON list (src/render/frame-writer.ts says
// what each holds). A graph draws tens of thousands of frames; JavaScript
// would write most of them before V8 optimised its loop, so the per-frame work
// is done here: the figures (x and width as C's "%.1f" prints them, a count
// with thousands separators, a share as "%.2f") and the copying of the text
// around them. What is the same for many frames comes from JavaScript once, as
// strings by id (escaped for where each goes, already in the output's
// encoding): a depth's `" y="Y" width="`, a fill, a name's JSON text, what
// goes before and after a rect (the --nameattr group and link), and any
// tooltip written whole (the root's, one with a note or an odd count).

import { allocRaw, freeBytes } from "../util/memory";
import { u32At, f64At } from "../util/columns";
import { fixedValue, writeFixed, writeDigits, writeCommas } from "./figure-text";

/** A frame's `tip`: none given, the tooltip is written from its name, count and share. */
const NO_TIP: u32 = 0xffffffff;
/** The root's frame id (src/core-types.ts ROOT_FRAME). */
const ROOT_FRAME: u32 = 0xffffffff;
/** Output is handed over in pieces of about this size (one frame larger than it is a piece of its own). */
const OUT_SIZE: usize = 64 << 10;
/** Bytes a frame's figures take at most: an x, a width, a count with separators, a share, with their signs. */
const FIGURES: usize = 128;
/** Shares the tooltips print: finite, and far inside the doubles whose digits writeFixed prints. */
const PRINTABLE_SHARE: f64 = 1e15;
/** Counts below this are exact doubles; shares of counts below SMALL_SHARE are exact products (title-counts.ts). */
const EXACT_DOUBLE: i64 = 1 << 53;
const SMALL_SHARE: f64 = 90071992547409;

/** How the tooltips' figures are had (src/render/title-counts.ts FIGURES, TitleCounts.figures()). */
const FIGURES_NONE = 0; // JavaScript writes every tooltip
const FIGURES_OF_WIDTH = 1; // the count is the width times --factor, the share that over the total
const FIGURES_EXACT = 2; // the count is the exact whole count, the share that over the exact whole

let frames: u32 = 0;
let nameSlots: u32 = 0; // the names, and the root's slot after them
let depths: u32 = 0;
let block: usize = 0; // one allocation: the columns below
// Per frame, from the layout: f64 start and width in samples; i64 exact count; u32 depth and name id.
let starts: usize = 0;
let values: usize = 0;
let exacts: usize = 0;
let depthOf: usize = 0;
let frameOf: usize = 0;
// Per frame, from JavaScript when it is not the name's (string ids): fill, what opens and closes the rect, the whole tooltip.
let fills: usize = 0;
let opens: usize = 0;
let closes: usize = 0;
let tips: usize = 0;
// Per frame, made here: the rect's left and right edges in pixels; the tooltip's count and share.
let x1: usize = 0;
let x2: usize = 0;
let counts: usize = 0;
let shares: usize = 0;
// Frames made here for JavaScript: those wide enough for a label, and those whose tooltip it writes.
let labels: usize = 0;
let labelCount: u32 = 0;
let others: usize = 0;
let otherCount: u32 = 0;
// Per name slot: the first frame of the name (made here), its fill and its name as JSON text (string ids).
let firsts: usize = 0;
let nameFills: usize = 0;
let nameJson: usize = 0;
// Per depth: the string id of `" y="Y" width="`.
let rowOf: usize = 0;
// The strings: u32 per string and one more, where each starts in `bytes` (the next one's start is its end).
let stringBlock: usize = 0;
let offsets: usize = 0;
let bytes: usize = 0;
// How frames are written (frameTextSetup).
let fillsByName = false;
let dressed = false;
let plainOpen: u32 = 0;
let plainClose: u32 = 0;
let heightFill: u32 = 0;
let countName: u32 = 0;

let out: usize = 0;
let outCap: usize = 0;
let outLen: usize = 0;

/**
 * Makes room for `n` frames at `nDepths` depths, of `nNames` names; returns the address of
 * the block whose columns JavaScript fills or reads, in this order: starts, values, x1, x2,
 * counts, shares (f64 × n); exacts (i64 × n); depths, frames, fills, opens, closes, tips,
 * labels, others (u32 × n); firsts, name fills, name JSON (u32 × nNames + 1); rows (u32 × nDepths).
 * Every tip starts as NO_TIP.
 */
export function frameTextBegin(n: u32, nDepths: u32, nNames: u32): usize {
  frameTextEnd();
  frames = n;
  depths = nDepths;
  nameSlots = nNames + 1;
  const f64s = <usize>n << 3, u32s = <usize>n << 2, slots = <usize>nameSlots << 2;
  block = allocRaw(7 * f64s + 8 * u32s + 3 * slots + (<usize>nDepths << 2));
  starts = block;
  values = starts + f64s;
  x1 = values + f64s;
  x2 = x1 + f64s;
  counts = x2 + f64s;
  shares = counts + f64s;
  exacts = shares + f64s;
  depthOf = exacts + f64s;
  frameOf = depthOf + u32s;
  fills = frameOf + u32s;
  opens = fills + u32s;
  closes = opens + u32s;
  tips = closes + u32s;
  labels = tips + u32s;
  others = labels + u32s;
  firsts = others + u32s;
  nameFills = firsts + slots;
  nameJson = nameFills + slots;
  rowOf = nameJson + slots;
  memory.fill(tips, 0xff, u32s);
  return block;
}

/**
 * Works out each frame's edges, which frames have a label, the first frame of each name, and
 * each tooltip's figures (`kind`: FIGURES_*, see below), listing the frames whose tooltip
 * JavaScript must write (its tip is NO_TIP and its figures are not the usual ones, or it is
 * the root when `kind` is FIGURES_NONE). Returns the labels' count (labels at `labels`,
 * frameTextOthers() others at `others`).
 */
export function frameTextSetup(xpad: f64, perSample: f64, scale: f64, glyph: f64, kind: i32, factor: f64, total: f64, whole: f64): u32 {
  memory.fill(firsts, 0xff, <usize>nameSlots << 2);
  labelCount = 0;
  otherCount = 0;
  for (let i: u32 = 0; i < frames; i++) {
    const f = u32At(frameOf, i);
    const isRoot = f == ROOT_FRAME;
    const slot = isRoot ? nameSlots - 1 : f;
    if (u32At(firsts, slot) == 0xffffffff) store<u32>(firsts + (<usize>slot << 2), i);
    const start = f64At(starts, i);
    // flamegraph.pl draws the root across the whole width, --total included.
    const value = isRoot ? scale : f64At(values, i);
    const left = xpad + start * perSample;
    const right = xpad + (start + value) * perSample;
    store<f64>(x1 + (<usize>i << 3), left);
    store<f64>(x2 + (<usize>i << 3), right);
    if (trunc((right - left) / glyph) >= 3) store<u32>(labels + (<usize>(labelCount++) << 2), i);
    if (u32At(tips, i) != NO_TIP) continue;
    // As TitleCounts.wholeCount and share do, for the counts they give a double.
    let count: f64 = NaN;
    let share: f64 = NaN;
    if (kind == FIGURES_OF_WIDTH) {
      count = value * factor;
      share = (100 * value * factor) / total;
    } else if (kind == FIGURES_EXACT) {
      const units = load<i64>(exacts + (<usize>i << 3));
      const n: f64 = isRoot ? whole : units >= -EXACT_DOUBLE && units < EXACT_DOUBLE ? <f64>units : NaN;
      count = n;
      if (n <= SMALL_SHARE && n >= -SMALL_SHARE) share = (100 * n) / whole;
    }
    const wholeCount = count >= 0 && count < <f64>EXACT_DOUBLE && trunc(count) == count;
    if (wholeCount && (isRoot || (share > -PRINTABLE_SHARE && share < PRINTABLE_SHARE))) {
      store<f64>(counts + (<usize>i << 3), count);
      store<f64>(shares + (<usize>i << 3), share);
    } else {
      store<u32>(others + (<usize>(otherCount++) << 2), i);
    }
  }
  return labelCount;
}

export function frameTextOthers(): u32 { return otherCount; }

/**
 * How the frames are written, once JavaScript has given every string and every id: fills by
 * name (else by frame), rects opened and closed by frame (`dressed`: --nameattr) or all
 * alike; and the ids of the strings every rect and tooltip has. Returns the address of the
 * strings' block: their offsets (u32 × nStrings + 1), then their bytes.
 */
export function frameTextStrings(nStrings: u32, nBytes: u32, byName: bool, byFrame: bool, open: u32, close: u32, heightFillId: u32, countNameId: u32): usize {
  freeBytes(stringBlock);
  stringBlock = allocRaw(((<usize>nStrings + 1) << 2) + <usize>nBytes);
  offsets = stringBlock;
  bytes = offsets + ((<usize>nStrings + 1) << 2);
  fillsByName = byName;
  dressed = byFrame;
  plainOpen = open;
  plainClose = close;
  heightFill = heightFillId;
  countName = countNameId;
  if (outCap == 0) {
    outCap = OUT_SIZE;
    out = allocRaw(outCap);
  }
  return stringBlock;
}

/** Frees the frames' columns, strings and output (the next frameTextBegin makes them again). */
export function frameTextEnd(): void {
  freeBytes(block);
  freeBytes(stringBlock);
  freeBytes(out);
  block = 0;
  stringBlock = 0;
  out = 0;
  outCap = 0;
  frames = 0;
}

export function frameTextOut(): usize { return out; }
export function frameTextLength(): u32 { return <u32>outLen; }

// @ts-ignore: decorator
@inline function stringLength(id: u32): usize {
  const at = offsets + (<usize>id << 2);
  return <usize>(load<u32>(at + 4) - load<u32>(at));
}

function copyString(o: usize, id: u32): usize {
  const start = load<u32>(offsets + (<usize>id << 2));
  const len = stringLength(id);
  memory.copy(o, bytes + <usize>start, len);
  return o + len;
}

/** Makes the output at least `need` bytes when it is empty and smaller (a frame larger than a piece). */
function roomFor(need: usize): void {
  if (need <= outCap) return;
  freeBytes(out);
  outCap = need;
  out = allocRaw(outCap);
}

// @ts-ignore: decorator
@inline function slotOf(i: u32): u32 {
  const f = u32At(frameOf, i);
  return f == ROOT_FRAME ? nameSlots - 1 : f;
}

// @ts-ignore: decorator
@inline function fillOf(i: u32): u32 {
  return fillsByName && u32At(frameOf, i) != ROOT_FRAME ? u32At(nameFills, u32At(frameOf, i)) : u32At(fills, i);
}

/**
 * Writes the rects of frames from `from` on into the output, until the next would not fit in
 * a piece; returns the index after the last written (frameTextLength() bytes at frameTextOut()).
 */
export function frameRects(from: u32): u32 {
  let i = from;
  let o = out;
  while (i < frames) {
    const open = dressed ? u32At(opens, i) : plainOpen;
    const close = dressed ? u32At(closes, i) : plainClose;
    const row = u32At(rowOf, u32At(depthOf, i));
    const fill = fillOf(i);
    const need = stringLength(open) + stringLength(row) + stringLength(heightFill) + stringLength(fill) + stringLength(close) + FIGURES;
    if (o - out + need > outCap) {
      if (o > out) break;
      roomFor(need);
      o = out;
    }
    const left = f64At(x1, i);
    o = copyString(o, open);
    o = writeFixed(o, left, 1);
    o = copyString(o, row);
    // The width between the edges as printed (flamegraph.pl's rounding).
    o = writeFixed(o, fixedValue(f64At(x2, i), 1) - fixedValue(left, 1), 1);
    o = copyString(o, heightFill);
    o = copyString(o, fill);
    o = copyString(o, close);
    i++;
  }
  outLen = o - out;
  return i;
}

/**
 * Writes the tooltips of frames from `from` on, as items of a JSON list (a comma before all
 * but frame 0's), as frameRects does the rects: `"NAME (N samples, P%)"` from the frame's
 * name, count and share (the root's share is "100"), or its whole tooltip when JavaScript
 * gave one.
 */
export function frameTooltips(from: u32): u32 {
  let i = from;
  let o = out;
  while (i < frames) {
    const tip = u32At(tips, i);
    const name = u32At(nameJson, slotOf(i));
    const need = (tip != NO_TIP ? stringLength(tip) : stringLength(name) + stringLength(countName)) + FIGURES;
    if (o - out + need > outCap) {
      if (o > out) break;
      roomFor(need);
      o = out;
    }
    if (i > 0) store<u8>(o++, 0x2c); // ','
    if (tip != NO_TIP) o = copyString(o, tip);
    else {
      store<u8>(o++, 0x22); // '"'
      o = copyString(o, name);
      store<u16>(o, 0x2820); // " ("
      o = writeCommas(o + 2, <u64>f64At(counts, i));
      o = copyString(o, countName);
      if (u32At(frameOf, i) == ROOT_FRAME) {
        store<u32>(o, 0x30303031); // "100"
        o += 3;
      } else {
        o = writeFixed(o, f64At(shares, i), 2);
      }
      store<u32>(o, 0x00222925); // '%)"' (the fourth byte is overwritten, or lies past the end)
      o += 3;
    }
    i++;
  }
  outLen = o - out;
  return i;
}

/**
 * Whether every frame's start and width is a whole number of magnitude below 2^53, which
 * frameNumbers() writes as JavaScript's String() does (the digits, a '-' before a negative).
 */
export function frameNumbersWhole(): bool {
  for (let i: u32 = 0; i < frames; i++) {
    if (!printsWhole(f64At(starts, i)) || !printsWhole(f64At(values, i))) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function printsWhole(x: f64): bool { return trunc(x) == x && abs(x) < <f64>EXACT_DOUBLE; }

/**
 * Writes the frames' starts (`widths`: their widths) from frame `from` on, as the items of a
 * JSON list (a comma before all but frame 0's), as frameRects does the rects; only when
 * frameNumbersWhole().
 */
export function frameNumbers(from: u32, widths: bool): u32 {
  const column = widths ? values : starts;
  let i = from;
  let o = out;
  const end = out + outCap - 24; // a comma, a sign and 16 digits fit past it
  while (i < frames && o <= end) {
    if (i > 0) store<u8>(o++, 0x2c); // ','
    const x = f64At(column, i);
    if (x < 0) store<u8>(o++, 0x2d); // '-' (-0 is "0", as String(-0))
    o = writeDigits(o, <u64>abs(x));
    i++;
  }
  outLen = o - out;
  return i;
}
