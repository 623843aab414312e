// The call tree: a node is (parent node, frame id), found through an
// open-addressing table keyed by that pair. Each node carries its self
// count(s); totals are derived by the readers (folded writer, layout).
// Node 0 is the root. A child is always created after its parent, so
// parent id < child id: readers can compute depths and totals in one pass.
//
// Nodes live in fixed-size blocks that never move (tables/blocks.ts): arrays
// grown by doubling left their old copies behind as dead memory (wasm memory
// never shrinks), about half the peak of a high-cardinality profile. A node
// is one 16-byte record, its key and count in one cache line: a probe that
// finds the node reads one line, not one per array.

import { allocBytes, freeBytes, growRaw, roomAhead, AHEAD_LOG, AHEAD_FROM } from "../util/memory";
import { mix64 } from "../util/hash";
import { BlockArray } from "./blocks";
import { SLOT_ID_BITS, slotWord, queueSlot, placeQueued, slotHashMask } from "./slot-batch";

export const ROOT: u32 = 0;
export const NO_FRAME: u32 = 0xffffffff;

// A node: u32 parent (bit 31: some stack ended here, even with a zero count),
// u32 frame, i64 self count (units, tables/counts.ts).
const NODE: u32 = 16;
const END: u32 = 0x80000000;
let nodes: BlockArray = changetype<BlockArray>(0);
let selfs2: BlockArray | null = null; // i64 per node: the second count of two-column input, once some node has one
let count: u32 = 0;
let stacks: u32 = 0; // nodes where some stack ended: the distinct stacks
// u32 per frame id: the first node made with that frame (NO_NODE: none yet).
// That node is found through it, never through the slots: a frame seen for
// the first time (every leaf of a profile of distinct leaves) makes a node
// without a probe of the slots, and a frame found under one parent only (most
// functions) is found without one. Frames below frameKnown have an entry.
// One array (not blocks: when the tree is read it is freed, and its one
// hole takes a reader's array of as many ids).
let frameNode: usize = 0;
let frameKnown: u32 = 0;
let frameNodeCap: u32 = 0;
export const NO_NODE: u32 = 0xffffffff;
let slotted: u32 = 0; // nodes in the slots: those not found through frameNode
// u32 per slot: the node + 1 in the low nodeBits, and above them the top bits of
// the key's hash, so a probe reads a node's key, a cache miss, only for a
// slot whose tag matches: a new node (every line of a high-cardinality
// profile makes one) costs one miss. With few false matches the slots can be
// kept up to 3/4 full.
let slots: usize = 0;
let mask: u32 = 0; // slots - 1
const NODE_BITS: u32 = SLOT_ID_BITS; // at most; the tag takes the other bits
// The bits the slots give node + 1 now: twice the nodes there are (at least
// 16), so the tag takes the rest (9 bits at 5 M nodes, 5 at the limit) and a
// probe past other keys' slots rarely matches one and reads its node (a
// miss). When the nodes outgrow them, the slots are placed anew (placeAll).
let nodeBits: u32 = 16;
// @ts-ignore: decorator
@inline function nodeBitsFor(n: u32): u32 { return min<u32>(NODE_BITS, max<u32>(16, 33 - clz<u32>(n))); }
/** Nodes the slots can name: 134 million, past what the nodes and slots fit in 4 GiB. */
const MAX_NODES: u32 = (1 << NODE_BITS) - 1;
// What the input being read is expected to bring in all (tables/projection.ts; 0: not known):
// nodes, and nodes in the slots. When the slots must grow, they grow to hold them at once, when
// memory allows, instead of doubling (and placing every node again) as they come.
let expectedNodes: u32 = 0;
let expectedSlotted: u32 = 0;

/** The tree is expected to hold this many nodes, of them this many in its slots (0, 0: not known). */
export function treeExpect(nodes: u32, slotted: u32): void {
  expectedNodes = min<u32>(nodes, MAX_NODES);
  expectedSlotted = min<u32>(slotted, MAX_NODES);
}

