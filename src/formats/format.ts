// What every input format is to the TypeScript side: its name, how to
// recognise it from an input's first lines (`detect`, as inferno's
// `is_applicable`), where a file may be cut for parallel parsing
// (`boundary`), and the options it takes. The line parser is its twin in
// assembly/formats/NAME.ts; formats/registry.ts lists them.

/** A boolean option of a format, passed to the core's format object by its name there. */
export interface FormatOption {
  /** The Node API's option (`CollapseOptions[key]`), also the core's name for it. */
  readonly key: string;
  /** The command-line flag, without the dashes. */
  readonly flag: string;
  /** One line of `--help` (without the flag). */
  readonly help: string;
}

export interface Format {
  /** `--format NAME`; the core's format object has the same name. */
  readonly name: string;
  /** What it reads, for `--help`. */
  readonly description: string;
  /**
   * Whether an input whose first lines (latin1, without line ends, the last
   * possibly cut) are these is in this format.
   */
  detect(lines: readonly string[]): boolean;
  /**
   * Where a new record starts in `bytes` (an offset into it), or -1 if none
   * does in this window. `atLineStart`: bytes[0] starts a line (else the
   * first, partial, line is skipped).
   */
  boundary(bytes: Uint8Array, atLineStart: boolean): number;
  readonly options: readonly FormatOption[];
  /**
   * Its records are already distinct stacks (folded stacks are a collapse's output): ranges
   * parsed on other threads would hand every stack back to be merged again, so a large file
   * is read on one thread unless the caller sets the split size itself.
   */
  readonly distinctStacks?: true;
  /** Why the parser reports a line as malformed, for the warning that names them (what it is not). */
  readonly malformed?: string;
}
