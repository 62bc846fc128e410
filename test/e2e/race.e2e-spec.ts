import { join } from 'node:path';
import { managementClient } from '../helpers/management-client.js';
import { buildOnce, startServerProcess, type ServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';
import { authorizeInBrowser, CALLBACK, createUser, createWebClient, loginWithCode, type TestClient } from '../helpers/user-flows.js';

/**
 * Two Tessera processes on one database, sharing no memory (this test's process and a child started like
 * `npm start`): the same authorization code, and the same refresh token, redeemed on both at once.
 * Exactly one wins, every time. Runs on PostgreSQL under TEST_DATABASE_URL (CI), on one SQLite file otherwise.
 */
describe(`single-use credentials raced across two instances (${usingPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let a: TestApp;
  let b: ServerProcess;
  let client: TestClient;
  const email = 'racer@example.com';
  const ROUNDS = 8;

  beforeAll(async () => {
    buildOnce();
    a = await startTestApp({ RATE_LIMITS: 'off', PASSWORD_HASH_COST: '4' });
    b = await startServerProcess({
      PORT: String(await freePort()),
      PUBLIC_URL: a.config.publicUrl,
      DATABASE_URL: a.databaseUrl,
      ENCRYPTION_KEY_FILE: join(a.dir, 'tessera.key'),
      ADMIN_CLIENT_ID,
      ADMIN_CLIENT_SECRET,
      RATE_LIMITS: 'off',
      PASSWORD_HASH_COST: '4',
    });
    const mgmt = managementClient(a.baseUrl, await a.adminToken());
    client = await createWebClient(mgmt);
    await createUser(mgmt, email);
  }, 120000);
  afterAll(async () => {
    if (b) {
      await stopServerProcess(b);
    }
    await a?.cleanup();
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