/** An empty tree (the root only); `blockLog`: log2 of the nodes a block holds (tests make it small). */
export function treeInit(blockLog: u32): void {
  nodes = new BlockArray(NODE, blockLog);
  freeBytes(frameNode);
  frameNode = 0;
  frameNodeCap = 0;
  frameKnown = 0;
  slotted = 0;
  queued = 0;
  selfs2 = null;
  mask = (1 << 15) - 1;
  freeBytes(slots);
  slots = allocBytes((<usize>mask + 1) << 2);
  nodeBits = nodeBitsFor(1);
  count = 0;
  stacks = 0;
  newNode(0, NO_FRAME); // the root
}

// @ts-ignore: decorator
@inline function nodeAt(n: u32): usize { return nodes.at(n); }

// A new node's every field, so blocks never show old bytes.
function newNode(parent: u32, frame: u32): u32 {
  if (count >= MAX_NODES) {
    throw new Error("out of memory: more than " + MAX_NODES.toString() + " call-tree nodes (distinct stack prefixes)");
  }
  const node = count++;
  const p = nodes.room(node);
  store<u64>(p, (<u64>frame << 32) | <u64>parent);
  store<i64>(p, 0, 8);
  if (selfs2 != null) store<i64>(selfs2!.room(node), 0);
  return node;
}

// The slots are full past 3/4.
// @ts-ignore: decorator
@inline function slotsFull(nodes: u32): bool {
  return <u64>nodes << 2 > (<u64>mask + 1) * 3;
}

/**
 * Frees the slots and frameNode while the tree is only read (its readers' own
 * arrays can reuse the memory); the next childOf() makes them again.
 */
export function treeSlotsRelease(): void {
  freeBytes(slots);
  slots = 0;
  freeBytes(frameNode);
  frameNode = 0;
  frameNodeCap = 0;
  frameKnown = 0;
}

// The frameNode entry of `frame`, made (NO_NODE) with those below it if missing.
function frameNodeAt(frame: u32): usize {
  if (frame >= frameKnown) {
    if (frame >= frameNodeCap) {
      const cap = max<u32>(frame + 1, max<u32>(1024, frameNodeCap << 1));
      frameNode = growRaw(frameNode, <usize>cap << 2);
      frameNodeCap = cap;
    }
    // NO_NODE from frameKnown to frame: mostly one new frame, stored (memory.fill is a call out of wasm).
    if (frame == frameKnown) store<u32>(frameNode + (<usize>frame << 2), NO_NODE);
    else memory.fill(frameNode + (<usize>frameKnown << 2), 0xff, <usize>(frame + 1 - frameKnown) << 2);
    frameKnown = frame + 1;
  }
  return frameNode + (<usize>frame << 2);
}

// frameNode and the slots again, after treeSlotsRelease(): the first node
// made with a frame is the one with the lowest id.
function reindex(): void {
  for (let node: u32 = 1; node < count; node++) {
    const at = frameNodeAt(nodeFrame(node));
    if (load<u32>(at) == NO_NODE) store<u32>(at, node);
  }
  placeAll();
}

// The hash a node's key (frame << 32 | parent) is placed by.
// @ts-ignore: decorator
@inline function keyHash(key: u64): u32 { return mix64(key) & slotHashMask; }

// Probes the slots for the node keyed (parent, frame) = `key`, hash `h`:
// the node found, or NO_NODE with `probeEnd` the empty slot where it goes.
let probeEnd: u32 = 0;
let probeHash: u32 = 0; // the key's hash, at the last probe
// @ts-ignore: decorator
@inline function probe(key: u64, h: u32): u32 {
  const tag = h >>> nodeBits; // the top bits; the slot index takes the low ones
  const nodeMask = (<u32>1 << nodeBits) - 1;
  let i = h & mask;
  while (true) {
    const v = load<u32>(slots + (<usize>i << 2));
    if (v == 0) break;
    if (v >>> nodeBits == tag) {
      const node = (v & nodeMask) - 1;
      if ((load<u64>(nodeAt(node)) & ~<u64>END) == key) return node;
    }
    i = (i + 1) & mask;
  }
  probeEnd = i;
  return NO_NODE;
}

