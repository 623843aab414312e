// Stacks folded straight into the call tree (past the stack table's budget:
// a high-cardinality profile), walked a batch at a time. One at a time, each
// stack's walk waits on a cache miss or two in a tree of millions of nodes
// (a random hash probe per new node), one after the other. In a batch, the
// walks go level by level: the first places each stack's next lookup reads
// are touched for the whole batch (independent loads, whose misses overlap),
// then the lookups run, mostly from cache. This pass only finds nodes; the
// nodes still missing are then made stack by stack in input order, exactly
// as unbatched walks make them (node ids unchanged), from the deepest node
// found: their lookups were touched.
//
// The batch never outlives the call that fed it (index.ts walks it at the end
// of each parse), and the session walks it before anything else reaches the
// tree (foldBoth, a rescale, a flush).

import { ROOT, NO_NODE, addSelf, addSelf2, findChild, childReads, treeFindReady, walkChild, treeWalkDone, nodeCount } from "./call-tree";
import { allocRaw, growBytes, copyBytes } from "../util/memory";

/** Stacks a batch holds: enough misses in flight to fill the memory pipeline. */
const BATCH_DEFAULT: u32 = 64;
let batch: u32 = BATCH_DEFAULT;
/** Tests: `n` stacks a batch (1: one at a time, as unbatched; 0: the default). Between inputs: the batch is empty. */
export function setTreeBatch(n: u32): void {
  batch = n == 0 ? BATCH_DEFAULT : min<u32>(n, BATCH_DEFAULT);
}
let frames: usize = 0; // u32 frame ids: each stack's, leaf first, one after the other
let framesUsed: u32 = 0;
let framesCap: u32 = 0;
// Per stack of the batch: where its frames start, how many, its count and
// the columns it goes to, the deepest node found and its level.
let starts: usize = 0;
let lens: usize = 0;
let counts: usize = 0;
let columns: usize = 0; // u8 per stack: COUNT_*
let nodes: usize = 0;
let levels: usize = 0;
let reads: usize = 0; // two u32 addresses per stack: what its next lookup reads first (childReads)
let pending: u32 = 0;
/** Where the touched loads go, so they are kept. */
let sink: u32 = 0;

/** The columns a record's count goes to: the first, the second (diff's AFTER), or both (a one-count record among two-count ones). */
export const COUNT_FIRST: u8 = 0;
export const COUNT_SECOND: u8 = 1;
export const COUNT_BOTH: u8 = 2;

/** Adds `n` to the node's count in `column` (COUNT_*). */
export function addCountTo(node: u32, n: i64, column: u8): void {
  if (column != COUNT_SECOND) addSelf(node, n);
  if (column != COUNT_FIRST) addSelf2(node, n);
}

/** Adds a stack (`len` u32 frame ids at `stack`, leaf first) with count `n` in `column` (COUNT_*) to the batch; a full batch is walked. */
export function batchStack(stack: usize, len: u32, n: i64, column: u8): void {
  if (starts == 0) {
    starts = allocRaw(<usize>BATCH_DEFAULT << 2);
    lens = allocRaw(<usize>BATCH_DEFAULT << 2);
    counts = allocRaw(<usize>BATCH_DEFAULT << 3);
    columns = allocRaw(<usize>BATCH_DEFAULT);
    nodes = allocRaw(<usize>BATCH_DEFAULT << 2);
    levels = allocRaw(<usize>BATCH_DEFAULT << 2);
    reads = allocRaw(<usize>BATCH_DEFAULT << 3);
  }
  if (framesUsed + len > framesCap) {
    const cap = max<u32>(framesUsed + len, max<u32>(1024, framesCap << 1));
    frames = growBytes(frames, <usize>framesUsed << 2, <usize>cap << 2);
    framesCap = cap;
  }
  copyBytes(frames + (<usize>framesUsed << 2), stack, <usize>len << 2); // not a call out of wasm for each stack (util/memory.ts)
  const k = <usize>pending;
  store<u32>(starts + (k << 2), framesUsed);
  store<u32>(lens + (k << 2), len);
  store<i64>(counts + (k << 3), n);
  store<u8>(columns + k, column);
  framesUsed += len;
  if (++pending >= batch) walkBatch();
}

// The frame at `level` (0: the root's child) of stack `k`.
// @ts-ignore: decorator
@inline function frameAt(k: usize, level: u32): u32 {
  const last = load<u32>(starts + (k << 2)) + load<u32>(lens + (k << 2)) - 1;
  return load<u32>(frames + (<usize>(last - level) << 2));
}

/** Walks the batched stacks into the tree and counts them, in the order they came. */
export function walkBatch(): void {
  const n = <usize>pending;
  if (n == 0) return;
  pending = 0;
  framesUsed = 0;
  treeFindReady();
  for (let k: usize = 0; k < n; k++) {
    store<u32>(nodes + (k << 2), ROOT);
    store<u32>(levels + (k << 2), 0);
  }
  // Level by level, the nodes that exist: stacks whose lookup missed drop out.
  for (let level: u32 = 0, walking = true; walking; level++) {
    // The addresses first, then a loop of loads alone: a load among the hashing would wait behind it.
    let m: usize = 0;
    for (let k: usize = 0; k < n; k++) {
      if (load<u32>(levels + (k << 2)) == level && level < load<u32>(lens + (k << 2))) {
        childReads(load<u32>(nodes + (k << 2)), frameAt(k, level), reads + (m++ << 3));
      }
    }
    let read: u32 = 0;
    for (let i: usize = 0; i < m << 1; i++) read ^= load<u32>(<usize>load<u32>(reads + (i << 2)));
    sink ^= read;
    walking = false;
    for (let k: usize = 0; k < n; k++) {
      if (load<u32>(levels + (k << 2)) == level && level < load<u32>(lens + (k << 2))) {
        const child = findChild(load<u32>(nodes + (k << 2)), frameAt(k, level));
        if (child != NO_NODE) {
          store<u32>(nodes + (k << 2), child);
          store<u32>(levels + (k << 2), level + 1);
          walking = true;
        }
      }
    }
  }
  // The rest of each stack, made in input order (an earlier stack of the batch may have made some).
  for (let k: usize = 0; k < n; k++) {
    let node = load<u32>(nodes + (k << 2));
    const len = load<u32>(lens + (k << 2));
    const made = nodeCount();
    for (let level = load<u32>(levels + (k << 2)); level < len; level++) node = walkChild(node, frameAt(k, level), made);
    treeWalkDone();
    addCountTo(node, load<i64>(counts + (k << 3)), load<u8>(columns + k));
  }
}
