// The call tree: a node is (parent node, frame id), found through an
// open-addressing table keyed by that pair. Each node carries its self
// count(s); totals are derived by the readers (folded writer, layout).
// Node 0 is the root. A child is always created after its parent, so
// parent id < child id: readers can compute depths and totals in one pass.

import { allocBytes, allocRaw, moveRaw, freeBytes, roomLeft } from "../util/memory";
import { mix64 } from "../util/hash";
import { scaleArray } from "./counts";

export const ROOT: u32 = 0;
export const NO_FRAME: u32 = 0xffffffff;

// The node arrays are raw (every element is written when its node is made), so
// capacity reserved ahead (treeReserve) costs no memory until it is used.
let parents: usize = 0; // u32 per node
let frames: usize = 0; // u32 per node
let selfs: usize = 0; // i64 per node (units, tables/counts.ts)
let selfs2: usize = 0; // i64 per node: the second count of two-column input
let ends: usize = 0; // u8 per node: 1 when some stack ended here (even with a zero count)
let count: u32 = 0;
let cap: u32 = 0;
let stacks: u32 = 0; // nodes where some stack ended: the distinct stacks
// u32 per slot: the node + 1 in the low NODE_BITS, and above them TAG_BITS of
// the key's hash, so a probe reads the key (parent, frame) from the node
// arrays, a cache miss each, only for a slot whose tag matches: a new node
// (every line of a high-cardinality profile makes one) costs one miss. With
// few false matches the slots can be kept up to 3/4 full.
let slots: usize = 0;
let mask: u32 = 0; // slots - 1
const NODE_BITS: u32 = 27; // the tag takes the other 5
/** Nodes the slots can name: 134 million, past what the node arrays and slots fit in 4 GiB. */
const MAX_NODES: u32 = (1 << NODE_BITS) - 1;

export function treeInit(): void {
  cap = 1 << 14;
  parents = allocRaw(<usize>cap << 2);
  frames = allocRaw(<usize>cap << 2);
  selfs = allocRaw(<usize>cap << 3);
  ends = allocRaw(<usize>cap);
  mask = (1 << 15) - 1;
  slots = allocBytes((<usize>mask + 1) << 2);
  count = 0;
  newNode(0, NO_FRAME); // the root
}

// A new node's every field, so the raw arrays never show old bytes.
function newNode(parent: u32, frame: u32): u32 {
  if (count >= MAX_NODES) {
    throw new Error("out of memory: more than " + MAX_NODES.toString() + " call-tree nodes (distinct stack prefixes)");
  }
  const node = count++;
  store<u32>(parents + (<usize>node << 2), parent);
  store<u32>(frames + (<usize>node << 2), frame);
  store<i64>(selfs + (<usize>node << 3), 0);
  store<u8>(ends + <usize>node, 0);
  if (selfs2 != 0) store<i64>(selfs2 + (<usize>node << 3), 0);
  return node;
}

/** Makes room for `n` nodes in all, ahead of a bulk of insertions (no memory is used until they are made). */
export function treeReserve(n: u32): void {
  // Only a hint: never more than the memory limit leaves room for (the arrays take 17 bytes a node).
  n = <u32>min<usize>(n, <usize>cap + roomLeft() / 34);
  if (n > cap) growNodes(n);
}

// The slots are full past 3/4.
// @ts-ignore: decorator
@inline function slotsFull(nodes: u32): bool {
  return <u64>nodes << 2 > (<u64>mask + 1) * 3;
}

/**
 * Frees the slots while the tree is only read (its readers' own arrays can
 * reuse the memory); the next childOf() makes them again.
 */
export function treeSlotsRelease(): void {
  freeBytes(slots);
  slots = 0;
}