/** The child of `parent` for `frame`, created when missing. */
export function childOf(parent: u32, frame: u32): u32 {
  if (slots == 0) reindex();
  const found = findChild(parent, frame);
  return found != NO_NODE ? found : makeChild(parent, frame, false);
}

// Nodes made by newChildOf() whose slots are queued (slot-batch.ts), not placed yet.
let queued: u32 = 0;

/**
 * The child of `parent` for `frame`, where `parent` was made by the same walk of one stack: it
 * has no child yet, so nothing is looked up, and a new node that goes in the slots has its slot
 * queued. A new deep stack (every level past its first new node) then waits on one cache miss per
 * batch of slots instead of two per node (a probe, and the node its frame's first is): 300 K
 * distinct stacks 125 frames deep spent 5.8 s of 9 s in childOf. Call treeWalkDone() at the end of
 * the stack, before any lookup: until then the queued nodes cannot be found.
 */
export function newChildOf(parent: u32, frame: u32): u32 { return makeChild(parent, frame, true); }

// Makes the child of `parent` for `frame`, which has none: found later through frameNode when it is
// its frame's first node, else through the slots, made again first if they must be. Its slot is
// where findChild()'s probe ended (probeEnd), or, `queue`, placed with the rest of its stack's.
// @ts-ignore: decorator
@inline function makeChild(parent: u32, frame: u32, queue: bool): u32 {
  const at = frameNodeAt(frame);
  if (load<u32>(at) == NO_NODE) { // no node has this frame: the new one is found through frameNode
    const node = newNode(parent, frame);
    store<u32>(at, node);
    return node;
  }
  const full = slotsFull(slotted + 1);
  if (full || (count + 1 >= <u32>1 << nodeBits && nodeBits < NODE_BITS)) { // or the new node's id + 1 needs another bit
    treeWalkDone(); // what is queued goes into the slots it was queued for, before they are made again
    if (full) growSlots();
    else {
      freeBytes(slots);
      placeAll();
    }
    return childOf(parent, frame); // probed again: probeEnd was in the old slots
  }
  const node = newNode(parent, frame);
  if (queue) {
    queueSlot(slots, mask, nodeBits, keyHash((<u64>frame << 32) | <u64>parent), node);
    queued++;
  } else {
    store<u32>(slots + (<usize>probeEnd << 2), slotWord(probeHash, node, nodeBits));
  }
  slotted++;
  return node;
}

/** Places the slots newChildOf() queued: a stack's walk is done. */
export function treeWalkDone(): void {
  if (queued == 0) return;
  queued = 0;
  placeQueued(slots, mask, nodeBits);
}

/** The child of `node` for `frame` in a walk of one stack that began when nodeCount() was `made` (the root is always there). */
// @ts-ignore: decorator
@inline export function walkChild(node: u32, frame: u32, made: u32): u32 {
  return node >= made ? newChildOf(node, frame) : childOf(node, frame);
}

/** Makes the slots again if a reader freed them (treeSlotsRelease), before findChild() or touchChild(). */
export function treeFindReady(): void {
  if (slots == 0) reindex();
}

/**
 * The child of `parent` for `frame`, or NO_NODE (treeFindReady() first): through
 * frameNode when it is its frame's first node, else a probe of the slots, which
 * leaves probeEnd and probeHash where childOf() places a new node.
 */
// @ts-ignore: decorator
@inline export function findChild(parent: u32, frame: u32): u32 {
  if (frame >= frameKnown) return NO_NODE;
  const first = load<u32>(frameNode + (<usize>frame << 2));
  if (first == NO_NODE) return NO_NODE; // no node has this frame
  if (nodeParent(first) == parent) return first;
  const key = (<u64>frame << 32) | <u64>parent;
  probeHash = keyHash(key);
  return probe(key, probeHash);
}

