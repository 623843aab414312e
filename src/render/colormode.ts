// The built-in colour modes: flamegraph.pl's two, palettes and its
// differential colouring of two-count input. The SVG writer asks the mode once
// per frame, in drawing order. Other modes (differential and two-metric views)
// plug in through `SvgOptions.colorMode` with the same interface (ColorMode,
// in options.ts beside the options it sees).

import type { Layout } from './placement.js';
import type { ColorModeFactory } from './options.js';
import { fixed } from './numbers.js';
import { RandomColors, codePointSum, colorOfVariablesOnly, differentialColor, diffusionColor, frameColor, paletteColor, perlSrandRand, separatorColor } from './palette.js';

/** flamegraph.pl's palettes: `-`/`--` grey, then --cp map, then the palette (name, --hash or --random). */
export const paletteColorMode: ColorModeFactory = ({ layout, options, names }) => {
  const { palette, colorSource, paletteMap } = options;
  const random = new RandomColors();
  // By frame-name id, and again for a waker's "_[w]" name: a name always gets the same colour.
  const cache = new Map<number, string>();
  const waker = palette === 'chain' ? chainWakers(layout, names) : undefined;
  // A name's colour (random_namehash) is drawn from the sum of its code points: names with the same sum (a few
  // thousand sums for tens of thousands of names) share it, when the palette does not look at the name itself.
  const bySum = colorSource === 'name' && colorOfVariablesOnly(palette) ? new Map<number, string>() : undefined;
  // The core's sums are of the names' bytes, their code points when read as UTF-8 (another --encoding may read them otherwise).
  const nameSums = options.encoding ? undefined : layout.nameSums;
  // The colour of a name (its frame-name id, for the core's sum) by its sum.
  const fillBySum = (sums: Map<number, string>, name: string, id: number): string => {
    const known = nameSums?.[id]; // undefined for the root, NaN past ASCII
    const sum = known !== undefined && known === known ? known : codePointSum(name);
    let c = sums.get(sum);
    if (c === undefined) {
      const v = perlSrandRand(sum);
      sums.set(sum, (c = paletteColor(palette, name, v, v, v)));
    }
    return c;
  };
  return {
    // --random draws in frame order, and a chain's waker is coloured apart.
    fillByName: colorSource !== 'random' && !waker,
    // By sum, every name's in one loop: thousands of calls of fill() would run mostly before V8 optimised them.
    ...(bySum && !paletteMap && {
      nameFills() {
        const fills = new Array<string>(names.length);
        for (let id = 0; id < names.length; id++) fills[id] = separatorColor(names[id]!) ?? fillBySum(bySum, names[id]!, id);
        return fills;
      },
    }),
    fill(f) {
      const grey = separatorColor(f.name);
      if (grey) return grey;
      // flamegraph.pl --colors chain marks the frames after a "--" separator as wakers ("_[w]").
      const isWaker = waker?.[f.index] === 1;
      const name = isWaker ? `${f.name}_[w]` : f.name;
      if (paletteMap) {
        let c = paletteMap.get(name);
        if (c === undefined) paletteMap.set(name, (c = frameColor(palette, colorSource, name, random)));
        return c;
      }
      if (colorSource === 'random') return frameColor(palette, 'random', name, random);
      if (bySum) return fillBySum(bySum, name, f.frame);
      const key = isWaker ? -1 - f.frame : f.frame;
      let c = cache.get(key);
      if (c === undefined) cache.set(key, (c = frameColor(palette, colorSource, name)));
      return c;
    },
  };
};

/** flamegraph.pl's differential colouring: red where the second count grew, blue where it shrank, by own samples. */
export const differentialColorMode: ColorModeFactory = ({ options, layout }) => {
  const percentOf = (delta: number): string => {
    const d = options.negate ? -delta : delta;
    const pct = fixed((100 * d) / (layout.scale * options.factor), 2);
    return d > 0 ? `+${pct}%` : `${pct}%`;
  };
  return {
    fill(f) {
      return separatorColor(f.name) ?? differentialColor(f.self - f.baseSelf, layout.maxDelta, options.negate);
    },
    note(f) {
      return percentOf(f.self - f.baseSelf);
    },
  };
};

/** inferno's --colordiffusion: by width (the root is the whole graph), the wider the redder; separators stay grey. */
export const colorDiffusionMode: ColorModeFactory = ({ layout }) => {
  // Percentages as inferno computes them: from each edge's position, not from the width alone.
  const percentPerSample = 100 / layout.scale;
  return {
    fill(f) {
      const start = layout.start[f.index]!;
      const width = f.isRoot ? layout.scale : f.samples;
      return separatorColor(f.name) ?? diffusionColor(start * percentPerSample, (start + width) * percentPerSample);
    },
  };
};

/** Frames below a "--" separator that is not the first frame of its stack (flamegraph.pl's chain palette). */
function chainWakers(layout: Layout, names: readonly string[]): Uint8Array {
  const waker = new Uint8Array(layout.count);
  const below = new Uint8Array(layout.maxDepth + 2); // below[d]: a frame at depth d is under such a separator
  for (let i = 0; i < layout.count; i++) {
    const d = layout.depth[i]!;
    const f = layout.frame[i]!;
    const name = d === 0 ? '' : names[f]!;
    waker[i] = below[d]! && name !== '--' ? 1 : 0;
    below[d + 1] = below[d]! || (name === '--' && d >= 2) ? 1 : 0;
  }
  return waker;
}
