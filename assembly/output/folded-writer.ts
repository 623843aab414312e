// Folded text: one line per distinct stack, `root;...;leaf count`, sorted
// bytewise by stack as stackcollapse.pl sorts its keys. A depth-first walk of
// the tree is not enough for that order ("a;b" sorts after "a.x"), so stacks
// are sorted with comparators that never build the strings.
//
// When every stack is still in the stack table (the common case: DTrace,
// pmcstat), lines come straight from its frame sequences and the call tree
// is never built. Otherwise the table is flushed into the tree and lines
// come from the tree's end nodes, compared by walking to their common ancestor.

import { allocBytes, growBytes, freeBytes } from "../util/memory";
import { sortIds } from "../util/sort";
import { compareBytes } from "../util/hash";
import { nodeCount, nodeParent, nodeFrame, nodeSelf, nodeSelf2, nodeIsEnd, stackCount } from "../tables/call-tree";
import { frameTable, hasSecondCount, flushStacks } from "../tables/session";
import { stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue } from "../tables/stack-table";

let depths: usize = 0; // u32 per node
let order: usize = 0; // u32: the stacks' end nodes, sorted
let orderLen: u32 = 0;
let cursor: u32 = 0;
let fromTable = false; // lines come from stack-table entries, not tree nodes
let path: usize = 0;
let pathCap: u32 = 0;
export let outBuf: usize = 0;
let outCap: usize = 0;

// @ts-ignore: decorator
@inline function depthOf(n: u32): u32 { return load<u32>(depths + (<usize>n << 2)); }

function computeDepths(): void {
  const n = nodeCount();
  freeBytes(depths);
  depths = allocBytes(<usize>n << 2);
  for (let i: u32 = 1; i < n; i++) {
    store<u32>(depths + (<usize>i << 2), depthOf(nodeParent(i)) + 1);
  }
}

// Orders two sibling frames fx, fy as parts of stack keys: after the name
// comes ';' and the next frame, or the end of the key (aEnds / bEnds).
function compareFrames(fx: u32, aEnds: bool, fy: u32, bEnds: bool): i32 {
  const px = frameTable.ptr(fx), lx = frameTable.len(fx);
  const py = frameTable.ptr(fy), ly = frameTable.len(fy);
  const n = min(lx, ly);
  const d = compareBytes(px, n, py, n);
  if (d != 0) return d;
  if (lx < ly) {
    const next: i32 = aEnds ? -1 : 0x3b; // end of stack, or the ';' before the next frame
    return next < <i32>load<u8>(py + lx) ? -1 : 1;
  }
  const next: i32 = bEnds ? -1 : 0x3b;
  return next < <i32>load<u8>(px + ly) ? 1 : -1;
}

/** Bytewise order of the stacks of table entries a and b (sequences stored leaf first). */
function compareEntries(a: u32, b: u32): i32 {
  if (a == b) return 0;
  const pa = stackEntrySeq(a), la = stackEntryLen(a), wa = stackEntryWide(a);
  const pb = stackEntrySeq(b), lb = stackEntryLen(b), wb = stackEntryWide(b);
  const n = min(la, lb);
  for (let i: u32 = 0; i < n; i++) {
    const fa = seqFrame(pa, wa, la - 1 - i);
    const fb = seqFrame(pb, wb, lb - 1 - i);
    if (fa != fb) return compareFrames(fa, i == la - 1, fb, i == lb - 1);
  }
  return la < lb ? -1 : 1; // one is a prefix of the other: the shorter sorts first
}

/** Bytewise order of the stacks ending at nodes a and b. */
function compareStacks(a: u32, b: u32): i32 {
  if (a == b) return 0;
  let x = a, y = b;
  let dx = depthOf(a), dy = depthOf(b);
  while (dx > dy) { x = nodeParent(x); dx--; }
  while (dy > dx) { y = nodeParent(y); dy--; }
  if (x == y) return depthOf(a) < depthOf(b) ? -1 : 1; // a prefix sorts first
  while (nodeParent(x) != nodeParent(y)) { x = nodeParent(x); y = nodeParent(y); }
  return compareFrames(nodeFrame(x), x == a, nodeFrame(y), y == b); // x and y are siblings
}

