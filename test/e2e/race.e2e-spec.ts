import { managementClient } from '../helpers/management-client.js';
import { freePort, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';
import { authorizeInBrowser, CALLBACK, createUser, createWebClient, loginWithCode, type TestClient } from '../helpers/user-flows.js';

/**
 * Two instances on one database, no shared memory (each has its own connection pool and caches): the same
 * authorization code, and the same refresh token, redeemed on both at once. Exactly one wins, every time.
 * Runs on PostgreSQL under TEST_DATABASE_URL (CI), on one SQLite file otherwise.
 */
describe(`single-use credentials raced across two instances (${usingPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let a: TestApp;
  let b: TestApp;
  let client: TestClient;
  const email = 'racer@example.com';
  const ROUNDS = 8;

  beforeAll(async () => {
    a = await startTestApp({ RATE_LIMITS: 'off', PASSWORD_HASH_COST: '4' });
    b = await startTestApp(
      { RATE_LIMITS: 'off', PASSWORD_HASH_COST: '4', PUBLIC_URL: a.config.publicUrl },
      { dir: a.dir, port: await freePort(), databaseUrl: a.databaseUrl },
    );
    const mgmt = managementClient(a.baseUrl, await a.adminToken());
    client = await createWebClient(mgmt);
    await createUser(mgmt, email);
  }, 60000);
  afterAll(async () => {
    await b.close();
    await a.cleanup();
  });

  it('redeems one authorization code exactly once', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const run = await authorizeInBrowser(a, client, { scope: 'openid', email });
      expect(run.callback).toBeDefined();
      const form = {
        grant_type: 'authorization_code',
        code: run.callback!.searchParams.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: run.verifier,
        client_id: client.id,
        client_secret: client.secret!,
      };
      const [ra, rb] = await Promise.all([postForm(a.baseUrl, '/oauth/token', form), postForm(b.baseUrl, '/oauth/token', form)]);
      expect([ra.status, rb.status].sort()).toEqual([200, 403]);
      expect([ra, rb].find((r) => r.status === 403)!.body.error).toBe('invalid_grant');
    }
  }, 60000);

  it('rotates one refresh token exactly once', async () => {
    const { tokens } = await loginWithCode(a, client, { scope: 'openid offline_access', email });
    let refresh = tokens.refresh_token!;
    expect(refresh).toBeDefined();
    for (let i = 0; i < ROUNDS; i++) {
      const form = { grant_type: 'refresh_token', refresh_token: refresh, client_id: client.id, client_secret: client.secret! };
      const [ra, rb] = await Promise.all([postForm(a.baseUrl, '/oauth/token', form), postForm(b.baseUrl, '/oauth/token', form)]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses).toEqual([200, 403]);
      // The loser is a reuse of a rotated token, so the whole family is revoked: start a new one.
      const fresh = await loginWithCode(a, client, { scope: 'openid offline_access', email });
      refresh = fresh.tokens.refresh_token!;
    }
  }, 120000);
});
