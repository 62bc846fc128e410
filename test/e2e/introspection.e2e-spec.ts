import { decodeJwt, SignJWT } from 'jose';
import { respellings } from '../helpers/attack-tokens.js';
import { expectOAuthError } from '../helpers/expect-error.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

type Client = { client_id: string; client_secret: string };

/** RFC 7662 at /oauth/introspect: who may ask, and which tokens are active. */
describe('/oauth/introspect', () => {
  let t: TestApp;
  let admin: string;
  let caller: Client;
  let hsSecret: string;

  const introspect = async (token: string, c: Client = caller) =>
    (await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: c.client_id, client_secret: c.client_secret })).body;
  const tokenFor = async (audience: string) => {
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: caller.client_id,
      client_secret: caller.client_secret,
      audience,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    admin = await t.adminToken();
    caller = (
      await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name: 'Introspector', app_type: 'non_interactive' } })
    ).body;
    const hs = await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
      token: admin,
      body: { name: 'Hs', identifier: 'https://hs.example', signing_alg: 'HS256' },
    });
    hsSecret = hs.body.signing_secret;
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
      token: admin,
      body: { name: 'Opaque', identifier: 'https://opaque.example', access_token_format: 'opaque' },
    });
    for (const audience of ['https://hs.example', 'https://opaque.example']) {
      await http(t.baseUrl, 'POST', '/api/v2/client-grants', { token: admin, body: { client_id: caller.client_id, audience, scope: [] } });
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers a caller without client authentication 401 invalid_client with a Basic challenge (RFC 7662 §2.1)', async () => {
    const token = await tokenFor('https://hs.example');
    const anonymous = await postForm(t.baseUrl, '/oauth/introspect', { token });
    expectOAuthError(anonymous, 401, 'invalid_client');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);

    const wrongSecret = await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: caller.client_id, client_secret: 'wrong' });
    expectOAuthError(wrongSecret, 401, 'invalid_client');
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic realm=/);

    const spa = (await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name: 'Spa', app_type: 'spa' } })).body;
    const publicClient = await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: spa.client_id });
    expectOAuthError(publicClient, 401, 'invalid_client');
    expect(publicClient.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('applies the resource side typ rule to HS256 tokens: a DPoP proof or logout token is never an active access token', async () => {
    const genuine = await tokenFor('https://hs.example');
    expect((await introspect(genuine)).active).toBe(true);
    const claims = decodeJwt(genuine);
    const resign = (typ: string) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ }).sign(new TextEncoder().encode(hsSecret));
    const results: Record<string, boolean> = {};
    for (const typ of ['JWT', 'at+jwt', 'application/at+jwt', 'dpop+jwt', 'logout+jwt', 'secevent+jwt', 'JOSE']) {
      results[typ] = (await introspect(await resign(typ))).active;
    }
    expect(results).toEqual({
      JWT: true,
      'at+jwt': true,
      'application/at+jwt': true,
      'dpop+jwt': false,
      'logout+jwt': false,
      'secevent+jwt': false,
      JOSE: false,
    });
  });

  it('knows a token by one spelling only: HS256 and opaque tokens respelled are inactive, before and after revocation', async () => {
    const hs = await tokenFor('https://hs.example');
    const opaque = await tokenFor('https://opaque.example');
    const spelled = {
      ...respellings(hs),
      ...Object.fromEntries(Object.entries(respellings(`x.${opaque}`)).map(([k, v]) => [`opaque ${k}`, v.slice(2)])),
    };
    expect((await introspect(hs)).active).toBe(true);
    expect((await introspect(opaque)).active).toBe(true);
    const results: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(spelled)) {
      results[name] = await introspect(token);
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(spelled).map((k) => [k, { active: false }])));
    // Revoking the token revokes the only string that ever worked.
    expect(
      (await postForm(t.baseUrl, '/oauth/revoke', { token: opaque, client_id: caller.client_id, client_secret: caller.client_secret }))
        .status,
    ).toBe(200);
    expect(await introspect(opaque)).toEqual({ active: false });
  });
});
