import { join } from 'node:path';
import pg from 'pg';

/**
 * Where a test app keeps its data. SQLite by default: a file in the test's temp dir. With
 * TEST_DATABASE_URL=postgres://... each test app gets a database of its own on that server, dropped at cleanup.
 */
export async function createTestDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server || !/^postgres(ql)?:\/\//.test(server)) {
    return { url: `sqlite:${join(dir, 'tessera.sqlite')}`, drop: async () => undefined };
  }
  const name = `tessera_e2e_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function usingPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(process.env.TEST_DATABASE_URL ?? '');
}
