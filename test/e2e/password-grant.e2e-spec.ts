import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, createWebClient, PASSWORD, type TestClient, type TestUser } from '../helpers/user-flows.js';

const API = 'https://ropg.api.example';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

describe('password and password-realm grants', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let ann: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({
      identifier: API,
      name: 'ROPG API',
      allow_offline_access: true,
      scopes: [{ value: 'read:a' }, { value: 'write:a' }],
    });
    web = await createWebClient(mgmt);
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const password = (form: Record<string, string>, client: TestClient = web) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: client.id,
      ...(client.secret ? { client_secret: client.secret } : {}),
      username: ann.email,
      password: PASSWORD,
      ...form,
    });

  it('issues tokens for the tenant database connection, with the audience rules of every user flow', async () => {
    const res = await password({ audience: API, scope: 'openid profile offline_access read:a' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`));
    const at = await jwtVerify(res.body.access_token, jwks, { issuer: t.issuer, audience: API });
    expect(at.payload).toMatchObject({
      aud: [API, `${t.issuer}userinfo`],
      sub: ann.userId,
      azp: web.id,
      scope: 'openid profile offline_access read:a',
    });
    expect(at.payload.gty).toBeUndefined();
    const id = await jwtVerify(res.body.id_token, jwks, { issuer: t.issuer, audience: web.id });
    expect(id.payload).toMatchObject({ sub: ann.userId, name: 'Ann' });
    expect(id.payload.nonce).toBeUndefined();

    const info = await http(t.baseUrl, 'GET', '/userinfo', { token: res.body.access_token });
    expect(info.body).toMatchObject({ sub: ann.userId, name: 'Ann' });
  });

  it('asks for every scope of the API when no scope is given, and gives an opaque token without an API', async () => {
    const all = await password({ audience: API });
    expect(all.body.scope).toBe('read:a write:a');
    expect(decodeJwt(all.body.access_token).aud).toBe(API);

    const opaque = await password({ scope: 'openid' });
    expect(opaque.body.access_token.split('.')).toHaveLength(5);
    expect((await http(t.baseUrl, 'GET', '/userinfo', { token: opaque.body.access_token })).body).toEqual({ sub: ann.userId });
  });

  it('password-realm names the connection in realm', async () => {
    const ok = await password({ grant_type: REALM_GRANT, realm: 'Username-Password-Authentication', scope: 'openid' });
    expect(ok.status).toBe(200);
    expectOAuthError(
      await password({ grant_type: REALM_GRANT, scope: 'openid' }),
      400,
      'invalid_request',
      'Missing required parameter: realm',
    );
    expectOAuthError(await password({ grant_type: REALM_GRANT, realm: 'other-db' }), 400, 'invalid_request', /Unknown realm/);
  });

  it('uses the tenant default_directory for the password grant', async () => {
    await mgmt.tenants.settings.update({ default_directory: 'Username-Password-Authentication' });
    expect((await password({ scope: 'openid' })).status).toBe(200);
    await mgmt.tenants.settings.update({ default_directory: 'ldap-directory' });
    expectOAuthError(await password({ scope: 'openid' }), 400, 'invalid_request', /default_directory/);
    await mgmt.tenants.settings.update({ default_directory: '' });
  });

  it('answers a wrong password and an unknown user alike: 403 invalid_grant', async () => {
    const wrong = await password({ password: 'Wrong-Password-1' });
    const unknown = await password({ username: 'nobody@example.com' });
    for (const res of [wrong, unknown]) {
      expectOAuthError(res, 403, 'invalid_grant', 'Wrong email or password.');
    }
  });

  it('refuses a blocked user with 401 unauthorized, after the password check', async () => {
    const bob = await createUser(mgmt, 'bob@example.com', { blocked: true });
    expectOAuthError(await password({ username: bob.email }), 401, 'unauthorized', 'user is blocked');
    expectOAuthError(
      await password({ username: bob.email, password: 'Wrong-Password-1' }),
      403,
      'invalid_grant',
      'Wrong email or password.',
    );
  });

  it('is only for clients that enable it, and never for third-party clients', async () => {
    const noGrant = await createWebClient(mgmt, { name: 'No ROPG', grant_types: ['authorization_code'] });
    expectOAuthError(await password({}, noGrant), 403, 'unauthorized_client', "Grant type 'password' not allowed for the client.");
    const third = await createWebClient(mgmt, { name: 'Partner', is_first_party: false });
    expectOAuthError(await password({}, third), 403, 'unauthorized_client', /Third-party/);
    expectOAuthError(await password({}, { id: web.id, secret: 'wrong' }), 401, 'invalid_client');
  });

  it('refuses missing credentials and unknown audiences', async () => {
    expectOAuthError(await password({ username: '' }), 400, 'invalid_request', 'Missing required parameter: username');
    expectOAuthError(await password({ password: '' }), 400, 'invalid_request', 'Missing required parameter: password');
    expectOAuthError(await password({ audience: 'https://nope.example' }), 403, 'access_denied', 'Service not found: https://nope.example');
  });

  it('counts logins on the user', async () => {
    const before = await mgmt.users.get(ann.userId);
    await password({ scope: 'openid' });
    const after = await mgmt.users.get(ann.userId);
    expect(after.logins_count).toBe((before.logins_count ?? 0) + 1);
    expect(typeof after.last_login).toBe('string');
  });
});
