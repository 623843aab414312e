// Folded text: one line per distinct stack, `root;...;leaf count`, sorted
// bytewise by stack as stackcollapse.pl sorts its keys. A depth-first walk of
// the tree is not enough for that order ("a;b" sorts after "a.x"), so stacks
// are sorted with comparators that never build the strings (stack-sort.ts).
//
// When every stack is still in the stack table (the common case: DTrace,
// pmcstat), lines come straight from its frame sequences and the call tree
// is never built. Otherwise the table is flushed into the tree and the lines
// are a depth-first walk of it: all lines through a node share its text, so
// only each node's children need ordering (see treeItems), never the
// millions of stacks of a high-cardinality profile against each other.
//
// A flame chart's records can also be written in input order, one line per
// item of the record log (a stack filter folds them again in that order).
//
// With `withPaths` (sorted lines), each line also gets a record in `pathBuf` (u32 words):
// its frame count n, where its count text starts and ends in `outBuf`, then
// its n frame ids, root first. The exports (pprof, speedscope, top) read
// those and name each distinct frame once, instead of splitting the text
// and looking every name up.

import { allocBytes, growBytes, freeBytes, copyShort } from "../util/memory";
import { writeUnits } from "../tables/counts";
import { sortIds } from "../util/sort";
import { sortEntries, compareFrames } from "./stack-sort";
import { nodeCount, nodeFrame, nodeSelf, nodeSelf2, nodeIsEnd, stackCount, indexChildren } from "../tables/call-tree";
import { frameTable, hasSecondCount, flushStacks, releaseSlots } from "../tables/session";
import { stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue } from "../tables/stack-table";
import { stacksBegin, stackPath, path, stackFirst, stackSecond } from "./stacks";

let order: usize = 0; // u32: the table's entries, sorted
let orderLen: u32 = 0;
let cursor: u32 = 0;
let fromTable = false; // lines come from stack-table entries, not tree nodes
let fromLog = false; // lines come from the record log, in input order
export let outBuf: usize = 0;
let outCap: usize = 0;
let withPaths = false;
export let pathBuf: usize = 0;
let pathCap: usize = 0; // bytes
export let pathLen: u32 = 0; // u32 words written by the last foldedNext()

/**
 * Prepares the folded lines, sorted, or in input order (the record log's items:
 * the caller checks that records were logged); returns how many there are.
 */
export function foldedBegin(inputOrder: bool, paths: bool = false): u32 {
  withPaths = paths && !inputOrder; // the exports read sorted stacks only
  freeBytes(order);
  order = 0;
  fromLog = inputOrder;
  fromTable = !inputOrder && stackCount() == 0; // no stack lives only in the tree
  if (fromLog) {
    orderLen = stacksBegin(true);
  } else if (fromTable) {
    orderLen = stackEntryCount();
    order = allocBytes(<usize>orderLen << 2);
    for (let e: u32 = 0; e < orderLen; e++) store<u32>(order + (<usize>e << 2), e);
    sortEntries(order, orderLen);
  } else {
    flushStacks();
    releaseSlots(); // read only from here: the walk's arrays can take their memory
    orderLen = stackCount();
    treeWalkBegin();
  }
  cursor = 0;
  if (outCap == 0) {
    outCap = 1 << 20;
    outBuf = allocBytes(outCap);
  }
  return orderLen;
}

function entryLineBytes(e: u32): usize {
  let len: usize = 80; // two counts, separators, newline
  const p = stackEntrySeq(e), wide = stackEntryWide(e);
  for (let i: u32 = 0, n = stackEntryLen(e); i < n; i++) len += <usize>frameTable.len(seqFrame(p, wide, i)) + 1;
  return len;
}

