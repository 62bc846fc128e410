import { DataSource, type Logger } from 'typeorm';
import { LogsService } from '../../src/logs/logs.service.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { toUserResponse } from '../../src/users/user.mapper.js';
import { matchesUserQuery, parseUserQuery } from '../../src/users/user-search.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

const USERS = 1200;
const EVENTS = 1200;

/** A varied population: mixed case, absent fields, metadata of every JSON type, shared timestamps. */
function seededUser(i: number): UserEntity {
  const e = new UserEntity();
  e.tenantId = 'default';
  e.userId = `auth0|u${String(i).padStart(5, '0')}`;
  e.connection = 'Username-Password-Authentication';
  e.email = `user${String(i).padStart(5, '0')}@example.com`;
  e.emailVerified = i % 2 === 0;
  e.name = i % 3 === 0 ? `User ${i}` : `user ${i}`;
  e.nickname = `nick${i % 7}`;
  e.givenName = i % 2 === 1 ? null : `Given${i % 11}`;
  e.familyName = i % 5 === 0 ? null : `Family_${i % 13}`;
  e.picture = 'https://example.com/p.png';
  e.userMetadata = { team: ['red', 'blue', 'green'][i % 3], n: i % 5, tags: ['a'] };
  e.appMetadata = i % 10 === 0 ? { plan: 'pro', vip: i % 50 === 0 } : { plan: 'free' };
  e.blocked = i % 97 === 0;
  e.passwordHash = null;
  e.lastPasswordReset = null;
  e.loginsCount = i % 4;
  e.lastLogin = i % 4 === 0 ? null : new Date(Date.UTC(2024, 5, 1 + (i % 20))).toISOString();
  e.lastIp = null;
  // Two users per instant, so the user_id tie-break is exercised.
  e.createdAt = new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 2) * 3600_000).toISOString();
  e.updatedAt = new Date(Date.UTC(2024, 2, 1) + (i % 37) * 60_000).toISOString();
  return e;
}

/**
 * The list endpoints page, filter and sort in the database: with more rows than Auth0 lets one page
 * through, every query that reads rows carries a LIMIT (totals are COUNTs), offset paging stops at 1,000
 * results, and on SQLite each default-order page is read through an index, not by scanning the tenant.
 */
