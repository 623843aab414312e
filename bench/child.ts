// One measured task in a fresh process, so peak RSS is the task's own.
// Usage: node child.js collapse FILE [FORMAT]   → prints {"ms":..,"maxRssMiB":..}

import { collapse } from 'flamefold';

const [task, file, format] = process.argv.slice(2);
const start = performance.now();
if (task === 'collapse') {
  const result = await collapse(file!, { format: (format ?? 'auto') as 'auto' });
  let bytes = 0;
  for (const chunk of result.chunks()) bytes += chunk.length;
  if (bytes === 0) throw new Error('no output');
} else {
  throw new Error(`unknown task ${task}`);
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