/** Writes the next lines into `outBuf`, up to its size; returns the bytes written (0: done). */
export function foldedNext(): u32 {
  pathLen = 0;
  if (!fromTable && !fromLog) return treeNext();
  let o = outBuf;
  const limit = outBuf + outCap;
  while (cursor < orderLen) {
    // The next sorted table entry, or the log's next item: its stack, `frames` long, read into `path`.
    const e = fromLog ? 0 : load<u32>(order + (<usize>cursor << 2));
    const frames = fromLog ? stackPath(cursor, false) : 0;
    const need = fromLog ? pathLineBytes(frames) : entryLineBytes(e);
    if (o + need > limit) {
      if (o > outBuf) break; // flush what we have first
      growOut(need);
      return foldedNext();
    }
    if (withPaths) pathOfEntry(e);
    o = fromLog ? writeLogLine(o, cursor, frames) : writeEntryLine(o, e);
    if (withPaths) pathCounts(o);
    cursor++;
  }
  return <u32>(o - outBuf);
}

// The bytes of a line of the `n` frames at stacks.ts `path`.
function pathLineBytes(n: u32): usize {
  let len: usize = 80; // two counts, separators, newline
  for (let i: u32 = 0; i < n; i++) len += <usize>frameTable.len(load<u32>(path + (<usize>i << 2))) + 1;
  return len;
}

// Log item i's line: its stack, the `n` frames at `path`, and its counts.
function writeLogLine(o: usize, i: u32, n: u32): usize {
  for (let k: u32 = 0; k < n; k++) {
    const f = load<u32>(path + (<usize>k << 2));
    if (k > 0) store<u8>(o++, 0x3b);
    const len = frameTable.len(f);
    copyShort(o, frameTable.ptr(f), len);
    o += len;
  }
  return writeCounts(o, stackFirst(i), stackSecond(i));
}

// A line's path record: room for it, its frame count; the frames follow, then pathCounts.
function pathOpen(n: u32): usize {
  const need = (<usize>pathLen + 3 + <usize>n) << 2;
  if (need > pathCap) {
    const cap = max<usize>(need, max<usize>(1 << 16, pathCap << 1));
    pathBuf = growBytes(pathBuf, <usize>pathLen << 2, cap);
    pathCap = cap;
  }
  const at = pathBuf + (<usize>pathLen << 2);
  store<u32>(at, n);
  return at + 12;
}

function pathOfEntry(e: u32): void {
  const p = stackEntrySeq(e), wide = stackEntryWide(e), n = stackEntryLen(e);
  const at = pathOpen(n);
  for (let i: u32 = 0; i < n; i++) store<u32>(at + (<usize>i << 2), seqFrame(p, wide, n - 1 - i));
}

// Ends the path record of the line just written, whose text ends (newline included) at `o`:
// its count text is from the space after its frames to the newline.
function pathCounts(o: usize): void {
  const at = pathBuf + (<usize>pathLen << 2);
  let c = o - 1;
  while (load<u8>(c - 1) != 0x20) c--; // counts hold no space: the first column's is before the last
  if (hasSecondCount) {
    c--;
    while (load<u8>(c - 1) != 0x20) c--;
  }
  store<u32>(at, <u32>(c - outBuf), 4);
  store<u32>(at, <u32>(o - 1 - outBuf), 8);
  pathLen += 3 + load<u32>(at);
}

function growOut(need: usize): void {
  outBuf = growBytes(outBuf, 0, need);
  outCap = need;
}

// A line from a stack-table entry: its leaf-first sequence written backwards.
function writeEntryLine(o: usize, e: u32): usize {
  const p = stackEntrySeq(e), wide = stackEntryWide(e);
  const n = stackEntryLen(e);
  for (let i = <i32>n - 1; i >= 0; i--) {
    const f = seqFrame(p, wide, <u32>i);
    const len = frameTable.len(f);
    copyShort(o, frameTable.ptr(f), len);
    o += len;
    if (i > 0) store<u8>(o++, 0x3b);
  }
  return writeCounts(o, stackEntryCountValue(e, false), stackEntryCountValue(e, true));
}

