import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ManagementClient } from 'auth0';
import express from 'express';
import { auth, type AuthOptions } from 'express-oauth2-jwt-bearer';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, createWebClient, loginWithCode, type TestClient, type TestUser } from '../helpers/user-flows.js';

const RS = 'https://rs.orders.example';
const HS = 'https://hs.legacy.example';

/** A real Express API protected by express-oauth2-jwt-bearer. */
async function protectedApi(options: AuthOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.get('/me', auth(options), (req, res) => {
    res.json({ sub: req.auth?.payload.sub, aud: req.auth?.payload.aud });
  });
  app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err.status ?? 500).json({ error: 'rejected' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('/userinfo and the access token formats', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let ann: TestUser;
  let hsSecret: string;
  let rsApi: { url: string; close: () => Promise<void> };
  let hsApi: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({ identifier: RS, name: 'Orders', signing_alg: 'RS256', scopes: [{ value: 'read:orders' }] });
    const hs = await mgmt.resourceServers.create({
      identifier: HS,
      name: 'Legacy',
      signing_alg: 'HS256',
      scopes: [{ value: 'read:legacy' }],
    });
    hsSecret = hs.signing_secret!;
    web = await createWebClient(mgmt);
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann Example', email_verified: true });
    rsApi = await protectedApi({ issuerBaseURL: t.issuer, audience: RS });
    hsApi = await protectedApi({ issuer: t.issuer, audience: HS, secret: hsSecret, tokenSigningAlg: 'HS256' });
  });
  afterAll(async () => {
    await rsApi.close();
    await hsApi.close();
    await t.cleanup();
  });

  const callApi = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const userinfo = (token: string) => http(t.baseUrl, 'GET', '/userinfo', { token });

  it('no audience and no Default Audience: an opaque token, valid at /userinfo only', async () => {
    const { run, tokens } = await loginWithCode(t, web, { scope: 'openid profile email', email: ann.email });
    expect(tokens.access_token.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    expect(tokens.expires_in).toBe(86400);

    const info = await oidc.fetchUserInfo(run.config, tokens.access_token, ann.userId);
    expect(info).toEqual({
      sub: ann.userId,
      name: 'Ann Example',
      nickname: 'ann',
      picture: expect.stringMatching(/^https:\/\//),
      updated_at: expect.any(String),
      email: 'ann@example.com',
      email_verified: true,
    });
    // POST with the token in the form body (RFC 6750 §2.2) answers the same.
    const posted = await postForm(t.baseUrl, '/userinfo', { access_token: tokens.access_token });
    expect(posted.body).toEqual(info);

    const res = await callApi(rsApi.url, tokens.access_token);
    expect(res.status).toBe(401);
  });

  it('a custom RS256 API with openid: a JWT for [api, userinfo], valid at both', async () => {
    const { run, tokens } = await loginWithCode(t, web, { scope: 'openid email read:orders', audience: RS, email: ann.email });
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toEqual([RS, `${t.issuer}userinfo`]);
    expect(claims.sub).toBe(ann.userId);
    expect(claims.gty).toBeUndefined();

    const api = await callApi(rsApi.url, tokens.access_token);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({ sub: ann.userId, aud: [RS, `${t.issuer}userinfo`] });
    expect(await oidc.fetchUserInfo(run.config, tokens.access_token, ann.userId)).toEqual({
      sub: ann.userId,
      email: 'ann@example.com',
      email_verified: true,
    });
  });

  it('a custom API without openid: the identifier alone, refused at /userinfo', async () => {
    const { tokens } = await loginWithCode(t, web, { scope: 'read:orders', audience: RS, email: ann.email });
    expect(decodeJwt(tokens.access_token).aud).toBe(RS);
    expect((await callApi(rsApi.url, tokens.access_token)).status).toBe(200);
    const res = await userinfo(tokens.access_token);
    expectOAuthError(res, 401, 'invalid_token', /audience does not include/);
  });

  it('an HS256 API with openid: a single-audience token; /userinfo explains why it refuses it', async () => {
    const { run, tokens } = await loginWithCode(t, web, { scope: 'openid profile read:legacy', audience: HS, email: ann.email });
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('HS256');
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).toBe(HS);
    expect(claims.scope).toBe('openid profile read:legacy');
    // The ID token is unaffected.
    expect(tokens.claims()?.sub).toBe(ann.userId);

    expect((await callApi(hsApi.url, tokens.access_token)).status).toBe(200);

    const res = await userinfo(tokens.access_token);
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.body.error_description).toMatch(/HS256 tokens can hold only one audience/);
    expect(res.body.error_description).toMatch(/Switch the API to RS256/);
    expect(res.body.error_description).toContain(HS);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token", error_description=".*HS256/);
    await expect(oidc.fetchUserInfo(run.config, tokens.access_token, ann.userId)).rejects.toBeInstanceOf(
      oidc.WWWAuthenticateChallengeError,
    );
  });

  it('the Default Audience applies when no audience is asked', async () => {
    await mgmt.tenants.settings.update({ default_audience: RS });
    try {
      const { run, tokens } = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      expect(decodeJwt(tokens.access_token).aud).toEqual([RS, `${t.issuer}userinfo`]);
      expect((await callApi(rsApi.url, tokens.access_token)).status).toBe(200);
      expect(await oidc.fetchUserInfo(run.config, tokens.access_token, ann.userId)).toEqual({ sub: ann.userId });
      // Asking for the userinfo audience explicitly still gives the opaque token.
      const explicit = await loginWithCode(t, web, { scope: 'openid', audience: `${t.issuer}userinfo`, email: ann.email });
      expect(explicit.tokens.access_token.split('.')).toHaveLength(5);
    } finally {
      await mgmt.tenants.settings.update({ default_audience: '' });
    }
  });

  describe('RFC 6750 errors', () => {
    it('asks for credentials without an error code when none are sent', async () => {
      const res = await http(t.baseUrl, 'GET', '/userinfo');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    });

    it('refuses a malformed header or two ways of sending the token with 400 invalid_request', async () => {
      const malformed = await http(t.baseUrl, 'GET', '/userinfo', { headers: { authorization: 'Bearer' } });
      expectOAuthError(malformed, 400, 'invalid_request');
      expect(malformed.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      const both = await postForm(t.baseUrl, '/userinfo', { access_token: 'abc' }, { authorization: 'Bearer abc' });
      expectOAuthError(both, 400, 'invalid_request', 'Use only one method to send the access token');
    });

    it('refuses garbage, tampered and foreign tokens with 401 invalid_token', async () => {
      const { tokens } = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const parts = tokens.access_token.split('.');
      parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith('AA') ? 'BB' : 'AA');
      const mgmtToken = await t.adminToken();
      for (const token of ['not-a-token', parts.join('.'), mgmtToken]) {
        const res = await userinfo(token);
        expectOAuthError(res, 401, 'invalid_token');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
      }
    });

    it('refuses the token of a deleted or blocked user', async () => {
      const zed = await createUser(mgmt, 'zed@example.com');
      const { tokens } = await loginWithCode(t, web, { scope: 'openid', email: zed.email });
      expect((await userinfo(tokens.access_token)).status).toBe(200);
      await mgmt.users.update(zed.userId, { blocked: true });
      expectOAuthError(await userinfo(tokens.access_token), 401, 'invalid_token', 'user is blocked');
      await mgmt.users.delete(zed.userId);
      expectOAuthError(await userinfo(tokens.access_token), 401, 'invalid_token');
    });
  });
});
