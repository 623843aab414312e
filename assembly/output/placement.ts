// The flame graph's geometry in samples: each frame the layout kept
// (output/layout.ts), in drawing order (depth-first, root first), with its
// depth, left edge, width and own samples. A graph draws tens of thousands of
// frames, and a loop over them in JavaScript runs mostly before V8 has
// optimised it; here it runs compiled. (test/support/placement-oracle.ts is
// the same walk in JavaScript over the views JS reads: the oracle.)
//
// A frame is a node of the merged stacks. Within a frame, its own samples
// come first (left), then its children, as in flamegraph.pl; in a flame chart
// its own samples are runs between its children (GAP_FRAME children, never
// drawn). Geometry is in doubles, as flamegraph.pl's (and summed in the same
// order as the oracle, so the same doubles come out); the exact counts a
// title prints are placed too when asked for (doubles not exact).

import { unitsToF64 } from "../tables/counts";
import { allocBytes, allocRaw, freeBytes } from "../util/memory";
import { frameTable } from "../tables/session";
import { u32At, i64At } from "../util/columns";
import { mix64 } from "../util/hash";
import { inRuns } from "../util/runs";
import { GAP_FRAME, sweptFrames, sweptSelfs, sweptTotals, sweptBaseSelfs, sweptBaseTotals } from "./sweep";
import { layoutKeptIndexPtr, layoutOffsetsPtr, layoutListPtr } from "./layout";

/** The frame column's value for the root, which has no name (src/core-types.ts ROOT_FRAME). */
const ROOT_FRAME: u32 = 0xffffffff;
const NONE: u32 = 0xffffffff;

// Columns by frame in drawing order (placeCount of them).
let placeCount: u32 = 0;
let frameCol: usize = 0; // u32: name id (an index into nameFrames), ROOT_FRAME for the root
let depthCol: usize = 0; // u32
let startCol: usize = 0; // f64: left edge, in samples
let valueCol: usize = 0; // f64: width, in samples
let selfCol: usize = 0; // f64: own samples (a negative count drawn as zero)
let baseValueCol: usize = 0; // f64, two-count input: the first column's total
let baseSelfCol: usize = 0; // f64, two-count input: the first column's own count
let exValueCol: usize = 0; // i64 units, when asked: value, self, base value, base self exactly
let exSelfCol: usize = 0;
let exBaseValueCol: usize = 0;
let exBaseSelfCol: usize = 0;
// Name ids are numbered in drawing order, so that only the names drawn are read out.
let nameFrames: usize = 0; // u32 per name id: its frame id (in the frame table)
let nameCount: u32 = 0;
let nameSums: usize = 0; // f64 per name id, when asked (placeNameSums)
let nameBytes: usize = 0; // the names end to end, when asked (placeNameBytes)
let nameSlots: usize = 0; // open addressing: u32 pairs (frame id + 1, name id)
let nameMask: u32 = 0;
let maxDepth: u32 = 0;
// The walk's stack: per level, the node, its frame's place, and its next child's place in the list.
let stackNode: usize = 0;
let stackOut: usize = 0;
let stackNext: usize = 0;

/**
 * Places the `kept` frames the last layoutKeep() kept: two-count input
 * (`two`) places the first column's figures too, `exact` the exact counts.
 * Returns how many names the frames drawn have (placeNameBytes(), placeNameSums()).
 */
export function placeFrames(kept: u32, two: bool, exact: bool): u32 {
  placeFree();
  placeCount = kept;
  maxDepth = 0;
  nameCount = 0;
  if (kept == 0) return 0;
  const n = <usize>kept;
  frameCol = allocBytes(n << 2);
  depthCol = allocBytes(n << 2);
  startCol = allocBytes(n << 3);
  valueCol = allocBytes(n << 3);
  selfCol = allocBytes(n << 3);
  if (two) {
    baseValueCol = allocBytes(n << 3);
    baseSelfCol = allocBytes(n << 3);
  }
  if (exact) {
    exValueCol = allocBytes(n << 3);
    exSelfCol = allocBytes(n << 3);
    if (two) {
      exBaseValueCol = allocBytes(n << 3);
      exBaseSelfCol = allocBytes(n << 3);
    }
  }
  nameFrames = allocBytes(n << 2);
  nameMask = (<u32>1 << (33 - clz<u32>(kept))) - 1; // at most half full
  nameSlots = allocBytes((<usize>nameMask + 1) << 3); // zeroed: empty
  stackNode = allocBytes(n << 2);
  stackOut = allocBytes(n << 2);
  stackNext = allocBytes(n << 2);
  walk();
  freeBytes(nameSlots);
  freeBytes(stackNode);
  freeBytes(stackOut);
  freeBytes(stackNext);
  nameSlots = stackNode = stackOut = stackNext = 0;
  return nameCount;
}

