// --flamechart: stacks in the order of the input's lines (time order, for a
// profiler that writes them so), each merged only with the stack just before
// it, as flamegraph.pl's flame charts are. Order is what the call tree drops,
// so this reads folded lines itself, by the same rule as the core's folded
// reader (flamegraph.pl's `(.*)\s+?(\d+(\.\d*)?)$`, applied again for a
// second count; `#` comment lines skipped; a negative count accepted).

import { GAP_FRAME, type LayoutTree } from './layout.js';

// One blank, then the count at the very end (the greedy `.*` leaves the shortest count).
const COUNT = /^(.*)[ \t\n\v\f\r](-?\d+(?:\.\d*)?)$/s;

/** A flame chart's tree: one node per run of equal frames, children in input order (`ordered`). */
export function flameChartTree(folded: Uint8Array, reverse: boolean): LayoutTree {
  // latin1 maps each byte to one character, so names come back byte for byte.
  const text = Buffer.from(folded.buffer, folded.byteOffset, folded.byteLength).toString('latin1');
  const frameIds = new Map<string, number>();
  const names: Uint8Array[] = [];
  const parent: number[] = [0];
  const frame: number[] = [0xffffffff];
  const self: number[] = [0];
  const self2: number[] = [0];
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
      parent.push(p);
      frame.push(f);
      self.push(0);
      self2.push(0);
      return parent.length - 1;
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
    parent: Uint32Array.from(parent),
    frame: Uint32Array.from(frame),
    self: Float64Array.from(self),
    self2: twoCounts ? Float64Array.from(self2) : new Float64Array(self.length),
    names,
    twoCounts,
    ordered: true,
  };
}
