import cluster, { type Worker } from 'node:cluster';

/** How long a stopping worker may take before the primary kills it (its own shutdown gives up sooner). */
const STOP_DEADLINE_MS = 15_000;

/**
 * Runs `workers` copies of the server sharing one port (Node's cluster). The first worker starts alone,
 * so migrations and first-start bootstrap run once; the others follow when it listens. A worker that dies
 * unexpectedly is replaced. SIGTERM/SIGINT are passed on; the primary exits 0 when all workers have
 * (1 when one had to be killed).
 */
export function runPrimary(workers: number): void {
  let stopping = false;
  let killed = false;
  // Tracked here, not through `cluster.workers`: Node removes a worker from that list only once both its
  // 'exit' and its 'disconnect' happened, in either order, so it can still be listed when 'exit' fires.
  const live = new Set<Worker>();
  const fork = (): Worker => {
    const w = cluster.fork();
    live.add(w);
    w.on('exit', (code, signal) => {
      live.delete(w);
      if (!stopping) {
        process.stderr.write(`worker ${w.process.pid} exited (${signal ?? code}); starting another\n`);
        fork();
      } else if (live.size === 0) {
        process.exit(killed ? 1 : 0);
      }
    });
    return w;
  };
  const first = fork();
  first.once('listening', () => {
    for (let i = 1; i < workers && !stopping; i++) {
      fork();
    }
  });
  const stop = () => {
    stopping = true;
    if (live.size === 0) {
      process.exit(0);
    }
    for (const w of live) {
      w.process.kill('SIGTERM');
    }
    setTimeout(() => {
      for (const w of live) {
        killed = true;
        process.stderr.write(`worker ${w.process.pid} did not stop within ${STOP_DEADLINE_MS} ms; killing it\n`);
        w.process.kill('SIGKILL');
      }
    }, STOP_DEADLINE_MS).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export const isPrimary = () => cluster.isPrimary;
