// The stacks as a reader sweeps them: each a path of frame ids with two
// counts, named by an id, whichever structure holds them:
// - the stack table, while every stack is there (the common case): ids are
//   entry ids;
// - the call tree, once some stack lives only there (past the table's
//   budget): the table is flushed into the tree first, so each stack is in
//   one place; ids are the nodes where a stack ends;
// - the record log (flame charts): the records in input order; ids are log
//   items, each naming a table entry or a tree node.
// stacksOrder() gives the ids in the order a sweep needs: equal paths next to
// each other (or input order for the log); stackPath() gives a path. The
// call tree read root first needs no sweep: its nodes are the merged paths
// (output/tree-sweep.ts sums them).

import { allocBytes, growBytes } from "../util/memory";
import { sortIds, reverseIds, isSorted } from "../util/sort";
import { compareBytes } from "../util/hash";
import { nodeParent, nodeFrame, nodeSelf, nodeSelf2, nodeIsEnd, stackCount, setSelf } from "../tables/call-tree";
import { flushStacks, frameTable, releaseSlots } from "../tables/session";
import { setFirstColumnSums } from "../tables/column-sums";
import { unitsPerCount, countScale, limitText } from "../tables/counts";
import { mulDivMagnitude, mulDivNegative, mulDivOverflowed } from "../util/mul-div";
import { entriesVouched, stackEntryCount, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, stackEntryCountValue, setStackEntryCount } from "../tables/stack-table";
import { logCount, logRef, logFirst, logSecond, NODE_REF } from "../tables/record-log";

const FROM_TABLE: i32 = 0;
const FROM_TREE: i32 = 1;
const FROM_LOG: i32 = 2;
let from = FROM_TABLE;
let count: u32 = 0;
// From the tree, stack i is the i-th node where some stack ends, in node
// order, found by scanning on from the last one asked for (readers ask in
// order; no array of millions of ids is kept for them).
let nextId: u32 = 0; // the stack after the last asked for
let nextNode: u32 = 0; // where to scan for it

/** The frame ids of the last stackPath(), u32 each. */
export let path: usize = 0;
let pathCap: u32 = 0;

/**
 * Chooses where the stacks are read from: the record log when `inputOrder`
 * (the caller checks that records were logged), else the stack table or the
 * call tree. Returns how many stacks there are.
 */
export function stacksBegin(inputOrder: bool): u32 {
  nextId = 0;
  nextNode = 0;
  if (inputOrder) {
    from = FROM_LOG;
    count = logCount();
  } else if (stackCount() == 0) { // no stack lives only in the tree
    from = FROM_TABLE;
    count = stackEntryCount();
  } else {
    flushStacks();
    releaseSlots(); // read only from here: the readers' arrays can take their memory
    from = FROM_TREE;
    count = stackCount();
  }
  return count;
}

/** The id of the i-th stack (in the structure's own order), for 0 <= i < stacksBegin(). */
export function stackId(i: u32): u32 {
  if (from != FROM_TREE) return i;
  if (i < nextId) { // another pass: scan from the first node again
    nextId = 0;
    nextNode = 0;
  }
  let node = nextNode;
  while (true) {
    while (!nodeIsEnd(node)) node++;
    if (nextId == i) break;
    nextId++;
    node++;
  }
  nextId = i + 1;
  nextNode = node + 1;
  return node;
}

export function stackFirst(id: u32): i64 {
  if (from == FROM_LOG) return logFirst(id);
  if (from == FROM_TABLE) return stackEntryCountValue(id, false);
  return nodeSelf(id);
}

export function stackSecond(id: u32): i64 {
  if (from == FROM_LOG) return logSecond(id);
  if (from == FROM_TABLE) return stackEntryCountValue(id, true);
  return nodeSelf2(id);
}

/**
 * Replaces every stack's first count c by trunc(c * num / den) (difffolded.pl
 * -n, each stack truncated to a whole count), num and den being the columns'
 * sums. Exact (difffolded.pl's doubles round once the product passes 2^53);
 * a scaled count or sum past 64 bits is an error.
 */
