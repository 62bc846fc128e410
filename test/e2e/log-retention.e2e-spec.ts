import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LogEventEntity } from '../../src/logs/log-event.entity.js';
import { LogRetentionService } from '../../src/logs/log-retention.service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';

const DAY = 86_400_000;

/** Events as LogsService writes them, dated `ms`. */
function events(ms: number, n: number, type: string): Partial<LogEventEntity>[] {
  return Array.from({ length: n }, (_, i) => ({
    logId: `${String(ms + i).padStart(15, '0')}${String(i % 10000).padStart(4, '0')}${randomBytes(8).toString('hex')}`,
    tenantId: 'default',
    date: new Date(ms + i).toISOString(),
    type,
    description: 'seeded',
    details: '{}',
  }));
}

async function insert(ds: DataSource, rows: Partial<LogEventEntity>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await ds.getRepository(LogEventEntity).insert(rows.slice(i, i + 200));
  }
}

async function countOf(ds: DataSource, type: string): Promise<number> {
  return ds.getRepository(LogEventEntity).count({ where: { type } });
}

describe('audit log retention (LOG_RETENTION_DAYS)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ LOG_RETENTION_DAYS: '30', LOG_RETENTION_INTERVAL_MS: '200' });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('deletes in the background exactly the events older than the retention, in batches', async () => {
    const now = Date.now();
    await insert(ds, events(now - 45 * DAY, 1234, 'old'));
    await insert(ds, events(now - 30 * DAY - 60_000, 7, 'old'));
    await insert(ds, events(now - 30 * DAY + 60_000, 5, 'kept'));
    await insert(ds, events(now - DAY, 11, 'kept'));
    const deadline = Date.now() + 15000;
    while ((await countOf(ds, 'old')) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await countOf(ds, 'old')).toBe(0);
    expect(await countOf(ds, 'kept')).toBe(16);
  });
});

(usingPostgres() ? describe.skip : describe)('audit log retention on SQLite', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    // No background sweep here: the test runs each one itself.
    t = await startTestApp({ LOG_RETENTION_DAYS: '30', LOG_RETENTION_INTERVAL_MS: '3600000' });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reuses the freed SQLite pages: the file stops growing once retention is steady', async () => {
    const retention = t.app.get(LogRetentionService);
    const pages = async () => Number((await ds.query('PRAGMA page_count'))[0].page_count);
    const free = async () => Number((await ds.query('PRAGMA freelist_count'))[0].freelist_count);
    const cycle = async () => {
      await insert(ds, events(Date.now() - 40 * DAY, 3000, 'old'));
      await retention.sweep();
      expect(await countOf(ds, 'old')).toBe(0);
    };
    await cycle();
    const settled = await pages();
    expect(await free()).toBeGreaterThan(50);
    for (let i = 0; i < 3; i++) {
      await cycle();
    }
    // The same volume again, three times over, fits in the pages freed by the first purge.
    expect(await pages()).toBeLessThanOrEqual(settled + 2);
  }, 60000);
});
