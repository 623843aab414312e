// speedscope output: results as speedscope's JSON file format (its
// file-format-schema.json), which its viewer draws with WebGL however many
// frames there are. Each profile is "sampled": one sample per distinct stack,
// weighted by its count, with frame indices into one frames table shared by
// every profile of the file. The stacks come from CollapseResult.stackPaths(),
// the walk every export reads, and the JSON is written as they arrive: only
// the frames table and a profile's weights are held until their turn.

import { textToUnits, unitsText } from '../counts.js';
import { checkStdinOnce, CollapseResult, type CollapseOptions } from '../api/collapse.js';
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
  const frameIndex = new Map<string, number>(); // the shared frames table, in order of first use
  let fileName = options.name;
  let count = 0;
  out.write(`{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"exporter":"flamefold","activeProfileIndex":0,"profiles":[`);
  for await (const profile of list) {
    fileName ??= profile.name;
    for (const { name, result, column } of columnsOf(profile)) {
      out.write(`${count++ > 0 ? ',' : ''}{"type":"sampled","name":${JSON.stringify(name)},"unit":"none","startValue":0,"samples":[`);
      // Weights as the folded output prints them: every digit, however JSON readers take them.
      const weights: string[] = [];
      const scale = result.countScale;
      let total = 0n;
      let negative = 0;
      const indexOf = result.perFrame((frame) => {
        let index = frameIndex.get(frame); // profiles share the frames table by name
        if (index === undefined) frameIndex.set(frame, (index = frameIndex.size));
        return index;
      });
      for (const { frameIds, countText, count2Text } of result.stackPaths()) {
        const weight = column === 0 ? countText : count2Text!;
        const units = textToUnits(weight, scale);
        if (units <= 0n) {
          if (units < 0n) negative++;
          continue;
        }
        total += units;
        let text = weights.length > 0 ? ',[' : '[';
        for (let i = 0; i < frameIds.length; i++) {
          const index = indexOf(frameIds[i]!);
          text += i > 0 ? `,${index}` : `${index}`;
        }
        out.write(`${text}]`);
        weights.push(weight);
        if (out.full.length > 0) await drain();
      }
      // JSON keys need no order: the total goes after the samples it sums
      out.write('],"weights":[');
      for (let at = 0; at < weights.length; at += 1 << 16) {
        out.write(`${at > 0 ? ',' : ''}${weights.slice(at, at + (1 << 16)).join(',')}`);
        if (out.full.length > 0) await drain();
      }
      out.write(`],"endValue":${unitsText(total, scale)}}`);
      if (negative > 0) options.onWarning?.(`${name}: ${negative} stack${negative === 1 ? '' : 's'} with a negative count left out (speedscope takes positive weights only)`);
      await drain();
    }
  }
  out.write(`],"name":${JSON.stringify(fileName ?? 'flamefold')},"shared":{"frames":[`);
  let first = true;
  for (const frame of frameIndex.keys()) {
    out.write(`${first ? '' : ','}{"name":${JSON.stringify(frame)}}`);
    first = false;
    if (out.full.length > 0) await drain();
  }
  out.write(']}}\n');
  out.flush();
  await drain();
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
