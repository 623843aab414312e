// Collapses one file with the built API and prints the process's peak RSS, with
// the sha256 of the folded output (hashed chunk by chunk, so the check itself
// holds no copy of the output), for memory tests.
import { createHash } from 'node:crypto';
import { collapse } from '../../dist/index.js';

const result = await collapse(process.argv[2], { format: process.argv[3] ?? 'auto', jobs: Number(process.argv[4] ?? 1) });
const hash = createHash('sha256');
let bytes = 0;
for (const chunk of result.chunks()) {
  hash.update(chunk);
  bytes += chunk.length;
}
process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes, sha256: hash.digest('hex'), totals: result.totals }));
