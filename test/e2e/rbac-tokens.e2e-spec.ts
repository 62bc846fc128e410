import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ManagementClient } from 'auth0';
import express from 'express';
import { auth, claimIncludes, requiredScopes } from 'express-oauth2-jwt-bearer';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { CacheCoherenceService } from '../../src/cache-coherence/cache-coherence.service.js';
import { managementClient } from '../helpers/management-client.js';
import { watchQueries } from '../helpers/query-watch.js';
import { freePort, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, createWebClient, loginWithCode, PASSWORD, type TestClient, type TestUser } from '../helpers/user-flows.js';

const API = 'https://rbac.api.example';
const RFC = 'https://rbac-rfc9068.api.example';
const OPEN = 'https://no-rbac.api.example';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const SCOPES = [{ value: 'read:docs' }, { value: 'write:docs' }, { value: 'delete:docs' }];

describe('permissions in user tokens (enforce_policies)', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let user: TestUser;
  let editor: string;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  const perm = (permission_name: string, resource_server_identifier = API) => ({ resource_server_identifier, permission_name });
  const password = (form: Record<string, string>, app: TestApp = t) =>
    postForm(app.baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: web.id,
      client_secret: web.secret!,
      username: user.email,
      password: PASSWORD,
      ...form,
    });
  const refresh = (refreshToken: string, app: TestApp = t) =>
    postForm(app.baseUrl, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: web.id,
      client_secret: web.secret!,
      refresh_token: refreshToken,
    });
  const verify = async (token: string, audience = API): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer: t.issuer, audience })).payload;

  beforeAll(async () => {
    t = await startTestApp({ CACHE_POLL_MS: '100' });
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    jwks = createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`));
    const rbac = { scopes: SCOPES, enforce_policies: true, allow_offline_access: true } as const;
    await mgmt.resourceServers.create({ identifier: API, name: 'Docs', token_dialect: 'access_token_authz', ...rbac });
    await mgmt.resourceServers.create({ identifier: RFC, name: 'Docs 9068', token_dialect: 'rfc9068_profile_authz', ...rbac });
    await mgmt.resourceServers.create({
      identifier: OPEN,
      name: 'Open',
      token_dialect: 'access_token_authz',
      scopes: SCOPES,
      allow_offline_access: true,
    });
    web = await createWebClient(mgmt);
    user = await createUser(mgmt, 'rbac-user@example.com');
    editor = (await mgmt.roles.create({ name: 'Docs Editor' })).id!;
    await mgmt.roles.permissions.add(editor, { permissions: [perm('read:docs'), perm('write:docs'), perm('read:docs', RFC)] });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('a user without permissions gets none of the API’s scopes, only the OIDC ones', async () => {
    const res = await password({ audience: API, scope: 'openid read:docs write:docs' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid');
    const at = await verify(res.body.access_token);
    expect({ scope: at.scope, permissions: at.permissions }).toEqual({ scope: 'openid', permissions: [] });
  });

  it('password and password-realm: permissions carries every held permission, scope the requested ones held', async () => {
    await mgmt.users.roles.assign(user.userId, { roles: [editor] });
    await mgmt.users.permissions.create(user.userId, { permissions: [perm('delete:docs')] });

    const res = await password({ audience: API, scope: 'openid read:docs delete:docs' });
    expect(res.body.scope).toBe('openid read:docs delete:docs');
    const at = await verify(res.body.access_token);
    expect(at).toMatchObject({ scope: 'openid read:docs delete:docs', permissions: ['delete:docs', 'read:docs', 'write:docs'] });

    const realm = await password({
      grant_type: REALM_GRANT,
      realm: 'Username-Password-Authentication',
      audience: API,
      scope: 'write:docs',
    });
    expect((await verify(realm.body.access_token)).scope).toBe('write:docs');

    // Without scope the trusted grant asks for every scope of the API: the user gets all it holds.
    expect((await password({ audience: API })).body.scope).toBe('read:docs write:docs delete:docs');
  });

  it('rfc9068_profile_authz carries permissions too, with its own typ and client_id', async () => {
    const res = await password({ audience: RFC, scope: 'read:docs write:docs' });
    expect(res.body.scope).toBe('read:docs');
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, { issuer: t.issuer, audience: RFC, typ: 'at+jwt' });
    expect({ typ: protectedHeader.typ, client_id: payload.client_id, permissions: payload.permissions }).toEqual({
      typ: 'at+jwt',
      client_id: web.id,
      permissions: ['read:docs'],
    });
  });

  it('enforce_policies off: behaviour as before (scopes granted as asked, permissions mirror them)', async () => {
    const res = await password({ audience: OPEN, scope: 'read:docs delete:docs' });
    expect(res.body.scope).toBe('read:docs delete:docs');
    expect(await verify(res.body.access_token, OPEN)).toMatchObject({ permissions: ['read:docs', 'delete:docs'] });
  });

  it('client_credentials is unchanged: the client grant decides, not users’ roles', async () => {
    const m2m = await mgmt.clients.create({ name: 'RBAC worker', app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: m2m.client_id!, audience: API, scope: ['delete:docs'] });
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: m2m.client_id!,
      client_secret: m2m.client_secret!,
      audience: API,
    });
    expect(await verify(res.body.access_token)).toMatchObject({
      scope: 'delete:docs',
      permissions: ['delete:docs'],
      gty: 'client-credentials',
    });
  });

  it('authorization code (openid-client) and refresh: the refresh recomputes from the assignments of the moment', async () => {
    const { tokens } = await loginWithCode(t, web, {
      email: user.email,
      audience: API,
      scope: 'openid offline_access read:docs write:docs delete:docs',
    });
    expect(tokens.scope).toBe('openid offline_access read:docs write:docs delete:docs');
    expect((await verify(tokens.access_token)).permissions).toEqual(['delete:docs', 'read:docs', 'write:docs']);

    await mgmt.users.permissions.delete(user.userId, { permissions: [perm('delete:docs')] });
    const r1 = await refresh(tokens.refresh_token!);
    expect(r1.body.scope).toBe('openid offline_access read:docs write:docs');
    expect((await verify(r1.body.access_token)).permissions).toEqual(['read:docs', 'write:docs']);

    // Given back later, a permission asked for at login returns on the next refresh.
    await mgmt.users.permissions.create(user.userId, { permissions: [perm('delete:docs')] });
    const r2 = await refresh(r1.body.refresh_token);
    expect(r2.body.scope).toBe('openid offline_access read:docs write:docs delete:docs');
  });

  it('express-oauth2-jwt-bearer: requiredScopes and claimIncludes("permissions") follow the assignments', async () => {
    const app = express();
    const check = auth({ issuerBaseURL: t.issuer, audience: API });
    app.get('/read', check, requiredScopes('read:docs'), (_req, res) => void res.json({ ok: true }));
    app.get('/delete', check, claimIncludes('permissions', 'delete:docs'), (_req, res) => void res.json({ ok: true }));
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ error: 'rejected' });
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (path: string, token: string) =>
      (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      const full = (await password({ audience: API, scope: 'read:docs' })).body.access_token as string;
      expect([await call('/read', full), await call('/delete', full)]).toEqual([200, 200]);
      await mgmt.users.permissions.delete(user.userId, { permissions: [perm('delete:docs')] });
      await mgmt.roles.permissions.delete(editor, { permissions: [perm('read:docs')] });
      const less = (await password({ audience: API, scope: 'read:docs' })).body.access_token as string;
      expect(decodeJwt(less)).toMatchObject({ permissions: ['write:docs'] });
      expect([await call('/read', less), await call('/delete', less)]).toEqual([403, 401]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mgmt.roles.permissions.add(editor, { permissions: [perm('read:docs')] });
    }
  });

  it('serves warm RBAC tokens from memory: the permissions are read once after each change, not per token', async () => {
    const rbacTables = /\b(user_roles|role_permissions|user_permissions)\b/;
    // Settle this process's cross-process check first: it drops every cache when it sees an earlier write.
    const coherence = t.app.get(CacheCoherenceService);
    await coherence.check();
    await password({ audience: API, scope: 'read:docs' });
    const warm = await watchQueries(t.app, async () => {
      for (let i = 0; i < 5; i++) {
        expect((await password({ audience: API, scope: 'read:docs' })).status).toBe(200);
      }
    });
    // Without the cache, 5 reads; with it none, or one when a scheduled cross-process check drops it meanwhile.
    expect(warm.filter((sql) => rbacTables.test(sql)).length).toBeLessThanOrEqual(1);
    // Control: a change drops the cache, so the next token reads the assignments again, once.
    await mgmt.users.permissions.create(user.userId, { permissions: [perm('delete:docs')] });
    await coherence.check();
    const afterChange = await watchQueries(t.app, async () => {
      for (let i = 0; i < 3; i++) {
        expect((await verify((await password({ audience: API, scope: 'read:docs' })).body.access_token)).permissions).toContain(
          'delete:docs',
        );
      }
    });
    expect(afterChange.filter((sql) => rbacTables.test(sql)).length).toBeGreaterThanOrEqual(1);
    expect(afterChange.filter((sql) => rbacTables.test(sql)).length).toBeLessThanOrEqual(2);
    await mgmt.users.permissions.delete(user.userId, { permissions: [perm('delete:docs')] });
  });

  describe('cascades: what a change removes is gone from the next token', () => {
    it('removing a scope from the API removes it from roles, users and tokens', async () => {
      await mgmt.users.permissions.create(user.userId, { permissions: [perm('delete:docs')] });
      await mgmt.resourceServers.update(API, { scopes: [{ value: 'read:docs' }, { value: 'write:docs' }] });
      const direct = (await mgmt.users.permissions.list(user.userId)).data.filter((p) => p.resource_server_identifier === API);
      expect(direct.map((p) => p.permission_name)).toEqual(['read:docs', 'write:docs']);
      expect((await mgmt.roles.permissions.list(editor)).data.map((p) => p.permission_name).sort()).toEqual([
        'read:docs',
        'read:docs',
        'write:docs',
      ]);
      // A scope added back under the same name is a new scope: nobody holds it until assigned.
      await mgmt.resourceServers.update(API, { scopes: SCOPES });
      expect((await verify((await password({ audience: API })).body.access_token)).permissions).toEqual(['read:docs', 'write:docs']);
    });

    it('deleting a role takes its permissions from its members; a refresh shows it', async () => {
      const { body } = await password({ audience: API, scope: 'offline_access read:docs write:docs' });
      expect(body.scope).toBe('offline_access read:docs write:docs');
      const temp = await mgmt.roles.create({ name: 'Temp' });
      await mgmt.roles.permissions.add(temp.id!, { permissions: [perm('delete:docs')] });
      await mgmt.users.roles.assign(user.userId, { roles: [temp.id!] });
      await mgmt.roles.delete(editor);
      const after = await refresh(body.refresh_token);
      expect(after.body.scope).toBe('offline_access');
      expect((await verify(after.body.access_token)).permissions).toEqual(['delete:docs']);
      expect((await mgmt.users.roles.list(user.userId)).data.map((r) => r.name)).toEqual(['Temp']);
    });

    it('deleting an API removes its permissions from roles and users', async () => {
      const gone = 'https://rbac-gone.api.example';
      await mgmt.resourceServers.create({ identifier: gone, name: 'Gone', scopes: [{ value: 'x' }], enforce_policies: true });
      const role = await mgmt.roles.create({ name: 'Gone users' });
      await mgmt.roles.permissions.add(role.id!, { permissions: [perm('x', gone)] });
      await mgmt.users.permissions.create(user.userId, { permissions: [perm('x', gone)] });
      await mgmt.resourceServers.delete(gone);
      expect((await mgmt.roles.permissions.list(role.id!)).data).toEqual([]);
      expect((await mgmt.users.permissions.list(user.userId)).data.map((p) => p.resource_server_identifier)).not.toContain(gone);
      // An API created again under the identifier starts with no assignments.
      await mgmt.resourceServers.create({
        identifier: gone,
        name: 'Gone again',
        scopes: [{ value: 'x' }],
        enforce_policies: true,
        token_dialect: 'access_token_authz',
      });
      expect((await verify((await password({ audience: gone, scope: 'x' })).body.access_token, gone)).permissions).toEqual([]);
    });

    it('deleting a user removes their roles and permissions', async () => {
      const dan = await createUser(mgmt, 'dan@rbac-tokens.example');
      const role = await mgmt.roles.create({ name: 'Dan’s role' });
      await mgmt.users.roles.assign(dan.userId, { roles: [role.id!] });
      await mgmt.users.permissions.create(dan.userId, { permissions: [perm('read:docs')] });
      await mgmt.users.delete(dan.userId);
      expect((await mgmt.roles.users.list(role.id!)).data).toEqual([]);
      const left = await t.app
        .get(DataSource)
        .createQueryBuilder()
        .from('user_permissions', 'p')
        .where('p.user_id = :id', { id: dan.userId })
        .getCount();
      expect(left).toBe(0);
      // A user created again with the same id starts with nothing.
      await mgmt.users.create({
        connection: 'Username-Password-Authentication',
        email: dan.email,
        password: PASSWORD,
        user_id: dan.userId.split('|')[1],
      });
      expect((await mgmt.users.permissions.list(dan.userId)).data).toEqual([]);
    });
  });

  it('another process on the same database sees an assignment within CACHE_POLL_MS, with no restart; a refresh there carries it', async () => {
    const b = await startTestApp(
      { CACHE_POLL_MS: '100', PUBLIC_URL: t.config.publicUrl },
      { dir: t.dir, port: await freePort(), databaseUrl: t.databaseUrl },
    );
    try {
      const first = await password({ audience: API, scope: 'offline_access read:docs write:docs delete:docs' }, b);
      const held = (await verify(first.body.access_token)).permissions as string[];
      const expected = [...new Set([...held, 'read:docs', 'write:docs'])].sort();
      const role = await mgmt.roles.create({ name: 'Cross-process' });
      await mgmt.roles.permissions.add(role.id!, { permissions: [perm('read:docs'), perm('write:docs')] });
      await mgmt.users.roles.assign(user.userId, { roles: [role.id!] });
      // B answers from its cache until its coherence check sees the RBAC version move (CACHE_POLL_MS).
      let permissions: unknown;
      for (const deadline = Date.now() + 10000; Date.now() < deadline;) {
        permissions = (await verify((await password({ audience: API, scope: 'read:docs' }, b)).body.access_token)).permissions;
        if (JSON.stringify(permissions) === JSON.stringify(expected)) {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(permissions).toEqual(expected);
      const next = await refresh(first.body.refresh_token, b);
      expect((await verify(next.body.access_token)).permissions).toEqual(expected);

      // And an API switched to enforce_policies: false is seen by the other process within CACHE_POLL_MS.
      await mgmt.resourceServers.update(API, { enforce_policies: false });
      const deadline = Date.now() + 10000;
      let scope = '';
      while (Date.now() < deadline && scope !== 'delete:docs') {
        scope = (await password({ audience: API, scope: 'delete:docs' }, b)).body.scope;
      }
      expect(scope).toBe('delete:docs');
      await mgmt.resourceServers.update(API, { enforce_policies: true });
    } finally {
      await b.close();
    }
  });
});
