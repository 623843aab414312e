// Collapses one file with the built API and prints the process's peak RSS, for memory tests.
import { collapse } from '../../dist/index.js';

const result = await collapse(process.argv[2], { format: process.argv[3] ?? 'auto', jobs: Number(process.argv[4] ?? 1) });
let bytes = 0;
for (const chunk of result.chunks()) bytes += chunk.length;
process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes, totals: result.totals }));
