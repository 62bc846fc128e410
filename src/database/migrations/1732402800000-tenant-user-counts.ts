import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The number of users of each tenant, kept exact by triggers on `users` whoever writes (the Management API,
 * sign-up, an import batch, a connection's or a tenant's deletion, a bulk load in SQL), so that
 * `GET /api/v2/users?include_totals=true` reads one row instead of counting a million.
 *
 * PostgreSQL counts per statement over its transition tables: an INSERT … SELECT of a million users, or an
 * import batch, is one upsert of the count. SQLite has no statement triggers: one upsert per row. A tenant
 * without a row has no users. A user's deletion only updates an existing row (its insert made the row), so it
 * never creates a negative one; the tenant's deletion removes its row. `tenant_id` is part of the users key
 * and nothing changes it, but a change would move the user between counts.
 */
export class TenantUserCounts1732402800000 implements MigrationInterface {
  name = 'TenantUserCounts1732402800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE tenant_user_counts (tenant_id varchar(64) PRIMARY KEY NOT NULL, users integer NOT NULL)');
    await q.query('INSERT INTO tenant_user_counts (tenant_id, users) SELECT tenant_id, COUNT(*) FROM users GROUP BY tenant_id');
    if (q.connection.options.type === 'postgres') {
      await this.postgresTriggers(q);
    } else {
      await this.sqliteTriggers(q);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      for (const [trigger, table] of TRIGGERS) {
        await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
      }
      for (const fn of FUNCTIONS) {
        await q.query(`DROP FUNCTION ${fn}()`);
      }
    } else {
      for (const [trigger] of TRIGGERS) {
        await q.query(`DROP TRIGGER ${trigger}`);
      }
    }
    await q.query('DROP TABLE tenant_user_counts');
  }

  private async postgresTriggers(q: QueryRunner): Promise<void> {
    const fn = (name: string, body: string) =>
      q.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${body};
          RETURN NULL;
        END $$`);
    await fn(
      'tessera_count_users_inserted',
      `INSERT INTO tenant_user_counts (tenant_id, users)
         SELECT tenant_id, COUNT(*) FROM inserted_users GROUP BY tenant_id
         ON CONFLICT (tenant_id) DO UPDATE SET users = tenant_user_counts.users + EXCLUDED.users`,
    );
    await fn(
      'tessera_count_users_deleted',
      `UPDATE tenant_user_counts c SET users = c.users - d.n
         FROM (SELECT tenant_id, COUNT(*) AS n FROM deleted_users GROUP BY tenant_id) d
        WHERE c.tenant_id = d.tenant_id`,
    );
    await fn(
      'tessera_count_user_moved',
      `UPDATE tenant_user_counts SET users = users - 1 WHERE tenant_id = OLD.tenant_id;
       INSERT INTO tenant_user_counts (tenant_id, users) VALUES (NEW.tenant_id, 1)
         ON CONFLICT (tenant_id) DO UPDATE SET users = tenant_user_counts.users + 1`,
    );
    await fn('tessera_drop_user_count', 'DELETE FROM tenant_user_counts WHERE tenant_id = OLD.id');
    await q.query(
      `CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS inserted_users
         FOR EACH STATEMENT EXECUTE FUNCTION tessera_count_users_inserted()`,
    );
    await q.query(
      `CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS deleted_users
         FOR EACH STATEMENT EXECUTE FUNCTION tessera_count_users_deleted()`,
    );
    // Per row, but only called for a row whose tenant changed (never, in Tessera): transition tables
    // cannot go with a column list, and a statement trigger would run on every profile or login update.
    await q.query(
      `CREATE TRIGGER users_count_move AFTER UPDATE OF tenant_id ON users
         FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION tessera_count_user_moved()`,
    );
    await q.query('CREATE TRIGGER tenants_drop_user_count AFTER DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION tessera_drop_user_count()');
  }

  private async sqliteTriggers(q: QueryRunner): Promise<void> {
    const add = (tenant: string) =>
      `INSERT INTO tenant_user_counts (tenant_id, users) VALUES (${tenant}, 1) ON CONFLICT (tenant_id) DO UPDATE SET users = users + 1;`;
    const remove = (tenant: string) => `UPDATE tenant_user_counts SET users = users - 1 WHERE tenant_id = ${tenant};`;
    await q.query(`CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN ${add('new.tenant_id')} END`);
    await q.query(`CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN ${remove('old.tenant_id')} END`);
    await q.query(
      `CREATE TRIGGER users_count_move AFTER UPDATE OF tenant_id ON users WHEN old.tenant_id IS NOT new.tenant_id
         BEGIN ${remove('old.tenant_id')} ${add('new.tenant_id')} END`,
    );
    await q.query(
      'CREATE TRIGGER tenants_drop_user_count AFTER DELETE ON tenants BEGIN DELETE FROM tenant_user_counts WHERE tenant_id = old.id; END',
    );
  }
}

const TRIGGERS = [
  ['users_count_insert', 'users'],
  ['users_count_delete', 'users'],
  ['users_count_move', 'users'],
  ['tenants_drop_user_count', 'tenants'],
];

const FUNCTIONS = ['tessera_count_users_inserted', 'tessera_count_users_deleted', 'tessera_count_user_moved', 'tessera_drop_user_count'];
