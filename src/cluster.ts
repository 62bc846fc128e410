import cluster, { type Worker } from 'node:cluster';

/**
 * Runs `workers` copies of the server sharing one port (Node's cluster). The first worker starts alone,
 * so migrations and first-start bootstrap run once; the others follow when it listens. A worker that dies
 * unexpectedly is replaced. SIGTERM/SIGINT are passed on; the primary exits 0 when all workers have.
 */
export function runPrimary(workers: number): void {
  let stopping = false;
  const fork = (): Worker => {
    const w = cluster.fork();
    w.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`worker ${w.process.pid} exited (${signal ?? code}); starting another\n`);
        fork();
      } else if (Object.keys(cluster.workers ?? {}).length === 0) {
        process.exit(0);
      }
    });
    return w;
  };
  const first = fork();
  first.once('listening', () => {
    for (let i = 1; i < workers; i++) {
      fork();
    }
  });
  const stop = () => {
    stopping = true;
    const live = Object.values(cluster.workers ?? {});
    if (live.length === 0) {
      process.exit(0);
    }
    for (const w of live) {
      w?.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export const isPrimary = () => cluster.isPrimary;
