// What the bytes read of an input of known size (a folded file: every record
// a distinct stack) tell about the whole of it, read alike: whether its
// stacks would spend the stack table's budget (from its first MiB), and how
// far the frame table and the call tree's slots will grow. Output never
// depends on it: a table closed or sized ahead holds and finds the same things.

import { frameTable, closeStacks } from "./session";
import { stackTableClosed, stackBudget, stackBytesUsed } from "./stack-table";
import { nodeCount, slottedCount, treeExpect } from "./call-tree";

const PROJECT_AFTER: f64 = <f64>(1 << 20); // input bytes read before anything is projected
let inputBytes: f64 = 0; // the size of the input being read (0: unknown)
let stacksBytes: f64 = 0; // inputBytes until the stack table's projection is made (once)
let entryBytesBefore: usize = 0; // the stack table's entry bytes when the input began

// What the tables held at marks of the input: where it began, then where a call first read past
// 1 MiB, 2 MiB, 4 MiB, ... The rate the rest is projected at is that of the second half or so of
// what was read (since the last mark at or before its middle), not of all of it: an input whose
// start brings more new names than the rest (the names every stack shares, then only new leaves)
// is projected from the rest.
const MARKS: i32 = 40; // past 2^40 bytes
const markBytes = new StaticArray<f64>(MARKS);
const markNames = new StaticArray<u32>(MARKS); // the frame table's names
const markNodes = new StaticArray<u32>(MARKS); // the call tree's nodes,
const markSlotted = new StaticArray<u32>(MARKS); // and those of them in its slots
let marks: i32 = 0;

function mark(bytes: f64): void {
  markBytes[marks] = bytes;
  markNames[marks] = frameTable.count;
  markNodes[marks] = nodeCount();
  markSlotted[marks] = slottedCount();
  marks++;
}

/** The input just begun holds `bytes` in all, its records distinct stacks: project() can tell ahead how the tables grow. */
export function expectDistinctStacks(bytes: f64): void {
  inputBytes = bytes;
  stacksBytes = stackTableClosed ? 0 : bytes;
  entryBytesBefore = stackBytesUsed();
  marks = 0;
  mark(0);
}

/** The input ended (or another began): nothing is projected until the next expectDistinctStacks(). */
export function endProjection(): void {
  if (inputBytes == 0) return;
  inputBytes = 0;
  stacksBytes = 0;
  frameTable.expected = 0;
  treeExpect(0, 0);
}

/** `consumed` bytes of the input expected are read (each call that feeds input says so). */
export function project(consumed: f64): void {
  if (inputBytes == 0 || (consumed < PROJECT_AFTER && consumed < inputBytes)) return;
  projectStackTable(consumed);
  // The frame table and the tree's slots double as they fill, each time placing every key again
  // (5 M distinct names: about 6 M names hashed and placed in all). Told what the whole input will
  // need, a table that must grow grows to that at once (tables/byte-table.ts grow, call-tree.ts
  // growSlots). Projected again at every call: a table only grows when new keys keep coming, and
  // keys that stop being new bring the projection down, so an input whose new names were all in
  // its start never sizes a table for the rest.
  if (marks < MARKS && consumed >= max<f64>(PROJECT_AFTER, markBytes[marks - 1] * 2)) mark(consumed);
  let from = marks - 1;
  while (markBytes[from] > consumed / 2) from--; // mark 0, at 0, always is
  const scale = (inputBytes - consumed) / (consumed - markBytes[from]); // the rest, per byte read since then
  frameTable.expected = projected(frameTable.count, markNames[from], scale);
  treeExpect(projected(nodeCount(), markNodes[from], scale), projected(slottedCount(), markSlotted[from], scale));
}

// `now` of something there were `then` of at a mark, once the rest of the input brings as many
// more per byte as the bytes since the mark did (`scale`: the rest's bytes per byte since then).
function projected(now: u32, then: u32, scale: f64): u32 {
  const n = <f64>now + (<f64>now - <f64>then) * scale; // less than now if the input outgrew its size
  return n <= 0 ? 0 : <u32>min<f64>(n, <f64>0xffffffff);
}

// An input whose records are distinct stacks (folded: a collapse's output) makes a table entry for
// each: the table finds none again, and past its budget every entry made is walked into the tree
// (flushStacks) after all, having cost a probe of a table that grew for nothing (5 M lines of
// distinct stacks: 500,000 entries, 5% of the collapse). When the input's size is known, the bytes of
// entries its first MiB made tell whether the whole of it would spend the budget: then the table is
// closed at once. Output is the same either way (the budget may run out anywhere); only an input that
// repeats its stacks far apart (two folded files concatenated) loses the table's shortcut for them.
function projectStackTable(consumed: f64): void {
  if (stacksBytes == 0) return;
  const total = stacksBytes;
  stacksBytes = 0; // once per input
  if (stackTableClosed) return; // its budget ran out in the first MiB
  const used = stackBytesUsed();
  const rest = <f64>(used - entryBytesBefore) / consumed * (total - consumed);
  if (<f64>used + rest > <f64>stackBudget()) closeStacks();
}