// The tree's lines, depth first. A node's children are its items: its
// line (when a stack ends there) and its subtree (when it has children),
// each keyed by its text: the name, or the name and ';' (then what follows).
// Lines through one subtree share that prefix and no other line does, so
// the sorted output is each node's items in the order of their keys.
let kidsFrom: usize = 0; // u32 per node + 1: node p's children are kids[kidsFrom[p] .. kidsFrom[p + 1])
let kids: usize = 0;
let items: usize = 0; // u32 item: child << 1 | 1 for its subtree; the open nodes' items, stacked
let itemsLen: u32 = 0;
let itemsCap: u32 = 0;
const OPEN: usize = 20; // per open node: u32 next item, u32 end of its items, u32 start of them, u32 prefix length before it, u32 its frame
let open: usize = 0;
let openLen: u32 = 0;
let openCap: u32 = 0;
let prefix: usize = 0; // the text of the open nodes: "root;...;frame;"
let prefixLen: usize = 0;
let prefixCap: usize = 0;
let rootLine = false; // the empty stack's line (a count with no frames) is still to be written

function treeWalkBegin(): void {
  const n = nodeCount();
  freeBytes(kidsFrom);
  freeBytes(kids);
  freeBytes(kidFrames);
  kidFrames = 0;
  kidFramesCap = 0;
  kidsFrom = allocBytes((<usize>n + 1) << 2);
  kids = allocBytes(<usize>n << 2);
  indexChildren(kidsFrom, kids);
  itemsLen = 0;
  openLen = 0;
  prefixLen = 0;
  rootLine = n > 0 && nodeIsEnd(0);
  if (n > 0) openNode(0, 0, 0);
}

// The frames of the children of the node being opened, by their place among them (u32 each), for
// the sort's comparisons: read from the children's nodes, each comparison would be two cache misses
// where a profile's nodes are many and its siblings were made far apart (5 M stacks of 4 frames under
// 1,000 parents of 8,000 children each: 3 of 14 s). Only for nodes of up to PLACED children: a wider
// node's buffer would add to the walk's peak (HC2's nodes have 1.7 M children, made in name order).
let kidFrames: usize = 0;
let kidFramesCap: u32 = 0;
const PLACED: u32 = 1 << 16;
let byPlace = false; // items name children by their place (`kidFrames`), not by node

// Pushes the sorted items of node x, of frame `frame`; `before` is the prefix length to return to when it is done.
function openNode(x: u32, before: usize, frame: u32): void {
  const from = load<u32>(kidsFrom + (<usize>x << 2)), to = load<u32>(kidsFrom + (<usize>(x + 1) << 2));
  const start = itemsLen;
  if (itemsLen + ((to - from) << 1) > itemsCap) {
    const cap = max<u32>(itemsLen + ((to - from) << 1), max<u32>(1024, itemsCap << 1));
    items = growBytes(items, <usize>itemsLen << 2, <usize>cap << 2);
    itemsCap = cap;
  }
  byPlace = to - from > 1 && to - from <= PLACED;
  if (byPlace && to - from > kidFramesCap) {
    kidFramesCap = max<u32>(to - from, min<u32>(PLACED, max<u32>(64, kidFramesCap << 1)));
    freeBytes(kidFrames);
    kidFrames = allocBytes(<usize>kidFramesCap << 2);
  }
  for (let k = from; k < to; k++) {
    const c = load<u32>(kids + (<usize>k << 2));
    const id = byPlace ? k - from : c;
    if (byPlace) store<u32>(kidFrames + (<usize>id << 2), nodeFrame(c));
    if (nodeIsEnd(c)) store<u32>(items + (<usize>(itemsLen++) << 2), id << 1);
    if (load<u32>(kidsFrom + (<usize>(c + 1) << 2)) > load<u32>(kidsFrom + (<usize>c << 2))) store<u32>(items + (<usize>(itemsLen++) << 2), (id << 1) | 1);
  }
  if (!itemsInOrder(start, itemsLen)) sortIds(items + (<usize>start << 2), itemsLen - start, compareItems);
  if (byPlace) { // back to nodes
    for (let i = start; i < itemsLen; i++) {
      const at = items + (<usize>i << 2), item = load<u32>(at);
      store<u32>(at, (load<u32>(kids + (<usize>(from + (item >> 1)) << 2)) << 1) | (item & 1));
    }
  }
  if (openLen == openCap) {
    const cap = max<u32>(64, openCap << 1);
    open = growBytes(open, <usize>openLen * OPEN, <usize>cap * OPEN);
    openCap = cap;
  }
  const f = open + <usize>openLen * OPEN;
  store<u32>(f, start);
  store<u32>(f, itemsLen, 4);
  store<u32>(f, start, 8);
  store<u32>(f, <u32>before, 12);
  store<u32>(f, frame, 16);
  openLen++;
}

