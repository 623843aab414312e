// flamegraph.pl's palettes: the same name and palette give the same colour as
// flamegraph.pl 41fee1f wherever its colour is deterministic.
//
// Its default colour ("random_namehash") seeds Perl's generator with the sum
// of the name's code points and draws once; Perl's rand() is drand48 (its own
// copy since 5.20, the same on every platform), reproduced here exactly. So
// anagrams share a colour, as in flamegraph.pl (corpus README, defect 7).
// `--hash` uses its namehash of the first three characters; `--random` draws
// from a generator with a fixed seed, so the output stays reproducible.
// inferno's `rust` and `python` palettes pick a hue by the same kind of rules.

export const PALETTES = [
  'hot', 'mem', 'io', 'wakeup', 'chain', 'java', 'js', 'perl',
  'red', 'green', 'blue', 'aqua', 'yellow', 'purple', 'orange', 'rust', 'python',
] as const;
export type Palette = (typeof PALETTES)[number];

/** How the three colour variables are drawn for a name. */
export type ColorSource = 'name' | 'hash' | 'random';

/** The background gradient each palette implies (flamegraph.pl's --bgcolors default). */
export function defaultBackground(palette: Palette): BackgroundName {
  if (palette === 'mem') return 'green';
  if (palette === 'io' || palette === 'wakeup' || palette === 'chain') return 'blue';
  if (['red', 'green', 'blue', 'aqua', 'yellow', 'purple', 'orange'].includes(palette)) return 'grey';
  return 'yellow';
}

export const BACKGROUNDS = { yellow: ['#eeeeee', '#eeeeb0'], blue: ['#eeeeee', '#e0e0ff'], green: ['#eef2ee', '#e0ffe0'], grey: ['#f8f8f8', '#e8e8e8'] } as const;
export type BackgroundName = keyof typeof BACKGROUNDS;

