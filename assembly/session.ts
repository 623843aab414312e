// What one collapse accumulates, shared by every format parser: the frame
// table, the stack being read, the call tree it folds into, and the totals.

import { ByteTable } from "./bytetable";
import { allocBytes, growBytes } from "./memory";
import { ROOT, childOf, addSelf, addSelf2, treeInit } from "./calltree";
import { stackCacheInit, stackFind, stackRemember } from "./stackcache";
import { mix64 } from "./hash";

export let frameTable: ByteTable = changetype<ByteTable>(0);

// Totals reported to the caller.
export let lineNo: f64 = 0; // lines consumed so far (1-based number of the current line)
export let ignoredLines: f64 = 0;
export let droppedRecords: f64 = 0;
export let samples: f64 = 0;
export let samples2: f64 = 0;
export let records: f64 = 0;
/** Set when any record carried a second count (two-column folded input). */
export let hasSecondCount: bool = false;

// The frames of the record being read, in input order.
let stackBuf: usize = 0;
let stackCap: u32 = 0;
export let stackLen: u32 = 0;
let stackHash: u64 = 0; // running hash of the collected frame ids, for the stack cache

export function sessionInit(): void {
  frameTable = new ByteTable(12, 1 << 16);
  stackCap = 256;
  stackBuf = allocBytes(<usize>stackCap << 2);
  treeInit();
  stackCacheInit();
}

// @ts-ignore: decorator
@inline export function countLine(): void { lineNo += 1; }
// @ts-ignore: decorator
@inline export function ignoreLine(): void { ignoredLines += 1; }
export function dropRecord(): void { droppedRecords += 1; }

export function stackPush(frame: u32): void {
  if (stackLen == stackCap) {
    stackBuf = growBytes(stackBuf, <usize>stackCap << 2, <usize>stackCap << 3);
    stackCap <<= 1;
  }
  store<u32>(stackBuf + (<usize>stackLen << 2), frame);
  stackLen++;
  stackHash = rotl<u64>((stackHash ^ <u64>frame) * 0x9e3779b97f4a7c15, 29);
}

export function stackClear(): void {
  stackLen = 0;
  stackHash = 0;
}

/** Folds the collected frames, read last to first (leaf-first input such as DTrace's), with `n` samples. */
export function foldLeafFirst(n: f64): u32 {
  const h = mix64(stackHash ^ <u64>stackLen);
  const cached = stackFind(stackBuf, stackLen, h);
  let node: u32;
  if (cached >= 0) {
    node = <u32>cached;
  } else {
    node = ROOT;
    for (let i = <i32>stackLen - 1; i >= 0; i--) {
      node = childOf(node, load<u32>(stackBuf + (<usize>i << 2)));
    }
    stackRemember(stackBuf, stackLen, h, node);
  }
  addSelf(node, n);
  samples += n;
  records += 1;
  stackClear();
  return node;
}

/** Folds the collected frames in input order (root-first input such as folded stacks). */
export function foldRootFirst(n: f64): u32 {
  let node = ROOT;
  for (let i: u32 = 0; i < stackLen; i++) {
    node = childOf(node, load<u32>(stackBuf + (<usize>i << 2)));
  }
  addSelf(node, n);
  samples += n;
  records += 1;
  stackClear();
  return node;
}

/** Adds a second count (the "after" column of differential input) to a folded node. */
export function addSecondCount(node: u32, n: f64): void {
  addSelf2(node, n);
  samples2 += n;
  hasSecondCount = true;
}

/** The frame nearest the leaf among those collected leaf first. */
export function leafFrame(): u32 { return load<u32>(stackBuf); }
export function replaceLeafFrame(frame: u32): void { store<u32>(stackBuf, frame); }

/** Adds `n` samples to a stack already walked to its node (root-first formats that fold while reading). */
export function foldedNode(node: u32, n: f64): void {
  addSelf(node, n);
  samples += n;
  records += 1;
}
