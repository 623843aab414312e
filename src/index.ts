// flamefold's public Node API.

export { collapse, CollapseResult } from './collapse.js';
export type { CollapseOptions, CollapseTotals, PmcstatEvent } from './collapse.js';
export type { CollapseInput, FedInput } from './input.js';
export type { InputFormat } from './formats.js';
export { FORMATS, detectFormat } from './formats.js';
export type { TreeArrays } from './core.js';
export { InputError, UsageError } from './errors.js';
export { writeFileAtomic } from './output.js';
export { eventLabel, eventBytes } from './events.js';

// Flame graph SVGs: rendering, options, and the colour-mode hook.
export { renderSvg, renderSvgTo, svgChunksOf } from './render/render.js';
export type { RenderOptions, RenderSource } from './render/render.js';
export type { SvgOptions } from './render/options.js';
export { PALETTES, namehash, randomNamehash, paletteColor, differentialColor } from './render/palette.js';
export type { Palette } from './render/palette.js';
export { paletteColorMode, differentialColorMode } from './render/colormode.js';
export type { ColorMode, ColorModeFactory, ColorModeContext, FrameInfo } from './render/colormode.js';
export type { Layout } from './render/layout.js';
export { readPaletteMap, writePaletteMap } from './render/palettemap.js';
