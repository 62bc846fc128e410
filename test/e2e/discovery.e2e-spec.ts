import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('discovery and JWKS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('serves complete, cacheable OpenID Provider metadata', async () => {
    const res = await http(t.baseUrl, 'GET', '/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = res.body;
    expect(doc).toMatchObject({
      issuer: t.issuer,
      authorization_endpoint: `${t.issuer}authorize`,
      token_endpoint: `${t.issuer}oauth/token`,
      userinfo_endpoint: `${t.issuer}userinfo`,
      jwks_uri: `${t.issuer}.well-known/jwks.json`,
      subject_types_supported: ['public'],
    });
    expect(doc.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'PS256']));
    expect(doc.id_token_signing_alg_values_supported).not.toContain('none');
    expect(doc.grant_types_supported).toContain('client_credentials');
    expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(doc.response_types_supported).toContain('code');
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat']));
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('answers the exact paths (served before Express) as the routed spellings, HEAD without a body', async () => {
    const strip = (h: Headers) =>
      Object.fromEntries([...h].filter(([k]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(k)));
    for (const path of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const fast = await fetch(`${t.baseUrl}${path}?ignored=1`);
      const routed = await fetch(`${t.baseUrl}${path}/`); // a trailing slash goes through Express and Nest
      expect([fast.status, routed.status]).toEqual([200, 200]);
      expect(strip(fast.headers)).toEqual(strip(routed.headers));
      expect(await fast.text()).toBe(await routed.text());
      const head = await fetch(`${t.baseUrl}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(fast.headers.get('content-length'));
      expect(await head.text()).toBe('');
    }
    // Other methods are not served there.
    expect((await fetch(`${t.baseUrl}/.well-known/jwks.json`, { method: 'POST' })).status).toBe(404);
  });

  it('is what openid-client discovers', async () => {
    const config = await oidc.discovery(new URL(t.issuer), ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata()).toMatchObject({ issuer: t.issuer, token_endpoint: `${t.issuer}oauth/token` });
  });

  it('publishes the current and next keys: RSA, public members and certificate only, no alg pin, kid = RFC 7638 thumbprint', async () => {
    const res = await http(t.baseUrl, 'GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const keys = res.body.keys as JWK[];
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(['e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t']);
      expect(k).toMatchObject({ kty: 'RSA', use: 'sig' });
      expect(k.kid).toBe(await calculateJwkThumbprint(k, 'sha256'));
      const key = createPublicKey({ key: { kty: 'RSA', n: k.n!, e: k.e! }, format: 'jwk' });
      expect(key.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    }
  });

  it('lets jose verify PS256 as well as RS256 tokens with the same RSA key', async () => {
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({ identifier: 'https://ps.discovery.example', signing_alg: 'PS256' });
    await mgmt.clientGrants.create({ client_id: ADMIN_CLIENT_ID, audience: 'https://ps.discovery.example', scope: [] });
    const config = await oidc.discovery(new URL(t.issuer), ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    for (const audience of ['https://ps.discovery.example', t.managementAudience]) {
      const { access_token } = await oidc.clientCredentialsGrant(config, { audience });
      const { protectedHeader } = await jwtVerify(access_token, jwks, { issuer: t.issuer, audience });
      expect(protectedHeader.alg).toBe(audience === t.managementAudience ? 'RS256' : 'PS256');
    }
  });
});