describe('list endpoints are bounded queries', () => {
  let t: TestApp;
  let token: string;
  let ds: DataSource;
  let sqlite: boolean;
  const seeded = Array.from({ length: USERS }, (_, i) => seededUser(i));
  let captured: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    token = await t.adminToken();
    ds = t.app.get(DataSource);
    sqlite = ds.options.type !== 'postgres';
    for (let i = 0; i < seeded.length; i += 100) {
      await ds.manager.save(UserEntity, seeded.slice(i, i + 100), { reload: false });
    }
    const logs = t.app.get(LogsService);
    for (let i = 0; i < EVENTS; i++) {
      logs.record({ tenantId: 'default', type: i % 3 === 0 ? 'seccft' : 'fapi', description: `event ${i}`, clientId: `client-${i % 4}` });
    }
    await logs.flush();
    // Every statement the app runs from here on, with its parameters.
    const inner = ds.logger;
    const spy: Logger = Object.create(inner) as Logger;
    spy.logQuery = (sql, params) => {
      captured.push({ sql, params: params ?? [] });
    };
    ds.logger = spy;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** The statements a request ran against `table` that read rows (not COUNTs, not the auth lookups). */
  async function rowReads(
    table: string,
    path: string,
  ): Promise<{ status: number; body: any; reads: { sql: string; params: unknown[] }[] }> {
    captured = [];
    const res = await http(t.baseUrl, 'GET', path, { token });
    const reads = captured.filter((c) => /^SELECT/i.test(c.sql) && new RegExp(`FROM "${table}"`).test(c.sql) && !/COUNT\(/i.test(c.sql));
    return { status: res.status, body: res.body, reads };
  }

  async function planOf(read: { sql: string; params: unknown[] }): Promise<string> {
    const rows = (await ds.query(`EXPLAIN QUERY PLAN ${read.sql}`, read.params)) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  }

  it('GET /api/v2/users: every page, sort and search is one LIMITed query; totals are a COUNT', async () => {
    const paths = [
      '/api/v2/users',
      '/api/v2/users?per_page=100&page=9',
      '/api/v2/users?include_totals=true&per_page=5',
      ...['created_at', 'updated_at', 'email', 'name', 'nickname', 'last_login', 'logins_count', 'user_id'].flatMap((f) => [
        `/api/v2/users?sort=${f}:1&per_page=7`,
        `/api/v2/users?sort=${f}:-1&per_page=7&page=3`,
      ]),
      `/api/v2/users?q=${encodeURIComponent('app_metadata.plan:pro AND NOT blocked:true')}&search_engine=v3&include_totals=true`,
    ];
    for (const path of paths) {
      const { status, reads } = await rowReads('users', path);
      expect([path, status]).toEqual([path, 200]);
      expect([path, reads.length]).toEqual([path, 1]);
      expect([path, /\bLIMIT\b/i.test(reads[0].sql)]).toEqual([path, true]);
      if (sqlite && !path.includes('q=')) {
        const plan = await planOf(reads[0]);
        // An index range in the requested order: no scan of the tenant, no sort of all its users.
        expect([path, plan]).toEqual([path, expect.stringMatching(/USING (COVERING )?INDEX|USING PRIMARY KEY/)]);
        expect([path, plan]).toEqual([path, expect.not.stringMatching(/TEMP B-TREE/)]);
      }
    }
    const totals = await http(t.baseUrl, 'GET', '/api/v2/users?include_totals=true&per_page=5', { token });
    expect(totals.body).toMatchObject({ start: 0, limit: 5, length: 5, total: USERS });
  });

  it('GET /api/v2/users: a prefix search of a text field is an index range on that field’s search index, on both databases', async () => {
    const cases: [q: string, index: string][] = [
      ['name:user\\ 12*', 'users_tenant_lower_name'],
      ['given_name:given10*', 'users_tenant_lower_given_name'],
      ['user_id:auth0|u001*', 'users_tenant_lower_user_id'],
      ['email:user001*', sqlite ? 'users_tenant_sort_email' : 'users_tenant_email'],
    ];
    for (const [q, index] of cases) {
      const path = `/api/v2/users?q=${encodeURIComponent(q)}&search_engine=v3`;
      const { status, body, reads } = await rowReads('users', path);
      expect([q, status, reads.length]).toEqual([q, 200, 1]);
      expect([q, (body as unknown[]).length > 0]).toEqual([q, true]);
      let plan: string;
      if (sqlite) {
        plan = await planOf(reads[0]);
      } else {
        // A table of 1,200 users is cheaper to scan: ask whether the index can serve the condition at all
        // (with statistics, so the planner can tell one index from another).
        const runner = ds.createQueryRunner();
        try {
          await runner.query('ANALYZE users');
          await runner.query('SET enable_seqscan = off');
          const rows = (await runner.query(`EXPLAIN ${reads[0].sql}`, reads[0].params)) as { 'QUERY PLAN': string }[];
          plan = rows.map((r) => r['QUERY PLAN']).join(' | ');
          await runner.query('RESET enable_seqscan');
        } finally {
          await runner.release();
        }
      }
      // Searched through the index as a range on its columns, not filtered after a scan.
      expect([q, plan]).toEqual([
        q,
        expect.stringMatching(
          sqlite
            ? new RegExp(`USING INDEX ${index} \\(tenant_id=\\? AND`)
            : new RegExp(`(using|Index Scan on) ${index} .*Index Cond: .*~>=~`),
        ),
      ]);
    }
  });

  it('GET /api/v2/users: offset paging stops at 1,000 results, as Auth0 does', async () => {
    expect((await http(t.baseUrl, 'GET', '/api/v2/users?per_page=100&page=9', { token })).body).toHaveLength(100);
    expectManagementError(
      await http(t.baseUrl, 'GET', '/api/v2/users?per_page=100&page=10', { token }),
      400,
      'invalid_query_string',
      /first 1000 users/,
    );
  });

  it('GET /api/v2/users: q compiled to SQL finds what the search semantics say, in the requested order', async () => {
    const docs = seeded.map((e) => toUserResponse(e) as unknown as Record<string, unknown>);
    const byCreated = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.created_at) < String(b.created_at)
        ? -1
        : String(a.created_at) > String(b.created_at)
          ? 1
          : String(a.user_id) < String(b.user_id)
            ? -1
            : 1;
    const queries = [
      'name:"user 5"',
      'name:"USER 6"',
      'nickname:nick3 AND email_verified:true',
      'app_metadata.plan:pro',
      'app_metadata.vip:true',
      'app_metadata.vip:*',
      'user_metadata.team:red AND user_metadata.n:4 AND blocked:false',
      'user_metadata.n:[3 TO 4] AND nickname:nick1',
      'user_metadata.tags:a',
      'NOT blocked:false',
      'given_name:* AND nickname:nick2',
      'NOT given_name:* AND nickname:nick2',
      'NOT family_name:family_1 AND nickname:nick4',
      'family_name:family_1*',
      'logins_count:[2 TO *] AND nickname:nick5',
      'logins_count:{0 TO 3}',
      'logins_count:0',
      'created_at:[2024-01-01 TO 2024-01-03]',
      'last_login:* AND nickname:nick6',
      'identities.connection:"Username-Password-Authentication" AND blocked:true',
      'identities.provider:auth0 AND app_metadata.plan:pro',
      'identities.isSocial:true',
      'identities.user_id:u00042',
      'email:user00* OR email:user011*',
      'email:user_*',
      'email:user0001%*',
      'nick3 AND blocked:true',
      '"user 12" OR "user 13"',
      'user_id:"auth0|u00007"',
      'phone_number:1 OR (name:"user 1" AND NOT name:"user 1")',
      'NOT phone_number:1 AND blocked:true',
    ];
    for (const q of queries) {
      const node = parseUserQuery(q);
      const expected = docs.filter((d) => matchesUserQuery(node, d)).sort(byCreated);
      const res = await http(
        t.baseUrl,
        'GET',
        `/api/v2/users?include_totals=true&per_page=100&search_engine=v3&q=${encodeURIComponent(q)}&fields=user_id`,
        { token },
      );
      expect([q, res.status]).toEqual([q, 200]);
      expect([q, res.body.total, res.body.users.map((u: { user_id: string }) => u.user_id)]).toEqual([
        q,
        expected.length,
        expected.slice(0, 100).map((d) => d.user_id),
      ]);
    }
  });

  it('GET /api/v2/users: sorts in the database as Auth0 lists them (then by user_id), absent last logins last', async () => {
    const docs = seeded.map((e) => toUserResponse(e) as unknown as Record<string, unknown>);
    for (const [field, dir] of [
      ['name', -1],
      ['nickname', 1],
      ['email', -1],
      ['updated_at', 1],
      ['last_login', -1],
      ['last_login', 1],
      ['logins_count', -1],
    ] as const) {
      const key = (d: Record<string, unknown>) =>
        field === 'logins_count' ? Number(d.logins_count ?? 0) : (d[field] as string | undefined);
      const expected = [...docs].sort((a, b) => {
        const [va, vb] = [key(a), key(b)];
        if (va === undefined || vb === undefined) {
          return va === vb ? 0 : va === undefined ? 1 : -1;
        }
        const c = va < vb ? -1 : va > vb ? 1 : 0;
        return dir * (c !== 0 ? c : String(a.user_id) < String(b.user_id) ? -1 : 1);
      });
      const res = await http(t.baseUrl, 'GET', `/api/v2/users?sort=${field}:${dir}&per_page=50&page=2&fields=user_id`, { token });
      expect([field, dir, res.body.map((u: { user_id: string }) => u.user_id)]).toEqual([
        field,
        dir,
        expected.slice(100, 150).map((d) => d.user_id),
      ]);
    }
  });

  it('GET /api/v2/logs: pages, filters and deep pages are LIMITed queries; offset stops at 1,000; checkpoints go on', async () => {
    const paths = [
      '/api/v2/logs',
      '/api/v2/logs?per_page=100&page=9',
      `/api/v2/logs?q=${encodeURIComponent('type:"seccft"')}&per_page=50&page=3`,
      `/api/v2/logs?q=${encodeURIComponent('client_id:client-2')}&include_totals=true`,
      '/api/v2/logs?take=20',
      '/api/v2/logs?sort=date:1&per_page=10',
    ];
    for (const path of paths) {
      const { status, reads } = await rowReads('log_events', path);
      expect([path, status]).toEqual([path, 200]);
      expect([path, reads.length]).toEqual([path, 1]);
      expect([path, /\bLIMIT\b/i.test(reads[0].sql)]).toEqual([path, true]);
      if (sqlite) {
        const plan = await planOf(reads[0]);
        expect([path, plan]).toEqual([path, expect.stringMatching(/USING (COVERING )?INDEX/)]);
        expect([path, plan]).toEqual([path, expect.not.stringMatching(/TEMP B-TREE/)]);
      }
    }
    const totals = await http(
      t.baseUrl,
      'GET',
      `/api/v2/logs?q=${encodeURIComponent('type:seccft AND client_id:client-0')}&include_totals=true&per_page=3`,
      { token },
    );
    expect(totals.body).toMatchObject({ start: 0, limit: 3, length: 3, total: EVENTS / 12 });
    expectManagementError(
      await http(t.baseUrl, 'GET', '/api/v2/logs?per_page=100&page=10', { token }),
      400,
      'invalid_query_string',
      /first 1000/,
    );
    // Checkpoint paging reaches every event, past the first 1,000.
    let from = '';
    let seen = 0;
    for (;;) {
      const page = await http(
        t.baseUrl,
        'GET',
        `/api/v2/logs?take=100&q=${encodeURIComponent('type:fapi')}${from ? `&from=${from}` : '&sort=date:1'}`,
        { token },
      );
      if (page.body.length === 0) {
        break;
      }
      seen += page.body.length;
      from = page.body.at(-1).log_id;
      if (seen > EVENTS) {
        break;
      }
    }
    expect(seen).toBe((EVENTS * 2) / 3);
  });

  it('clients, resource servers and client grants: each page is one LIMITed query, filters in SQL, checkpoints with next', async () => {
    for (let i = 0; i < 12; i++) {
      const c = await http(t.baseUrl, 'POST', '/api/v2/clients', {
        token,
        body: { name: `Bulk ${i}`, app_type: i % 2 ? 'spa' : 'non_interactive' },
      });
      await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
        token,
        body: { name: `Api ${i}`, identifier: `https://bulk${i}.example` },
      });
      await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token,
        body: { client_id: c.body.client_id, audience: `https://bulk${i}.example`, scope: [] },
      });
    }
    const cases: [string, string][] = [
      ['clients', '/api/v2/clients?per_page=5&page=1'],
      ['clients', '/api/v2/clients?app_type=spa&is_first_party=true&include_totals=true'],
      ['clients', '/api/v2/clients?take=5&from=5'],
      ['resource_servers', '/api/v2/resource-servers?per_page=3&include_totals=true'],
      ['resource_servers', '/api/v2/resource-servers?identifiers=https://bulk3.example&identifiers=https://bulk4.example'],
      ['client_grants', '/api/v2/client-grants?audience=https://bulk5.example'],
      ['client_grants', '/api/v2/client-grants?take=4'],
    ];
    for (const [table, path] of cases) {
      const { status, reads } = await rowReads(table, path);
      expect([path, status]).toEqual([path, 200]);
      expect([path, reads.length, reads.every((r) => /\bLIMIT\b/i.test(r.sql))]).toEqual([path, 1, true]);
    }
    const spas = await http(t.baseUrl, 'GET', '/api/v2/clients?app_type=spa&include_totals=true&per_page=4', { token });
    const everyClient = (await http(t.baseUrl, 'GET', '/api/v2/clients?per_page=100', { token })).body as {
      app_type?: string;
      is_first_party: boolean;
    }[];
    expect(spas.body).toMatchObject({ start: 0, limit: 4, total: everyClient.filter((c) => c.app_type === 'spa').length });
    expect(spas.body.clients.every((c: { app_type: string }) => c.app_type === 'spa')).toBe(true);
    const all = (await http(t.baseUrl, 'GET', '/api/v2/client-grants?per_page=100', { token })).body as { id: string }[];
    const walked: string[] = [];
    let next: string | undefined = '0';
    while (next !== undefined) {
      const page: { body: { client_grants: { id: string }[]; next?: string } } = await http(
        t.baseUrl,
        'GET',
        `/api/v2/client-grants?take=5&from=${next}`,
        { token },
      );
      walked.push(...page.body.client_grants.map((r) => r.id));
      next = page.body.next;
    }
    expect(walked).toEqual(all.map((r) => r.id));
    const two = await http(
      t.baseUrl,
      'GET',
      '/api/v2/resource-servers?identifiers=https://bulk3.example&identifiers=https://bulk4.example',
      { token },
    );
    expect(two.body.map((r: { identifier: string }) => r.identifier)).toEqual(['https://bulk3.example', 'https://bulk4.example']);
  });
});
