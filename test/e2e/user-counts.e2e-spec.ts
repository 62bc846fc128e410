import type { ManagementClient } from 'auth0';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { hostRequest } from '../helpers/host-request.js';
import { managementClient } from '../helpers/management-client.js';
import { watchQueries } from '../helpers/query-watch.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createWebClient, PASSWORD, type TestClient } from '../helpers/user-flows.js';

const DB = 'Username-Password-Authentication';

/** A GET on one tenant's Management API. */
type Get = (path: string) => Promise<{ status: number; body: any }>;

/**
 * `total` of an unfiltered `GET /api/v2/users?include_totals=true` is read from tenant_user_counts, kept by
 * triggers on users (TenantUserCounts1732402800000): after every path that creates or deletes users it must
 * equal the number of users the list actually holds.
 */
describe('the users total (include_totals) at every write', () => {
  let t: TestApp;
  let token: string;
  let mgmt: ManagementClient;
  let web: TestClient;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    web = await createWebClient(mgmt);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** Every user of the tenant, page by page (the tests hold far fewer than the 1,000 Auth0 pages through). */
  const listAll = async (get: Get, filter = ''): Promise<string[]> => {
    const ids: string[] = [];
    for (let page = 0; ; page++) {
      const res = await get(`/api/v2/users?per_page=100&page=${page}${filter}`);
      expect(res.status).toBe(200);
      ids.push(...(res.body as { user_id: string }[]).map((u) => u.user_id));
      if (res.body.length < 100) {
        return ids;
      }
    }
  };
  const total = async (get: Get, filter = ''): Promise<number> => {
    const res = await get(`/api/v2/users?include_totals=true&per_page=1${filter}`);
    expect(res.status).toBe(200);
    return res.body.total as number;
  };
  const rootGet: Get = (path) => http(t.baseUrl, 'GET', path, { token });
  /** The stored total equals the list's length; returns it. */
  const expectExact = async (get: Get = rootGet): Promise<number> => {
    const ids = await listAll(get);
    expect(await total(get)).toBe(ids.length);
    return ids.length;
  };
  const stored = async (tenantId: string): Promise<number | undefined> => {
    const row = await t.app
      .get(DataSource)
      .createQueryBuilder()
      .select('c.users', 'users')
      .from('tenant_user_counts', 'c')
      .where('c.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ users: number | string }>();
    return row === undefined ? undefined : Number(row.users);
  };
  const createUser = (email: string, connection = DB) =>
    http(t.baseUrl, 'POST', '/api/v2/users', { token, body: { connection, email, password: PASSWORD } });

  it('reads the stored count for an unfiltered list and COUNTs a filtered one', async () => {
    expect(await expectExact()).toBe(0);
    for (const email of ['a@count.example', 'b@count.example', 'c@count.example']) {
      expect((await createUser(email)).status).toBe(201);
    }
    expect(await expectExact()).toBe(3);

    const unfiltered = await watchQueries(t.app, async () => {
      expect(await total(rootGet)).toBe(3);
    });
    expect(unfiltered.some((sql) => /tenant_user_counts/.test(sql))).toBe(true);
    expect(unfiltered.some((sql) => /COUNT\(/i.test(sql))).toBe(false);

    const filtered = await watchQueries(t.app, async () => {
      expect(await total(rootGet, `&q=${encodeURIComponent('email:a@count.example')}`)).toBe(1);
      expect(await total(rootGet, `&connection=${DB}`)).toBe(3);
      expect(await total(rootGet, '&connection=Nope')).toBe(0);
    });
    expect(filtered.filter((sql) => /COUNT\(/i.test(sql))).toHaveLength(3);
    expect(filtered.some((sql) => /tenant_user_counts/.test(sql))).toBe(false);
  });

  it('finds a user by e-mail in one statement, with no COUNT (users-by-email, q=email:"…")', async () => {
    for (const path of [
      '/api/v2/users-by-email?email=a%40count.example',
      `/api/v2/users?q=${encodeURIComponent('email:"a@count.example"')}`,
    ]) {
      await rootGet(path); // the token's verification and the tenant's caches warm
      const sql = await watchQueries(t.app, async () => {
        const res = await rootGet(path);
        expect(res.status).toBe(200);
        expect(res.body).toHaveLength(1);
      });
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatch(/FROM "users"/);
    }
  });

  it('stays exact through a refused duplicate, sign-up, an import job and deletions', async () => {
    const before = await expectExact();
    expect((await createUser('a@count.example')).status).toBe(409);
    expect(await expectExact()).toBe(before);

    const signup = await http(t.baseUrl, 'POST', '/dbconnections/signup', {
      body: { client_id: web.id, connection: DB, email: 'signed-up@count.example', password: PASSWORD },
    });
    expect(signup.status).toBe(200);
    const duplicateSignup = await http(t.baseUrl, 'POST', '/dbconnections/signup', {
      body: { client_id: web.id, connection: DB, email: 'signed-up@count.example', password: PASSWORD },
    });
    expect(duplicateSignup.status).toBe(400);
    expect(await expectExact()).toBe(before + 1);

    // Five new users, one existing one updated (upsert), one duplicated in the file: five inserted.
    const connection = await http(t.baseUrl, 'GET', `/api/v2/connections?name=${DB}`, { token });
    const rows = [1, 2, 3, 4, 5].map((i) => ({ email: `imported-${i}@count.example` }));
    const job = (await mgmt.jobs.usersImports.create({
      users: new Blob([JSON.stringify([...rows, { email: 'a@count.example', name: 'Updated' }, rows[0]])], { type: 'application/json' }),
      connection_id: connection.body[0].id as string,
      upsert: true,
    })) as unknown as { id: string };
    const done = await waitForJob(job.id);
    expect(done.summary).toMatchObject({ inserted: 5, updated: 2 });
    expect(await expectExact()).toBe(before + 6);

    const victim = (await rootGet(`/api/v2/users?q=${encodeURIComponent('email:imported-1@count.example')}`)).body[0].user_id as string;
    expect((await http(t.baseUrl, 'DELETE', `/api/v2/users/${encodeURIComponent(victim)}`, { token })).status).toBe(204);
    expect((await http(t.baseUrl, 'DELETE', `/api/v2/users/${encodeURIComponent(victim)}`, { token })).status).toBe(204);
    expect(await expectExact()).toBe(before + 5);
    expect(await stored('default')).toBe(before + 5);
  });

  it('drops the users of a deleted connection from the count', async () => {
    const before = await expectExact();
    const created = await http(t.baseUrl, 'POST', '/api/v2/connections', {
      token,
      body: { name: 'Counted', strategy: 'auth0', enabled_clients: [web.id] },
    });
    expect(created.status).toBe(201);
    for (const email of ['x@counted.example', 'y@counted.example']) {
      expect((await createUser(email, 'Counted')).status).toBe(201);
    }
    expect(await expectExact()).toBe(before + 2);
    expect(await total(rootGet, '&connection=Counted')).toBe(2);
    expect((await http(t.baseUrl, 'DELETE', `/api/v2/connections/${created.body.id as string}`, { token })).status).toBe(202);
    expect(await expectExact()).toBe(before);
  });

  it('counts each tenant apart and forgets a deleted tenant', async () => {
    const rootBefore = await expectExact();
    const port = new URL(t.baseUrl).port;
    const tenant = await http(t.baseUrl, 'POST', '/api/v2/tessera/tenants', {
      token,
      body: { friendly_name: 'Counted', domain: `counted.test:${port}` },
    });
    expect(tenant.status).toBe(201);
    const {
      id,
      domain,
      issuer,
      admin_client: admin,
    } = tenant.body as {
      id: string;
      domain: string;
      issuer: string;
      admin_client: { client_id: string; client_secret: string };
    };
    const issued = await hostRequest(t.baseUrl, domain, 'POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: admin.client_id,
        client_secret: admin.client_secret,
        audience: `${issuer}api/v2/`,
      },
    });
    const betaToken = issued.body.access_token as string;
    const betaGet = (path: string) => hostRequest(t.baseUrl, domain, 'GET', path, { token: betaToken });
    expect(await expectExact(betaGet)).toBe(0);
    for (const email of ['one@beta.example', 'two@beta.example', 'a@count.example']) {
      const res = await hostRequest(t.baseUrl, domain, 'POST', '/api/v2/users', {
        token: betaToken,
        json: { connection: DB, email, password: PASSWORD },
      });
      expect(res.status).toBe(201);
    }
    expect(await expectExact(betaGet)).toBe(3);
    expect(await expectExact()).toBe(rootBefore);

    expect((await http(t.baseUrl, 'DELETE', `/api/v2/tessera/tenants/${id}`, { token })).status).toBe(204);
    expect(await stored(id)).toBeUndefined();
    expect(await expectExact()).toBe(rootBefore);
  });

  it('counts rows written in SQL, one statement for many (a bulk load, a restore)', async () => {
    const before = await expectExact();
    const ds = t.app.get(DataSource);
    const series =
      ds.options.type === 'postgres'
        ? 'FROM generate_series(1, 40) AS n(i)'
        : 'FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT i FROM n)';
    await ds.query(
      `INSERT INTO users (tenant_id, user_id, connection, email, email_verified, name, nickname, picture, user_metadata,
                          app_metadata, blocked, logins_count, created_at, updated_at)
       SELECT 'default', 'auth0|bulk' || i, '${DB}', 'bulk' || i || '@count.example', FALSE, 'bulk', 'bulk', 'https://example.com/p.png',
              '{}', '{}', FALSE, 0, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' ${series}`,
    );
    expect(await expectExact()).toBe(before + 40);
    await ds.query("DELETE FROM users WHERE email LIKE 'bulk%'");
    expect(await expectExact()).toBe(before);
  });

  it('fills the count from the existing users when the migration runs on a populated database', async () => {
    const before = await expectExact();
    expect(before).toBeGreaterThan(0);
    const ds = t.app.get(DataSource);
    const [last] = (await ds.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[];
    expect(last.name).toBe('TenantUserCounts1732402800000');
    await ds.undoLastMigration({ transaction: 'all' });
    expect((await createUser('while-undone@count.example')).status).toBe(201);
    await ds.runMigrations({ transaction: 'all' });
    expect(await stored('default')).toBe(before + 1);
    expect(await expectExact()).toBe(before + 1);
  });

  async function waitForJob(id: string): Promise<{ status: string; summary?: Record<string, number> }> {
    for (let i = 0; i < 600; i++) {
      const job = (await mgmt.jobs.get(id)) as unknown as { status: string; summary?: Record<string, number> };
      if (job.status === 'completed' || job.status === 'failed') {
        return job;
      }
      await sleep(50);
    }
    throw new Error(`job ${id} did not finish`);
  }
});
