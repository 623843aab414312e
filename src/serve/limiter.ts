// Bounded work for `flamefold serve`: at most `running` graphs are drawn at a
// time and at most `waiting` requests wait for a turn; beyond that a request
// is refused (503) at once instead of piling up threads and memory.

export class WorkLimiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly running: number,
    private readonly waiting: number,
  ) {}

  /** Runs `job` when a slot is free; undefined (without running it) when too many wait already. */
  async run<T>(job: () => Promise<T>): Promise<T | undefined> {
    if (this.active >= this.running) {
      if (this.queue.length >= this.waiting) return undefined;
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await job();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.active--;
    }
  }
}
