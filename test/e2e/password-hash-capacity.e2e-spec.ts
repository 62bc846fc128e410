import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { parseForm } from '../helpers/browser.js';
import {
  authorizeInBrowser,
  createUser,
  createWebClient,
  PASSWORD,
  realmLogin,
  type TestClient,
  type TestUser,
} from '../helpers/user-flows.js';

const FLOOD = 24;

/**
 * Password hashing is bounded (PASSWORD_HASH_CONCURRENCY running, PASSWORD_HASH_QUEUE waiting): a flood of
 * logins past that is answered 429 at once, never 500, and token requests that need no hash keep working.
 */
describe('password hashing capacity', () => {
  let t: TestApp;
  let web: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    // A real cost (16 MB, tens of ms a hash) so the flood's hashes overlap; one running, one waiting.
    t = await startTestApp({ PASSWORD_HASH_COST: '14', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1', RATE_LIMITS: 'off' });
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    web = await createWebClient(mgmt);
    user = await createUser(mgmt, 'flood@example.com');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const clientCredentials = () =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: t.managementAudience,
    });

  it('answers a flood of password-realm logins with 200 or 429 too_many_requests, while client_credentials answers 200', async () => {
    const logins = Array.from({ length: FLOOD }, () => realmLogin(t, web, user, { scope: 'openid' }));
    const tokens = Array.from({ length: 4 }, () => clientCredentials());
    const [loginAnswers, tokenAnswers] = await Promise.all([Promise.all(logins), Promise.all(tokens)]);

    expect(tokenAnswers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const statuses = loginAnswers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    const refused = loginAnswers.find((r) => r.status === 429)!;
    expectOAuthError(refused, 429, 'too_many_requests', 'Too many requests. Check the Retry-After header.');
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('answers a flood of login form submissions with the form again, 429, and no 500', async () => {
    // Every browser first opens its login page; then all submit at once.
    const pages = await Promise.all(Array.from({ length: 12 }, () => authorizeInBrowser(t, web, { scope: 'openid' })));
    const answers = await Promise.all(
      pages.map((run) => run.browser.submit(parseForm(run.last.text, run.last.url), { username: user.email, password: PASSWORD })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 302 && s !== 303 && s !== 429)).toEqual([]);
    expect(statuses).toContain(429);
    const busy = answers.find((r) => r.status === 429)!;
    expect(busy.text).toContain('Too many login attempts right now. Please try again in a moment.');
    expect(busy.text).toMatch(/name="password"/);
  });

  it('logs in normally once the flood has passed', async () => {
    const res = await realmLogin(t, web, user, { scope: 'openid' });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });
});

/**
 * PASSWORD_HASH_MAX_WAIT_MS: a login is refused at once when the wait it can expect for a hashing thread
 * (from how long hashes take now) is past the bound, even with room in the queue. A bound of 0 refuses
 * any login that would wait at all once one hash has been timed.
 */
describe('password hashing capacity: expected wait', () => {
  let t: TestApp;
  let web: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      PASSWORD_HASH_COST: '14',
      PASSWORD_HASH_CONCURRENCY: '1',
      PASSWORD_HASH_QUEUE: '1000',
      PASSWORD_HASH_MAX_WAIT_MS: '0',
      RATE_LIMITS: 'off',
    });
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    web = await createWebClient(mgmt);
    user = await createUser(mgmt, 'wait@example.com'); // hashes the password: the gate has a service time
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers 429 too_many_requests to logins that would wait, though the queue has room for all of them', async () => {
    const answers = await Promise.all(Array.from({ length: FLOOD }, () => realmLogin(t, web, user, { scope: 'openid' })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expectOAuthError(
      answers.find((r) => r.status === 429)!,
      429,
      'too_many_requests',
      'Too many requests. Check the Retry-After header.',
    );
    // Logins one after another never wait, so none is refused.
    for (let i = 0; i < 3; i++) {
      expect((await realmLogin(t, web, user, { scope: 'openid' })).status).toBe(200);
    }
  });
});
