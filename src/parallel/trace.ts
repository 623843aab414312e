// FLAMEFOLD_TRACE=1: a timeline of a parallel read on stderr, one line per
// step and thread (`TRACE <ms since the epoch> t<thread> <step> rss=<MiB>`),
// to see where the time of a parallel collapse goes: worker start, planning,
// each range, idle threads at the end, the merge. Off, it costs a test per
// step, and loads nothing (node:worker_threads loads Node's streams: read
// only when tracing, through process.getBuiltinModule where Node has it).

const on = process.env.FLAMEFOLD_TRACE === '1';

type GetBuiltin = (id: string) => { threadId?: number } | undefined;

function threadLabel(): string {
  const get = (process as unknown as { getBuiltinModule?: GetBuiltin }).getBuiltinModule;
  return `t${get?.('node:worker_threads')?.threadId ?? '?'}`;
}

export function mark(step: string): void {
  if (!on) return;
  const rss = `${(process.memoryUsage.rss() / (1 << 20)).toFixed(1)} max=${(process.resourceUsage().maxRSS / 1024).toFixed(1)}`;
  process.stderr.write(`TRACE ${(performance.timeOrigin + performance.now()).toFixed(1)} ${threadLabel()} ${step} rss=${rss}\n`);
}
