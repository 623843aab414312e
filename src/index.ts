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

// Differential, two-metric (CPI) and non-regression views of two profiles.
export { diff, stripHexNumbers } from './diff.js';
export type { ColumnsOptions, DiffOptions } from './diff.js';
export { compare, compareTree } from './compare.js';
export type { CompareOptions, CompareResult, FunctionChange, Share } from './compare.js';
export { collapseTwoMetrics } from './cpi.js';
export type { TwoMetricOptions } from './cpi.js';
export { differentialMode } from './render/differential.js';
export type { DiffColorOptions, DiffMode } from './render/differential.js';
export { ratioMode } from './render/cpi.js';
export type { RatioColorOptions, RatioMetric } from './render/cpi.js';
export type { ColorLegend } from './render/colormode.js';
