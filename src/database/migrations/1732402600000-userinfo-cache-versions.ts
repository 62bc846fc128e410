import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The users columns a cached user profile (/userinfo) depends on: every column but the login counters.
 * `logins_count`, `last_login` and `last_ip` change at every login and the cached profile holds none of
 * them, so a login must not drop every process's user profiles.
 */
const USER_COLUMNS = [
  'tenant_id',
  'user_id',
  'connection',
  'email',
  'username',
  'email_verified',
  'name',
  'nickname',
  'given_name',
  'family_name',
  'picture',
  'user_metadata',
  'app_metadata',
  'blocked',
  'password_hash',
  'password_history',
  'last_password_reset',
  'created_at',
  'updated_at',
];

/**
 * What /userinfo reads, made cacheable across processes: the users table (profile and `blocked`) and the
 * token families an opaque token's family id points at (revoked or deleted). Unlike
 * addCacheVersionTriggers, only the writes that can change a cached value are counted: neither cache
 * remembers a miss, so inserts are not counted; users updates count when they set a profile column, and
 * token family updates when they set `revoked_at` (a family's other columns never change once written).
 */
export class UserinfoCacheVersions1732402600000 implements MigrationInterface {
  name = 'UserinfoCacheVersions1732402600000';

  async up(q: QueryRunner): Promise<void> {
    await addTriggers(q, 'users', USER_COLUMNS);
    await addTriggers(q, 'token_families', ['revoked_at']);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTriggers(q, 'token_families');
    await dropTriggers(q, 'users');
  }
}

async function addTriggers(q: QueryRunner, table: string, columns: string[]): Promise<void> {
  await q.query(`INSERT INTO cache_versions (name, version) VALUES ('${table}', 0)`);
  const count = `UPDATE cache_versions SET version = version + 1 WHERE name = '${table}'`;
  if (q.connection.options.type === 'postgres') {
    // tessera_count_cache_write() comes with the cache-versions migration.
    for (const [op, event] of [
      ['update', `UPDATE OF ${columns.join(', ')}`],
      ['delete', 'DELETE'],
    ]) {
      await q.query(
        `CREATE TRIGGER ${table}_cache_version_${op} AFTER ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION tessera_count_cache_write()`,
      );
    }
  } else {
    await q.query(`CREATE TRIGGER ${table}_cache_version_update AFTER UPDATE OF ${columns.join(', ')} ON ${table} BEGIN ${count}; END`);
    await q.query(`CREATE TRIGGER ${table}_cache_version_delete AFTER DELETE ON ${table} BEGIN ${count}; END`);
  }
}

async function dropTriggers(q: QueryRunner, table: string): Promise<void> {
  const postgres = q.connection.options.type === 'postgres';
  for (const op of ['update', 'delete']) {
    await q.query(postgres ? `DROP TRIGGER ${table}_cache_version_${op} ON ${table}` : `DROP TRIGGER ${table}_cache_version_${op}`);
  }
  await q.query(`DELETE FROM cache_versions WHERE name = '${table}'`);
}