// Whether items [from, to) are in order already, as a node's children made in name order (a
// sorted file's) are: checked here with compareItems called directly (inlined), where sortIds'
// own check calls it through a function reference (HC2: 5 M comparisons).
function itemsInOrder(from: u32, to: u32): bool {
  for (let i = from + 1; i < to; i++) {
    if (compareItems(load<u32>(items + (<usize>(i - 1) << 2)), load<u32>(items + (<usize>i << 2))) > 0) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function itemFrame(item: u32): u32 { return byPlace ? load<u32>(kidFrames + (<usize>(item >> 1) << 2)) : nodeFrame(item >> 1); }

// Items of one node by their keys: a child's line ("name") before its subtree ("name;...").
function compareItems(a: u32, b: u32): i32 {
  if (a >> 1 == b >> 1) return <i32>(a & 1) - <i32>(b & 1); // the same child
  return compareFrames(itemFrame(a), (a & 1) == 0, itemFrame(b), (b & 1) == 0); // siblings have distinct frames
}

function prefixRoom(size: usize): void {
  if (size <= prefixCap) return;
  const cap = max<usize>(size, max<usize>(256, prefixCap << 1));
  prefix = growBytes(prefix, prefixLen, cap);
  prefixCap = cap;
}

function treeNext(): u32 {
  let o = outBuf;
  const limit = outBuf + outCap;
  if (rootLine) {
    if (withPaths) pathOpen(0);
    o = writeCounts(o, nodeSelf(0), nodeSelf2(0));
    if (withPaths) pathCounts(o);
    rootLine = false;
  }
  while (openLen > 0) {
    const f = open + <usize>(openLen - 1) * OPEN;
    const next = load<u32>(f);
    if (next == load<u32>(f, 4)) { // the node's items are done: they and its name leave the stacks
      itemsLen = load<u32>(f, 8);
      prefixLen = <usize>load<u32>(f, 12);
      openLen--;
      continue;
    }
    const item = load<u32>(items + (<usize>next << 2));
    const c = item >> 1;
    const fc = nodeFrame(c);
    const len = <usize>frameTable.len(fc);
    if ((item & 1) != 0) { // its subtree: the prefix grows by "name;"
      store<u32>(f, next + 1);
      prefixRoom(prefixLen + len + 1);
      const before = prefixLen;
      copyShort(prefix + prefixLen, frameTable.ptr(fc), len);
      store<u8>(prefix + prefixLen + len, 0x3b);
      prefixLen += len + 1;
      openNode(c, before, fc);
      continue;
    }
    const need = prefixLen + len + 80; // two counts, separators, newline
    if (o + need > limit) {
      if (o > outBuf) break; // flush what we have first
      growOut(need);
      return treeNext();
    }
    store<u32>(f, next + 1);
    if (withPaths) pathOfOpen(fc);
    copyShort(o, prefix, prefixLen);
    o += prefixLen;
    copyShort(o, frameTable.ptr(fc), len);
    o += len;
    o = writeCounts(o, nodeSelf(c), nodeSelf2(c));
    if (withPaths) pathCounts(o);
  }
  return <u32>(o - outBuf);
}

// The path of a line of the tree walk: the open nodes' frames below the root, then `leaf`.
function pathOfOpen(leaf: u32): void {
  const n = openLen; // open nodes 1 .. openLen-1, and the leaf
  const at = pathOpen(n);
  for (let k: u32 = 1; k < openLen; k++) store<u32>(at + (<usize>(k - 1) << 2), load<u32>(open + <usize>k * OPEN, 16));
  store<u32>(at + (<usize>(n - 1) << 2), leaf);
}

function writeCounts(o: usize, c1: i64, c2: i64): usize {
  store<u8>(o++, 0x20);
  o = writeUnits(o, c1);
  if (hasSecondCount) {
    store<u8>(o++, 0x20);
    o = writeUnits(o, c2);
  }
  store<u8>(o++, 0x0a);
  return o;
}
