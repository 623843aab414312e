// Moving one session's stacks into another: a parallel collapse parses byte
// ranges in worker instances and merges them here. What moves is the frame
// names and every stack as a leaf-first sequence of frame ids with its two
// counts, so merging is one stack-table probe per distinct stack (not a tree
// walk per node), and the merged output equals a single-threaded run.
//
// The stream goes in pieces of a size the caller picks (a few hundred KiB),
// so neither side ever holds a copy of it whole. A piece is a run of whole records (little endian):
//   TOTALS  u32 1, u32 twoCounts, f64 lines, ignored, dropped, records, i64 scale,
//           i64 positive1, negative1, positive2, negative2 (the column sums)
//   FRAME   u32 2, u32 length, bytes (padded to 4)     frame ids are their order of arrival
//   STACK   u32 3, u32 length, i64 count, i64 count2, u32 frame[length]
// Counts are exact (tables/counts.ts): in units of the exporting session's
// scale, which the importing one adopts when it has more decimals.

import { allocBytes, growBytes, freeBytes } from "../util/memory";
import {
  frameTable, lineNo, ignoredLines, droppedRecords, records, hasSecondCount,
  addTotals, stackPush, stackClear, foldBoth, becomeTwoCount, oneCountInBoth,
} from "../tables/session";
import { columnSums } from "../tables/column-sums";
import { countScale, rescale, pow10, checkedMul, setMerging } from "../tables/counts";
import { stackEntryCount, stackEntryPending, stackEntrySeq, stackEntryLen, stackEntryWide, seqFrame, takeStackCount } from "../tables/stack-table";
import { nodeCount, nodeParent, nodeFrame, nodeSelf, nodeSelf2, nodeIsEnd } from "../tables/call-tree";

const TOTALS: u32 = 1;
const FRAME: u32 = 2;
const STACK: u32 = 3;
const TOTALS_SIZE: usize = 80;

let piece: usize = 0; // the piece being written or read
let pieceCap: usize = 0;
let pieceSize: usize = 0; // where exported pieces are cut

function pieceRoom(size: usize): void {
  if (size <= pieceCap) return;
  freeBytes(piece);
  pieceCap = size;
  piece = allocBytes(pieceCap);
}

// @ts-ignore: decorator
@inline function pad4(n: usize): usize { return (n + 3) & ~<usize>3; }

function depthOf(node: u32): u32 {
  let d: u32 = 0;
  for (let x = node; x != 0; x = nodeParent(x)) d++;
  return d;
}

// Export: totals, then frames, then stack-table entries not yet in the tree, then the tree's stacks.
let phase: i32 = 0;
let cursor: u32 = 0;

/** Starts the export, in pieces of about `size` bytes (a record larger than that is a piece of its own). */
export function exportBegin(size: usize): void {
  phase = 0;
  cursor = 0;
  pieceSize = max<usize>(size, 128);
  pieceRoom(pieceSize);
}

let out: usize = 0; // write position in the piece being filled

// Room for a record of `size` bytes: false when the piece is full (it goes
// first); a record larger than a whole piece gets a larger piece.
function room(size: usize): bool {
  if (out + size <= piece + pieceSize) return true;
  if (out > piece) return false;
  pieceRoom(size);
  out = piece;
  return true;
}

// A STACK record's head; its frame ids follow at the returned address.
function stackRecord(len: u32, count: i64, count2: i64): usize {
  store<u32>(out, STACK); store<u32>(out, len, 4);
  store<i64>(out, count, 8); store<i64>(out, count2, 16);
  const ids = out + 24;
  out = ids + (<usize>len << 2);
  return ids;
}

