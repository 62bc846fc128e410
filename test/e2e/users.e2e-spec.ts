import { ManagementError, type ManagementClient } from 'auth0';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createWebClient, PASSWORD, type TestClient } from '../helpers/user-flows.js';

const DB = 'Username-Password-Authentication';

describe('/api/v2/users', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;
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

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2${path}`, { token, body });
  const login = (email: string, password: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: web.id,
      client_secret: web.secret!,
      username: email,
      password,
      scope: 'openid',
    });

  describe('create', () => {
    it('creates a database user with Auth0 defaults, and never returns the password', async () => {
      const res = await api('POST', '/users', { connection: DB, email: 'Ann.Lee@Example.com', password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.text).not.toMatch(/"password|scrypt\$/i);
      expect(res.text).not.toContain(PASSWORD);
      expect(res.body).toEqual({
        user_id: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/),
        email: 'ann.lee@example.com',
        email_verified: false,
        name: 'ann.lee@example.com',
        nickname: 'ann.lee',
        picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?/),
        identities: [{ connection: DB, user_id: res.body.user_id.slice('auth0|'.length), provider: 'auth0', isSocial: false }],
        user_metadata: {},
        app_metadata: {},
        blocked: false,
        created_at: expect.any(String),
        updated_at: res.body.created_at,
      });
      // The password works, whatever the case of the email typed.
      expect((await login('ANN.LEE@example.com', PASSWORD)).status).toBe(200);
    });

    it('takes profile fields, metadata, blocked and a chosen id through the SDK', async () => {
      const u = await mgmt.users.create({
        connection: DB,
        email: 'bo@example.com',
        password: PASSWORD,
        name: 'Bo Diddley',
        given_name: 'Bo',
        family_name: 'Diddley',
        nickname: 'bo',
        picture: 'https://example.com/bo.png',
        email_verified: true,
        verify_email: false,
        user_metadata: { theme: 'dark' },
        app_metadata: { plan: 'gold', roles: ['a'] },
        blocked: true,
        user_id: 'bo-123',
      });
      expect(u).toMatchObject({
        user_id: 'auth0|bo-123',
        name: 'Bo Diddley',
        given_name: 'Bo',
        family_name: 'Diddley',
        email_verified: true,
        user_metadata: { theme: 'dark' },
        app_metadata: { plan: 'gold', roles: ['a'] },
        blocked: true,
      });
    });

    it('enforces the password policy with a clear 400 and stores nothing', async () => {
      const before = await snapshotDatabase(t.app);
      const res = await api('POST', '/users', { connection: DB, email: 'weak@example.com', password: 'password' });
      expectManagementError(
        res,
        400,
        'invalid_password',
        /^PasswordStrengthError: Password is too weak: it must have at least 8 characters/,
      );
      expect(res.body.message).toContain('lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters');
      expect(await snapshotDatabase(t.app)).toBe(before);
    });

    it('refuses bad bodies in Auth0 shape, changing nothing', async () => {
      await mgmt.users.create({ connection: DB, email: 'taken@example.com', password: PASSWORD });
      const before = await snapshotDatabase(t.app);
      const cases: [unknown, number, string, string | RegExp][] = [
        [{ email: 'x@example.com', password: PASSWORD }, 400, 'invalid_body', /connection/],
        [
          { connection: 'Other-DB', email: 'x@example.com', password: PASSWORD },
          400,
          'inexistent_connection',
          'The connection does not exist.',
        ],
        [{ connection: DB, password: PASSWORD }, 400, 'invalid_body', "Payload validation error: 'Missing required property: email'."],
        [
          { connection: DB, email: 'x@example.com' },
          400,
          'invalid_body',
          "Payload validation error: 'Missing required property: password'.",
        ],
        [{ connection: DB, email: 'not-an-email', password: PASSWORD }, 400, 'invalid_body', /email/],
        [
          { connection: DB, email: 'x@example.com', password: PASSWORD, favourite: 'x' },
          400,
          'invalid_body',
          /Additional properties not allowed: favourite/,
        ],
        [{ connection: DB, email: 'x@example.com', password: PASSWORD, username: 'x' }, 400, 'invalid_body', /username/],
        [{ connection: DB, email: 'x@example.com', password: PASSWORD, user_metadata: { 'a.b': 1 } }, 400, 'invalid_body', /user_metadata/],
        [{ connection: DB, email: 'x@example.com', password: PASSWORD, blocked: 'yes' }, 400, 'invalid_body', /blocked/],
        [{ connection: DB, email: 'TAKEN@example.com', password: PASSWORD }, 409, 'auth0_idp_error', 'The user already exists.'],
      ];
      for (const [body, status, code, message] of cases) {
        expectManagementError(await api('POST', '/users', body), status, code, message);
      }
      expect(await snapshotDatabase(t.app)).toBe(before);
    });

    it('requires create:users', async () => {
      const reader = await scopedToken(['read:users']);
      const res = await http(t.baseUrl, 'POST', '/api/v2/users', {
        token: reader,
        body: { connection: DB, email: 'r@example.com', password: PASSWORD },
      });
      expectManagementError(res, 403, 'insufficient_scope');
    });
  });

  describe('read and search', () => {
    beforeAll(async () => {
      await mgmt.users.create({
        connection: DB,
        email: 'search-one@example.org',
        password: PASSWORD,
        name: 'Search One',
        email_verified: true,
      });
      await mgmt.users.create({
        connection: DB,
        email: 'search-two@example.org',
        password: PASSWORD,
        name: 'Search Two',
        app_metadata: { plan: 'pro' },
      });
    });

    it('finds users with q=email:"..." and search_engine=v3 through the SDK', async () => {
      const page = await mgmt.users.list({ q: 'email:"Search-One@example.org"', search_engine: 'v3' });
      expect(page.data.map((u) => u.email)).toEqual(['search-one@example.org']);
      const pro = await mgmt.users.list({ q: 'app_metadata.plan:"pro"', search_engine: 'v3' });
      expect(pro.data.map((u) => u.email)).toEqual(['search-two@example.org']);
      const both = await mgmt.users.list({ q: 'email:search-* AND email_verified:false', search_engine: 'v3' });
      expect(both.data.map((u) => u.email)).toEqual(['search-two@example.org']);
    });

    it('pages with include_totals, sorts, and projects fields', async () => {
      const res = await api('GET', '/users?include_totals=true&per_page=1&page=1&sort=email:-1&q=email:search-*&search_engine=v3');
      expect(res.body).toEqual({
        start: 1,
        limit: 1,
        length: 1,
        total: 2,
        users: [expect.objectContaining({ email: 'search-one@example.org' })],
      });
      const plain = await api('GET', '/users?fields=email,user_id&q=email:"search-two@example.org"');
      expect(plain.body).toEqual([{ email: 'search-two@example.org', user_id: expect.any(String) }]);
    });

    it('refuses bad queries with 400 invalid_query_string', async () => {
      for (const q of ['q=email:"unclosed', 'search_engine=v2', 'sort=password:1', 'per_page=500', 'bogus=1']) {
        expectManagementError(await api('GET', `/users?${q}`), 400, 'invalid_query_string');
      }
    });

    it('says what is wrong with a q that does not parse', async () => {
      expectManagementError(
        await api('GET', `/users?q=${encodeURIComponent('email:"unclosed')}`),
        400,
        'invalid_query_string',
        'Query validation error: invalid q: a quoted value is not closed.',
      );
    });

    it('GET /api/v2/users-by-email, case-insensitively', async () => {
      const found = await mgmt.users.listUsersByEmail({ email: 'SEARCH-TWO@example.org' });
      expect(found.map((u) => u.name)).toEqual(['Search Two']);
      expect(await mgmt.users.listUsersByEmail({ email: 'nobody@example.org' })).toEqual([]);
      expectManagementError(await api('GET', '/users-by-email'), 400, 'invalid_query_string', /email/);
    });

    it('GET /api/v2/users/{id}, 404 for an unknown one', async () => {
      const [u] = await mgmt.users.listUsersByEmail({ email: 'search-one@example.org' });
      const got = await mgmt.users.get(u.user_id!);
      expect(got.name).toBe('Search One');
      const res = await api('GET', `/users/${encodeURIComponent('auth0|nope')}`);
      expectManagementError(res, 404, 'inexistent_user', 'The user does not exist.');
      await expect(mgmt.users.get('auth0|nope')).rejects.toBeInstanceOf(ManagementError);
    });
  });

  describe('update', () => {
    let id: string;
    beforeEach(async () => {
      const u = await mgmt.users.create({
        connection: DB,
        email: `patch-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
        password: PASSWORD,
        user_metadata: { a: 1, b: 2 },
        app_metadata: { plan: 'free' },
        email_verified: true,
      });
      id = u.user_id!;
    });

    it('merges metadata at the top level; null removes a key and {} clears', async () => {
      const u = await mgmt.users.update(id, { user_metadata: { b: null, c: 3 } as never, app_metadata: { tier: 1 } });
      expect(u.user_metadata).toEqual({ a: 1, c: 3 });
      expect(u.app_metadata).toEqual({ plan: 'free', tier: 1 });
      const cleared = await mgmt.users.update(id, { user_metadata: {} });
      expect(cleared.user_metadata).toEqual({});
    });

    it('changes profile fields; a new email is unverified unless said otherwise', async () => {
      const u = await mgmt.users.update(id, { name: 'New Name', given_name: 'New', email: 'Renamed@Example.com' });
      expect(u).toMatchObject({ name: 'New Name', given_name: 'New', email: 'renamed@example.com', email_verified: false });
      const cleared = await mgmt.users.update(id, { given_name: null });
      expect(cleared.given_name).toBeUndefined();
      await mgmt.users.update(id, { email: 'renamed-back@example.com' });
    });

    it('changes the password under the policy', async () => {
      const u = await mgmt.users.get(id);
      expect((await login(u.email!, PASSWORD)).status).toBe(200);
      const before = await snapshotDatabase(t.app);
      expectManagementError(
        await api('PATCH', `/users/${encodeURIComponent(id)}`, { password: 'short' }),
        400,
        'invalid_password',
        /too weak/,
      );
      expect(await snapshotDatabase(t.app)).toBe(before);

      const patched = await mgmt.users.update(id, { password: 'Another-Good-Pass-7' });
      expect(typeof patched.last_password_reset).toBe('string');
      expect((await login(u.email!, PASSWORD)).status).toBe(403);
      expect((await login(u.email!, 'Another-Good-Pass-7')).status).toBe(200);
    });

    it('blocks and unblocks', async () => {
      const u = await mgmt.users.update(id, { blocked: true });
      expect(u.blocked).toBe(true);
      expect((await login(u.email!, PASSWORD)).body).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
      await mgmt.users.update(id, { blocked: false });
      expect((await login(u.email!, PASSWORD)).status).toBe(200);
    });

    it('refuses bad patches, changing nothing', async () => {
      const other = await mgmt.users.create({ connection: DB, email: `other-${Date.now()}@example.com`, password: PASSWORD });
      const before = await snapshotDatabase(t.app);
      const path = `/users/${encodeURIComponent(id)}`;
      const cases: [unknown, number, string, string | RegExp][] = [
        [{}, 400, 'invalid_body', /Too few properties/],
        [{ email: other.email }, 409, 'auth0_idp_error', 'The user already exists.'],
        [{ email: 'a@example.com', password: 'Another-Good-Pass-7' }, 400, 'operation_not_supported', /simultaneously/],
        [{ connection: 'Other-DB', name: 'x' }, 400, 'inexistent_connection', 'The connection does not exist.'],
        [{ user_id: 'auth0|other' }, 400, 'invalid_body', /Additional properties not allowed: user_id/],
        [{ name: 5 }, 400, 'invalid_body', /name/],
      ];
      for (const [body, status, code, message] of cases) {
        expectManagementError(await api('PATCH', path, body), status, code, message);
      }
      expectManagementError(await api('PATCH', `/users/${encodeURIComponent('auth0|nope')}`, { name: 'x' }), 404, 'inexistent_user');
      expect(await snapshotDatabase(t.app)).toBe(before);
    });
  });

  describe('delete', () => {
    it('deletes the user (204), after which it is gone and cannot log in', async () => {
      const u = await mgmt.users.create({ connection: DB, email: 'gone@example.com', password: PASSWORD });
      const res = await api('DELETE', `/users/${encodeURIComponent(u.user_id!)}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectManagementError(await api('GET', `/users/${encodeURIComponent(u.user_id!)}`), 404, 'inexistent_user');
      expect((await login('gone@example.com', PASSWORD)).status).toBe(403);
      // As Auth0: deleting again is still a 204.
      expect((await api('DELETE', `/users/${encodeURIComponent(u.user_id!)}`)).status).toBe(204);
    });

    it('requires delete:users', async () => {
      const reader = await scopedToken(['read:users']);
      const res = await http(t.baseUrl, 'DELETE', `/api/v2/users/${encodeURIComponent('auth0|x')}`, { token: reader });
      expectManagementError(res, 403, 'insufficient_scope');
    });
  });

  /** A Management API token holding only `scopes`, through a client grant and /oauth/token. */
  async function scopedToken(scopes: string[]): Promise<string> {
    const c = await mgmt.clients.create({ name: `scoped ${scopes.join(' ')}`, app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: c.client_id!, audience: t.managementAudience, scope: scopes });
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: c.client_id!,
      client_secret: c.client_secret!,
      audience: t.managementAudience,
    });
    return res.body.access_token as string;
  }
});