/**
 * Writes at `out` the addresses (u32) of the first two places
 * findChild(parent, frame) reads: the key's first slot, and frameNode's entry
 * (or the slot again). Read for many keys in a loop of loads alone, their
 * cache misses overlap, and findChild() then finds them in cache (tables/tree-batch.ts).
 */
export function childReads(parent: u32, frame: u32, out: usize): void {
  const known = frame < frameKnown;
  if (slotted == 0) { // every node is found through frameNode: no key to hash, no slot to read
    const at = <u32>(known ? frameNode + (<usize>frame << 2) : frameNode);
    store<u32>(out, at);
    store<u32>(out, at, 4);
    return;
  }
  const key = (<u64>frame << 32) | <u64>parent;
  const slot = slots + (<usize>(keyHash(key) & mask) << 2);
  store<u32>(out, <u32>slot);
  store<u32>(out, <u32>(known ? frameNode + (<usize>frame << 2) : slot), 4);
}

// A stack ends at the node: it is counted once among the distinct stacks.
function markEnd(node: u32): void {
  const p = nodeAt(node);
  const v = load<u32>(p);
  if ((v & END) == 0) {
    store<u32>(p, v | END);
    stacks++;
  }
}

export function addSelf(node: u32, n: i64): void {
  const p = nodeAt(node) + 8;
  store<i64>(p, load<i64>(p) + n);
  markEnd(node);
}

export function stackCount(): u32 { return stacks; }

export function addSelf2(node: u32, n: i64): void {
  const p = nodeSecond(node);
  store<i64>(p, load<i64>(p) + n);
  markEnd(node); // a stack only the second profile may have (diff's AFTER)
}

/** Sets every node's second count to its first (the session became two-count: session.ts). */
export function copyTreeFirstToSecond(): void {
  for (let i: u32 = 0; i < count; i++) {
    const v = load<i64>(nodeAt(i) + 8);
    if (v != 0) store<i64>(nodeSecond(i), v);
  }
}

// Where a node's second count is, making the column when it is the first.
function nodeSecond(node: u32): usize {
  if (selfs2 == null) { // only two-count input needs it
    const made = new BlockArray(8, nodes.log);
    for (let i: u32 = 0; i < count; i++) store<i64>(made.room(i), 0);
    selfs2 = made;
  }
  return selfs2!.at(node);
}

/** Sets a node's own (first) count. */
export function setSelf(node: u32, n: i64): void {
  store<i64>(nodeAt(node) + 8, n);
}

/** Multiplies every count by `factor` (the scale of the counts grew: tables/counts.ts). */
export function rescaleTree(factor: i64): void {
  for (let i: u32 = 0; i < count; i++) {
    const p = nodeAt(i) + 8;
    store<i64>(p, load<i64>(p) * factor);
    if (selfs2 != null) {
      const q = selfs2!.at(i);
      store<i64>(q, load<i64>(q) * factor);
    }
  }
}

// Doubles the slots, or makes as many as the nodes expected in them need (once they take
// AHEAD_FROM, at most 2^AHEAD_LOG times as many, and if memory allows: util/memory.ts).
function growSlots(): void {
  freeBytes(slots);
  const before = mask + 1;
  let n = before << 1;
  if (<usize>before << 2 >= AHEAD_FROM) while (<u64>expectedSlotted << 2 > <u64>n * 3 && n < 1 << NODE_BITS && n < before << AHEAD_LOG && roomAhead(<usize>n << 3)) n <<= 1;
  mask = n - 1;
  placeAll();
}

// Makes the slots (mask + 1 of them) and places every node not found through frameNode. The
// slots' node ids get room for the nodes expected, so that they are not placed again as the
// nodes pass a power of two.
function placeAll(): void {
  slots = allocBytes((<usize>mask + 1) << 2);
  nodeBits = nodeBitsFor(max<u32>(count, expectedNodes) + 1);
  if (slotted == 0) return; // every node is found through frameNode
  for (let node: u32 = 1; node < count; node++) {
    const key = load<u64>(nodeAt(node)) & ~<u64>END;
    if (load<u32>(frameNode + (<usize>(key >>> 32) << 2)) == node) continue;
    queueSlot(slots, mask, nodeBits, keyHash(key), node);
  }
  placeQueued(slots, mask, nodeBits);
}

