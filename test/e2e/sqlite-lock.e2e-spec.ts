import { setTimeout as sleep } from 'node:timers/promises';
import { DbService } from '../../src/database/db.service.js';
import { freePort, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';

const describeSqlite = usingPostgres() ? describe.skip : describe;

/**
 * Waiting for SQLite's write lock must not tie up libuv's threads. SQLite's busy handler sleeps holding
 * the connection's mutex, so every other statement of that connection blocks a pool thread behind it;
 * two instances in one process (or signatures needing those threads) then starved until the 15 s busy
 * timeout. DbService waits in JavaScript instead.
 */
describeSqlite('SQLite write lock held by another instance', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ RATE_LIMITS: 'off' });
    b = await startTestApp(
      { PUBLIC_URL: a.config.publicUrl, RATE_LIMITS: 'off' },
      { dir: a.dir, port: await freePort(), databaseUrl: a.databaseUrl },
    );
  });
  afterAll(async () => {
    await b.close();
    await a.cleanup();
  });

  it('queues the other instance behind it without starving either', async () => {
    const dbA = a.app.get(DbService);
    const dbB = b.app.get(DbService);
    const started = Date.now();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // A holds the write lock across several statements, each needing a pool thread.
    const holder = dbA.write(async (em) => {
      await em.query(`UPDATE tenants SET updated_at = updated_at`);
      await held;
      for (let i = 0; i < 5; i++) {
        await em.query('SELECT count(*) FROM clients');
      }
      return 'a';
    });
    await sleep(50);
    // Meanwhile B wants the lock, and keeps reading on its own connection.
    const waiter = dbB.write(async (em) => {
      await em.query(`UPDATE tenants SET updated_at = updated_at`);
      return 'b';
    });
    const reads = Array.from({ length: 8 }, () => b.app.get(DbService).dataSource.query('SELECT count(*) FROM clients'));
    await sleep(200);
    release();
    expect(await holder).toBe('a');
    expect(await waiter).toBe('b');
    await Promise.all(reads);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 40000);
});
