import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  authorizeInBrowser,
  createUser,
  createWebClient,
  loginWithCode,
  realmLogin as passwordRealmLogin,
  REALM_GRANT,
  type TestClient,
  type TestUser,
} from '../helpers/user-flows.js';

const API = 'https://actions.api.example';
const POST_LOGIN = [{ id: 'post-login' as const, version: 'v3' }];
const NS = 'https://tessera.example/';

const code = (body: string) => `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};`;

describe('Actions: post-login', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;
  let web: TestClient;
  let ann: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.resourceServers.create({
      identifier: API,
      name: 'Actions API',
      allow_offline_access: true,
      scopes: [{ value: 'read:a' }, { value: 'write:a' }],
    });
    web = await createWebClient(mgmt);
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann', app_metadata: { plan: 'free' } });
    // event.authorization.roles: the user's RBAC role names.
    const reader = await mgmt.roles.create({ name: 'Reader' });
    await mgmt.users.roles.assign(ann.userId, { roles: [reader.id!] });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** Creates and deploys an action through the SDK, as a tenant would. */
  const deployed = async (name: string, body: string, secrets?: { name: string; value: string }[]) => {
    const a = await mgmt.actions.create({ name, supported_triggers: POST_LOGIN, code: code(body), secrets });
    await mgmt.actions.deploy(a.id!);
    return a.id!;
  };
  const bind = (...names: string[]) =>
    mgmt.actions.triggers.bindings.updateMany('post-login', {
      bindings: names.map((value) => ({ ref: { type: 'action_name' as const, value }, display_name: value })),
    });
  const realmLogin = (form: Record<string, string> = {}) =>
    passwordRealmLogin(t, web, ann, { audience: API, scope: 'openid profile offline_access read:a', ...form });

  it('manages actions through the SDK: create, read, list, update, deploy, versions; secret values never come back', async () => {
    const created = await mgmt.actions.create({
      name: 'add-claims',
      supported_triggers: POST_LOGIN,
      code: code(`api.idToken.setCustomClaim('${NS}k', event.secrets.KEY);`),
      secrets: [{ name: 'KEY', value: 's3cret-value' }],
    });
    expect(created).toMatchObject({
      name: 'add-claims',
      supported_triggers: POST_LOGIN,
      runtime: 'node22',
      dependencies: [],
      status: 'built',
      all_changes_deployed: false,
      secrets: [{ name: 'KEY', updated_at: expect.any(String) }],
    });
    expect(JSON.stringify(created)).not.toContain('s3cret-value');

    const version = await mgmt.actions.deploy(created.id!);
    expect(version).toMatchObject({ action_id: created.id, number: 1, deployed: true, status: 'built', errors: [] });
    const got = await mgmt.actions.get(created.id!);
    expect(got).toMatchObject({ all_changes_deployed: true, deployed_version: { id: version.id, number: 1 } });

    const page = await mgmt.actions.list({ actionName: 'add-claims' });
    expect(page.data.map((a) => a.id)).toEqual([created.id]);
    const raw = await http(t.baseUrl, 'GET', '/api/v2/actions/actions?deployed=true&triggerId=post-login', { token });
    expect(raw.body).toMatchObject({ total: 1, page: 0, per_page: 50, actions: [{ id: created.id }] });
    expect(raw.text).not.toContain('s3cret-value');

    const patched = await mgmt.actions.update(created.id!, { code: code(`api.idToken.setCustomClaim('${NS}k', 'draft');`) });
    expect(patched.all_changes_deployed).toBe(false);
    const versions = await mgmt.actions.versions.list(created.id!);
    expect(versions.data.map((v) => v.number)).toEqual([1]);
    expect(await mgmt.actions.versions.get(created.id!, version.id!)).toMatchObject({ number: 1, deployed: true });

    const triggers = await mgmt.actions.triggers.list();
    expect(triggers.triggers).toEqual([
      expect.objectContaining({ id: 'post-login', version: 'v3', runtimes: expect.arrayContaining(['node22']) }),
    ]);
  });

  it('refuses what it cannot do, with clear errors, and changes nothing', async () => {
    const before = await snapshotDatabase(t.app);
    expectManagementError(
      await http(t.baseUrl, 'POST', '/api/v2/actions/actions', {
        token,
        body: { name: 'm2m', supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }], code: code('') },
      }),
      400,
      'invalid_body',
      /credentials-exchange.*not supported/,
    );
    expectManagementError(
      await http(t.baseUrl, 'POST', '/api/v2/actions/actions', {
        token,
        body: { name: 'deps', supported_triggers: POST_LOGIN, code: code(''), dependencies: [{ name: 'lodash', version: '4.17.21' }] },
      }),
      400,
      'operation_not_supported',
      /dependencies/,
    );
    expectManagementError(
      await http(t.baseUrl, 'POST', '/api/v2/actions/actions', { token, body: { name: 'add-claims', supported_triggers: POST_LOGIN } }),
      409,
      'conflict',
    );
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/actions/actions/nope', { token }), 404, 'not_found');
    expectManagementError(
      await http(t.baseUrl, 'PATCH', '/api/v2/actions/triggers/post-login/bindings', {
        token,
        body: { bindings: [{ ref: { type: 'action_name', value: 'no-such-action' } }] },
      }),
      404,
      'not_found',
    );
    expectManagementError(
      await http(t.baseUrl, 'PATCH', '/api/v2/actions/triggers/credentials-exchange/bindings', {
        token,
        body: { bindings: [{ ref: { type: 'action_name', value: 'add-claims' } }] },
      }),
      400,
      'invalid_body',
      /post-login actions only/,
    );
    const empty = await http(t.baseUrl, 'PATCH', '/api/v2/actions/triggers/credentials-exchange/bindings', {
      token,
      body: { bindings: [] },
    });
    expect(empty.body).toEqual({ bindings: [] });
    expect(await snapshotDatabase(t.app)).toBe(before);
    expect((await http(t.baseUrl, 'GET', '/api/v2/actions/triggers/credentials-exchange/bindings', { token })).body).toEqual({
      bindings: [],
      total: 0,
      page: 0,
      per_page: 50,
    });
  });

  it('reports a syntax error in the build status and does not deploy it', async () => {
    const broken = await mgmt.actions.create({
      name: 'broken',
      supported_triggers: POST_LOGIN,
      code: 'exports.onExecutePostLogin = async (event, api) => {',
    });
    expect(broken.status).toBe('failed');
    const v = await mgmt.actions.deploy(broken.id!);
    expect(v).toMatchObject({
      deployed: false,
      status: 'failed',
      errors: [{ id: 'syntax_error', msg: expect.stringMatching(/Unexpected/) }],
    });
    expect((await mgmt.actions.get(broken.id!)).deployed_version).toBeUndefined();
    expectManagementError(
      await http(t.baseUrl, 'PATCH', '/api/v2/actions/triggers/post-login/bindings', {
        token,
        body: { bindings: [{ ref: { type: 'action_id', value: broken.id } }] },
      }),
      400,
      'invalid_body',
      /must be deployed/,
    );
    await mgmt.actions.delete(broken.id!);
  });

  it('adds custom claims to the ID and access tokens (password-realm), later actions winning, reserved claims ignored', async () => {
    await deployed(
      'first',
      `
      api.idToken.setCustomClaim('${NS}order', 'first');
      api.accessToken.setCustomClaim('${NS}order', 'first');
      api.idToken.setCustomClaim('${NS}email', event.user.email);
      api.accessToken.setCustomClaim('${NS}client', event.client.client_id);
      api.accessToken.setCustomClaim('${NS}protocol', event.transaction.protocol);
      api.accessToken.setCustomClaim('${NS}roles', event.authorization.roles);
      api.accessToken.setCustomClaim('${NS}tenant', event.tenant.id);
      api.accessToken.setCustomClaim('${NS}plan', event.user.app_metadata.plan);
      api.accessToken.setCustomClaim('${NS}body', event.request.body);
    `,
    );
    await deployed(
      'second',
      `
      api.idToken.setCustomClaim('${NS}order', 'second');
      api.accessToken.setCustomClaim('${NS}order', 'second');
      api.accessToken.setCustomClaim('sub', 'auth0|someone-else');
      api.accessToken.setCustomClaim('scope', 'admin');
      api.accessToken.setCustomClaim('permissions', ['*']);
      api.idToken.setCustomClaim('aud', 'evil');
      api.idToken.setCustomClaim('nonce', 'n');
      api.idToken.setCustomClaim('email', 'someone@else.example');
    `,
    );
    const bound = await bind('first', 'second');
    expect(bound.bindings?.map((b) => [b.trigger_id, b.display_name, b.action?.name])).toEqual([
      ['post-login', 'first', 'first'],
      ['post-login', 'second', 'second'],
    ]);
    expect((await mgmt.actions.triggers.bindings.list('post-login')).data.map((b) => b.display_name)).toEqual(['first', 'second']);

    const res = await realmLogin();
    expect(res.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`));
    const at = (await jwtVerify(res.body.access_token, jwks, { issuer: t.issuer, audience: API })).payload;
    expect(at).toMatchObject({
      sub: ann.userId,
      scope: 'openid profile offline_access read:a',
      [`${NS}order`]: 'second',
      [`${NS}client`]: web.id,
      [`${NS}protocol`]: 'oauth2-password',
      [`${NS}roles`]: ['Reader'],
      [`${NS}tenant`]: expect.any(String),
      [`${NS}plan`]: 'free',
    });
    expect(at[`${NS}body`]).toEqual({
      grant_type: REALM_GRANT,
      username: ann.email,
      realm: 'Username-Password-Authentication',
      audience: API,
      scope: 'openid profile offline_access read:a',
      client_id: web.id,
    });
    expect(at.permissions).toBeUndefined();
    const id = (await jwtVerify(res.body.id_token, jwks, { issuer: t.issuer, audience: web.id })).payload;
    expect(id).toMatchObject({ sub: ann.userId, [`${NS}order`]: 'second', [`${NS}email`]: ann.email });
    expect(id.aud).toBe(web.id);
    expect(id.nonce).toBeUndefined();
    expect(id.email).toBeUndefined();

    // The refresh token exchange runs the chain again (Auth0's oauth2-refresh-token protocol).
    const refreshed = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: web.id,
      client_secret: web.secret!,
      refresh_token: res.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token)).toMatchObject({ [`${NS}protocol`]: 'oauth2-refresh-token', [`${NS}order`]: 'second' });

    // Reordering: the later action wins.
    await bind('second', 'first');
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('first');
  });

  it('runs a PATCHed draft only after the next deploy, and stops running an unbound action', async () => {
    const id = (await mgmt.actions.list({ actionName: 'first' })).data[0].id!;
    await mgmt.actions.update(id, { code: code(`api.accessToken.setCustomClaim('${NS}order', 'first-v2');`) });
    await bind('second', 'first');
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('first');
    const v2 = await mgmt.actions.deploy(id);
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('first-v2');

    // Rolling back to version 1 through the SDK runs its code again; the draft still differs from it.
    const [v1] = (await mgmt.actions.versions.list(id)).data.filter((v) => v.number === 1);
    expect(await mgmt.actions.versions.deploy(id, v1.id!)).toMatchObject({ id: v1.id, deployed: true });
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('first');
    expect(await mgmt.actions.get(id)).toMatchObject({ all_changes_deployed: false, deployed_version: { id: v1.id } });
    await mgmt.actions.versions.deploy(id, v2.id!);
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('first-v2');

    await bind('second');
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBe('second');
    await bind();
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}order`]).toBeUndefined();
  });

  it('refuses to delete a bound action unless forced', async () => {
    await bind('second');
    const id = (await mgmt.actions.list({ actionName: 'second' })).data[0].id!;
    expectManagementError(await http(t.baseUrl, 'DELETE', `/api/v2/actions/actions/${id}`, { token }), 400, 'invalid_body', /bound/);
    expect((await mgmt.actions.get(id)).name).toBe('second');
    await mgmt.actions.delete(id, { force: true });
    expect((await mgmt.actions.triggers.bindings.list('post-login')).data).toEqual([]);
  });

  it('adds and removes access token scopes and persists metadata once, after the chain', async () => {
    await deployed(
      'scopes-and-metadata',
      `
      api.accessToken.addScope('write:a');
      api.accessToken.removeScope('read:a');
      api.user.setAppMetadata('plan', 'pro');
      api.user.setUserMetadata('theme', 'dark');
    `,
    );
    await deployed('reads-metadata', `api.accessToken.setCustomClaim('${NS}plan', event.user.app_metadata.plan);`);
    await bind('scopes-and-metadata', 'reads-metadata');
    const res = await realmLogin();
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid profile offline_access write:a');
    expect(decodeJwt(res.body.access_token)).toMatchObject({ scope: 'openid profile offline_access write:a', [`${NS}plan`]: 'pro' });
    const user = await mgmt.users.get(ann.userId);
    expect(user.app_metadata).toEqual({ plan: 'pro' });
    expect(user.user_metadata).toEqual({ theme: 'dark' });
    await mgmt.users.update(ann.userId, { app_metadata: { plan: 'free' }, user_metadata: {} });
  });

  it('denies: the password grants answer 403 access_denied, the code flow redirects with error and state', async () => {
    await deployed(
      'deny-bob',
      `if (event.user.email.startsWith('bob')) { api.access.deny('Bob may not sign in'); api.user.setAppMetadata('denied', true); }`,
    );
    await deployed('after-deny', `api.user.setAppMetadata('ran_after_deny', true);`);
    await bind('deny-bob', 'after-deny');
    const bob = await createUser(mgmt, 'bob@example.com');
    expectOAuthError(await realmLogin({ username: bob.email }), 403, 'access_denied', 'Bob may not sign in');
    // Auth0: a denial keeps the denying action's metadata changes; the actions after it do not run.
    expect((await mgmt.users.get(bob.userId)).app_metadata).toEqual({ denied: true });

    const run = await authorizeInBrowser(t, web, { scope: 'openid', email: bob.email });
    expect(run.callback).toBeDefined();
    expect(run.callback!.searchParams.get('error')).toBe('access_denied');
    expect(run.callback!.searchParams.get('error_description')).toBe('Bob may not sign in');
    expect(run.callback!.searchParams.get('state')).toBe(run.state);
    expect(run.callback!.searchParams.has('code')).toBe(false);

    const logs = await http(t.baseUrl, 'GET', '/api/v2/logs?q=type:f', { token });
    expect(JSON.stringify(logs.body)).toContain('Bob may not sign in');
  });

  it('carries claims through the code flow: ID token, access token and /userinfo', async () => {
    await deployed(
      'code-claims',
      `
      api.idToken.setCustomClaim('${NS}via', event.transaction.protocol);
      api.accessToken.setCustomClaim('${NS}via', event.transaction.protocol);
      api.idToken.setCustomClaim('${NS}redirect', event.transaction.redirect_uri);
    `,
    );
    await bind('code-claims');
    const { run, tokens } = await loginWithCode(t, web, { scope: 'openid profile read:a', audience: API, email: ann.email });
    expect(tokens.claims()).toMatchObject({ [`${NS}via`]: 'oidc-basic-profile', [`${NS}redirect`]: 'http://127.0.0.1:9/callback' });
    expect(decodeJwt(tokens.access_token)[`${NS}via`]).toBe('oidc-basic-profile');

    // Silent re-authentication (prompt=none) on the same browser session runs the chain too.
    await deployed(
      'silent-deny',
      `if (event.request.query.prompt === 'none' && event.user.app_metadata.silent === 'deny') { api.access.deny('no silent login'); }`,
    );
    await bind('code-claims', 'silent-deny');
    const silent = await authorizeInBrowser(t, web, { scope: 'openid', browser: run.browser, params: { prompt: 'none' } });
    const silentTokens = await oidc.authorizationCodeGrant(silent.config, silent.callback!, {
      pkceCodeVerifier: silent.verifier,
      expectedState: silent.state,
      expectedNonce: silent.nonce,
    });
    expect(silentTokens.claims()![`${NS}via`]).toBe('oidc-basic-profile');
    await mgmt.users.update(ann.userId, { app_metadata: { silent: 'deny' } });
    const refused = await authorizeInBrowser(t, web, { scope: 'openid', browser: run.browser, params: { prompt: 'none' } });
    expect(Object.fromEntries(refused.callback!.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'no silent login',
      state: refused.state,
    });
    await mgmt.users.update(ann.userId, { app_metadata: { silent: null } });

    // Without an API the access token is opaque; /userinfo answers the ID token's custom claims.
    const opaque = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
    const info = await http(t.baseUrl, 'GET', '/userinfo', { token: opaque.tokens.access_token });
    expect(info.body).toEqual({ sub: ann.userId, [`${NS}via`]: 'oidc-basic-profile', [`${NS}redirect`]: 'http://127.0.0.1:9/callback' });
  });

  it('puts access token claims where an opaque token is read: introspection', async () => {
    const OPAQUE = 'https://opaque.actions.example';
    await mgmt.resourceServers.create({
      identifier: OPAQUE,
      name: 'Opaque',
      scopes: [{ value: 'read:o' }],
      access_token_format: 'opaque',
    } as never);
    await deployed('opaque-claim', `api.accessToken.setCustomClaim('${NS}tier', 'gold');`);
    await bind('opaque-claim');
    const res = await realmLogin({ audience: OPAQUE, scope: 'read:o' });
    expect(res.status).toBe(200);
    expect(res.body.access_token.split('.')).toHaveLength(1);
    const reader = await mgmt.clients.create({ name: 'Opaque reader', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await mgmt.clientGrants.create({ client_id: reader.client_id!, audience: OPAQUE, scope: [] });
    const info = await postForm(t.baseUrl, '/oauth/introspect', {
      token: res.body.access_token,
      client_id: reader.client_id!,
      client_secret: reader.client_secret!,
    });
    expect(info.body).toMatchObject({ active: true, sub: ann.userId, aud: OPAQUE, [`${NS}tier`]: 'gold' });
    await bind();
  });

  it('fails the login cleanly when an action throws or spins, while the server keeps answering', async () => {
    await deployed('throws', `throw new Error('upstream said no');`);
    await bind('throws');
    const thrown = await realmLogin();
    expectOAuthError(thrown, 403, 'access_denied', 'upstream said no');
    expect(JSON.stringify(thrown.body)).not.toMatch(/at |\/work|node_modules|\.ts/);

    await deployed('spins', `while (true) {}`);
    // While the action spins in its isolate (1 s), other requests keep being answered. Compared with a login
    // whose action returns at once, many more answers come back during the spinning one; a sandbox that held
    // the event loop would let through only those that come before the action starts, as many as the other.
    const answersDuring = async (login: Promise<unknown>) => {
      let settled = false;
      void login.finally(() => (settled = true));
      let answered = 0;
      while (!settled) {
        expect((await http(t.baseUrl, 'GET', '/.well-known/openid-configuration')).status).toBe(200);
        answered += settled ? 0 : 1;
      }
      return answered;
    };
    await deployed('returns', ``);
    await bind('returns');
    const quick = await answersDuring(realmLogin());
    await bind('spins');
    const spinning = realmLogin();
    expect(await answersDuring(spinning)).toBeGreaterThan(2 * quick + 10);
    expectOAuthError(await spinning, 403, 'access_denied', /timed out/);

    await bind();
  });

  it('keeps a secret through a PATCH that names it without a value, and never shows or logs its value', async () => {
    const id = await deployed('secret-claim', `api.accessToken.setCustomClaim('${NS}secret', event.secrets.API_KEY);`, [
      { name: 'API_KEY', value: 'first-secret-value' },
    ]);
    await bind('secret-claim');
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}secret`]).toBe('first-secret-value');
    await mgmt.actions.update(id, {
      code: code(`api.accessToken.setCustomClaim('${NS}secret', 'v2:' + event.secrets.API_KEY);`),
      secrets: [{ name: 'API_KEY' }],
    });
    await mgmt.actions.deploy(id);
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}secret`]).toBe('v2:first-secret-value');
    await mgmt.actions.update(id, { secrets: [{ name: 'API_KEY', value: 'second-secret-value' }] });
    await mgmt.actions.deploy(id);
    expect(decodeJwt((await realmLogin()).body.access_token)[`${NS}secret`]).toBe('v2:second-secret-value');
    expectManagementError(
      await http(t.baseUrl, 'PATCH', `/api/v2/actions/actions/${id}`, { token, body: { secrets: [{ name: 'OTHER' }] } }),
      400,
      'invalid_body',
      /OTHER.*needs a value/,
    );
    expectManagementError(
      await http(t.baseUrl, 'PATCH', `/api/v2/actions/actions/${id}`, {
        token,
        body: { modules: [{ module_id: 'm', module_version_id: 'v' }] },
      }),
      400,
      'operation_not_supported',
    );
    const reads = [
      await http(t.baseUrl, 'GET', `/api/v2/actions/actions/${id}`, { token }),
      await http(t.baseUrl, 'GET', `/api/v2/actions/actions/${id}/versions`, { token }),
      await http(t.baseUrl, 'GET', '/api/v2/actions/triggers/post-login/bindings', { token }),
      await http(t.baseUrl, 'GET', '/api/v2/logs?per_page=100', { token }),
    ];
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(/first-secret-value|second-secret-value/);
    }
    await bind();
  });

  it("shows a refresh exchange's action the user's login count as it is now (the exchange's user comes from memory)", async () => {
    await deployed('count-logins', `api.accessToken.setCustomClaim('${NS}logins', event.stats.logins_count);`);
    await bind('count-logins');
    const refresh = async (token: string) => {
      const res = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'refresh_token',
        client_id: web.id,
        client_secret: web.secret!,
        refresh_token: token,
      });
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token: string };
    };
    const first = await realmLogin();
    // Auth0 counts the login the action runs for.
    const count = decodeJwt(first.body.access_token)[`${NS}logins`] as number;
    expect(count).toEqual((await mgmt.users.get(ann.userId)).logins_count);
    expect(count).toBeGreaterThan(0);
    // The refresh warms the kept user; the login after it counts one more without dropping it.
    const warm = await refresh(first.body.refresh_token);
    expect(decodeJwt(warm.access_token)[`${NS}logins`]).toBe(count);
    await realmLogin();
    expect(decodeJwt((await refresh(warm.refresh_token)).access_token)[`${NS}logins`]).toBe(count + 1);
    await bind();
  });

  it('never runs on client_credentials', async () => {
    await bind('deny-bob');
    await deployed('deny-all', `api.access.deny('nobody');`);
    await bind('deny-all');
    const m2m = await mgmt.clients.create({ name: 'M2M', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await mgmt.clientGrants.create({ client_id: m2m.client_id!, audience: API, scope: ['read:a'] });
    const cc = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: m2m.client_id!,
      client_secret: m2m.client_secret!,
      audience: API,
    });
    expect(cc.status).toBe(200);
    expectOAuthError(await realmLogin(), 403, 'access_denied', 'nobody');
    await bind();
  });

  it('keeps sandbox escapes inside the isolate: they read nothing and stop nothing', async () => {
    await deployed(
      'escape',
      `
      const r = {};
      const attempt = (name, f) => { try { r[name] = String(f()); } catch (e) { r[name] = 'blocked'; } };
      attempt('require', () => require('fs').readFileSync('/etc/passwd', 'utf8'));
      attempt('env', () => process.env.HOME);
      attempt('ctor', () => (function(){}).constructor.constructor('return process')().env);
      attempt('viaEvent', () => event.constructor.constructor('return process')().pid);
      attempt('viaApi', () => api.user.setAppMetadata.constructor('return process')().pid);
      attempt('viaClaim', () => api.idToken.setCustomClaim.constructor.constructor('return require')()('child_process'));
      attempt('exit', () => process.exit(1));
      attempt('kill', () => process.kill(process.pid));
      try { await import('node:fs'); r.import = 'loaded'; } catch (e) { r.import = 'blocked'; }
      api.accessToken.setCustomClaim('${NS}escape', r);
    `,
    );
    await bind('escape');
    const res = await realmLogin();
    expect(res.status).toBe(200);
    const r = decodeJwt(res.body.access_token)[`${NS}escape`] as Record<string, string>;
    expect(r).toEqual({
      require: 'blocked',
      env: 'blocked',
      ctor: 'blocked',
      viaEvent: 'blocked',
      viaApi: 'blocked',
      viaClaim: 'blocked',
      exit: 'blocked',
      kill: 'blocked',
      import: 'blocked',
    });
    // Still serving.
    expect((await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).status).toBe(200);
    await bind();
  });
});