// @ts-ignore: decorator
@inline function addF64(base: usize, i: u32, v: f64): void { const at = base + (<usize>i << 3); store<f64>(at, load<f64>(at) + v); }
// @ts-ignore: decorator
@inline function addI64(base: usize, i: u32, v: i64): void { const at = base + (<usize>i << 3); store<i64>(at, load<i64>(at) + v); }

// Depth-first, with a running sum of samples as flamegraph.pl's `$time` over its sorted lines: a
// frame starts at the sum so far, adds its own samples first, then its children's; its width is
// the sum at its end less the sum at its start (so fractional counts round as there). Each kept
// frame is entered once: the walk is a loop of calls over runs of them (util/runs.ts), its place
// kept between runs in these.
let walkSp: u32 = 0; // frames on the walk's stack
let walkTime: f64 = 0;
let walkNode: u32 = 0; // the next frame to enter, at walkDepth
let walkDepth: u32 = 0;

function walk(): void {
  walkSp = 0;
  walkTime = 0;
  walkNode = 0;
  walkDepth = 0;
  inRuns(placeCount, walkRun);
}

// Enters kept frames [lo, hi) of the drawing order (placed at their index).
function walkRun(lo: u32, hi: u32): void {
  const keptIndex = layoutKeptIndexPtr(), offsets = layoutOffsetsPtr(), list = layoutListPtr();
  const two = baseValueCol != 0;
  let sp = walkSp;
  let time = walkTime;
  let node = walkNode;
  let depth = walkDepth;
  for (let out = lo; out < hi; out++) {
    // Enter `node`: its frame is placed at `out`, and its children are walked next.
    const ownUnits = i64At(sweptSelfs, node);
    const own = ownUnits > 0 ? unitsToF64(ownUnits) : 0;
    store<u32>(frameCol + (<usize>out << 2), node == 0 ? ROOT_FRAME : nameIdOf(u32At(sweptFrames, node)));
    store<u32>(depthCol + (<usize>out << 2), depth);
    store<f64>(startCol + (<usize>out << 3), time);
    store<f64>(selfCol + (<usize>out << 3), own);
    if (two) {
      store<f64>(baseValueCol + (<usize>out << 3), unitsToF64(i64At(sweptBaseTotals, node)));
      store<f64>(baseSelfCol + (<usize>out << 3), unitsToF64(i64At(sweptBaseSelfs, node)));
    }
    if (exValueCol != 0) {
      // A kept frame's total is its value: one stack at most ends at a node, so its own count clamps as the sweep's.
      store<i64>(exValueCol + (<usize>out << 3), i64At(sweptTotals, node));
      store<i64>(exSelfCol + (<usize>out << 3), ownUnits > 0 ? ownUnits : 0);
      if (two) {
        store<i64>(exBaseValueCol + (<usize>out << 3), i64At(sweptBaseTotals, node));
        store<i64>(exBaseSelfCol + (<usize>out << 3), i64At(sweptBaseSelfs, node));
      }
    }
    if (depth > maxDepth) maxDepth = depth;
    time += own;
    store<u32>(stackNode + (<usize>sp << 2), node);
    store<u32>(stackOut + (<usize>sp << 2), out);
    store<u32>(stackNext + (<usize>sp << 2), u32At(offsets, u32At(keptIndex, node) - 1));
    sp++;
    // Back to the deepest frame with a child left to enter (the pruned ones only move the time on).
    while (sp > 0) {
      const top = sp - 1;
      const parent = u32At(stackNode, top);
      const next = u32At(stackNext, top);
      if (next < u32At(offsets, u32At(keptIndex, parent))) {
        store<u32>(stackNext + (<usize>top << 2), next + 1);
        const child = u32At(list, next);
        if (u32At(keptIndex, child) != 0) {
          node = child;
          depth = sp;
          break;
        }
        const total = i64At(sweptTotals, child);
        time += unitsToF64(total);
        if (u32At(sweptFrames, child) == GAP_FRAME) {
          // A flame chart's run of the frame's own samples, between its children.
          const at = u32At(stackOut, top);
          addF64(selfCol, at, unitsToF64(total));
          const firstSelf = two ? i64At(sweptBaseSelfs, child) : i64At(sweptSelfs, child);
          if (two) addF64(baseSelfCol, at, unitsToF64(firstSelf));
          if (exValueCol != 0) {
            addI64(exSelfCol, at, total);
            if (two) addI64(exBaseSelfCol, at, firstSelf);
          }
        }
      } else {
        const i = u32At(stackOut, top);
        store<f64>(valueCol + (<usize>i << 3), time - load<f64>(startCol + (<usize>i << 3)));
        sp--;
      }
    }
  }
  walkSp = sp;
  walkTime = time;
  walkNode = node;
  walkDepth = depth;
}

