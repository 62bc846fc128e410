import type { ManagementClient } from 'auth0';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('/api/v2/client-grants', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;
  const API = 'https://inventory.example';

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.resourceServers.create({
      identifier: API,
      name: 'Inventory',
      scopes: [{ value: 'read:stock' }, { value: 'write:stock' }, { value: 'delete:stock' }],
    });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const newClient = async (name = 'worker') => mgmt.clients.create({ name, app_type: 'non_interactive' });
  const grantCount = async () => (await http(t.baseUrl, 'GET', '/api/v2/client-grants?per_page=100', { token })).body.length as number;
  const tokenFor = (clientId: string, secret: string, extra: Record<string, string> = {}) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      audience: API,
      ...extra,
    });

  describe('create', () => {
    it('ties a client to an API with scopes (201)', async () => {
      const c = await newClient();
      const res = await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token,
        body: { client_id: c.client_id, audience: API, scope: ['read:stock', 'write:stock'] },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^cgr_[A-Za-z0-9]{16}$/),
        client_id: c.client_id,
        audience: API,
        scope: ['read:stock', 'write:stock'],
      });
      expect(await mgmt.clientGrants.get(res.body.id)).toEqual(res.body);
    });

    it('defaults scope to none', async () => {
      const c = await newClient();
      const g = await mgmt.clientGrants.create({ client_id: c.client_id!, audience: API });
      expect(g.scope).toEqual([]);
    });

    it.each([
      ['an unknown client', { client_id: 'no-such-client', audience: API, scope: [] }, 404, 'inexistent_client'],
      ['an audience that is no API', { audience: 'https://nowhere.example', scope: [] }, 404, 'inexistent_resource_server'],
      ['a scope the API does not define', { audience: API, scope: ['read:stock', 'fly:stock'] }, 400, 'invalid_body'],
      ['a missing audience', { scope: [] }, 400, 'invalid_body'],
      ['a missing client_id', { client_id: undefined, audience: API }, 400, 'invalid_body'],
      ['a scope that is not a list', { audience: API, scope: 'read:stock' }, 400, 'invalid_body'],
      ['a repeated scope', { audience: API, scope: ['read:stock', 'read:stock'] }, 400, 'invalid_body'],
      ['an unknown field', { audience: API, scope: [], organization_usage: 'allow' }, 400, 'invalid_body'],
    ])('refuses %s and creates nothing', async (_what, body, status, code) => {
      const c = await newClient();
      const before = await grantCount();
      const res = await http(t.baseUrl, 'POST', '/api/v2/client-grants', { token, body: { client_id: c.client_id, ...body } });
      expectManagementError(res, status, code);
      expect(await grantCount()).toBe(before);
    });

    it('refuses a second grant for the same client and audience with 409', async () => {
      const c = await newClient();
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: API, scope: ['read:stock'] });
      const before = await grantCount();
      const res = await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token,
        body: { client_id: c.client_id, audience: API, scope: ['write:stock'] },
      });
      expectManagementError(res, 409, 'client_grant_conflict');
      expect(await grantCount()).toBe(before);
      const listed = await http(t.baseUrl, 'GET', `/api/v2/client-grants?client_id=${c.client_id}`, { token });
      expect(listed.body.map((g: { scope: string[] }) => g.scope)).toEqual([['read:stock']]);
    });

    it('grants Management API scopes only from that API', async () => {
      const c = await newClient();
      const ok = await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token,
        body: { client_id: c.client_id, audience: t.managementAudience, scope: ['read:clients'] },
      });
      expect(ok.status).toBe(201);
      const c2 = await newClient();
      const bad = await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token,
        body: { client_id: c2.client_id, audience: t.managementAudience, scope: ['read:stock'] },
      });
      expectManagementError(bad, 400, 'invalid_body');
    });

    it('needs create:client_grants', async () => {
      const c = await newClient();
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: t.managementAudience, scope: ['read:client_grants'] });
      const weak = (
        await postForm(t.baseUrl, '/oauth/token', {
          grant_type: 'client_credentials',
          client_id: c.client_id!,
          client_secret: c.client_secret!,
          audience: t.managementAudience,
        })
      ).body.access_token as string;
      const res = await http(t.baseUrl, 'POST', '/api/v2/client-grants', { token: weak, body: { client_id: c.client_id, audience: API } });
      expectManagementError(res, 403, 'insufficient_scope');
      expect((await http(t.baseUrl, 'GET', '/api/v2/client-grants', { token: weak })).status).toBe(200);
    });
  });

  describe('list', () => {
    it('filters by audience and client_id', async () => {
      const a = await newClient('filter a');
      const b = await newClient('filter b');
      await mgmt.clientGrants.create({ client_id: a.client_id!, audience: API, scope: ['read:stock'] });
      await mgmt.clientGrants.create({ client_id: b.client_id!, audience: API, scope: [] });
      await mgmt.clientGrants.create({ client_id: a.client_id!, audience: t.managementAudience, scope: ['read:clients'] });

      const byClient = await http(t.baseUrl, 'GET', `/api/v2/client-grants?client_id=${a.client_id}`, { token });
      expect(byClient.body.map((g: { audience: string }) => g.audience).sort()).toEqual([API, t.managementAudience].sort());

      const both = await http(t.baseUrl, 'GET', `/api/v2/client-grants?client_id=${a.client_id}&audience=${encodeURIComponent(API)}`, {
        token,
      });
      expect(both.body).toHaveLength(1);
      expect(both.body[0]).toMatchObject({ client_id: a.client_id, audience: API, scope: ['read:stock'] });

      const byAudience = await mgmt.clientGrants.list({ audience: t.managementAudience });
      expect(byAudience.data.every((g) => g.audience === t.managementAudience)).toBe(true);
      expect(byAudience.data.map((g) => g.client_id)).toEqual(expect.arrayContaining([ADMIN_CLIENT_ID, a.client_id]));

      const bad = await http(t.baseUrl, 'GET', '/api/v2/client-grants?colour=red', { token });
      expectManagementError(bad, 400, 'invalid_query_string');
    });

    it('pages with from/take checkpoints as the SDK sends them, and with include_totals', async () => {
      const c = await newClient('pager');
      for (const audience of [API, t.managementAudience]) {
        await mgmt.clientGrants.create({ client_id: c.client_id!, audience, scope: [] });
      }
      const total = await grantCount();
      const seen: string[] = [];
      let page = await mgmt.clientGrants.list({ take: 2 });
      for (;;) {
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((g) => g.id!));
        if (!page.hasNextPage()) {
          break;
        }
        page = await page.getNextPage();
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);

      const first = await http(t.baseUrl, 'GET', '/api/v2/client-grants?take=1', { token });
      expect(first.body.client_grants).toHaveLength(1);
      expect(typeof first.body.next).toBe('string');
      const second = await http(t.baseUrl, 'GET', `/api/v2/client-grants?take=1&from=${first.body.next}`, { token });
      expect(second.body.client_grants[0].id).not.toBe(first.body.client_grants[0].id);

      const totals = await http(t.baseUrl, 'GET', '/api/v2/client-grants?include_totals=true&per_page=1&page=0', { token });
      expect(totals.body).toEqual({ client_grants: [expect.any(Object)], start: 0, limit: 1, total });
    });
  });

  describe('update and delete', () => {
    it('patches scopes, and tokens reflect it at once', async () => {
      const c = await newClient();
      const g = await mgmt.clientGrants.create({ client_id: c.client_id!, audience: API, scope: ['read:stock'] });
      expect((await tokenFor(c.client_id!, c.client_secret!)).body.scope).toBe('read:stock');

      const updated = await mgmt.clientGrants.update(g.id!, { scope: ['read:stock', 'write:stock'] });
      expect(updated).toEqual({ id: g.id, client_id: c.client_id, audience: API, scope: ['read:stock', 'write:stock'] });
      expect((await tokenFor(c.client_id!, c.client_secret!)).body.scope).toBe('read:stock write:stock');
    });

    it.each([
      [{ scope: ['read:stock', 'teleport'] }, 400, 'invalid_body'],
      [{ scope: 'read:stock' }, 400, 'invalid_body'],
      [{ audience: 'https://other.example' }, 400, 'invalid_body'],
      [{ client_id: 'someone-else' }, 400, 'invalid_body'],
    ])('refuses %j and changes nothing', async (body, status, code) => {
      const c = await newClient();
      const g = await mgmt.clientGrants.create({ client_id: c.client_id!, audience: API, scope: ['read:stock'] });
      const res = await http(t.baseUrl, 'PATCH', `/api/v2/client-grants/${g.id}`, { token, body });
      expectManagementError(res, status, code);
      expect(await mgmt.clientGrants.get(g.id!)).toEqual(g);
    });

    it('deletes with 204; the client is then refused at once', async () => {
      const c = await newClient();
      const g = await mgmt.clientGrants.create({ client_id: c.client_id!, audience: API, scope: ['read:stock'] });
      expect((await tokenFor(c.client_id!, c.client_secret!)).status).toBe(200);
      const res = await http(t.baseUrl, 'DELETE', `/api/v2/client-grants/${g.id}`, { token });
      expect(res.status).toBe(204);
      expectOAuthError(
        await tokenFor(c.client_id!, c.client_secret!),
        403,
        'access_denied',
        `Client "${c.client_id}" is not authorized to access resource server "${API}".`,
      );
      expectManagementError(await http(t.baseUrl, 'GET', `/api/v2/client-grants/${g.id}`, { token }), 404, 'inexistent_client_grant');
    });

    it('answers 404 for unknown grants', async () => {
      expectManagementError(
        await http(t.baseUrl, 'PATCH', '/api/v2/client-grants/cgr_nope', { token, body: { scope: [] } }),
        404,
        'inexistent_client_grant',
      );
      expectManagementError(await http(t.baseUrl, 'DELETE', '/api/v2/client-grants/cgr_nope', { token }), 404, 'inexistent_client_grant');
    });

    it("protects the bootstrap admin client's Management API grant", async () => {
      const [admin] = (await mgmt.clientGrants.list({ client_id: ADMIN_CLIENT_ID, audience: t.managementAudience })).data;
      expect(admin.is_system).toBe(true);
      expectManagementError(
        await http(t.baseUrl, 'PATCH', `/api/v2/client-grants/${admin.id}`, { token, body: { scope: [] } }),
        400,
        'operation_not_supported',
      );
      expectManagementError(
        await http(t.baseUrl, 'DELETE', `/api/v2/client-grants/${admin.id}`, { token }),
        400,
        'operation_not_supported',
      );
      expect(await mgmt.clientGrants.get(admin.id!)).toEqual(admin);
      expect((await http(t.baseUrl, 'GET', '/api/v2/clients', { token: await t.adminToken() })).status).toBe(200);
    });

    it('deleting an API deletes its grants', async () => {
      const rs = await mgmt.resourceServers.create({ identifier: 'https://shortlived.example', scopes: [{ value: 'x' }] });
      const c = await newClient();
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: 'https://shortlived.example', scope: ['x'] });
      await mgmt.resourceServers.delete(rs.id!);
      expect((await mgmt.clientGrants.list({ audience: 'https://shortlived.example' })).data).toEqual([]);
    });
  });
});