// @ts-ignore: decorator
@inline export function nodeCount(): u32 { return count; }
/** Nodes in the slots: those not found through frameNode (not their frame's first). */
export function slottedCount(): u32 { return slotted; }
/** How many slots there are (or will be, when made again after treeSlotsRelease). */
export function treeSlotCount(): u32 { return mask + 1; }
// @ts-ignore: decorator
@inline export function nodeParent(n: u32): u32 { return nodeRecordParent(nodeAt(n)); }
// @ts-ignore: decorator
@inline export function nodeFrame(n: u32): u32 { return nodeRecordFrame(nodeAt(n)); }
// @ts-ignore: decorator
@inline export function nodeSelf(n: u32): i64 { return nodeRecordSelf(nodeAt(n)); }
/** Where node `n`'s record is (it never moves), for a reader that gathers the fields of many apart from finding them. */
// @ts-ignore: decorator
@inline export function nodeAddress(n: u32): usize { return nodeAt(n); }
// @ts-ignore: decorator
@inline export function nodeRecordParent(p: usize): u32 { return load<u32>(p) & ~END; }
// @ts-ignore: decorator
@inline export function nodeRecordFrame(p: usize): u32 { return load<u32>(p, 4); }
// @ts-ignore: decorator
@inline export function nodeRecordSelf(p: usize): i64 { return load<i64>(p, 8); }
// @ts-ignore: decorator
@inline export function nodeIsEnd(n: u32): bool { return (load<u32>(nodeAt(n)) & END) != 0; }
/** Whether some node has a second count (else every nodeSelf2() is 0). */
// @ts-ignore: decorator
@inline export function hasSelf2(): bool { return selfs2 != null; }
// @ts-ignore: decorator
@inline export function nodeSelf2(n: u32): i64 { return selfs2 == null ? 0 : load<i64>(selfs2!.at(n)); }

/**
 * Indexes every node's children, for the readers that walk the tree from the root: node p's
 * children are children[first[p] .. first[p + 1]), in node order. `first` holds nodeCount() + 1
 * u32s, zeroed; `children` nodeCount() u32s (raw is fine: each is written). A counting sort by
 * parent, O(nodes).
 */
export function indexChildren(first: usize, children: usize): void {
  const n = count;
  for (let i: u32 = 1; i < n; i++) {
    const c = first + (<usize>nodeParent(i) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  for (let p: u32 = 1; p <= n; p++) { // counts to the end of each node's children
    store<u32>(first + (<usize>p << 2), load<u32>(first + (<usize>p << 2)) + load<u32>(first + (<usize>(p - 1) << 2)));
  }
  for (let i = n; i-- > 1;) { // placed from the back, each end moves to its start
    const c = first + (<usize>nodeParent(i) << 2);
    const at = load<u32>(c) - 1;
    store<u32>(c, at);
    store<u32>(children + (<usize>at << 2), i);
  }
}

// What tree() reads, one column at a time (src/core.ts): the nodes' parents, frames, first and second counts.
export const COLUMN_PARENT: i32 = 0;
export const COLUMN_FRAME: i32 = 1;
export const COLUMN_SELF: i32 = 2;
export const COLUMN_SELF2: i32 = 3;

/** A column of every node as one new array (u32, or i64 for counts), for the caller to free. */
export function treeColumn(column: i32): usize {
  const wide = column >= COLUMN_SELF;
  const out = allocBytes(<usize>count << (wide ? 3 : 2));
  for (let i: u32 = 0; i < count; i++) {
    if (column == COLUMN_PARENT) store<u32>(out + (<usize>i << 2), nodeParent(i));
    else if (column == COLUMN_FRAME) store<u32>(out + (<usize>i << 2), nodeFrame(i));
    else store<i64>(out + (<usize>i << 3), column == COLUMN_SELF ? nodeSelf(i) : nodeSelf2(i));
  }
  return out;
}
