import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

let built = false;

/** The newest modification time among the files the build reads (sources, ormconfig.ts, tsconfigs). */
function newestSourceMtime(): number {
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(newest, entry.isDirectory() ? walk(path) : statSync(path).mtimeMs);
    }, 0);
  return Math.max(walk('src'), ...['ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(f).mtimeMs));
}

/**
 * Compiles src/ to dist/ when dist is older than the sources (at most once per test file), so a real
 * `node dist/src/main.js` process can be started. An up-to-date dist is left alone: CI builds once before
 * its SQLite and PostgreSQL passes run side by side, and a rebuild by one pass would rewrite the files a
 * server of the other is loading (a worker then read a half-written module and died).
 */
export function buildOnce(): void {
  const main = 'dist/src/main.js';
  if (!built && (!existsSync(main) || statSync(main).mtimeMs < newestSourceMtime())) {
    try {
      execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
    } catch {
      // Type errors still emit JavaScript; `npm test` type-checks separately and fails on them.
    }
  }
  built = true;
  if (!existsSync(main) || statSync(main).size === 0) {
    throw new Error('build produced no dist/src/main.js');
  }
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server as its own process (as `npm start` does) and waits until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--no-node-snapshot', 'dist/src/main.js'], {
    env: { ...process.env, NODE_OPTIONS: '', TESSERA_QUIET: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const deadline = Date.now() + 30000;
  while (!out.includes('Tessera listening')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, baseUrl: `http://127.0.0.1:${env.PORT}`, output: () => out, exited };
}

/**
 * Stops a server started by startServerProcess: SIGTERM, then SIGKILL if it has not exited within `ms`
 * (a hung shutdown must fail its test, not keep jest waiting on a live child). Resolves to how it exited.
 */
export async function stopServerProcess(
  server: ServerProcess,
  ms = 20000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return server.exited;
  }
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), ms);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
}
