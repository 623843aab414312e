// One timed stage of `flamefold bench`, alone in its own process so that its peak
// RSS is its own. Usage: node bench-child.js '<StageTask as JSON>'
// Prints a StageRun as JSON; on failure the error on stderr and exit code 1.

import { measureStage, type StageRun, type StageTask } from './bench.js';
import { InputError } from '../errors.js';

const task = JSON.parse(process.argv[2] ?? '{}') as StageTask;
try {
  const run = await measureStage(task);
  // resourceUsage().maxRSS is in kilobytes (KiB), for the whole process.
  const report: StageRun = { ...run, peakRss: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(JSON.stringify(report));
} catch (err) {
  // Input errors name the file already; others (EISDIR, EACCES) get its name here.
  const message = err instanceof InputError ? err.message : `${task.file}: ${(err as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}
