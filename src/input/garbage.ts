// Collecting the garbage of streamed input. Each chunk read or inflated is a
// buffer held outside the JavaScript heap; copied into the core, it is
// garbage at once, but the heap sees no reason to collect (V8 lets some 64 MB
// of such memory pile up first, and more while a collection is pending). A
// young-generation collection every few MB frees it for well under a
// millisecond each, keeping a gigabyte's stream within a few MB.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes streamed between collections. */
const COLLECT_EVERY = 4 << 20;

type Collect = (options: { type: 'minor' }) => void;
let collect: Collect | undefined;

function collector(): Collect {
  if (!collect) {
    setFlagsFromString('--expose-gc'); // gives a new context a gc() function, without a command-line flag
    collect = runInNewContext('gc') as Collect;
  }
  return collect;
}

/** Counts streamed bytes that became garbage, collecting every COLLECT_EVERY of them. */
export function garbageCounter(): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= COLLECT_EVERY) {
      collector()({ type: 'minor' });
      since = 0;
    }
  };
}