// The name id of frame id `frame`: a new one the first time it is drawn.
function nameIdOf(frame: u32): u32 {
  let i = mix64(<u64>frame) & nameMask;
  while (true) {
    const slot = nameSlots + (<usize>i << 3);
    const key = load<u32>(slot);
    if (key == frame + 1) return load<u32>(slot, 4);
    if (key == 0) {
      const id = nameCount++;
      store<u32>(slot, frame + 1);
      store<u32>(slot, id, 4);
      store<u32>(nameFrames + (<usize>id << 2), frame);
      return id;
    }
    i = (i + 1) & nameMask;
  }
}

/** Frees the columns (the next placeFrames() does too). */
export function placeFree(): void {
  freeBytes(frameCol);
  freeBytes(depthCol);
  freeBytes(startCol);
  freeBytes(valueCol);
  freeBytes(selfCol);
  freeBytes(baseValueCol);
  freeBytes(baseSelfCol);
  freeBytes(exValueCol);
  freeBytes(exSelfCol);
  freeBytes(exBaseValueCol);
  freeBytes(exBaseSelfCol);
  freeBytes(nameFrames);
  freeBytes(nameSums);
  freeBytes(nameBytes);
  frameCol = depthCol = startCol = valueCol = selfCol = baseValueCol = baseSelfCol = 0;
  exValueCol = exSelfCol = exBaseValueCol = exBaseSelfCol = nameFrames = nameSums = nameBytes = 0;
  placeCount = 0;
}

export function placeMaxDepth(): u32 { return maxDepth; }
export function placeFramesPtr(): usize { return frameCol; }
export function placeDepthsPtr(): usize { return depthCol; }
export function placeStartsPtr(): usize { return startCol; }
export function placeValuesPtr(): usize { return valueCol; }
export function placeSelfsPtr(): usize { return selfCol; }
export function placeBaseValuesPtr(): usize { return baseValueCol; }
export function placeBaseSelfsPtr(): usize { return baseSelfCol; }
export function placeExactValuesPtr(): usize { return exValueCol; }
export function placeExactSelfsPtr(): usize { return exSelfCol; }
export function placeExactBaseValuesPtr(): usize { return exBaseValueCol; }
export function placeExactBaseSelfsPtr(): usize { return exBaseSelfCol; }
/**
 * Makes a block of the names of the frames drawn, end to end: u32 per name id and one more,
 * where each starts after them (the next one's start is its end), then their bytes. Returns its address.
 */
export function placeNameBytes(): usize {
  freeBytes(nameBytes);
  const head = (<usize>nameCount + 1) << 2;
  let total: usize = 0;
  for (let id: u32 = 0; id < nameCount; id++) total += <usize>frameTable.len(u32At(nameFrames, id));
  if (total > <usize>u32.MAX_VALUE) throw new Error("out of memory: the names drawn take more than 4 GiB");
  nameBytes = allocRaw(head + total);
  let at: usize = 0;
  for (let id: u32 = 0; id < nameCount; id++) {
    const frame = u32At(nameFrames, id);
    const len = <usize>frameTable.len(frame);
    store<u32>(nameBytes + (<usize>id << 2), <u32>at);
    memory.copy(nameBytes + head + at, frameTable.ptr(frame), len);
    at += len;
  }
  store<u32>(nameBytes + (<usize>nameCount << 2), <u32>at);
  return nameBytes;
}

// The sum of the eight bytes of `w`: pairs into four 16-bit lanes, then the lanes added by a multiply.
// @ts-ignore: decorator
@inline function byteSum(w: u64): u32 {
  const pairs = (w & 0x00ff00ff00ff00ff) + ((w >> 8) & 0x00ff00ff00ff00ff);
  return <u32>((pairs * 0x0001000100010001) >> 48);
}

/**
 * Makes an f64 per name id of the frames drawn: the sum of the name's bytes (u32, wrapping)
 * when they are all ASCII, so the sum of its code points, which seeds flamegraph.pl's colour
 * of the name (src/render/palette.ts codePointSum); NaN for any other name. Returns its address.
 */
export function placeNameSums(): usize {
  freeBytes(nameSums);
  nameSums = allocRaw(<usize>nameCount << 3);
  for (let id: u32 = 0; id < nameCount; id++) {
    const frame = u32At(nameFrames, id);
    const p = frameTable.ptr(frame);
    const len = <usize>frameTable.len(frame);
    // Eight bytes at a time (the last word masked: allocations carry slack, util/memory.ts).
    let sum: u32 = 0;
    let bits: u64 = 0; // every word, or'ed: its high bits say whether a byte is past ASCII
    for (let k: usize = 0; k < len; k += 8) {
      let w = load<u64>(p + k);
      if (len - k < 8) w &= (<u64>1 << (<u64>(len - k) << 3)) - 1;
      bits |= w;
      sum += byteSum(w);
    }
    store<f64>(nameSums + (<usize>id << 3), (bits & 0x8080808080808080) == 0 ? <f64>sum : NaN);
  }
  return nameSums;
}
