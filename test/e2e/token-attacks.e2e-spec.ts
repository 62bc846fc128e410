import { SignJWT } from 'jose';
import { hostileTokens, tenantKey } from '../helpers/attack-tokens.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Every place Tessera accepts a token refuses each hostile variant, and accepts the well-formed control. */
describe('algorithm and token attacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('Management API: 401 for every hostile token', async () => {
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), {
      iss: t.issuer,
      aud: t.managementAudience,
      sub: 'attacker@clients',
      scope: 'read:resource_servers',
    });
    expect((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: valid })).status).toBe(200);
    const results: Record<string, number> = {};
    for (const [name, token] of Object.entries(attacks)) {
      results[name] = (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token })).status;
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(attacks).map((k) => [k, 401])));
  });

  it('introspection: inactive for every hostile token', async () => {
    const admin = await t.adminToken();
    const client = (
      await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name: 'Introspector', app_type: 'non_interactive' } })
    ).body;
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
      token: admin,
      body: { name: 'Target', identifier: 'https://target.example' },
    });
    await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
      token: admin,
      body: { client_id: client.client_id, audience: 'https://target.example', scope: [] },
    });
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), {
      iss: t.issuer,
      aud: 'https://target.example',
      sub: 'x@clients',
      azp: 'x',
    });
    const ask = async (token: string) =>
      (await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: client.client_id, client_secret: client.client_secret })).body;
    expect((await ask(valid)).active).toBe(true);
    const results: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(attacks)) {
      results[name] = await ask(token);
    }
    // An oversize token is refused before it is read: the parameter itself is too long (RFC 6749 invalid_request).
    const expected = Object.fromEntries(Object.keys(attacks).map((k) => [k, { active: false }])) as Record<string, unknown>;
    expected['oversize token'] = { error: 'invalid_request', error_description: 'Parameter "token" is too long' };
    expect(results).toEqual(expected);
  });

  it('/userinfo: 401 invalid_token for every hostile token', async () => {
    const admin = await t.adminToken();
    const user = (
      await http(t.baseUrl, 'POST', '/api/v2/users', {
        token: admin,
        body: { email: 'victim@example.com', password: 'Correct-Horse-Battery-9', connection: 'Username-Password-Authentication' },
      })
    ).body;
    expect(user.user_id).toMatch(/^auth0\|/);
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), {
      iss: t.issuer,
      aud: `${t.issuer}userinfo`,
      sub: user.user_id,
      scope: 'openid email',
    });
    expect((await http(t.baseUrl, 'GET', '/userinfo', { token: valid })).body).toMatchObject({
      sub: user.user_id,
      email: 'victim@example.com',
    });
    const results: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(attacks)) {
      const res = await http(t.baseUrl, 'GET', '/userinfo', { token });
      results[name] = [res.status, res.body?.error];
    }
    const expected = Object.fromEntries(Object.keys(attacks).map((k) => [k, [401, 'invalid_token']])) as Record<string, unknown>;
    // Raw JSON in a bearer token is not even token68 syntax: RFC 6750 calls that a malformed request.
    expected['unencoded payload (b64: false)'] = [400, 'invalid_request'];
    expected['respelled: whitespace inside a segment'] = [400, 'invalid_request'];
    expected['respelled: trailing no-break space'] = [400, 'invalid_request'];
    expect(results).toEqual(expected);
  });

  it('id_token_hint at /oidc/logout: every hostile hint is refused (an expired hint is allowed by RP-Initiated Logout §2)', async () => {
    const admin = await t.adminToken();
    const app = (
      await http(t.baseUrl, 'POST', '/api/v2/clients', {
        token: admin,
        body: { name: 'Logout RP', app_type: 'regular_web', allowed_logout_urls: ['https://rp.example/bye'] },
      })
    ).body;
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), { iss: t.issuer, aud: app.client_id, sub: 'auth0|someone' });
    const logout = (hint: string) =>
      fetch(
        `${t.baseUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: 'https://rp.example/bye' })}`,
        {
          redirect: 'manual',
        },
      );
    const control = await logout(valid);
    expect([control.status, control.headers.get('location')]).toEqual([302, 'https://rp.example/bye']);
    const allowedBySpec = new Set(['expired', 'no exp']);
    // An access token is not an ID token, whatever its signature.
    const accessTokenAsHint = await new SignJWT({
      iss: t.issuer,
      aud: app.client_id,
      sub: 'auth0|someone',
      exp: Math.floor(Date.now() / 1000) + 600,
    })
      .setProtectedHeader({ alg: 'RS256', kid: tenantKey(t.app).kid, typ: 'at+jwt' })
      .sign(tenantKey(t.app).privateKey);
    expect((await logout(accessTokenAsHint)).status).toBe(400);
    const results: Record<string, number> = {};
    for (const [name, token] of Object.entries(attacks)) {
      if (!allowedBySpec.has(name)) {
        results[name] = (await logout(token)).status;
      }
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, 400])));
  });

  it('refresh_token grant: every hostile token (and a JWT in place of a refresh token) is invalid_grant', async () => {
    const admin = await t.adminToken();
    const app = (
      await http(t.baseUrl, 'POST', '/api/v2/clients', {
        token: admin,
        body: {
          name: 'Refresher',
          app_type: 'regular_web',
          grant_types: ['authorization_code', 'refresh_token'],
          callbacks: ['https://rp.example/cb'],
        },
      })
    ).body;
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), { iss: t.issuer, aud: app.client_id, sub: 'auth0|someone' });
    const results: Record<string, unknown> = {};
    for (const [name, token] of Object.entries({ ...attacks, 'a valid JWT': valid })) {
      const res = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: app.client_id,
        client_secret: app.client_secret,
      });
      results[name] = [res.status, res.body?.error];
    }
    // Auth0 answers invalid_grant with 403 on /oauth/token.
    const expected = Object.fromEntries(Object.keys(results).map((k) => [k, [403, 'invalid_grant']])) as Record<string, unknown>;
    expected['oversize token'] = [400, 'invalid_request'];
    expect(results).toEqual(expected);
  });
});
