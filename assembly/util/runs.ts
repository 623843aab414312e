// Long loops as loops of calls. V8 compiles a wasm function first with
// Liftoff, its baseline compiler, and moves it to optimised (TurboFan) code
// once it has run a while, but only for its next call: a call already running
// stays in Liftoff to its end. So a pass over tens of thousands of items (or
// millions) is a loop of calls over runs of RUN items: the calls after the
// first few run optimised code. A pass keeps what it carries from one run to
// the next in globals (AssemblyScript's function values capture nothing).

const RUN: u32 = 1 << 10;

/** Calls pass(lo, hi) over [0, n) in runs of RUN, from the first to the last. */
export function inRuns(n: u32, pass: (lo: u32, hi: u32) => void): void {
  for (let lo: u32 = 0; lo < n; lo += RUN) pass(lo, min<u32>(n, lo + RUN));
}

/** Calls pass(lo, hi) over [0, n) in runs of RUN, from the last to the first (each pass goes from hi - 1 down to lo). */
export function inRunsBack(n: u32, pass: (lo: u32, hi: u32) => void): void {
  for (let hi = n; hi > 0;) {
    const lo = hi > RUN ? hi - RUN : 0;
    pass(lo, hi);
    hi = lo;
  }
}
