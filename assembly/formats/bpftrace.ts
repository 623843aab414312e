// bpftrace maps whose keys hold stacks (`@[kstack] = count()`, `@[ustack]`,
// `@name[kstack, ustack, comm]`), as bpftrace prints them at exit or on
// `print(@)` (each snapshot repeats the keys):
//
//   @[                          <- an entry: `@NAME[`, then what precedes its first stack
//       __schedule+697          <- a stack: one frame a line, leaf first, all indented alike
//       schedule+50
//   ,                           <- `, ` joins the key's elements (blanks trimmed)
//       main+1055
//   , sleep]: 12                <- the closing line: the last elements, then `]: VALUE`
//   @[, , java]: 2              <- one line: an unreadable stack prints as nothing
//
// The rules are the corpus contract (../shared/corpus/README.md, "bpftrace
// rules" 1-8, cited as R1..R8). Everything outside an entry is ignored (R1).
// Inside one, a line that starts with `,` or `]` separates or ends the key's
// elements; every other line is a frame of the current stack (R5). The folded
// stack is the key's scalar texts (comm, pid) in key order, then its stacks
// in reverse key order, each root first (R6): frames are collected as printed
// (leaf first, first stack first) and the scalars pushed last, in reverse.
//
// Where the contract is silent, a line is malformed (counted, reported with
// its line number, never a frame) when: a frame's indentation differs from
// the first frame's of its stack (bpftrace indents a stack's frames alike, so
// this is interleaved stderr or a terminal's wrapped line); a `,` line is
// neither a separator nor a closing line; a key ends without a count
// (`]`, `]: count 2, average 5, total 10` of stats()), which drops its entry;
// or a closing line appears outside any entry (a capture cut at its head). An
// entry still open when the next `@` line or the input's end comes is dropped
// as a record without a count.

import { isDigit, skipBlanks } from "../util/scan";
import { digitsInteger, wholeUnits } from "../tables/counts";
import { bytesEqual } from "../util/hash";
import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { frameTable, stackPush, stackLen, stackClear, foldLeafFirst, ignoreLine, dropRecord } from "../tables/session";
import { malformedLine, emptyRecord } from "../tables/notes";
import { Format, eachLine } from "./format";
import { internFrameName, trimBlanksRight } from "./frame-names";

const AT: u8 = 0x40; // '@'
const COMMA: u8 = 0x2c;
const OPEN: u8 = 0x5b; // '['
const CLOSE: u8 = 0x5d; // ']'

/** Between an entry's `@NAME[` line and its closing line. */
let inKey = false;

// The indentation of the stack being read: its length (-1 until the stack's
// first frame sets it) and its first INDENT_KEPT bytes.
const INDENT_KEPT: i32 = 32;
const indentBytes = memory.data(INDENT_KEPT + 8);
let indentLen: i32 = -1;

// The key's scalar elements, as frame ids in key order.
let scalars: usize = 0;
let scalarCap: u32 = 0;
let scalarCount: u32 = 0;

function beginBpftrace(): void {
  inKey = false;
  scalarCount = 0;
}

/** End of input: an entry left open (a capture cut short) has no count. */
function endBpftrace(): void {
  if (inKey) dropOpenEntry();
}

function bpftraceLine(start: usize, end: usize): void {
  end = trimBlanksRight(start, end); // R1
  if (start == end) return; // between entries and snapshots; inside a key, before `]:` in perf and raw modes (R5)
  if (inKey) keyLine(start, end);
  else outsideLine(start, end);
}

function outsideLine(start: usize, end: usize): void {
  const c = load<u8>(start);
  if (c == AT && entryLine(start, end)) return;
  if ((c == COMMA || c == CLOSE) && closingAt(start, end) >= 0) { malformedLine(); return; } // its entry's start is missing
  ignoreLine();
}

// A line starting with `@`: an entry of a map with stack keys, or a line to
// ignore (R1, R2, R3). False when it is no map entry at all (`@name: 5`).
function entryLine(start: usize, end: usize): bool {
  let p = start + 1;
  while (p < end && isNameByte(load<u8>(p))) p++;
  if (p == end || load<u8>(p) != OPEN) return false;
  const key = p + 1;
  const close = closingAt(key, end);
  if (close >= 0) { // one line (R3.1): a stack key is empty or starts with `,`
    const value = closedValue;
    if (!hasClosedValue || (<usize>close > key && load<u8>(key) != COMMA)) ignoreLine();
    else {
      scalarCount = 0;
      scalarText(key, <usize>close);
      closeEntry(value);
    }
    return true;
  }
  if (key == end || load<u8>(end - 1) == COMMA) { // `@NAME[` then the first stack (R3.2)
    inKey = true;
    indentLen = -1;
    scalarCount = 0;
    scalarText(key, end);
  } else {
    ignoreLine(); // `@name[key]: value` with a value that is no count
  }
  return true;
}