/** Writes the next piece at exportPiece(); returns its length, 0 when the stream is done. */
export function exportNext(): usize {
  out = piece;
  if (phase == 0) {
    store<u32>(out, TOTALS); store<u32>(out, hasSecondCount ? 1 : 0, 4);
    store<f64>(out, lineNo, 8); store<f64>(out, ignoredLines, 16); store<f64>(out, droppedRecords, 24);
    store<f64>(out, records, 32); store<i64>(out, countScale, 40);
    for (let i = 0; i < 4; i++) store<i64>(out + (<usize>i << 3), columnSums(i), 48);
    out += TOTALS_SIZE;
    phase = 1;
  }
  if (phase == 1) {
    for (; cursor < frameTable.count; cursor++) {
      const len = <usize>frameTable.len(cursor);
      if (!room(8 + pad4(len))) return out - piece;
      store<u32>(out, FRAME); store<u32>(out, <u32>len, 4);
      memory.copy(out + 8, frameTable.ptr(cursor), len);
      out += 8 + pad4(len);
    }
    phase = 2;
    cursor = 0;
  }
  if (phase == 2) {
    for (; cursor < stackEntryCount(); cursor++) {
      if (!stackEntryPending(cursor)) continue; // already in the tree: sent with the tree's stacks
      const len = stackEntryLen(cursor);
      if (!room(24 + (<usize>len << 2))) return out - piece;
      const ids = stackRecord(len, takeStackCount(cursor, false), takeStackCount(cursor, true));
      const seq = stackEntrySeq(cursor), wide = stackEntryWide(cursor);
      for (let i: u32 = 0; i < len; i++) store<u32>(ids + (<usize>i << 2), seqFrame(seq, wide, i));
    }
    phase = 3;
    cursor = 0;
  }
  if (phase == 3) {
    for (; cursor < nodeCount(); cursor++) {
      if (!nodeIsEnd(cursor)) continue;
      const len = depthOf(cursor);
      if (!room(24 + (<usize>len << 2))) return out - piece;
      let p = stackRecord(len, nodeSelf(cursor), nodeSelf2(cursor));
      for (let x = cursor; x != 0; x = nodeParent(x)) { // leaf first
        store<u32>(p, nodeFrame(x));
        p += 4;
      }
    }
    phase = 4;
  }
  return out - piece;
}

export function exportPiece(): usize { return piece; }

// Import: their frame ids → ours, filled as FRAME records arrive.
let factor: i64 = 1; // their units → ours
let firstInBoth = false; // the stream is a one-count session's, merged into a two-count one: its counts go to both columns
let frameMap: usize = 0;
let mapLen: u32 = 0;
let mapCap: u32 = 0;

/** Room for a piece of `size` bytes from another session. */
export function importBuffer(size: usize): usize {
  pieceRoom(size);
  return piece;
}

/** Merges one piece written at importBuffer(). */
export function importPiece(len: usize): void {
  let o = piece;
  const end = piece + len;
  while (o < end) {
    const kind = load<u32>(o);
    if (kind == TOTALS) {
      // Counts arrive in the units of the sender's scale: the larger scale wins (counts.ts).
      const theirs = <i32>load<i64>(o, 40);
      setMerging(true);
      if (theirs > countScale) rescale(theirs);
      factor = pow10(countScale - theirs);
      const sums = new StaticArray<i64>(4);
      for (let i = 0; i < 4; i++) sums[i] = checkedMul(load<i64>(o + (<usize>i << 3), 48), factor, "the sum of the counts is too large");
      setMerging(false);
      // One-count and two-count sessions merge as their records would in one (session.ts becomeTwoCount).
      const theirsTwo = load<u32>(o, 4) != 0;
      if (theirsTwo) becomeTwoCount();
      firstInBoth = !theirsTwo && oneCountInBoth();
      if (firstInBoth) { sums[2] = sums[0]; sums[3] = sums[1]; }
      addTotals(load<f64>(o, 8), load<f64>(o, 16), load<f64>(o, 24), sums[0], sums[1], sums[2], sums[3], load<f64>(o, 32));
      mapLen = 0; // a new stream
      o += TOTALS_SIZE;
    } else if (kind == FRAME) {
      const n = <usize>load<u32>(o, 4);
      if (mapLen == mapCap) {
        const cap = max<u32>(1024, mapCap << 1);
        frameMap = growBytes(frameMap, <usize>mapLen << 2, <usize>cap << 2);
        mapCap = cap;
      }
      store<u32>(frameMap + (<usize>mapLen << 2), frameTable.intern(o + 8, n));
      mapLen++;
      o += 8 + pad4(n);
    } else if (kind == STACK) {
      const n = load<u32>(o, 4);
      stackClear();
      for (let i: u32 = 0; i < n; i++) {
        stackPush(load<u32>(frameMap + (<usize>load<u32>(o + 24 + (<usize>i << 2)) << 2)));
      }
      const c1 = load<i64>(o, 8) * factor; // within the sums checked above
      foldBoth(c1, firstInBoth ? c1 : load<i64>(o, 16) * factor);
      o += 24 + (<usize>n << 2);
    } else {
      throw new Error("corrupt stack exchange piece");
    }
  }
}
