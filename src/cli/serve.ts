// `flamefold serve CAPTURE...`: index each capture once, then serve a local
// page (src/serve/) with its timeline and the flame graphs of the windows
// selected on it.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { UsageError } from '../errors.js';
import { serveHandler, type ServedCapture } from '../serve/server.js';
import { captureOptionArgs, captureOptions, captureOptionsHelp } from './capture-options.js';
import { collapseWithProgress } from './progress.js';
import { parseCommandArgs } from './common.js';

export const help = `Usage: flamefold serve [options] CAPTURE...

Reads each capture once (where its snapshots start, and their samples), then
serves a page on this machine: a capture's timeline, where dragging selects a
window and shows its flame graph, drawn from just that window's bytes; a
second drag shows the differential graph of the two windows (red: grew). The
selection is in the URL. Every request needs the token in the printed URL.

Options:
      --host ADDR      address to listen on (default 127.0.0.1: this machine only)
      --port N         port (default: any free one)
${captureOptionsHelp(23, true)}  -h, --help           show this help
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...captureOptionArgs,
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (positionals.length === 0 || positionals.includes('-')) throw new UsageError('serve takes capture files (not stdin): they are read again for each window');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs a port number, not '${values.port}'`);
  if (values.window !== undefined) throw new UsageError('serve selects windows on its page: --window does not apply');
  const options = captureOptions(values);
  const captures: ServedCapture[] = [];
  for (const path of positionals) {
    const result = await collapseWithProgress('indexing', [path], { ...options, oneEvent: true }, values.quiet); // its timeline counts the event its graphs draw
    captures.push({ path, name: path, index: result.inputs[0]!.snapshots });
  }
  const token = randomBytes(18).toString('base64url');
  const server = createServer(serveHandler({ token, captures, collapse: options, hosts: [values.host.toLowerCase()] }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UsageError(`cannot listen on ${values.host}:${port}: ${err.message}`)));
    server.listen(port, values.host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const host = values.host.includes(':') ? `[${values.host}]` : values.host;
  process.stdout.write(`flamefold serve: http://${host}:${bound}/?t=${token}\n`);
  await new Promise<void>((resolve) => server.once('close', resolve)); // until stopped (Ctrl-C)
  return 0;
}
