/** Thrown by HashGate when its wait queue is full: the caller answers 429 rather than wait. */
export class GateFull extends Error {
  constructor() {
    super('Password hashing is at capacity');
  }
}

/**
 * A counting semaphore with a bounded wait queue, for work that holds a libuv thread (scrypt). At most
 * `concurrency` tasks run at once and at most `queueLimit` wait, first come first served; one more is
 * refused at once with GateFull, so a flood is turned away before it makes every caller slow.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      return this.start(task);
    }
    if (this.waiting.length >= this.queueLimit) {
      return Promise.reject(new GateFull());
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => this.start(task).then(resolve, reject));
    });
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      this.waiting.shift()?.();
    }
  }
}
