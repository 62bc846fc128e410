import type { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { CacheCoherenceService } from '../../src/cache-coherence/cache-coherence.service.js';
import { managementClient } from '../helpers/management-client.js';
import { watchQueries } from '../helpers/query-watch.js';
import { eventually, startInstances } from '../helpers/instances.js';
import { http, postForm, type TestApp } from '../helpers/test-app.js';
import { createUser, createWebClient, realmLogin, type TestClient, type TestUser } from '../helpers/user-flows.js';

const API = 'https://userinfo-cache.api.example';

/**
 * /userinfo answers a warm user and token family from memory, and a change made through one instance is
 * seen by another on the same database: at once by the instance that made it, and by the others at their
 * next cache check (C never checks on its own, so the test says when; B checks every 200 ms).
 */
describe('/userinfo from memory, with exact invalidation across instances', () => {
  let a: TestApp;
  let b: TestApp;
  /** Never checks for other processes' writes on its own: the test says when it looks. */
  let c: TestApp;
  let stop: () => Promise<void>;
  let mgmtA: ManagementClient;
  let web: TestClient;

  beforeAll(async () => {
    ({ a, b, c, stop } = await startInstances());
    mgmtA = managementClient(a.baseUrl, await a.adminToken());
    await mgmtA.resourceServers.create({ identifier: API, name: 'Userinfo cache', signing_alg: 'RS256', allow_offline_access: true });
    web = await createWebClient(mgmtA);
  });
  afterAll(async () => {
    await stop();
  });

  const userinfo = (t: TestApp, token: string) => http(t.baseUrl, 'GET', '/userinfo', { token });
  const check = (t: TestApp) => t.app.get(CacheCoherenceService).check();
  /** Logs in through A; `opaque`: the userinfo-only dir/A256GCM token, else an RS256 JWT for [API, userinfo]. */
  async function login(user: TestUser, opaque: boolean): Promise<{ access: string; refresh?: string }> {
    const res = await realmLogin(a, web, user, { scope: 'openid profile email offline_access', ...(opaque ? {} : { audience: API }) });
    expect(res.status).toBe(200);
    return { access: res.body.access_token as string, refresh: res.body.refresh_token as string | undefined };
  }

  it('reads nothing from the database for a warm user and token, opaque or JWT', async () => {
    const user = await createUser(mgmtA, 'warm@example.com', { name: 'Warm' });
    for (const opaque of [true, false]) {
      const { access } = await login(user, opaque);
      expect(access.split('.')).toHaveLength(opaque ? 5 : 3);
      const call = () => http(c.baseUrl, 'GET', '/userinfo', { token: access, headers: { origin: 'https://elsewhere.example' } });
      expect((await call()).body).toMatchObject({ sub: user.userId, name: 'Warm' });
      const sql = await watchQueries(c.app, async () => {
        for (let i = 0; i < 3; i++) {
          const res = await call();
          expect(res.body).toMatchObject({ sub: user.userId, name: 'Warm', email: 'warm@example.com' });
        }
      });
      expect(sql).toEqual([]);
    }
  });

  it('answers a profile change at once on the instance that made it', async () => {
    const user = await createUser(mgmtA, 'same@example.com', { name: 'Before' });
    const mgmtC = managementClient(c.baseUrl, await c.adminToken());
    const tokens: string[] = [];
    for (const opaque of [true, false]) {
      const { access } = await login(user, opaque);
      tokens.push(access);
      expect((await userinfo(c, access)).body.name).toBe(opaque ? 'Before' : 'After 1');
      await mgmtC.users.update(user.userId, { name: opaque ? 'After 1' : 'After 2' });
      // C never runs its cache check: only its own write can have dropped the profile.
      expect((await userinfo(c, access)).body.name).toBe(opaque ? 'After 1' : 'After 2');
    }
    await mgmtC.users.update(user.userId, { blocked: true });
    for (const token of tokens) {
      expect((await userinfo(c, token)).body).toEqual({ error: 'invalid_token', error_description: 'user is blocked' });
    }
    await mgmtC.users.delete(user.userId);
    expect((await userinfo(c, tokens[1])).body).toEqual({
      error: 'invalid_token',
      error_description: 'The user of the access token does not exist',
    });
    expect((await userinfo(c, tokens[0])).status).toBe(401);
  });

  it('sees on another instance a profile changed, a user blocked, a user deleted', async () => {
    const user = await createUser(mgmtA, 'cross@example.com', { name: 'Old Name' });
    const tokens = [(await login(user, true)).access, (await login(user, false)).access];
    await check(c);
    for (const token of tokens) {
      expect((await userinfo(c, token)).body.name).toBe('Old Name');
      expect((await userinfo(b, token)).body.name).toBe('Old Name');
    }

    await mgmtA.users.update(user.userId, { name: 'New Name' });
    // C kept the profile it read, until its check sees the users table moved.
    expect((await userinfo(c, tokens[0])).body.name).toBe('Old Name');
    expect(await check(c)).toBe(true);
    for (const token of tokens) {
      expect((await userinfo(c, token)).body.name).toBe('New Name');
    }
    expect(await eventually(async () => (await userinfo(b, tokens[1])).body?.name === 'New Name')).toBe(true);

    await mgmtA.users.update(user.userId, { blocked: true });
    expect(await check(c)).toBe(true);
    for (const token of tokens) {
      const res = await userinfo(c, token);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 401,
        body: { error: 'invalid_token', error_description: 'user is blocked' },
      });
    }
    expect(await eventually(async () => (await userinfo(b, tokens[0])).status === 401)).toBe(true);

    await mgmtA.users.update(user.userId, { blocked: false });
    expect(await check(c)).toBe(true);
    expect((await userinfo(c, tokens[1])).status).toBe(200);
    expect(await eventually(async () => (await userinfo(b, tokens[1])).status === 200)).toBe(true);

    await mgmtA.users.delete(user.userId);
    expect(await check(c)).toBe(true);
    // The JWT is still well signed; the opaque token's family went with the user.
    expect((await userinfo(c, tokens[1])).body).toEqual({
      error: 'invalid_token',
      error_description: 'The user of the access token does not exist',
    });
    expect((await userinfo(c, tokens[0])).status).toBe(401);
    expect(await eventually(async () => (await userinfo(b, tokens[1])).status === 401)).toBe(true);
  });

  it('refuses on another instance an opaque token whose refresh token family was revoked', async () => {
    const user = await createUser(mgmtA, 'family@example.com');
    const { access, refresh } = await login(user, true);
    expect(refresh).toEqual(expect.any(String));
    await check(c);
    expect((await userinfo(c, access)).status).toBe(200);
    expect((await userinfo(b, access)).status).toBe(200);

    const revoked = await postForm(a.baseUrl, '/oauth/revoke', { client_id: web.id, client_secret: web.secret!, token: refresh! });
    expect(revoked.status).toBe(200);
    // Same process: at once.
    expect((await userinfo(a, access)).body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked' });
    expect((await userinfo(c, access)).status).toBe(200);
    expect(await check(c)).toBe(true);
    expect((await userinfo(c, access)).body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked' });
    expect(await eventually(async () => (await userinfo(b, access)).status === 401)).toBe(true);
  });

  it('keeps warm profiles on other instances through logins (login counters are not profile writes)', async () => {
    const user = await createUser(mgmtA, 'counted@example.com', { name: 'Counted' });
    const { access } = await login(user, false);
    await check(c);
    expect((await userinfo(c, access)).status).toBe(200);
    const version = async () =>
      ((await a.app.get(DataSource).query(`SELECT version FROM cache_versions WHERE name = 'users'`)) as { version: unknown }[])[0].version;
    const before = String(await version());
    await login(user, true);
    expect((await mgmtA.users.get(user.userId)).logins_count).toBe(2);
    expect(String(await version())).toBe(before);
    await check(c);
    const sql = await watchQueries(c.app, async () => {
      expect((await userinfo(c, access)).body.name).toBe('Counted');
    });
    expect(sql).toEqual([]);
  });

  it('refresh exchanges use the kept user, and see through another instance a profile changed and a user blocked', async () => {
    const user = await createUser(mgmtA, 'kept-refresh@example.com', { name: 'Kept One' });
    let { refresh } = await login(user, false);
    const exchange = async (t: TestApp) => {
      const res = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'refresh_token',
        client_id: web.id,
        client_secret: web.secret!,
        refresh_token: refresh!,
      });
      if (res.status === 200) {
        refresh = res.body.refresh_token as string;
      }
      return res;
    };
    const nameIn = (res: { body: Record<string, unknown> }) => decodeJwt(res.body.id_token as string).name;
    await check(c);
    expect(nameIn(await exchange(c))).toBe('Kept One');
    // Warm on C: the exchange reads the token and its family, never the user.
    const sql = await watchQueries(c.app, async () => {
      expect(nameIn(await exchange(c))).toBe('Kept One');
    });
    expect(sql.filter((q) => /\bFROM "?users"?\b/.test(q))).toEqual([]);

    await mgmtA.users.update(user.userId, { name: 'Kept Two' });
    expect(nameIn(await exchange(c))).toBe('Kept One');
    expect(await check(c)).toBe(true);
    expect(nameIn(await exchange(c))).toBe('Kept Two');

    await mgmtA.users.update(user.userId, { blocked: true });
    expect(await check(c)).toBe(true);
    const refused = await exchange(c);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 401,
      body: { error: 'unauthorized', error_description: 'user is blocked' },
    });
  });

  it('answers the plain GET /userinfo (served before Express) as the controller answers /userinfo/', async () => {
    const user = await createUser(mgmtA, 'parity@example.com', { name: 'Parity' });
    const blocked = await createUser(mgmtA, 'parity-blocked@example.com');
    const tokens = [(await login(user, true)).access, (await login(user, false)).access, (await login(blocked, false)).access];
    await mgmtA.users.update(blocked.userId, { blocked: true });
    const volatile = new Set(['date', 'connection', 'keep-alive', 'content-length', 'x-request-id']);
    const answerOf = (res: { status: number; headers: Headers; text: string }) => ({
      status: res.status,
      headers: Object.fromEntries([...res.headers].filter(([name]) => !volatile.has(name))),
      text: res.text,
    });
    const authorizations = [
      ...tokens.map((token) => `Bearer ${token}`),
      'Bearer not-a-token',
      'Bearer',
      'Basic Zm9vOmJhcg==',
      `Bearer ${tokens[1]}x`,
    ];
    for (const authorization of authorizations) {
      const fast = await http(a.baseUrl, 'GET', '/userinfo', { headers: { authorization } });
      const routed = await http(a.baseUrl, 'GET', '/userinfo/', { headers: { authorization } });
      expect(answerOf(fast)).toEqual(answerOf(routed));
    }
    expect((await http(a.baseUrl, 'GET', '/userinfo', { headers: { authorization: `Bearer ${tokens[0]}` } })).body.name).toBe('Parity');
  });
});
