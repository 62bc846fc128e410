import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables some in-process cache reads (CacheRegistry's `versionedTable`s), frozen for this migration. */
const CACHED_TABLES = [
  'tenants',
  'tenant_domains',
  'resource_servers',
  'clients',
  'client_grants',
  'signing_keys',
  'actions',
  'action_bindings',
  'rbac_versions',
];

/**
 * A change counter per cached table, moved by a trigger on every insert, update and delete whoever writes,
 * and never moving back. The cross-process cache check compares these counters; the row count and newest
 * `updated_at` it compared before could return to an earlier value (add a row, then delete it), and a
 * process that had cached the row in between kept it.
 */
export class CacheVersions1732402050000 implements MigrationInterface {
  name = 'CacheVersions1732402050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE cache_versions (name varchar(64) PRIMARY KEY NOT NULL, version bigint NOT NULL DEFAULT 0)');
    await addCacheVersionTriggers(q, CACHED_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropCacheVersionTriggers(q, CACHED_TABLES);
    await q.query('DROP TABLE cache_versions');
  }
}

/** Counts every write to `tables` in cache_versions (a later migration adding a cached table calls this too). */
export async function addCacheVersionTriggers(q: QueryRunner, tables: string[]): Promise<void> {
  const postgres = q.connection.options.type === 'postgres';
  if (postgres) {
    await q.query(`CREATE OR REPLACE FUNCTION tessera_count_cache_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE cache_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
        RETURN NULL;
      END $$`);
  }
  for (const table of tables) {
    await q.query(`INSERT INTO cache_versions (name, version) VALUES ('${table}', 0)`);
    if (postgres) {
      await q.query(
        `CREATE TRIGGER ${table}_cache_version AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION tessera_count_cache_write()`,
      );
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await q.query(
          `CREATE TRIGGER ${table}_cache_version_${op} AFTER ${op.toUpperCase()} ON ${table} BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = '${table}'; END`,
        );
      }
    }
  }
}

async function dropCacheVersionTriggers(q: QueryRunner, tables: string[]): Promise<void> {
  const postgres = q.connection.options.type === 'postgres';
  for (const table of tables) {
    if (postgres) {
      await q.query(`DROP TRIGGER ${table}_cache_version ON ${table}`);
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await q.query(`DROP TRIGGER ${table}_cache_version_${op}`);
      }
    }
  }
  if (postgres) {
    await q.query('DROP FUNCTION tessera_count_cache_write()');
  }
}
