/** Thrown by HashGate when it will not take more work: the caller answers 429 rather than wait. */
export class GateFull extends Error {
  constructor() {
    super('Password hashing is at capacity');
  }
}

export interface HashGateOptions {
  /**
   * Longest expected wait (ms) for a slot before a newcomer is refused: (queued + 1) × mean service
   * time / concurrency. Unbounded when absent.
   */
  maxWaitMs?: number;
  /** Milliseconds on a monotonic clock; tests pass their own. */
  now?: () => number;
}

/** Weight of the newest service time in the running mean: a change in load shows within a few hashes. */
const EWMA_WEIGHT = 0.2;

/**
 * A counting semaphore with a bounded wait queue, for slow work (password hashes). At most
 * `concurrency` tasks run at once and at most `queueLimit` wait, first come first served. A newcomer
 * that finds every slot taken is refused at once with GateFull when the queue is full, or when the wait
 * it can expect (from a running mean of how long tasks take now) is past `maxWaitMs`: hashing threads
 * run at low priority, so under other load a hash slows down, and a flood is turned away before it makes
 * every caller slow. One that finds a free slot always starts, which also keeps the mean up to date.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private mean: number | undefined;
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
    options: HashGateOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? Infinity;
    this.now = options.now ?? (() => performance.now());
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The running mean of how long a task took (ms), undefined before the first one ends. */
  get meanServiceMs(): number | undefined {
    return this.mean;
  }

  /** How long a newcomer should expect to wait for a slot (ms); 0 while one is free or nothing was timed yet. */
  get expectedWaitMs(): number {
    if (this.running < this.concurrency || this.mean === undefined) {
      return 0;
    }
    return ((this.waiting.length + 1) * this.mean) / this.concurrency;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      return this.start(task);
    }
    if (this.waiting.length >= this.queueLimit || this.expectedWaitMs > this.maxWaitMs) {
      return Promise.reject(new GateFull());
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => this.start(task).then(resolve, reject));
    });
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    const started = this.now();
    try {
      return await task();
    } finally {
      const took = this.now() - started;
      this.mean = this.mean === undefined ? took : this.mean + EWMA_WEIGHT * (took - this.mean);
      this.running--;
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      this.waiting.shift()?.();
    }
  }
}