export function scaleFirstCounts(num: i64, den: i64): void {
  let positive: i64 = 0, negative: i64 = 0;
  const unit = <u64>unitsPerCount;
  for (let i: u32 = 0, n = stacksBegin(false); i < n; i++) {
    const id = stackId(i);
    const first = stackFirst(id);
    // In units, first * num / den is the scaled count in units; truncated to whole counts as int() does.
    const whole = (mulDivMagnitude(first, num, den) / unit) * unit;
    const below = mulDivNegative(first, num, den);
    if (mulDivOverflowed || whole > (below ? <u64>1 << 63 : <u64>i64.MAX_VALUE)) scaledTooLarge("a scaled count");
    const v = below ? -<i64>whole : <i64>whole; // 2^63 wraps to i64.MIN, which negates to itself
    if (from == FROM_TREE) setSelf(id, v);
    else setStackEntryCount(id, v);
    if (v >= 0) {
      const sum = positive + v;
      if (sum < positive) scaledTooLarge("the sum of the scaled counts");
      positive = sum;
    } else {
      const sum = negative + v;
      if (sum > negative) scaledTooLarge("the sum of the scaled counts");
      negative = sum;
    }
  }
  setFirstColumnSums(positive, negative);
}

function scaledTooLarge(what: string): void {
  throw new Error("diff -n: " + what + " is too large: counts are kept exact up to " + limitText(countScale));
}

// A stack as the table entry or tree node that holds it (NODE_REF set).
function refOf(id: u32): u32 {
  if (from == FROM_LOG) return logRef(id);
  return from == FROM_TREE ? id | NODE_REF : id;
}

function pathRoom(n: u32): void {
  if (n <= pathCap) return;
  const cap = max<u32>(n, max<u32>(64, pathCap << 1));
  path = growBytes(path, <usize>pathCap << 2, <usize>cap << 2);
  pathCap = cap;
}

// @ts-ignore: decorator
@inline function pathAt(i: u32): usize { return path + (<usize>i << 2); }

