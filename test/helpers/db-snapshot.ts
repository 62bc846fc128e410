import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Tables that change on purpose even when a request is refused (the audit log records refusals). */
const VOLATILE = new Set(['log_events', 'migrations', 'typeorm_metadata']);

/**
 * A digest of every row of every table the app owns (except the audit log), read through the app's own
 * connection, so a test can assert that a refused request changed nothing.
 */
export async function snapshotDatabase(app: INestApplication): Promise<string> {
  const ds = app.get(DataSource);
  const hash = createHash('sha256');
  const tables = ds.entityMetadatas
    .map((m) => m.tableName)
    .filter((t) => !VOLATILE.has(t))
    .sort();
  for (const table of tables) {
    const meta = ds.entityMetadatas.find((m) => m.tableName === table)!;
    const order = meta.primaryColumns.map((c) => `"${c.databaseName}"`).join(', ');
    const rows = (await ds.query(`SELECT * FROM "${table}" ORDER BY ${order}`)) as unknown[];
    hash.update(`${table}:${JSON.stringify(rows)}\n`);
  }
  return hash.digest('hex');
}
