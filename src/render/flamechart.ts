// --flamechart: stacks in the order of the input's lines (time order, for a
// profiler that writes them so), each merged only with the stack just before
// it, as flamegraph.pl's flame charts are. Order is what the call tree drops,
// so this reads folded lines itself, by the same rule as the core's folded
// reader (flamegraph.pl's `(.*)\s+?(\d+(\.\d*)?)$`, applied again for a
// second count; `#` comment lines skipped; a negative count accepted).

import { GAP_FRAME, growTo, type LayoutTree } from './placement.js';

// One blank, then the count at the very end (the greedy `.*` leaves the shortest count).
const COUNT = /^(.*)[ \t\n\v\f\r](-?\d+(?:\.\d*)?)$/s;

/** A flame chart's tree: one node per run of equal frames, children in input order (`ordered`). */
export function flameChartTree(folded: Uint8Array, reverse: boolean): LayoutTree {
  // latin1 maps each byte to one character, so names come back byte for byte.
  const text = Buffer.from(folded.buffer, folded.byteOffset, folded.byteLength).toString('latin1');
  const frameIds = new Map<string, number>();
  const names: Uint8Array[] = [];
  // Node columns as typed arrays grown by doubling: a chart of a million frames is
  // tens of MB of plain arrays of numbers.
  let cap = 1 << 12;
  let parent = new Uint32Array(cap);
  let frame = new Uint32Array(cap);
  let self = new Float64Array(cap);
  let self2 = new Float64Array(cap);
  let count = 1; // the root
  frame[0] = 0xffffffff;
  let twoCounts = false;
  let pathNodes: number[] = [];
  let pathFrames: number[] = [];
  let lastGap = -1; // the own-samples run the previous line added to

  const intern = (name: string): number => {
    let id = frameIds.get(name);
    if (id === undefined) {
      id = names.length;
      frameIds.set(name, id);
      names.push(Buffer.from(name, 'latin1'));
    }
    return id;
  };

  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    let line = text.slice(from, to);
    from = to + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    const m = COUNT.exec(line);
    if (!m) continue;
    let stack = m[1]!;
    let n = Number(m[2]);
    let n2: number | undefined;
    const m2 = COUNT.exec(stack);
    if (m2) {
      stack = m2[1]!;
      n2 = n;
      n = Number(m2[2]);
      twoCounts = true;
    }
    const frames = stack === '' ? [] : stack.split(';').map(intern);
    if (reverse) frames.reverse();
    // Keep the nodes shared with the previous stack; open new ones from the first difference.
    let same = 0;
    while (same < frames.length && same < pathFrames.length && frames[same] === pathFrames[same]) same++;
    const nodes = pathNodes.slice(0, same);
    const newNode = (p: number, f: number): number => {
      if (count === cap) {
        cap *= 2;
        parent = growTo(parent, cap);
        frame = growTo(frame, cap);
        self = growTo(self, cap);
        self2 = growTo(self2, cap);
      }
      parent[count] = p;
      frame[count] = f;
      return count++;
    };
    for (let d = same; d < frames.length; d++) nodes.push(newNode(d === 0 ? 0 : nodes[d - 1]!, frames[d]!));
    // The line's samples are a run of its leaf's own samples, after whatever the leaf has so far;
    // the same stack again continues that run.
    const repeated = same === frames.length && same === pathFrames.length && lastGap >= 0;
    const gap = repeated ? lastGap : newNode(frames.length === 0 ? 0 : nodes[frames.length - 1]!, GAP_FRAME);
    self[gap]! += n;
    self2[gap]! += n2 ?? n;
    lastGap = gap;
    pathNodes = nodes;
    pathFrames = frames;
  }
  return {
    parent: parent.subarray(0, count),
    frame: frame.subarray(0, count),
    self: self.subarray(0, count),
    self2: twoCounts ? self2.subarray(0, count) : new Float64Array(count),
    names,
    twoCounts,
    ordered: true,
  };
}