/** Prepares the folded lines; returns how many there are. */
export function foldedBegin(): u32 {
  freeBytes(order);
  fromTable = stackCount() == 0; // no stack lives only in the tree
  if (fromTable) {
    orderLen = stackEntryCount();
    order = allocBytes(<usize>orderLen << 2);
    for (let e: u32 = 0; e < orderLen; e++) store<u32>(order + (<usize>e << 2), e);
  } else {
    flushStacks();
    computeDepths();
    const n = nodeCount();
    order = allocBytes(<usize>n << 2);
    orderLen = 0;
    for (let i: u32 = 0; i < n; i++) {
      if (nodeIsEnd(i)) {
        store<u32>(order + (<usize>orderLen << 2), i);
        orderLen++;
      }
    }
  }
  sortIds(order, orderLen, fromTable ? compareEntries : compareStacks);
  cursor = 0;
  if (outCap == 0) {
    outCap = 1 << 20;
    outBuf = allocBytes(outCap);
  }
  return orderLen;
}

function lineBytes(id: u32): usize {
  let len: usize = 80; // two counts, separators, newline
  if (fromTable) {
    const p = stackEntrySeq(id), wide = stackEntryWide(id);
    for (let i: u32 = 0, n = stackEntryLen(id); i < n; i++) len += <usize>frameTable.len(seqFrame(p, wide, i)) + 1;
  } else {
    for (let x = id; x != 0; x = nodeParent(x)) len += <usize>frameTable.len(nodeFrame(x)) + 1;
  }
  return len;
}

/** Writes the next lines into `outBuf`, up to its size; returns the bytes written (0: done). */
export function foldedNext(): u32 {
  let o = outBuf;
  const limit = outBuf + outCap;
  while (cursor < orderLen) {
    const node = load<u32>(order + (<usize>cursor << 2));
    const need = lineBytes(node);
    if (o + need > limit) {
      if (o > outBuf) break; // flush what we have first
      outBuf = growBytes(outBuf, 0, need);
      outCap = need;
      return foldedNext();
    }
    o = writeLine(o, node);
    cursor++;
  }
  return <u32>(o - outBuf);
}

// A line from a stack-table entry: its leaf-first sequence written backwards.
function writeEntryLine(o: usize, e: u32): usize {
  const p = stackEntrySeq(e), wide = stackEntryWide(e);
  const n = stackEntryLen(e);
  for (let i = <i32>n - 1; i >= 0; i--) {
    const f = seqFrame(p, wide, <u32>i);
    const len = frameTable.len(f);
    memory.copy(o, frameTable.ptr(f), len);
    o += len;
    if (i > 0) store<u8>(o++, 0x3b);
  }
  return writeCounts(o, stackEntryCountValue(e, false), stackEntryCountValue(e, true));
}

function writeLine(o: usize, node: u32): usize {
  if (fromTable) return writeEntryLine(o, node);
  const d = depthOf(node);
  if (d > pathCap) {
    freeBytes(path);
    pathCap = d + 64;
    path = allocBytes(<usize>pathCap << 2);
  }
  let x = node;
  for (let i = <i32>d - 1; i >= 0; i--) {
    store<u32>(path + (<usize>i << 2), x);
    x = nodeParent(x);
  }
  for (let i: u32 = 0; i < d; i++) {
    if (i > 0) store<u8>(o++, 0x3b);
    const f = nodeFrame(load<u32>(path + (<usize>i << 2)));
    const len = frameTable.len(f);
    memory.copy(o, frameTable.ptr(f), len);
    o += len;
  }
  return writeCounts(o, nodeSelf(node), nodeSelf2(node));
}

function writeCounts(o: usize, c1: f64, c2: f64): usize {
  store<u8>(o++, 0x20);
  o = writeNumber(o, c1);
  if (hasSecondCount) {
    store<u8>(o++, 0x20);
    o = writeNumber(o, c2);
  }
  store<u8>(o++, 0x0a);
  return o;
}

/** Integers as digits; other values in the shortest form that reads back the same. */
export function writeNumber(o: usize, v: f64): usize {
  if (v == Math.floor(v) && Math.abs(v) < 1e15) {
    let n = <i64>v;
    if (n < 0) { store<u8>(o++, 0x2d); n = -n; }
    let digits = 1;
    for (let t = n; t >= 10; t /= 10) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      store<u8>(o + <usize>i, <u8>(0x30 + n % 10));
      n /= 10;
    }
    return o + <usize>digits;
  }
  const s = v.toString();
  for (let i = 0; i < s.length; i++) store<u8>(o++, <u8>s.charCodeAt(i));
  return o;
}