/** The child of `parent` for `frame`, created when missing. */
export function childOf(parent: u32, frame: u32): u32 {
  if (slots == 0) placeAll();
  const h = mix64((<u64>parent << 32) | <u64>frame);
  const tag = h >>> NODE_BITS; // the top bits; the slot index takes the low ones
  let i = h & mask;
  while (true) {
    const v = load<u32>(slots + (<usize>i << 2));
    if (v == 0) break;
    if (v >>> NODE_BITS == tag) {
      const node = (v & MAX_NODES) - 1;
      const n = <usize>node << 2;
      if (load<u32>(frames + n) == frame && load<u32>(parents + n) == parent) return node;
    }
    i = (i + 1) & mask;
  }
  if (count >= cap || slotsFull(count + 1)) {
    if (count >= cap) growNodes(cap << 1);
    if (slotsFull(count + 1)) growSlots();
    return childOf(parent, frame);
  }
  const node = newNode(parent, frame);
  store<u32>(slots + (<usize>i << 2), (tag << NODE_BITS) | (node + 1));
  return node;
}

export function addSelf(node: u32, n: i64): void {
  const p = selfs + (<usize>node << 3);
  store<i64>(p, load<i64>(p) + n);
  const e = ends + <usize>node;
  if (load<u8>(e) == 0) {
    store<u8>(e, 1);
    stacks++;
  }
}

export function stackCount(): u32 { return stacks; }

export function addSelf2(node: u32, n: i64): void {
  if (selfs2 == 0) { // only two-count input needs it
    selfs2 = allocRaw(<usize>cap << 3);
    memory.fill(selfs2, 0, <usize>count << 3);
  }
  const p = selfs2 + (<usize>node << 3);
  store<i64>(p, load<i64>(p) + n);
  const e = ends + <usize>node;
  if (load<u8>(e) == 0) { // a stack only the second profile has (diff's AFTER)
    store<u8>(e, 1);
    stacks++;
  }
}

/** Sets a node's own (first) count. */
export function setSelf(node: u32, n: i64): void {
  store<i64>(selfs + (<usize>node << 3), n);
}

/** Multiplies every count by `factor` (the scale of the counts grew: tables/counts.ts). */
export function rescaleTree(factor: i64): void {
  scaleArray(selfs, <usize>count, factor);
  if (selfs2 != 0) scaleArray(selfs2, <usize>count, factor);
}

function growNodes(newCap: u32): void {
  parents = moveRaw(parents, <usize>count << 2, <usize>newCap << 2);
  frames = moveRaw(frames, <usize>count << 2, <usize>newCap << 2);
  selfs = moveRaw(selfs, <usize>count << 3, <usize>newCap << 3);
  ends = moveRaw(ends, <usize>count, <usize>newCap);
  if (selfs2 != 0) selfs2 = moveRaw(selfs2, <usize>count << 3, <usize>newCap << 3);
  cap = newCap;
}

function growSlots(): void {
  freeBytes(slots);
  mask = (mask << 1) | 1;
  placeAll();
}

// Makes the slots (mask + 1 of them) and places every node.
function placeAll(): void {
  slots = allocBytes((<usize>mask + 1) << 2);
  for (let node: u32 = 1; node < count; node++) {
    const h = mix64((<u64>load<u32>(parents + (<usize>node << 2)) << 32) | <u64>load<u32>(frames + (<usize>node << 2)));
    let i = h & mask;
    while (load<u32>(slots + (<usize>i << 2)) != 0) i = (i + 1) & mask;
    store<u32>(slots + (<usize>i << 2), ((h >>> NODE_BITS) << NODE_BITS) | (node + 1));
  }
}

// @ts-ignore: decorator
@inline export function nodeCount(): u32 { return count; }
// @ts-ignore: decorator
@inline export function nodeParent(n: u32): u32 { return load<u32>(parents + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function nodeFrame(n: u32): u32 { return load<u32>(frames + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function nodeSelf(n: u32): i64 { return load<i64>(selfs + (<usize>n << 3)); }
// @ts-ignore: decorator
@inline export function nodeIsEnd(n: u32): bool { return load<u8>(ends + <usize>n) != 0; }
// @ts-ignore: decorator
@inline export function nodeSelf2(n: u32): i64 { return selfs2 == 0 ? 0 : load<i64>(selfs2 + (<usize>n << 3)); }

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

export function parentsPtr(): usize { return parents; }
export function framesPtr(): usize { return frames; }
export function selfsPtr(): usize { return selfs; }
/** 0 until some node got a second count. */
export function selfs2Ptr(): usize { return selfs2; }
