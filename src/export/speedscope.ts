// speedscope output: results as speedscope's JSON file format (its
// file-format-schema.json), which its viewer draws with WebGL however many
// frames there are. Each profile is "sampled": one sample per distinct stack,
// weighted by its count, with frame indices into one frames table shared by
// every profile of the file. The stacks come from CollapseResult.stackPaths(),
// the walk every export reads, and the JSON is written as they arrive: only
// the frames table (frame-keys.ts) and a profile's weights are held until
// their turn, a weight as a double.

import { textToUnits, unitsText } from '../counts.js';
import { checkStdinOnce, CollapseResult, type CollapseOptions } from '../api/collapse.js';
import { collapsePerEvent } from './event-results.js';
import { FrameKeys } from './frame-keys.js';
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
  const frames = new FrameKeys(); // one table for every profile of the file
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