/** flamegraph.pl's namehash: a vector over the first three characters, weighted early; a module prefix (up to a backtick) is dropped. */
export function namehash(name: string): number {
  const chars = Array.from(name.replace(/[^\n][^\n]*?`/, ''));
  let vector = 0;
  let weight = 1;
  let max = 1;
  let mod = 10;
  for (const c of chars) {
    const i = c.codePointAt(0)! % mod;
    vector += (i / (mod++ - 1)) * weight;
    max += weight;
    weight *= 0.7;
    if (mod > 12) break;
  }
  return 1 - vector / max;
}

// drand48: x' = (0x5DEECE66D x + 0xB) mod 2^48, computed in 24-bit halves so every product is exact in a double.
const A_HI = 0x5de; // 0x5DEECE66D >> 24
const A_LO = 0xece66d; // 0x5DEECE66D & 0xffffff
const TWO24 = 0x1000000;

function drand48Next(x: number): number {
  const hi = Math.floor(x / TWO24);
  const lo = x - hi * TWO24;
  const cross = (hi * A_LO + lo * A_HI) % TWO24;
  const low = lo * A_LO + 0xb;
  return (cross * TWO24 + low) % 2 ** 48;
}

/** Perl's `srand(seed); rand(1)` (seed taken as an unsigned 32-bit integer). */
export function perlSrandRand(seed: number): number {
  const x = drand48Next((seed >>> 0) * 0x10000 + 0x330e);
  return x / 2 ** 48;
}

/** flamegraph.pl's random_namehash: the sum of the name's code points seeds one draw. */
export function randomNamehash(name: string): number {
  return perlSrandRand(codePointSum(name));
}

/** The sum of a name's code points (unsigned 32-bit), random_namehash's seed: all of the name its colour depends on. */
export function codePointSum(name: string): number {
  // Code points as `for (const c of name)` reads them (a lone surrogate as itself), without its iterator.
  let sum = 0;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < name.length) {
      const low = name.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    sum = (sum + c) >>> 0;
  }
  return sum;
}

/** A reproducible stand-in for `--random`: drand48 from a fixed seed, drawn in frame order. */
export class RandomColors {
  private x = 0x1234abcd330e;
  next(): number {
    this.x = drand48Next(this.x);
    return this.x / 2 ** 48;
  }
}

/** The palettes whose colour depends on the name itself (resolvePalette), not only on the three variables drawn for it. */
const BY_NAME_PALETTES: ReadonlySet<Palette> = new Set(['java', 'perl', 'js', 'rust', 'python', 'chain']);

/** Whether paletteColor() of `palette` depends on the name only through the three variables. */
export function colorOfVariablesOnly(palette: Palette): boolean {
  return !BY_NAME_PALETTES.has(palette);
}

/** The palette a multi-palette (java, js, perl, wakeup, chain) picks for a name. */
function resolvePalette(palette: Palette, name: string): Palette {
  switch (palette) {
    case 'java':
      if (/_\[j\]$/.test(name)) return 'green';
      if (/_\[i\]$/.test(name)) return 'aqua';
      if (/^L?(java|javax|jdk|net|org|com|io|sun)\//.test(name)) return 'green';
      if (name.includes(':::')) return 'green';
      if (name.includes('::')) return 'yellow';
      if (/_\[k\]$/.test(name)) return 'orange';
      return 'red';
    case 'perl':
      if (name.includes('::')) return 'yellow';
      if (name.includes('Perl') || name.includes('.pl')) return 'green';
      if (/_\[k\]$/.test(name)) return 'orange';
      return 'red';
    case 'js':
      if (/_\[j\]$/.test(name)) return name.includes('/') ? 'green' : 'aqua';
      if (name.includes('::')) return 'yellow';
      if (/\/.*\.js/.test(name)) return 'green';
      if (name.includes(':')) return 'aqua';
      if (name === ' ') return 'green';
      if (name.includes('_[k]')) return 'orange';
      return 'red';
    case 'rust': // inferno: the standard library orange, user crates aqua, other code yellow
      if (/^(?:core|std|alloc)::|^<(?:std|alloc)::/.test(name)) return 'orange';
      // async fns desugar into core's GenFuture: user code, not the library
      if (name.startsWith('<core::') && !name.startsWith('<core::future::from_generator::GenFuture<T>')) return 'orange';
      return name.includes('::') ? 'aqua' : 'yellow';
    case 'python': { // inferno: installed packages aqua, the standard library yellow, the program red
      const parts = name.split(/[/\\]/);
      if (parts.includes('site-packages')) return 'aqua';
      if (parts.some((p) => /^[Pp]ython[0-9.]*$/.test(p)) || /^<(?:built-in|method|frozen)/.test(name)) return 'yellow';
      return 'red';
    }
    case 'wakeup':
      return 'aqua';
    case 'chain':
      return name.includes('_[w]') ? 'aqua' : 'blue';
    default:
      return palette;
  }
}

const rgb = (r: number, g: number, b: number): string => `rgb(${r},${g},${b})`;
const int = Math.trunc;

/** flamegraph.pl's `color()`: a palette applied to three variables in [0, 1). */
export function paletteColor(palette: Palette, name: string, v1: number, v2: number, v3: number): string {
  switch (palette) {
    case 'hot':
      return rgb(205 + int(50 * v3), int(230 * v1), int(55 * v2));
    case 'mem':
      return rgb(0, 190 + int(50 * v2), int(210 * v1));
    case 'io': {
      const r = 80 + int(60 * v1);
      return rgb(r, r, 190 + int(55 * v2));
    }
    default:
      break;
  }
  switch (resolvePalette(palette, name)) {
    case 'red': {
      const x = 50 + int(80 * v1);
      return rgb(200 + int(55 * v1), x, x);
    }
    case 'green': {
      const x = 50 + int(60 * v1);
      return rgb(x, 200 + int(55 * v1), x);
    }
    case 'blue': {
      const x = 80 + int(60 * v1);
      return rgb(x, x, 205 + int(50 * v1));
    }
    case 'yellow': {
      const x = 175 + int(55 * v1);
      return rgb(x, x, 50 + int(20 * v1));
    }
    case 'purple': {
      const x = 190 + int(65 * v1);
      return rgb(x, 80 + int(60 * v1), x);
    }
    case 'aqua':
      return rgb(50 + int(60 * v1), 165 + int(55 * v1), 165 + int(55 * v1));
    case 'orange':
      return rgb(190 + int(65 * v1), 90 + int(65 * v1), 0);
    default:
      return rgb(0, 0, 0);
  }
}

/** The colour flamegraph.pl gives a frame name (not "-"/"--", not differential). */
export function frameColor(palette: Palette, source: ColorSource, name: string, random?: RandomColors): string {
  let v1: number, v2: number, v3: number;
  if (source === 'hash') {
    v1 = namehash(name);
    v2 = v3 = namehash(Array.from(name).reverse().join(''));
  } else if (source === 'random') {
    const r = random ?? new RandomColors();
    v1 = r.next();
    v2 = r.next();
    v3 = r.next();
  } else {
    v1 = v2 = v3 = randomNamehash(name);
  }
  return paletteColor(palette, name, v1, v2, v3);
}

/**
 * flamegraph.pl's differential scale: red for growth, blue for reduction,
 * white for none, saturating at `max` (the largest change of any stack).
 */
export function differentialColor(delta: number, max: number, negate: boolean): string {
  const value = negate ? -delta : delta;
  let r = 255, g = 255, b = 255;
  if (value > 0) g = b = int((210 * (max - value)) / max);
  else if (value < 0) r = g = int((210 * (max + value)) / max);
  return rgb(r, g, b);
}

/**
 * inferno's --colordiffusion: a frame spanning x1..x2 percent of the graph is
 * redder the wider it is, on the square root of its share so that a half-wide
 * frame is already a strong red; the thinnest are near white.
 */
export function diffusionColor(x1Percent: number, x2Percent: number): string {
  const value = Math.trunc(Math.sqrt((x2Percent - x1Percent) / 100) * 2000);
  if (value <= 0) return rgb(250, 250, 250);
  const c = 100 + Math.trunc((150 * (2000 - value)) / 2000);
  return rgb(255, c, c);
}

/** Separator frames: "--" and "-" are drawn grey whatever the palette. */
export function separatorColor(name: string): string | undefined {
  if (name === '--') return rgb(160, 160, 160);
  if (name === '-') return rgb(200, 200, 200);
  return undefined;
}
