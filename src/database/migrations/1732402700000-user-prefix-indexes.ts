import type { MigrationInterface, QueryRunner } from 'typeorm';

/** User search fields compared lower-cased (user-search-sql.ts), each with its index from ListIndexes1732401200000. */
const LOWER_FIELDS = ['user_id', 'name', 'nickname', 'given_name', 'family_name'];

/**
 * A prefix search of users (`name:bench*`, `email:user09*`) is a `LIKE 'prefix%'`, which PostgreSQL reads
 * from a b-tree only in the "C" collation or with a pattern operator class: under any other database
 * collation (C.UTF-8 and en_US.UTF-8 included) it scanned every user of the tenant. The search indexes of
 * PostgreSQL are rebuilt under the same names with `text_pattern_ops`, which serves `=` as before and the
 * prefix as an index range. SQLite needs nothing: there the prefix is already written as a range over the
 * same index (user-search-sql.ts), so this migration changes nothing on SQLite.
 */
export class UserPrefixIndexes1732402700000 implements MigrationInterface {
  name = 'UserPrefixIndexes1732402700000';

  async up(q: QueryRunner): Promise<void> {
    await this.rebuild(q, ' text_pattern_ops');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.rebuild(q, '');
  }

  private async rebuild(q: QueryRunner, opclass: string): Promise<void> {
    if (q.connection.options.type !== 'postgres') {
      return;
    }
    for (const f of LOWER_FIELDS) {
      await q.query(`DROP INDEX users_tenant_lower_${f}`);
      await q.query(`CREATE INDEX users_tenant_lower_${f} ON users (tenant_id, lower(${f})${opclass})`);
    }
    await q.query('DROP INDEX users_tenant_email');
    await q.query(`CREATE INDEX users_tenant_email ON users (tenant_id, email${opclass})`);
  }
}
