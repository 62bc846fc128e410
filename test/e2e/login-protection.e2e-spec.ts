import { Browser } from '../helpers/browser.js';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { authorizeInBrowser, createUser, createWebClient, PASSWORD, type TestClient, type TestUser } from '../helpers/user-flows.js';

const BLOCKED = 'Your account has been blocked after multiple consecutive login attempts.';

describe('brute-force protection and /api/v2/user-blocks', () => {
  let t: TestApp;
  let admin: string;
  let web: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ PASSWORD_HASH_COST: '4', LOGIN_LOCKOUT_ATTEMPTS: '3' });
    admin = await t.adminToken();
    const mgmt = managementClient(t.baseUrl, admin);
    web = await createWebClient(mgmt);
    user = await createUser(mgmt, 'guessed@example.com');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const passwordGrant = (password: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'password',
      username: user.email,
      password,
      client_id: web.id,
      client_secret: web.secret!,
      scope: 'openid',
    });

  it('blocks a user from an IP after consecutive wrong passwords, even with the right one, until an admin unblocks', async () => {
    for (let i = 0; i < 3; i++) {
      expectOAuthError(await passwordGrant(`wrong-${i}`), 403, 'invalid_grant', 'Wrong email or password.');
    }
    expectOAuthError(await passwordGrant(PASSWORD), 429, 'too_many_attempts', BLOCKED);

    const byEmail = await http(t.baseUrl, 'GET', `/api/v2/user-blocks?identifier=${encodeURIComponent(user.email)}`, { token: admin });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual({
      blocked_for: [{ identifier: user.email, ip: expect.stringMatching(/127\.0\.0\.1$/), connection: 'Username-Password-Authentication' }],
    });
    const byId = await http(t.baseUrl, 'GET', `/api/v2/user-blocks/${encodeURIComponent(user.userId)}`, { token: admin });
    expect(byId.body).toEqual(byEmail.body);
    const logs = await http(t.baseUrl, 'GET', '/api/v2/logs?q=type:limit_wc', { token: admin });
    expect(logs.body.map((l: { user_name: string }) => l.user_name)).toEqual([user.email]);

    expect((await http(t.baseUrl, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(user.userId)}`, { token: admin })).status).toBe(204);
    expect((await http(t.baseUrl, 'GET', `/api/v2/user-blocks/${encodeURIComponent(user.userId)}`, { token: admin })).body).toEqual({
      blocked_for: [],
    });
    expect((await passwordGrant(PASSWORD)).status).toBe(200);
  });

  it('a successful login resets the count', async () => {
    await passwordGrant('wrong-a');
    await passwordGrant('wrong-b');
    expect((await passwordGrant(PASSWORD)).status).toBe(200);
    await passwordGrant('wrong-c');
    await passwordGrant('wrong-d');
    expect((await passwordGrant(PASSWORD)).status).toBe(200);
  });

  it('blocks the login form the same way, with a clear message', async () => {
    const browser = new Browser();
    for (let i = 0; i < 3; i++) {
      const run = await authorizeInBrowser(t, web, { scope: 'openid', email: user.email, password: `nope-${i}`, browser });
      expect(run.last.status).toBe(400);
    }
    const blocked = await authorizeInBrowser(t, web, { scope: 'openid', email: user.email, browser });
    expect(blocked.last.status).toBe(429);
    expect(blocked.last.text).toContain(BLOCKED);
    expect(blocked.callback).toBeUndefined();
    expect(
      (await http(t.baseUrl, 'DELETE', `/api/v2/user-blocks?identifier=${encodeURIComponent(user.email)}`, { token: admin })).status,
    ).toBe(204);
    const again = await authorizeInBrowser(t, web, { scope: 'openid', email: user.email, browser: new Browser() });
    expect(again.callback?.searchParams.get('code')).toBeTruthy();
  });

  it('refuses bad requests in Auth0 shape', async () => {
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/user-blocks', { token: admin }), 400, 'invalid_query_string');
    expectManagementError(
      await http(t.baseUrl, 'GET', '/api/v2/user-blocks?identifier=a&x=1', { token: admin }),
      400,
      'invalid_query_string',
    );
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/user-blocks/auth0%7Cnobody', { token: admin }), 404, 'inexistent_user');
    expectManagementError(await http(t.baseUrl, 'DELETE', '/api/v2/user-blocks/auth0%7Cnobody'), 401, 'missing_authentication');
  });
});
