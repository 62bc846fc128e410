import cluster from 'node:cluster';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * A note beside the SQLite file naming the server process that serves it (`<database>.server-pid`), so
 * `tessera restore` can refuse to replace a database under a running server. In a cluster the primary's
 * pid is written: the workers come and go, the primary lives as long as the server.
 */
export function claimFile(databasePath: string): string {
  return `${databasePath}.server-pid`;
}

/** The pid of the live server process serving this database, if any (a note left by a crash is ignored). */
export function servingPid(databasePath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(claimFile(databasePath), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    return undefined;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

const serverPid = () => (cluster.isWorker ? process.ppid : process.pid);

/** Writes the note unless another live process holds it (a CLI command run beside a server changes nothing). */
export function claimDatabase(databasePath: string): void {
  const holder = servingPid(databasePath);
  if (holder === undefined) {
    writeFileSync(claimFile(databasePath), `${serverPid()}\n`);
  }
}

/** Removes the note if this process wrote it (a cluster's note is left to go stale with the primary). */
export function releaseDatabase(databasePath: string): void {
  if (!cluster.isWorker && servingPid(databasePath) === process.pid) {
    try {
      unlinkSync(claimFile(databasePath));
    } catch {
      // Already gone.
    }
  }
}
