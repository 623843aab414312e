// The input formats the core reads: one line each. A format's code is its
// place in this list (from 1); src/core.ts reads the names from formatNames(),
// so the two sides share this one table.

import { Format } from "./format";
import { DtraceFormat } from "./dtrace";
import { PmcstatFormat } from "./pmcstat";
import { ProcstatFormat } from "./procstat";
import { BpftraceFormat } from "./bpftrace";
import { PerfFormat } from "./perf";
import { FoldedFormat } from "./folded";

const FORMATS: Format[] = [
  new DtraceFormat(),
  new PmcstatFormat(),
  new ProcstatFormat(),
  new BpftraceFormat(),
  new PerfFormat(),
  new FoldedFormat(),
];

/** The formats' names, blank-separated, in code order (code 1 first). */
export function formatNames(): string {
  let names = "";
  for (let i = 0; i < FORMATS.length; i++) names += (i > 0 ? " " : "") + unchecked(FORMATS[i]).name();
  return names;
}

/** The format with this code (1-based). */
export function formatOf(code: i32): Format {
  if (code < 1 || code > FORMATS.length) throw new Error("unknown format code " + code.toString());
  return unchecked(FORMATS[code - 1]);
}
