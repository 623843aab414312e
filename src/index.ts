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
