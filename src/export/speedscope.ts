// speedscope output: results as speedscope's JSON file format (its
// file-format-schema.json), which its viewer draws with WebGL however many
// frames there are. Each profile is "sampled": one sample per distinct stack,
// weighted by its count, with frame indices into one frames table shared by
// every profile of the file. The stacks come from CollapseResult.stackPaths(),
// the walk every export reads, and the JSON is written as they arrive: only
// the frames table and a profile's weights are held until their turn, as
// compactly as they allow (a frame of the profile being written as its id,
// a weight as a double), so that millions of names cost typed arrays, not
// a string and a Map entry each.

import { textToUnits, unitsText } from '../counts.js';
import { checkStdinOnce, CollapseResult, type CollapseOptions } from '../api/collapse.js';
import { NAME_NOT_ASCII } from '../core-key-sums.js';
import { collapsePerEvent } from './event-results.js';
import { inputName, type CollapseInput } from '../input/feed.js';
import { ChunkWriter } from '../output/chunk-writer.js';
import type { OutputSink } from '../output/atomic-file.js';

/** One profile of a speedscope file: a result, shown under a name. */
export interface SpeedscopeProfile {
  name: string;
  result: CollapseResult;
}

/** Options of a speedscope export. */
export interface SpeedscopeOptions {
  /** The file's name, shown in speedscope's title bar (default: the first profile's name). */
  name?: string;
  /** Called with each warning (stacks left out because their count is negative). */
  onWarning?: (message: string) => void;
}

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

type Profiles = CollapseResult | Iterable<SpeedscopeProfile> | AsyncIterable<SpeedscopeProfile>;

/** The profiles of a result: one, or for two-count input one per column (before, after). */
function columnsOf({ name, result }: SpeedscopeProfile): { name: string; result: CollapseResult; column: 0 | 1 }[] {
  if (!result.twoCounts) return [{ name, result, column: 0 }];
  return [
    { name: `${name} (before)`, result, column: 0 },
    { name: `${name} (after)`, result, column: 1 },
  ];
}

/**
 * The frames table shared by the profiles of a file, by name, in order of first use. A frame of
 * the profile being written is kept as its id (its name is read from the result when the table is
 * written); its name becomes a string only to be looked up (past ASCII, where names not UTF-8 may
 * read alike, or once another profile may share it), or when the next profile begins.
 */
class SharedFrames {
  private readonly byText = new Map<string, number>(); // the frames whose name is a string, by it
  private readonly texts: (string | undefined)[] = []; // per frame: its name, when it is a string
  private readonly ids: number[] = []; // per frame of the current result: its id there
  private result: CollapseResult | undefined;
  private index: ((id: number) => number) | undefined; // the current result's
  private readonly decoder = new TextDecoder();

