// Elements of the core's columns: arrays of u32, i64 or f64 in raw memory,
// indexed by frame, node or name.

// @ts-ignore: decorator
@inline export function at32(column: usize, i: u32): usize { return column + (<usize>i << 2); }
// @ts-ignore: decorator
@inline export function at64(column: usize, i: u32): usize { return column + (<usize>i << 3); }
// @ts-ignore: decorator
@inline export function u32At(column: usize, i: u32): u32 { return load<u32>(at32(column, i)); }
// @ts-ignore: decorator
@inline export function i64At(column: usize, i: u32): i64 { return load<i64>(at64(column, i)); }
// @ts-ignore: decorator
@inline export function f64At(column: usize, i: u32): f64 { return load<f64>(at64(column, i)); }
