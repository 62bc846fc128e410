import { Worker } from 'node:worker_threads';

/** What one scrypt takes: the password already NFKC-normalised. */
export interface ScryptRequest {
  password: string;
  salt: Buffer;
  keylen: number;
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

/** A hashing thread's Linux thread id and nice value, as it reads them itself (undefined off Linux). */
export interface ThreadInfo {
  tid?: number;
  priority?: number;
}

/**
 * The worker's source, run with `eval` so it is the same under ts-jest and in dist. On start it lowers
 * its own thread to nice 19 (Linux nice is per thread; best effort), then answers one request at a time.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const { readlinkSync } = require('node:fs');
const { getPriority, setPriority } = require('node:os');
let tid;
try {
  tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(tid, 19);
} catch {}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'probe') {
      parentPort.postMessage({ id: m.id, info: { tid, priority: tid === undefined ? undefined : getPriority(tid) } });
      return;
    }
    const key = scryptSync(m.password, m.salt, m.keylen, { N: m.N, r: m.r, p: m.p, maxmem: m.maxmem });
    const out = new Uint8Array(key).buffer;
    parentPort.postMessage({ id: m.id, key: out }, [out]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

/** Starts one hashing thread with the real source; tests may hand HashThreads another. */
export function spawnHashWorker(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true });
}

type Message = ({ op: 'scrypt' } & ScryptRequest) | { op: 'probe' };
type Reply = { id: number; key?: ArrayBuffer; info?: ThreadInfo; error?: string };

interface Job {
  message: Message;
  resolve: (reply: Reply) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  /** The job it runs now, with its id. */
  job?: Job & { id: number };
}

/**
 * A small pool of worker threads for password hashing, each at nice 19. Hashing then gets only CPU that
 * would otherwise be idle: token requests (the event loop, and RSA signing on libuv's pool) keep the core
 * under load, and libuv's pool is left to file and crypto work instead of holding scrypt for 100 ms a time.
 * Threads start on first use, never keep the process alive while idle, and one that dies fails its job
 * and is replaced on the next. Admission (how many at once, how many wait) is HashGate's; jobs past the
 * pool's size wait here in order.
 */
export class HashThreads {
  private readonly threads = new Set<Thread>();
  private readonly waiting: Job[] = [];
  private nextId = 1;

  constructor(
    readonly size: number,
    private readonly spawn: () => Worker = spawnHashWorker,
  ) {}

  scrypt(request: ScryptRequest): Promise<Buffer> {
    return this.submit({ op: 'scrypt', ...request }).then((reply) => Buffer.from(reply.key!));
  }

  /** The thread id and nice value one hashing thread reports. */
  probe(): Promise<ThreadInfo> {
    return this.submit({ op: 'probe' }).then((reply) => reply.info ?? {});
  }

  /** Stops every thread; jobs running or waiting fail. A later job starts new threads. */
  async close(): Promise<void> {
    const stopping = new Error('Password hashing threads stopped');
    for (const job of this.waiting.splice(0)) {
      job.reject(stopping);
    }
    const threads = [...this.threads];
    this.threads.clear();
    for (const t of threads) {
      t.job?.reject(stopping);
      t.job = undefined;
    }
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private submit(message: Message): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const thread = this.idleThread();
      if (!thread) {
        return;
      }
      const job = this.waiting.shift()!;
      thread.job = { ...job, id: this.nextId++ };
      thread.worker.ref();
      thread.worker.postMessage({ ...job.message, id: thread.job.id });
    }
  }

  private idleThread(): Thread | undefined {
    for (const t of this.threads) {
      if (!t.job) {
        return t;
      }
    }
    return this.threads.size < this.size ? this.start() : undefined;
  }

  private start(): Thread {
    const thread: Thread = { worker: this.spawn() };
    const { worker } = thread;
    // Only a thread with a job holds the process open (a CLI command waits for its hash; an idle pool does not).
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = thread.job;
      if (!job || reply.id !== job.id) {
        return;
      }
      thread.job = undefined;
      worker.unref();
      if (reply.error !== undefined) {
        job.reject(new Error(reply.error));
      } else {
        job.resolve(reply);
      }
      this.dispatch();
    });
    const died = (e?: Error) => {
      if (!this.threads.delete(thread)) {
        return;
      }
      thread.job?.reject(e ?? new Error('Password hashing thread exited'));
      thread.job = undefined;
      this.dispatch();
    };
    worker.on('error', died);
    worker.on('exit', () => died());
    this.threads.add(thread);
    return thread;
  }
}
