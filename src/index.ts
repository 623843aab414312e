// flamefold's public Node API.

export { collapse, CollapseResult } from './api/collapse.js';
export type { CollapseOptions, CollapseTotals, FoldedStack, PmcstatEvent, StackPath } from './api/collapse.js';
export type { StackFilterOptions } from './api/stack-filter.js';
export type { CollapseInput, FedInput } from './input/feed.js';
export type { InputFormat } from './formats/registry.js';
export { FORMATS, detectFormat } from './formats/registry.js';
export type { TreeArrays } from './core.js';
export type { LayoutReading, LayoutViews, PlacedFrames } from './api/collapse.js';
export { InputError, OutputError, UsageError } from './errors.js';
export { writeFileAtomic } from './output/atomic-file.js';
export type { OutputSink } from './output/atomic-file.js';
export { eventLabel, eventBytes } from './formats/event-names.js';

// Flame graph SVGs: rendering, options, and the colour-mode hook.
export { flameGraph, renderSvg, renderSvgTo, svgChunksOf } from './render/render.js';
export type { FlameGraph, RenderOptions, RenderSource } from './render/render.js';
export { checkSvgOptions } from './render/options.js';
export type { SvgOptions, ColorMode, ColorModeFactory, ColorModeContext, ColorLegend, FrameInfo } from './render/options.js';
export { PALETTES, namehash, randomNamehash, paletteColor, differentialColor } from './render/palette.js';
export type { Palette } from './render/palette.js';
export { paletteColorMode, differentialColorMode, colorDiffusionMode } from './render/colormode.js';
export { parseNameAttributes, readNameAttributes } from './render/name-attributes.js';
export type { NameAttributes } from './render/name-attributes.js';
export type { Layout } from './render/placement.js';
export { readPaletteMap, writePaletteMap } from './render/palettemap.js';

// Differential, two-metric (CPI) and non-regression views of two profiles.
export { diff, stripHexNumbers } from './api/diff.js';
export type { ColumnsOptions, DiffOptions, DiffWindows, OneEventOptions } from './api/diff.js';
export type { Snapshot, SnapshotIndex } from './window/snapshot-index.js';
export { timelineGrid } from './timeline/cells.js';
export type { TimelineCell, TimelineGrid } from './timeline/cells.js';
export { timelineSvg } from './timeline/svg.js';
export { compare } from './api/compare.js';
export type { CompareOptions, CompareResult, FunctionChange, Share } from './api/compare.js';
export { collapseTwoMetrics } from './api/two-metric.js';
export type { TwoMetricOptions } from './api/two-metric.js';
export { differentialMode } from './render/differential-colors.js';
export type { DiffColorOptions, DiffMode } from './render/differential-colors.js';
export { ratioMode } from './render/ratio-colors.js';
export type { RatioColorOptions, RatioMetric } from './render/ratio-colors.js';

// Exports: pprof and speedscope over CollapseResult.stackPaths(); the hottest-functions report over the core's per-function sums.
export { pprofProfile, writePprof } from './export/pprof.js';
export type { PprofOptions } from './export/pprof.js';
export { collapseEach, writeSpeedscope, SPEEDSCOPE_SCHEMA } from './export/speedscope.js';
export type { SpeedscopeOptions, SpeedscopeProfile } from './export/speedscope.js';
export { formatTop, moduleOf, topFunctions } from './export/top.js';
export type { TopBy, TopEntry, TopOptions, TopReport, TopTextOptions } from './export/top.js';
