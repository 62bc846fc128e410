import { managementClient } from '../helpers/management-client.js';
import { watchQueries } from '../helpers/query-watch.js';
import { postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';
import { authorizeInBrowser, CALLBACK, createUser, createWebClient, type TestClient } from '../helpers/user-flows.js';

/**
 * The statements a warm code exchange and a warm refresh rotation send (issue 19): the budget each change
 * bought, so a later one cannot quietly add round trips back. Background pollers' statements are left out
 * (watchQueries), and the cross-process cache check is off.
 */
const BUDGET = usingPostgres()
  ? { code: 2, refresh: 2 } // the read, one WITH ... UPDATE ... INSERT statement (the user is in memory)
  : { code: 6, refresh: 5 }; // code: SELECT, BEGIN, UPDATE, INSERT family, INSERT refresh token, COMMIT

describe(`database round trips of the code and refresh exchanges (${usingPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let web: TestClient;
  const email = 'trips@example.com';

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off', CACHE_POLL_MS: '0' });
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    web = await createWebClient(mgmt);
    await createUser(mgmt, email);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const exchange = (code: string, verifier: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
      client_id: web.id,
      client_secret: web.secret!,
    });
  const refresh = (token: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: web.id,
      client_secret: web.secret!,
    });
  it('stays within its budget of statements for each exchange, warm', async () => {
    // Warm every cache (client, API, grant, keys) with a first code and a first rotation.
    const first = await authorizeInBrowser(t, web, { scope: 'openid offline_access', email });
    const warm = await exchange(first.callback!.searchParams.get('code')!, first.verifier);
    expect(warm.status).toBe(200);
    const rotated = await refresh(warm.body.refresh_token);
    expect(rotated.status).toBe(200);

    const second = await authorizeInBrowser(t, web, { scope: 'openid offline_access', email, browser: first.browser });
    let res!: Awaited<ReturnType<typeof exchange>>;
    const codeSql = await watchQueries(t.app, async () => {
      res = await exchange(second.callback!.searchParams.get('code')!, second.verifier);
    });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(codeSql.length).toBeLessThanOrEqual(BUDGET.code);
    // The user behind the code is kept in memory (UsersService.forTokens), warm since the first exchange.
    expect(codeSql.filter((q) => /\bFROM "?users"?\b/.test(q))).toEqual([]);

    const refreshSql = await watchQueries(t.app, async () => {
      res = await refresh(rotated.body.refresh_token);
    });
    expect(res.status).toBe(200);
    expect(refreshSql.length).toBeLessThanOrEqual(BUDGET.refresh);
    // The token and its family are read once, together.
    expect(refreshSql.filter((q) => /^SELECT/.test(q) && q.includes('refresh_tokens'))).toHaveLength(1);
    expect(refreshSql.filter((q) => /\bFROM "?users"?\b/.test(q))).toEqual([]);
  });
});
