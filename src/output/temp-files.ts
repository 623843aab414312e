// Temporary files of outputs being written, removed when the command is
// stopped by a signal (Ctrl-C, kill, a closed terminal) instead of being left
// behind as `.NAME.PID.HEX.tmp`.
//
// A temp file is known by its folder and name prefix (`.NAME.PID.`), not its full
// name, so the main thread can also clean up after files that worker threads
// (batch) are writing: it knows their targets, not the random part of the name.

import { readdirSync, unlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, join } from 'node:path';

interface TempPattern {
  dir: string;
  prefix: string;
}

const live = new Map<number, TempPattern>();
let nextId = 0;
let cleanupOnSignals = false;
let handlersInstalled = false;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The name prefix of the temp files written beside `target` by this process. */
export function tempPrefix(target: string): string {
  // Long names are cut so that the temp file's name stays within NAME_MAX when the target's does.
  return `.${basename(target).slice(0, 200)}.${process.pid}.`;
}

/** Removes every temp file still being written, now (also from signal and exit handlers). */
export function removeTempFilesNow(): void {
  for (const { dir, prefix } of live.values()) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      try {
        unlinkSync(join(dir, name));
      } catch {
        // gone already (renamed into place, or removed by its writer)
      }
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Signals get their default action back first: process.exit waits for threads blocked in
  // the kernel (a worker opening a FIFO nobody writes to), and a second Ctrl-C must still stop it.
  cleanupOnSignals = false;
  updateHandlers();
  removeTempFilesNow();
  // 128 + the signal's number is the status shells report for a command a signal stopped.
  process.exit(128 + constants.signals[signal]);
}

// Handlers are in place only while temp files exist: a signal handler written in JS
// cannot run while the main thread is busy in the core, and a Ctrl-C while reading
// should stop the process at once, as it does by default.
function updateHandlers(): void {
  const wanted = cleanupOnSignals && live.size > 0;
  if (wanted === handlersInstalled) return;
  for (const signal of SIGNALS) {
    if (wanted) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
  handlersInstalled = wanted;
}

/**
 * Marks temp files (in `dir`, names starting with `prefix`) as being written; the returned
 * function unmarks them. Marked files are removed on a signal once the CLI has asked for it.
 */
export function trackTempFiles(dir: string, prefix: string): () => void {
  const id = nextId++;
  live.set(id, { dir, prefix });
  updateHandlers();
  return () => {
    live.delete(id);
    updateHandlers();
  };
}

/**
 * For the command line: on SIGINT, SIGTERM or SIGHUP while output is being written,
 * remove the temp files and exit with 128 + the signal's number; on any exit, remove
 * what is left. (Not done by default: a library does not take over its host's signals.)
 */
export function removeTempFilesOnSignals(): void {
  if (cleanupOnSignals) return;
  cleanupOnSignals = true;
  process.on('exit', removeTempFilesNow);
  updateHandlers();
}
