import { ManagementError, type ManagementClient } from 'auth0';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../../src/clients/client.entity.js';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('/api/v2/clients', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.resourceServers.create({ identifier: 'https://orders.example', name: 'Orders', scopes: [{ value: 'read:orders' }] });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** A Management API token for a fresh client granted only `scopes`. */
  async function tokenWith(scopes: string[]): Promise<string> {
    const c = await mgmt.clients.create({ name: `scoped ${scopes.join(' ')}`, app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: c.client_id!, audience: t.managementAudience, scope: scopes });
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: c.client_id!,
      client_secret: c.client_secret!,
      audience: t.managementAudience,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  const ccToken = (clientId: string, clientSecret: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      audience: 'https://orders.example',
    });

  describe('create', () => {
    it('applies Auth0 defaults for a machine-to-machine client and returns the generated secret', async () => {
      const res = await http(t.baseUrl, 'POST', '/api/v2/clients', {
        token,
        body: { name: 'Billing worker', app_type: 'non_interactive' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        name: 'Billing worker',
        app_type: 'non_interactive',
        global: false,
        is_first_party: true,
        oidc_conformant: true,
        callbacks: [],
        allowed_origins: [],
        web_origins: [],
        allowed_logout_urls: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it.each([
      ['spa', ['authorization_code', 'implicit', 'refresh_token'], 'none'],
      ['native', ['authorization_code', 'implicit', 'refresh_token'], 'none'],
      ['regular_web', ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'], 'client_secret_post'],
      [undefined, ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'], 'client_secret_post'],
    ] as const)('defaults grant_types and token_endpoint_auth_method for app_type %s', async (appType, grantTypes, method) => {
      const c = await mgmt.clients.create({ name: `app ${appType}`, ...(appType ? { app_type: appType } : {}) });
      expect(c.grant_types).toEqual(grantTypes);
      expect(c.token_endpoint_auth_method).toBe(method);
      expect(c.app_type).toBe(appType);
      expect(typeof c.client_secret).toBe('string');
    });

    it('keeps what the caller set', async () => {
      const c = await mgmt.clients.create({
        name: 'Web shop',
        description: 'The storefront',
        app_type: 'regular_web',
        is_first_party: false,
        oidc_conformant: false,
        callbacks: ['https://shop.example/callback', 'https://*.shop.example/cb?x=1', 'com.example.shop://callback'],
        allowed_logout_urls: ['https://shop.example/#bye'],
        web_origins: ['https://shop.example', 'http://localhost:3000/'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 600 },
      });
      const read = await mgmt.clients.get(c.client_id!);
      expect(read).toMatchObject({
        name: 'Web shop',
        description: 'The storefront',
        is_first_party: false,
        oidc_conformant: false,
        callbacks: ['https://shop.example/callback', 'https://*.shop.example/cb?x=1', 'com.example.shop://callback'],
        allowed_logout_urls: ['https://shop.example/#bye'],
        web_origins: ['https://shop.example', 'http://localhost:3000/'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 600 },
      });
    });

    it.each([
      [{ app_type: 'spa' }, /name/],
      [{ name: '' }, /name/],
      [{ name: '<script>' }, /name/],
      [{ name: 'x', global: true }, /global is read-only: it can only be sent with the value the server holds \(false\)/],
      [{ name: 'x', unknown: 1 }, /Additional properties not allowed: unknown/],
      [{ name: 'x', app_type: 'rocket' }, /app_type/],
      [{ name: 'x', description: 'd'.repeat(141) }, /description/],
      [{ name: 'x', callbacks: ['not a url'] }, /callbacks/],
      [{ name: 'x', callbacks: ['/relative/path'] }, /callbacks/],
      [{ name: 'x', callbacks: ['javascript:alert(1)'] }, /callbacks/],
      [{ name: 'x', callbacks: ['https://app.example/cb#frag'] }, /callbacks/],
      [{ name: 'x', callbacks: ['https://app.*.example/cb'] }, /callbacks/],
      [{ name: 'x', callbacks: ['https://user:pw@app.example/cb'] }, /callbacks/],
      [{ name: 'x', callbacks: 'https://app.example/cb' }, /callbacks/],
      [{ name: 'x', allowed_logout_urls: ['data:text/html,hi'] }, /allowed_logout_urls/],
      [{ name: 'x', web_origins: ['https://app.example/path'] }, /web_origins/],
      [{ name: 'x', grant_types: ['magic'] }, /grant_types/],
      [{ name: 'x', grant_types: ['implicit', 'implicit'] }, /grant_types/],
      [{ name: 'x', token_endpoint_auth_method: 'private_key_jwt' }, /token_endpoint_auth_method/],
      [{ name: 'x', jwt_configuration: { alg: 'none' } }, /alg/],
      [{ name: 'x', jwt_configuration: { lifetime_in_seconds: 0 } }, /lifetime_in_seconds/],
      [{ name: 'x', jwt_configuration: { scopes: {} } }, /scopes/],
      [{ name: 'x', is_first_party: 'yes' }, /is_first_party/],
      [{ name: 'x', description: null }, /description/],
    ])('refuses %j with a 400 and creates nothing', async (body, message) => {
      const before = (await http(t.baseUrl, 'GET', '/api/v2/clients?include_totals=true', { token })).body.total;
      const res = await http(t.baseUrl, 'POST', '/api/v2/clients', { token, body });
      expectManagementError(res, 400, 'invalid_body', message);
      const after = (await http(t.baseUrl, 'GET', '/api/v2/clients?include_totals=true', { token })).body.total;
      expect(after).toBe(before);
    });

    it('refuses a body that is not a JSON object', async () => {
      const res = await http(t.baseUrl, 'POST', '/api/v2/clients', {
        token,
        rawBody: '[{"name":"x"}]',
        headers: { 'content-type': 'application/json' },
      });
      expectManagementError(res, 400, 'invalid_body');
    });

    it('needs create:clients', async () => {
      const readOnly = await tokenWith(['read:clients']);
      const res = await http(t.baseUrl, 'POST', '/api/v2/clients', { token: readOnly, body: { name: 'nope' } });
      expectManagementError(res, 403, 'insufficient_scope');
    });
  });

  describe('read', () => {
    it('returns client_secret only to a caller holding read:client_keys', async () => {
      const c = await mgmt.clients.create({ name: 'Secret keeper', app_type: 'non_interactive' });
      const readClients = await tokenWith(['read:clients']);
      const plain = await http(t.baseUrl, 'GET', `/api/v2/clients/${c.client_id}`, { token: readClients });
      expect(plain.status).toBe(200);
      expect(plain.body.client_id).toBe(c.client_id);
      expect(plain.body).not.toHaveProperty('client_secret');
      const listed = await http(t.baseUrl, 'GET', '/api/v2/clients', { token: readClients });
      expect(listed.body.every((x: object) => !('client_secret' in x))).toBe(true);

      const readKeys = await tokenWith(['read:client_keys']);
      const full = await http(t.baseUrl, 'GET', `/api/v2/clients/${c.client_id}`, { token: readKeys });
      expect(full.body.client_secret).toBe(c.client_secret);
    });

    it('stores the secret sealed, never in clear', async () => {
      const c = await mgmt.clients.create({ name: 'Sealed', app_type: 'non_interactive' });
      const row = await t.app.get(DataSource).getRepository(ClientEntity).findOneByOrFail({ clientId: c.client_id! });
      expect(row.clientSecretSealed.startsWith('v1.')).toBe(true);
      expect(row.clientSecretSealed).not.toContain(c.client_secret);
    });

    it('lists with include_totals, paging, filters and fields', async () => {
      const all = await http(t.baseUrl, 'GET', '/api/v2/clients?include_totals=true&per_page=2&page=0', { token });
      expect(all.status).toBe(200);
      expect(Object.keys(all.body).sort()).toEqual(['clients', 'limit', 'start', 'total']);
      expect(all.body).toMatchObject({ start: 0, limit: 2 });
      expect(all.body.clients).toHaveLength(2);
      expect(all.body.total).toBeGreaterThan(3);

      const page1 = await http(t.baseUrl, 'GET', '/api/v2/clients?include_totals=true&per_page=2&page=1', { token });
      expect(page1.body.start).toBe(2);
      expect(page1.body.clients[0].client_id).not.toBe(all.body.clients[0].client_id);

      const spas = await http(t.baseUrl, 'GET', '/api/v2/clients?app_type=spa,native', { token });
      expect(spas.body.length).toBeGreaterThan(0);
      expect(spas.body.every((c: { app_type: string }) => c.app_type === 'spa' || c.app_type === 'native')).toBe(true);

      const thirdParty = await http(t.baseUrl, 'GET', '/api/v2/clients?is_first_party=false', { token });
      expect(thirdParty.body.every((c: { is_first_party: boolean }) => !c.is_first_party)).toBe(true);

      const fields = await http(t.baseUrl, 'GET', '/api/v2/clients?fields=client_id,name&include_fields=true', { token });
      expect(Object.keys(fields.body[0]).sort()).toEqual(['client_id', 'name']);

      const bad = await http(t.baseUrl, 'GET', '/api/v2/clients?is_first_party=maybe', { token });
      expectManagementError(bad, 400, 'invalid_query_string');
    });

    it('pages through every client with the SDK', async () => {
      const seen: string[] = [];
      let page = await mgmt.clients.list({ per_page: 3 });
      for (;;) {
        seen.push(...page.data.map((c) => c.client_id!));
        if (!page.hasNextPage()) {
          break;
        }
        page = await page.getNextPage();
      }
      const total = (await http(t.baseUrl, 'GET', '/api/v2/clients?include_totals=true', { token })).body.total;
      expect(new Set(seen).size).toBe(total);
      expect(seen).toContain(ADMIN_CLIENT_ID);
    });

    it('answers 404 for an unknown client', async () => {
      const res = await http(t.baseUrl, 'GET', '/api/v2/clients/nope', { token });
      expectManagementError(res, 404, 'inexistent_client', 'The client does not exist');
      await expect(mgmt.clients.get('nope')).rejects.toBeInstanceOf(ManagementError);
    });

    it('needs a Management API token', async () => {
      const res = await http(t.baseUrl, 'GET', '/api/v2/clients');
      expectManagementError(res, 401, 'missing_authentication');
    });
  });

  describe('update', () => {
    it('patches only the given fields and merges jwt_configuration', async () => {
      const c = await mgmt.clients.create({ name: 'Patchable', app_type: 'regular_web', callbacks: ['https://a.example/cb'] });
      const updated = await mgmt.clients.update(c.client_id!, {
        name: 'Patched',
        callbacks: ['https://b.example/cb'],
        jwt_configuration: { lifetime_in_seconds: 120 },
      });
      expect(updated).toMatchObject({
        name: 'Patched',
        callbacks: ['https://b.example/cb'],
        app_type: 'regular_web',
        jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 120 },
        grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
      });
      expect((await mgmt.clients.get(c.client_id!)).name).toBe('Patched');
    });

    it.each([
      [{ callbacks: ['ftp//broken'] }, /callbacks/],
      [{ web_origins: ['https://o.example/x?y'] }, /web_origins/],
      [{ name: null }, /name/],
      [{ client_id: 'other' }, /client_id/],
      [{ jwt_configuration: { alg: 'RS512' } }, /alg/],
      [{ client_secret: 'short' }, /client_secret/],
    ])('refuses %j with a 400 and changes nothing', async (body, message) => {
      const c = await mgmt.clients.create({ name: 'Stable', app_type: 'spa', callbacks: ['https://stable.example/cb'] });
      const before = await http(t.baseUrl, 'GET', `/api/v2/clients/${c.client_id}`, { token });
      const res = await http(t.baseUrl, 'PATCH', `/api/v2/clients/${c.client_id}`, { token, body });
      expectManagementError(res, 400, 'invalid_body', message);
      const after = await http(t.baseUrl, 'GET', `/api/v2/clients/${c.client_id}`, { token });
      expect(after.body).toEqual(before.body);
    });

    it('needs update:client_keys to set client_secret', async () => {
      const c = await mgmt.clients.create({ name: 'Keyed', app_type: 'non_interactive' });
      const updateOnly = await tokenWith(['update:clients']);
      const res = await http(t.baseUrl, 'PATCH', `/api/v2/clients/${c.client_id}`, {
        token: updateOnly,
        body: { client_secret: 'a-brand-new-secret-of-enough-length' },
      });
      expectManagementError(res, 403, 'insufficient_scope');
      const renamed = await http(t.baseUrl, 'PATCH', `/api/v2/clients/${c.client_id}`, { token: updateOnly, body: { name: 'Renamed' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body).not.toHaveProperty('client_secret');
      expect((await mgmt.clients.get(c.client_id!)).client_secret).toBe(c.client_secret);
    });

    it('a secret set by PATCH takes effect at once', async () => {
      const c = await mgmt.clients.create({ name: 'Rekeyed', app_type: 'non_interactive' });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: 'https://orders.example', scope: [] });
      expect((await ccToken(c.client_id!, c.client_secret!)).status).toBe(200);
      await mgmt.clients.update(c.client_id!, { client_secret: 'a-brand-new-secret-of-enough-length' });
      expectOAuthError(await ccToken(c.client_id!, c.client_secret!), 401, 'invalid_client');
      expect((await ccToken(c.client_id!, 'a-brand-new-secret-of-enough-length')).status).toBe(200);
    });

    it('answers 404 for an unknown client', async () => {
      const res = await http(t.baseUrl, 'PATCH', '/api/v2/clients/nope', { token, body: { name: 'x' } });
      expectManagementError(res, 404, 'inexistent_client');
    });
  });

  describe('rotate-secret', () => {
    it('returns a new secret; the old one fails at once and the new one works', async () => {
      const c = await mgmt.clients.create({ name: 'Rotating', app_type: 'non_interactive' });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: 'https://orders.example', scope: ['read:orders'] });
      expect((await ccToken(c.client_id!, c.client_secret!)).status).toBe(200);

      const rotated = await mgmt.clients.rotateSecret(c.client_id!);
      expect(rotated.client_id).toBe(c.client_id);
      expect(rotated.client_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(rotated.client_secret).not.toBe(c.client_secret);

      expectOAuthError(await ccToken(c.client_id!, c.client_secret!), 401, 'invalid_client');
      expect((await ccToken(c.client_id!, rotated.client_secret!)).status).toBe(200);
      expect((await mgmt.clients.get(c.client_id!)).client_secret).toBe(rotated.client_secret);
    });

    it('needs update:client_keys and an existing client', async () => {
      const c = await mgmt.clients.create({ name: 'Not rotated', app_type: 'non_interactive' });
      const updateOnly = await tokenWith(['update:clients']);
      expectManagementError(
        await http(t.baseUrl, 'POST', `/api/v2/clients/${c.client_id}/rotate-secret`, { token: updateOnly }),
        403,
        'insufficient_scope',
      );
      expect((await mgmt.clients.get(c.client_id!)).client_secret).toBe(c.client_secret);
      expectManagementError(await http(t.baseUrl, 'POST', '/api/v2/clients/nope/rotate-secret', { token }), 404, 'inexistent_client');
    });
  });

  describe('delete', () => {
    it('answers 204, deletes the client and its grants, and its credentials stop working', async () => {
      const c = await mgmt.clients.create({ name: 'Doomed', app_type: 'non_interactive' });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: 'https://orders.example', scope: ['read:orders'] });
      expect((await ccToken(c.client_id!, c.client_secret!)).status).toBe(200);

      const res = await http(t.baseUrl, 'DELETE', `/api/v2/clients/${c.client_id}`, { token });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expectManagementError(await http(t.baseUrl, 'GET', `/api/v2/clients/${c.client_id}`, { token }), 404, 'inexistent_client');
      const grants = await http(t.baseUrl, 'GET', `/api/v2/client-grants?client_id=${c.client_id}`, { token });
      expect(grants.body).toEqual([]);
      expectOAuthError(await ccToken(c.client_id!, c.client_secret!), 401, 'invalid_client');
      expectManagementError(await http(t.baseUrl, 'DELETE', `/api/v2/clients/${c.client_id}`, { token }), 404, 'inexistent_client');
    });

    it('refuses to delete or disable the bootstrap admin client, changing nothing', async () => {
      const before = await http(t.baseUrl, 'GET', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token });
      expectManagementError(
        await http(t.baseUrl, 'DELETE', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token }),
        400,
        'operation_not_supported',
      );
      expectManagementError(
        await http(t.baseUrl, 'PATCH', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token, body: { grant_types: ['authorization_code'] } }),
        400,
        'operation_not_supported',
      );
      expectManagementError(
        await http(t.baseUrl, 'PATCH', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token, body: { token_endpoint_auth_method: 'none' } }),
        400,
        'operation_not_supported',
      );
      expect((await http(t.baseUrl, 'GET', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token })).body).toEqual(before.body);
      // Renaming it is fine.
      const renamed = await http(t.baseUrl, 'PATCH', `/api/v2/clients/${ADMIN_CLIENT_ID}`, { token, body: { name: 'Operator' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Operator');
    });
  });
});