  /** The frame index of each id of `result`, the profile now written (both columns of two-count input are one result). */
  indexOf(result: CollapseResult): (id: number) => number {
    if (result === this.result) return this.index!;
    this.settle();
    this.result = result;
    const shared = this.texts.length > 0; // earlier profiles' frames: looked up by text
    const bytes = result.frameNameBytes();
    const flags = result.frameNameFlags(0);
    const slot = new Int32Array(result.totals.frames); // 1 + the frame index of an id; 0 before its first use
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

  /** The frames' names, in index order. */
  *names(): Generator<string> {
    const bytes = this.result?.frameNameBytes();
    for (let i = 0; i < this.texts.length; i++) yield this.texts[i] ?? this.decoder.decode(bytes!(this.ids[i]!));
  }

  private add(id: number, text: string | undefined): number {
    this.texts.push(text);
    this.ids.push(id);
    return this.texts.length - 1;
  }

  // The current result's frames as strings, looked up by them from now on.
  private settle(): void {
    if (!this.result) return;
    const bytes = this.result.frameNameBytes();
    for (let i = 0; i < this.texts.length; i++) {
      if (this.texts[i] !== undefined) continue;
      const text = this.decoder.decode(bytes(this.ids[i]!));
      this.texts[i] = text;
      this.byText.set(text, i);
    }
    this.result = undefined;
  }
}

/**
 * Writes results as one speedscope file: a result alone is one profile (named
 * after its inputs); named results are a profile each. Two-count input gives
 * two profiles (before and after). speedscope takes only positive weights:
 * stacks whose count is zero are left out, negative ones too, with a warning.
 */
export async function writeSpeedscope(profiles: Profiles, sink: OutputSink, options: SpeedscopeOptions = {}): Promise<void> {
  const list: Iterable<SpeedscopeProfile> | AsyncIterable<SpeedscopeProfile> =
    profiles instanceof CollapseResult ? [{ name: profiles.inputs.map((i) => i.name).join(', '), result: profiles }] : profiles;
  const out = new ChunkWriter();
  const drain = async (): Promise<void> => {
    for (const chunk of out.full.splice(0)) await sink.write(chunk);
  };
  const frames = new SharedFrames();
  let fileName = options.name;
  let count = 0;
  out.write(`{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"exporter":"flamefold","activeProfileIndex":0,"profiles":[`);
  for await (const profile of list) {
    fileName ??= profile.name;
    for (const { name, result, column } of columnsOf(profile)) {
      out.write(`${count++ > 0 ? ',' : ''}{"type":"sampled","name":${JSON.stringify(name)},"unit":"none","startValue":0,"samples":[`);
      const weights = new Weights(result.countScale);
      const indexOf = frames.indexOf(result);
      let negative = 0;
      for (const { frameIds, countText, count2Text } of result.stackPaths()) {
        const sign = weights.add(column === 0 ? countText : count2Text!);
        if (sign <= 0) {
          if (sign < 0) negative++;
          continue;
        }
        let text = weights.length > 1 ? ',[' : '[';
        for (let i = 0; i < frameIds.length; i++) {
          const index = indexOf(frameIds[i]!);
          text += i > 0 ? `,${index}` : `${index}`;
        }
        out.write(`${text}]`);
        if (out.full.length > 0) await drain();
      }
      // JSON keys need no order: the total goes after the samples it sums
      out.write('],"weights":[');
      for (const text of weights.texts()) {
        out.write(text);
        if (out.full.length > 0) await drain();
      }
      out.write(`],"endValue":${weights.totalText()}}`);
      if (negative > 0) options.onWarning?.(`${name}: ${negative} stack${negative === 1 ? '' : 's'} with a negative count left out (speedscope takes positive weights only)`);
      await drain();
    }
  }
  out.write(`],"name":${JSON.stringify(fileName ?? 'flamefold')},"shared":{"frames":[`);
  let first = true;
  for (const frame of frames.names()) {
    out.write(`${first ? '' : ','}{"name":${JSON.stringify(frame)}}`);
    first = false;
    if (out.full.length > 0) await drain();
  }
  out.write(']}}\n');
  out.flush();
  await drain();
}

/**
 * A profile's positive weights as the folded output prints them (every digit, however JSON
 * readers take them) and their exact sum: a double each while it is a whole number below 2^53
 * (the text is then its shortest form), the text of any other; the sum in numbers while it stays
 * below 2^53, in bigints past it.
 */
class Weights {
  private values = new Float64Array(1 << 10);
  private readonly other = new Map<number, string>(); // texts of weights no double holds (fractions, past 2^53)
  length = 0;
  private small = 0;
  private total = 0n;

  constructor(private readonly scale: number) {}

  /** Keeps a weight when it is positive; returns its sign. */
  add(text: string): number {
    const n = Number(text);
    let sign: number;
    if (this.scale === 0 && Number.isSafeInteger(n)) {
      sign = Math.sign(n);
      if (sign <= 0) return sign;
      if (n > 2 ** 53 - this.small) this.carry(); // the sum would pass 2^53, past which doubles skip integers
      this.small += n;
    } else {
      const units = textToUnits(text, this.scale);
      sign = units > 0n ? 1 : units < 0n ? -1 : 0;
      if (sign <= 0) return sign;
      this.total += units;
      this.other.set(this.length, text);
    }
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = n;
    return sign;
  }

  private carry(): void {
    this.total += BigInt(this.small);
    this.small = 0;
  }

  /** The weights' texts, joined by commas, in pieces. */
  *texts(): Generator<string> {
    for (let at = 0; at < this.length; at += 1 << 16) {
      const part: string[] = [];
      for (let i = at; i < Math.min(this.length, at + (1 << 16)); i++) part.push(this.other.get(i) ?? String(this.values[i]));
      yield `${at > 0 ? ',' : ''}${part.join(',')}`;
    }
  }

  /** The sum's exact text. */
  totalText(): string {
    this.carry();
    return unitsText(this.total, this.scale);
  }
}

/**
 * The profiles of a speedscope file: each input collapsed on its own, and a
 * capture holding several events (without `event` set) once per event, since
 * counts of different events do not add up (see collapsePerEvent: a stream
 * folds its first event).
 */
export async function* collapseEach(
  inputs: readonly CollapseInput[],
  options: CollapseOptions = {},
): AsyncGenerator<SpeedscopeProfile> {
  checkStdinOnce(inputs);
  for (const [i, input] of inputs.entries()) {
    const name = inputName(input, i);
    for await (const { event, result } of collapsePerEvent([input], options)) {
      yield { name: event === undefined ? name : `${name} [${event}]`, result };
    }
  }
}
