import { freePort, startTestApp, type TestApp } from './test-app.js';

/** Polls `probe` until it returns true or `ms` pass (two such waits fit in one test's 30 s). */
export async function eventually(probe: () => Promise<boolean>, ms = 12000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Three instances on one database and issuer, each with caches of its own, as cluster workers or
 * several servers are: A and B check for other processes' writes every 200 ms; C never does on its own,
 * so a test says when it looks (CacheCoherenceService.check()). `stop()` closes them and removes the data.
 */
export async function startInstances(): Promise<{ a: TestApp; b: TestApp; c: TestApp; stop: () => Promise<void> }> {
  const a = await startTestApp({ CACHE_POLL_MS: '200' });
  const sibling = async (pollMs: string) =>
    startTestApp(
      { CACHE_POLL_MS: pollMs, PUBLIC_URL: a.config.publicUrl },
      { dir: a.dir, port: await freePort(), databaseUrl: a.databaseUrl },
    );
  const b = await sibling('200');
  const c = await sibling('0');
  return {
    a,
    b,
    c,
    stop: async () => {
      await c.close();
      await b.close();
      await a.cleanup();
    },
  };
}
