import { createHash, X509Certificate } from 'node:crypto';
import type { ManagementClient } from 'auth0';
import { managementClient } from '../helpers/management-client.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  authorizeInBrowser,
  CALLBACK,
  createUser,
  createWebClient,
  loginWithCode,
  type TestClient,
  type TestUser,
} from '../helpers/user-flows.js';

const SPA_ORIGIN = 'http://localhost:5173';
const EVIL = 'http://evil.example';

describe('browser apps: CORS, /userinfo?access_token=, x5c', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let ann: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    web = await createWebClient(mgmt, { web_origins: [SPA_ORIGIN], allowed_origins: ['https://*.apps.example'] });
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann' });
  });
  afterAll(() => t.cleanup());

  const preflight = (path: string, origin: string) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'auth0-client,content-type' },
    });

  it('answers preflights for an allowed origin, and a bare 204 for any other', async () => {
    for (const path of ['/oauth/token', '/userinfo', '/oauth/revoke']) {
      const ok = await preflight(path, SPA_ORIGIN);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/Auth0-Client/);
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
      expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
      const bad = await preflight(path, EVIL);
      expect(bad.status).toBe(204);
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    }
    const wildcard = await preflight('/oauth/token', 'https://a.apps.example');
    expect(wildcard.headers.get('access-control-allow-origin')).toBe('https://a.apps.example');
    const docs = await preflight('/.well-known/openid-configuration', EVIL);
    expect(docs.headers.get('access-control-allow-origin')).toBe('*');
    // A client's new web origin is allowed at once, and a removed one refused.
    const other = await createWebClient(mgmt, { web_origins: ['http://new.example'] });
    expect((await preflight('/oauth/token', 'http://new.example')).headers.get('access-control-allow-origin')).toBe('http://new.example');
    await mgmt.clients.update(other.id, { web_origins: [] });
    expect((await preflight('/oauth/token', 'http://new.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed origin read token responses on both token pipelines, and refuses another origin without spending the code', async () => {
    for (const path of ['/oauth/token', '/oauth/token/']) {
      const run = await authorizeInBrowser(t, web, { scope: 'openid profile', email: ann.email });
      const code = run.callback!.searchParams.get('code')!;
      const body = {
        grant_type: 'authorization_code',
        client_id: web.id,
        client_secret: web.secret,
        code,
        code_verifier: run.verifier,
        redirect_uri: CALLBACK,
      };
      const refused = await http(t.baseUrl, 'POST', path, { body, headers: { origin: EVIL } });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'access_denied' });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const ok = await http(t.baseUrl, 'POST', path, { body, headers: { origin: SPA_ORIGIN } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      expect(ok.headers.get('vary')).toMatch(/Origin/);
      // An error for an allowed origin is readable too (the SDK shows it).
      const again = await http(t.baseUrl, 'POST', path, { body, headers: { origin: SPA_ORIGIN } });
      expect(again.status).toBe(403);
      expect(again.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    }
    const logs = await http(t.baseUrl, 'GET', '/api/v2/logs?q=type:fcoa', { token: await t.adminToken() });
    expect(logs.body.length).toBeGreaterThan(0);
    expect(logs.body[0].description).toMatch(/not in the allowed origins/);
  });

  it('answers /userinfo with the token in the query (passport-auth0), privately, and with CORS for the token client only', async () => {
    const { tokens } = await loginWithCode(t, web, { scope: 'openid profile email', email: ann.email });
    const viaQuery = await http(t.baseUrl, 'GET', `/userinfo?access_token=${encodeURIComponent(tokens.access_token)}`, {
      headers: { origin: SPA_ORIGIN },
    });
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body).toMatchObject({ sub: ann.userId, email: 'ann@example.com' });
    expect(viaQuery.headers.get('cache-control')).toMatch(/private/);
    expect(viaQuery.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    const evil = await http(t.baseUrl, 'GET', '/userinfo', { token: tokens.access_token, headers: { origin: EVIL } });
    expect(evil.status).toBe(200);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const both = await http(t.baseUrl, 'GET', `/userinfo?access_token=${encodeURIComponent(tokens.access_token)}`, {
      token: tokens.access_token,
    });
    expect(both.status).toBe(400);
    const revokeRefused = await http(t.baseUrl, 'POST', '/oauth/revoke', {
      body: { client_id: web.id, client_secret: web.secret, token: tokens.refresh_token ?? 'x' },
      headers: { origin: EVIL },
    });
    expect(revokeRefused.status).toBe(403);
    const revoked = await http(t.baseUrl, 'POST', '/oauth/revoke', {
      body: { client_id: web.id, client_secret: web.secret, token: 'x' },
      headers: { origin: SPA_ORIGIN },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
  });

  it('publishes x5c and x5t for every signing key, matching the key and the Management API certificate, through a rotation', async () => {
    const checkJwks = async () => {
      for (const path of ['/.well-known/jwks.json', '/.well-known/jwks.json/']) {
        const jwks = await http(t.baseUrl, 'GET', path);
        expect(jwks.body.keys.length).toBeGreaterThanOrEqual(2);
        for (const key of jwks.body.keys) {
          const cert = new X509Certificate(Buffer.from(key.x5c[0], 'base64'));
          expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: key.n, e: key.e });
          expect(cert.verify(cert.publicKey)).toBe(true);
          expect(key.x5t).toBe(createHash('sha1').update(cert.raw).digest('base64url'));
          expect(cert.subject).toContain(`CN=${new URL(t.issuer).hostname}`);
        }
      }
    };
    await checkJwks();
    const before = (await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect((await http(t.baseUrl, 'POST', '/api/v2/keys/signing/rotate', { token: await t.adminToken() })).status).toBe(201);
    const after = (await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(after).not.toEqual(before);
    await checkJwks();
    const keys = await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token: await t.adminToken() });
    const jwks = await http(t.baseUrl, 'GET', '/.well-known/jwks.json');
    const current = keys.body.find((k: { current?: boolean }) => k.current);
    const published = jwks.body.keys.find((k: { kid: string }) => k.kid === current.kid);
    expect(new X509Certificate(current.cert).raw.toString('base64')).toBe(published.x5c[0]);
  });
});
