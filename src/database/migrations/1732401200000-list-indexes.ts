import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `q` fields of GET /api/v2/logs (LOG_SEARCH_FIELDS): each pages by log_id within the filter. */
const LOG_FIELDS = ['type', 'client_id', 'user_id', 'user_name', 'ip', 'audience'];
/** `sort` fields of GET /api/v2/users besides user_id (the primary key): the field, then user_id. */
const USER_SORTS = ['created_at', 'updated_at', 'email', 'name', 'nickname', 'last_login', 'logins_count'];
/** Other lists page in creation order (then their id); client grants also filter by audience. */
const CREATION_ORDER: [table: string, id: string][] = [
  ['clients', 'client_id'],
  ['resource_servers', 'id'],
  ['client_grants', 'id'],
];
/** Fields a user search compares lower-cased (user-search-sql.ts); email is stored lower-cased. */
const USER_SEARCHES = ['user_id', 'name', 'nickname', 'given_name', 'family_name'];

/**
 * Indexes behind every sort and search field the list endpoints allow, so each page is an index range
 * read and never a scan of the tenant. PostgreSQL sorts text in code-unit order (COLLATE "C", as the
 * queries ask) so its sort indexes carry that collation; SQLite's default is already that order.
 */
export class ListIndexes1732401200000 implements MigrationInterface {
  name = 'ListIndexes1732401200000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const c = (col: string) => (postgres && col !== 'logins_count' ? `${col} COLLATE "C"` : col);
    for (const f of LOG_FIELDS) {
      await q.query(`CREATE INDEX log_events_tenant_${f} ON log_events (tenant_id, ${f}, log_id)`);
    }
    for (const f of USER_SORTS) {
      await q.query(`CREATE INDEX users_tenant_sort_${f} ON users (tenant_id, ${c(f)}, ${c('user_id')})`);
    }
    for (const f of USER_SEARCHES) {
      await q.query(`CREATE INDEX users_tenant_lower_${f} ON users (tenant_id, lower(${f}))`);
    }
    if (postgres) {
      await q.query('CREATE INDEX users_tenant_email ON users (tenant_id, email)');
    }
    for (const [table, id] of CREATION_ORDER) {
      await q.query(`CREATE INDEX ${table}_tenant_created ON ${table} (tenant_id, created_at, ${id})`);
    }
    await q.query('CREATE INDEX client_grants_tenant_audience ON client_grants (tenant_id, audience)');
  }

  async down(q: QueryRunner): Promise<void> {
    const names = [
      ...LOG_FIELDS.map((f) => `log_events_tenant_${f}`),
      ...USER_SORTS.map((f) => `users_tenant_sort_${f}`),
      ...USER_SEARCHES.map((f) => `users_tenant_lower_${f}`),
      ...CREATION_ORDER.map(([table]) => `${table}_tenant_created`),
      'client_grants_tenant_audience',
    ];
    if (q.connection.options.type === 'postgres') {
      names.push('users_tenant_email');
    }
    for (const name of names) {
      await q.query(`DROP INDEX ${name}`);
    }
  }
}
