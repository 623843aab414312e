// The frames of an export (speedscope's shared frames table, pprof's
// functions): one per distinct name over every result it holds, numbered in
// order of first use. A frame of the result being read is kept as its id,
// its name read from the result only when written: millions of names cost
// typed arrays, not a string and a Map entry each. A name becomes a string
// only to be looked up: past ASCII (names whose bytes are not UTF-8 may
// decode alike, and are then one frame) or, once the next result begins,
// every name of the one before (the next may share them). A plain ASCII name
// of one result is its frame id's alone: the core interns names by their bytes.

import type { CollapseResult } from '../api/collapse.js';
import { NAME_NOT_ASCII } from '../core-name-flags.js';

export class FrameKeys {
  private readonly byText = new Map<string, number>(); // the frames whose name is a string, by it
  private readonly texts: (string | undefined)[] = []; // per frame: its name, when it is a string
  private readonly ids: number[] = []; // per frame of the current result: its id there
  private result: CollapseResult | undefined;
  private bytes: ((id: number) => Uint8Array) | undefined; // the current result's names
  private index: ((id: number) => number) | undefined; // the current result's
  private readonly decoder = new TextDecoder();

  /** How many frames there are. */
  get size(): number {
    return this.texts.length;
  }

  /** The frame of each id of `result`, the one now read (0, 1, ... in order of first use). */
  indexOf(result: CollapseResult): (id: number) => number {
    if (result === this.result) return this.index!;
    this.settle();
    this.result = result;
    const shared = this.texts.length > 0; // earlier results' frames: looked up by text
    const bytes = (this.bytes = result.frameNameBytes());
    const flags = result.frameNameFlags(0);
    const slot = new Int32Array(result.totals.frames); // 1 + the frame of an id; 0 before its first use
    return (this.index = (id) => {
      if (slot[id] !== 0) return slot[id]! - 1;
      let index: number | undefined;
      if (shared || (flags[id]! & NAME_NOT_ASCII) !== 0) {
        const text = this.decoder.decode(bytes(id));
        index = this.byText.get(text);
        if (index === undefined) {
          index = this.add(id, text);
          this.byText.set(text, index);
        }
      } else index = this.add(id, undefined);
      slot[id] = index + 1;
      return index;
    });
  }

  /** Frame i's name: its text, or, for a plain ASCII name of the current result not made a string, its bytes. */
  nameAt(i: number): string | Uint8Array {
    return this.texts[i] ?? this.bytes!(this.ids[i]!);
  }

  /** The frames' names as text, in order. */
  *names(): Generator<string> {
    for (let i = 0; i < this.texts.length; i++) {
      const name = this.nameAt(i);
      yield typeof name === 'string' ? name : this.decoder.decode(name);
    }
  }

  private add(id: number, text: string | undefined): number {
    this.texts.push(text);
    this.ids.push(id);
    return this.texts.length - 1;
  }

  // The current result's frames as strings, looked up by them from now on.
  private settle(): void {
    const bytes = this.bytes;
    if (!bytes) return;
    for (let i = 0; i < this.texts.length; i++) {
      if (this.texts[i] !== undefined) continue;
      const text = this.decoder.decode(bytes(this.ids[i]!));
      this.texts[i] = text;
      this.byText.set(text, i);
    }
    this.result = this.bytes = undefined;
  }
}