function keyLine(start: usize, end: usize): void {
  const c = load<u8>(start);
  if (c == AT) { // the open entry never closed
    dropOpenEntry();
    outsideLine(start, end);
    return;
  }
  if (c != COMMA && c != CLOSE) { frameLine(start, end); return; }
  const close = closingAt(start, end);
  if (close >= 0) {
    const value = closedValue;
    if (!hasClosedValue) { // `]:` and a multi-line value (hist()): skipped, and the lines after it are outside (R3.2)
      inKey = false;
      scalarCount = 0;
      stackClear();
      return;
    }
    scalarText(start, <usize>close); // `, , swapper/1` (R4)
    closeEntry(value);
    return;
  }
  if (c == COMMA && load<u8>(end - 1) == COMMA) { // a separator: `, `, `, comm, ` (R4)
    scalarText(start, end);
    indentLen = -1; // the next stack sets its own
    return;
  }
  malformedLine();
  if (c == CLOSE || hasClosing(start, end)) dropOpenEntry(); // a key that ended without a count
}

function frameLine(start: usize, end: usize): void {
  const text = skipBlanks(start, end);
  const ws = <i32>(text - start);
  const kept = <usize>min(ws, INDENT_KEPT);
  if (indentLen < 0) {
    indentLen = ws;
    memory.copy(indentBytes, start, kept);
  } else if (ws != indentLen || !bytesEqual(indentBytes, start, kept)) {
    malformedLine();
    return;
  }
  stackPush(frameName(text, end)); // R5: kept as printed, offsets and addresses too
}

/** The entry's closing line was read: its scalars go above its stacks (R6), and it counts VALUE (R7, R8). */
function closeEntry(value: i64): void {
  inKey = false;
  for (let i = scalarCount; i > 0; i--) stackPush(load<u32>(scalars + (<usize>(i - 1) << 2)));
  scalarCount = 0;
  if (stackLen == 0) emptyRecord(<f64>value);
  else foldLeafFirst(wholeUnits(value));
}

function dropOpenEntry(): void {
  inKey = false;
  scalarCount = 0;
  stackClear();
  dropRecord();
}

// ---- the parts of a line ------------------------------------------------------

// Set by closingAt(): the VALUE of `]: VALUE`, and whether there was one (not for `]:`).
let closedValue: i64 = 0;
let hasClosedValue = false;

/**
 * Where [p, end) ends with `]: VALUE` (VALUE: an optional `-` and digits) or
 * with `]:`: the position of that `]`; -1 when it does not.
 */
function closingAt(p: usize, end: usize): isize {
  hasClosedValue = false;
  if (end - p >= 2 && load<u8>(end - 1) == 0x3a && load<u8>(end - 2) == CLOSE) return <isize>(end - 2);
  let q = end;
  while (q > p && isDigit(load<u8>(q - 1))) q--;
  if (q == end) return -1;
  const digits = q;
  if (q > p && load<u8>(q - 1) == 0x2d) q--;
  if (q - p < 3 || load<u8>(q - 1) != 0x20 || load<u8>(q - 2) != 0x3a || load<u8>(q - 3) != CLOSE) return -1;
  const v = digitsInteger(digits, end);
  closedValue = q < digits ? -v : v;
  hasClosedValue = true;
  return <isize>(q - 3);
}

/** Whether `]:` occurs in [p, end): a closing line whose value is no count. */
function hasClosing(p: usize, end: usize): bool {
  for (let q = p; q + 1 < end; q++) if (load<u8>(q) == CLOSE && load<u8>(q + 1) == 0x3a) return true;
  return false;
}

/** A scalar text between stacks (R4): without leading and trailing `,` and blanks, one frame if not empty. */
function scalarText(p: usize, end: usize): void {
  while (p < end && isSeparatorByte(load<u8>(p))) p++;
  while (end > p && isSeparatorByte(load<u8>(end - 1))) end--;
  if (p == end) return;
  if (scalarCount == scalarCap) {
    const cap = scalarCap == 0 ? 8 : scalarCap << 1;
    scalars = scalarCap == 0 ? allocBytes(<usize>cap << 2) : growBytes(scalars, <usize>scalarCap << 2, <usize>cap << 2);
    scalarCap = cap;
  }
  store<u32>(scalars + (<usize>scalarCount << 2), frameName(p, end));
  scalarCount++;
}

/** The frame id of the text [p, end), with `;` written as `:` (R5). */
function frameName(p: usize, end: usize): u32 {
  return internFrameName(p, end - p);
}

// @ts-ignore: decorator
@inline function isNameByte(c: u32): bool {
  return isDigit(c) || (c | 0x20) - 0x61 < 26 || c == 0x5f;
}

// @ts-ignore: decorator
@inline function isSeparatorByte(c: u32): bool {
  return c == COMMA || c == 0x20 || c == 0x09;
}

/** The bpftrace format (formats/format.ts). */
export class BpftraceFormat extends Format {
  name(): string { return "bpftrace"; }
  optionNames(): string { return ""; }
  setOption(index: i32, value: i32): void {}
  begin(): void { beginBpftrace(); }
  line(start: usize, end: usize): void { bpftraceLine(start, end); }
  lines(p: usize, end: usize): usize { return eachLine<BpftraceFormat>(this, p, end); }
  end(): void { endBpftrace(); }
}