/** Writes a stack's frame ids at `path`, root first (leaf first when `reverse`); returns how many. */
export function stackPath(id: u32, reverse: bool): u32 {
  const ref = refOf(id);
  if ((ref & NODE_REF) == 0) {
    const seq = stackEntrySeq(ref), wide = stackEntryWide(ref), len = stackEntryLen(ref);
    pathRoom(len);
    let i: u32 = 0;
    if (!wide && !reverse) {
      // 16-bit ids, leaf first, read eight at a time from the end: reversed, then widened (a sweep reads every stack).
      for (; i + 8 <= len; i += 8) {
        const v = v128.load(seq + (<usize>(len - 8 - i) << 1));
        const r = i8x16.shuffle(v, v, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
        v128.store(pathAt(i), i32x4.extend_low_i16x8_u(r));
        v128.store(pathAt(i), i32x4.extend_high_i16x8_u(r), 16);
      }
    }
    for (; i < len; i++) store<u32>(pathAt(i), seqFrame(seq, wide, reverse ? i : len - 1 - i));
    return len;
  }
  // Walking up from the node reads the frames leaf first.
  let len: u32 = 0;
  for (let x = ref & ~NODE_REF; x != 0; x = nodeParent(x)) {
    pathRoom(len + 1);
    store<u32>(pathAt(len++), nodeFrame(x));
  }
  if (!reverse) reverseIds(path, len);
  return len;
}

/**
 * The stack ids in the order a sweep reads them (a new buffer of u32, for the
 * caller to free): stacks with equal first frames (root first, or leaf first
 * when `reverse`) next to each other, or the log's input order. Any such
 * order does: siblings are put in name order later, by the layout. Not for
 * the call tree root first (tree-sweep.ts reads it).
 */
export function stacksOrder(reverse: bool): usize {
  if (from == FROM_TREE && !reverse) throw new Error("stacksOrder: the call tree is read root first by tree-sweep.ts");
  const order = allocBytes(<usize>count << 2);
  for (let i: u32 = 0; i < count; i++) store<u32>(order + (<usize>i << 2), stackId(i));
  reversed = reverse;
  if (from == FROM_TABLE) {
    // Entries in their frames' name order need no sort: a sorted folded file's stacks come so,
    // and its reader vouches for them (root first), so that they need no check either.
    const vouchedInOrder = !reverse && entriesVouched();
    if (!vouchedInOrder && !isSorted(order, count, compareEntryNames)) sortIds(order, count, compareEntryPaths);
  } else if (from == FROM_TREE) sortIds(order, count, compareNodesLeafFirst);
  return order;
}

let reversed = false; // how compareEntryPaths reads the entries

// The i-th frame of an entry's stack in drawing order (root first, or leaf first when reversed).
// @ts-ignore: decorator
@inline function entryFrame(seq: usize, wide: bool, len: u32, i: u32): u32 {
  return seqFrame(seq, wide, reversed ? i : len - 1 - i);
}

// Orders entries by their frames in drawing order: at the first that differs, by id, or by
// name (compareEntryNames); an entry that is the start of the other sorts first.
// @ts-ignore: decorator
@inline function compareEntries(a: u32, b: u32, byName: bool): i32 {
  const i = stacksSharedFrames(a, b);
  const la = stackEntryLen(a), lb = stackEntryLen(b);
  if (i == la || i == lb) return <i32>la - <i32>lb;
  const fa = entryFrame(stackEntrySeq(a), stackEntryWide(a), la, i);
  const fb = entryFrame(stackEntrySeq(b), stackEntryWide(b), lb, i);
  return byName ? siblingOrder(fa, false, fb, false) : fa < fb ? -1 : 1;
}

// Orders entries by their frame ids in drawing order.
function compareEntryPaths(a: u32, b: u32): i32 {
  return compareEntries(a, b, false);
}

/** Whether the stacks are the call tree's end nodes (output/tree-sweep.ts reads the tree itself). */
export function stacksInTree(): bool { return from == FROM_TREE; }

/** Whether the stacks are the stack table's entries: then stacksSharedFrames() can compare two. */
export function stacksInTable(): bool { return from == FROM_TABLE; }

/** How many first frames (in the drawing order stacksOrder() was given) entries a and b share. */
export function stacksSharedFrames(a: u32, b: u32): u32 {
  const pa = stackEntrySeq(a), la = stackEntryLen(a), wa = stackEntryWide(a);
  const pb = stackEntrySeq(b), lb = stackEntryLen(b), wb = stackEntryWide(b);
  const n = min(la, lb);
  let i: u32 = 0;
  if (!wa && !wb && !reversed) {
    // 16-bit ids, kept leaf first, read root first: eight from the root end of each at a time, lane 7 the nearest the root.
    for (; i + 8 <= n; i += 8) {
      const differ = ~i16x8.bitmask(i16x8.eq(v128.load(pa + (<usize>(la - 8 - i) << 1)), v128.load(pb + (<usize>(lb - 8 - i) << 1)))) & 0xff;
      if (differ != 0) return i + clz<u32>(differ) - 24; // the lanes above the highest that differs are shared
    }
  }
  while (i < n && entryFrame(pa, wa, la, i) == entryFrame(pb, wb, lb, i)) i++;
  return i;
}

// Orders entries by their frames in drawing order, frames by name (as siblings are drawn,
// siblingOrder below, each name followed by ';'): any order of frames groups equal
// paths together, as compareEntryPaths' order of ids does. A line that ends where another
// goes on with a name its own extends by a byte below ';' ("a 1", "a.b;c 1" sort so in
// text) is out of this order: the stacks are then sorted by compareEntryPaths.
function compareEntryNames(a: u32, b: u32): i32 {
  return compareEntries(a, b, true);
}

/**
 * The order of frames fa and fb as parts of sorted text: the bytes of their
 * names, each followed by what follows it there, `end` when its stack ends
 * there (`endsA`), else ';' (names hold no ';'). 0 only for the same name and
 * ending. `end` is -1 where the end of a key sorts before every byte.
 */
// @ts-ignore: decorator
@inline export function frameTextOrder(fa: u32, endsA: bool, fb: u32, endsB: bool, end: i32): i32 {
  const pa = frameTable.ptr(fa), la = frameTable.len(fa);
  const pb = frameTable.ptr(fb), lb = frameTable.len(fb);
  const n = min(la, lb);
  const d = compareBytes(pa, n, pb, n);
  if (d != 0) return d;
  const ta = la > n ? <i32>load<u8>(pa + n) : endsA ? end : 0x3b;
  const tb = lb > n ? <i32>load<u8>(pb + n) : endsB ? end : 0x3b;
  if (ta != tb) return ta - tb;
  return <i32>la - <i32>lb; // the shorter key is a prefix of the longer
}

/**
 * flamegraph.pl's order of sibling frames fa and fb (it sorts whole folded
 * lines): frameTextOrder with a blank after a stack's last frame.
 */
export function siblingOrder(fa: u32, endsA: bool, fb: u32, endsB: bool): i32 {
  return frameTextOrder(fa, endsA, fb, endsB, 0x20);
}

// Orders end nodes by their frame ids leaf first: walking up both at once.
function compareNodesLeafFirst(a: u32, b: u32): i32 {
  let x = a, y = b;
  while (x != 0 && y != 0) {
    const fx = nodeFrame(x), fy = nodeFrame(y);
    if (fx != fy) return fx < fy ? -1 : 1;
    x = nodeParent(x);
    y = nodeParent(y);
  }
  return x == y ? 0 : x == 0 ? -1 : 1; // the one that reached the root first is shorter
}
