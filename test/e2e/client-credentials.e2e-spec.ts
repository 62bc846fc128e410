import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ManagementClient } from 'auth0';
import express from 'express';
import { auth, type AuthOptions } from 'express-oauth2-jwt-bearer';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { DataSource, type QueryRunner } from 'typeorm';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

const RS = 'https://rs256.api.example';
const PS = 'https://ps256.api.example';
const HS = 'https://hs256.api.example';

describe('client credentials', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let adminToken: string;
  let worker: { id: string; secret: string };
  let hsSecret: string;

  beforeAll(async () => {
    // One process: no cross-process cache poll, whose aggregate read of the cached tables would show up
    // in the warm-path test below whenever the machine is slow enough for it to fire mid-loop.
    t = await startTestApp({ CACHE_POLL_MS: '0' });
    adminToken = await t.adminToken();
    mgmt = managementClient(t.baseUrl, adminToken);
    const scopes = [{ value: 'read:things' }, { value: 'write:things' }, { value: 'delete:things' }];
    await mgmt.resourceServers.create({ identifier: RS, name: 'RS', signing_alg: 'RS256', scopes, token_lifetime: 3600 });
    await mgmt.resourceServers.create({ identifier: PS, name: 'PS', signing_alg: 'PS256', scopes, token_dialect: 'rfc9068_profile_authz' });
    const hs = await mgmt.resourceServers.create({
      identifier: HS,
      name: 'HS',
      signing_alg: 'HS256',
      scopes,
      token_dialect: 'access_token_authz',
    });
    hsSecret = hs.signing_secret!;
    const c = await mgmt.clients.create({ name: 'Worker', app_type: 'non_interactive' });
    worker = { id: c.client_id!, secret: c.client_secret! };
    for (const audience of [RS, PS, HS]) {
      await mgmt.clientGrants.create({ client_id: worker.id, audience, scope: ['read:things', 'write:things'] });
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const form = (body: Record<string, string>, headers: Record<string, string> = {}) => postForm(t.baseUrl, '/oauth/token', body, headers);
  const cc = (extra: Record<string, string> = {}) =>
    form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret, audience: RS, ...extra });
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  async function discover(clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(t.issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  }

  /** A real Express 5 API protected by express-oauth2-jwt-bearer, on loopback. */
  async function protectedApi(options: AuthOptions): Promise<{ url: string; close: () => Promise<void> }> {
    const app = express();
    app.get('/things', auth(options), (req, res) => {
      res.json({ sub: req.auth?.payload.sub });
    });
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ error: 'rejected' });
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }
  const call = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

  describe('with the official clients', () => {
    it('openid-client discovers Tessera and obtains RS256, PS256 and HS256 tokens', async () => {
      const config = await discover(worker.id, oidc.ClientSecretPost(worker.secret));
      expect(config.serverMetadata().issuer).toBe(t.issuer);
      for (const audience of [RS, PS, HS]) {
        const tokens = await oidc.clientCredentialsGrant(config, { audience, scope: 'read:things' });
        expect(tokens.token_type).toBe('bearer');
        expect(tokens.scope).toBe('read:things');
        expect(decodeJwt(tokens.access_token).aud).toBe(audience);
      }
    });

    it('express-oauth2-jwt-bearer accepts RS256 and PS256 tokens via discovery and the JWKS, and rejects the wrong audience', async () => {
      const config = await discover(worker.id, oidc.ClientSecretPost(worker.secret));
      const rsToken = (await oidc.clientCredentialsGrant(config, { audience: RS })).access_token;
      const psToken = (await oidc.clientCredentialsGrant(config, { audience: PS })).access_token;
      const rsApi = await protectedApi({ issuerBaseURL: t.issuer, audience: RS });
      const psApi = await protectedApi({ issuerBaseURL: t.issuer, audience: PS });
      try {
        const ok = await call(rsApi.url, rsToken);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({ sub: `${worker.id}@clients` });
        expect((await call(psApi.url, psToken)).status).toBe(200);
        expect((await call(rsApi.url, psToken)).status).toBe(401);
        expect((await call(psApi.url, rsToken)).status).toBe(401);
        expect((await call(rsApi.url, `${rsToken.slice(0, -4)}AAAA`)).status).toBe(401);
      } finally {
        await rsApi.close();
        await psApi.close();
      }
    });

    it("express-oauth2-jwt-bearer accepts an HS256 token with the API's secret and rejects the wrong audience", async () => {
      const config = await discover(worker.id, oidc.ClientSecretPost(worker.secret));
      const hsToken = (await oidc.clientCredentialsGrant(config, { audience: HS })).access_token;
      const rsToken = (await oidc.clientCredentialsGrant(config, { audience: RS })).access_token;
      const hsApi = await protectedApi({ issuer: t.issuer, audience: HS, secret: hsSecret, tokenSigningAlg: 'HS256' });
      const wrongAud = await protectedApi({
        issuer: t.issuer,
        audience: 'https://other.example',
        secret: hsSecret,
        tokenSigningAlg: 'HS256',
      });
      try {
        expect((await call(hsApi.url, hsToken)).status).toBe(200);
        expect((await call(wrongAud.url, hsToken)).status).toBe(401);
        expect((await call(hsApi.url, rsToken)).status).toBe(401);
      } finally {
        await hsApi.close();
        await wrongAud.close();
      }
    });

    it('jose verifies RS256 and PS256 tokens against createRemoteJWKSet(jwks_uri)', async () => {
      const config = await discover(worker.id, oidc.ClientSecretPost(worker.secret));
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
      for (const [audience, alg] of [
        [RS, 'RS256'],
        [PS, 'PS256'],
      ]) {
        const token = (await oidc.clientCredentialsGrant(config, { audience })).access_token;
        const { protectedHeader, payload } = await jwtVerify(token, jwks, { issuer: t.issuer, audience, algorithms: [alg] });
        expect(protectedHeader.alg).toBe(alg);
        expect(payload.sub).toBe(`${worker.id}@clients`);
      }
    });

    it('client_secret_basic: openid-client form-encodes the credentials and Tessera decodes them', async () => {
      const c = await mgmt.clients.create({
        name: 'Basic one',
        app_type: 'non_interactive',
        token_endpoint_auth_method: 'client_secret_basic',
      });
      const secret = "s3cr:t+with %/&=é~'*chars-0123456789";
      await mgmt.clients.update(c.client_id!, { client_secret: secret });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: RS, scope: ['read:things'] });
      const config = await discover(c.client_id!, oidc.ClientSecretBasic(secret));
      const tokens = await oidc.clientCredentialsGrant(config, { audience: RS });
      expect(decodeJwt(tokens.access_token).azp).toBe(c.client_id);
      expect(tokens.scope).toBe('read:things');
    });
  });

  describe('the token', () => {
    it('RS256, access_token dialect: Auth0 claims, typ JWT, the tenant kid', async () => {
      const res = await cc();
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read:things write:things',
      });
      const header = decodeProtectedHeader(res.body.access_token);
      const jwks = (await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body.keys as { kid: string }[];
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwks[0].kid });
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toEqual({
        iss: t.issuer,
        sub: `${worker.id}@clients`,
        aud: RS,
        iat: expect.any(Number),
        exp: (claims.iat as number) + 3600,
        jti: expect.any(String),
        scope: 'read:things write:things',
        gty: 'client-credentials',
        azp: worker.id,
      });
    });

    it('PS256, rfc9068_profile_authz: typ at+jwt, client_id and permissions', async () => {
      const res = await cc({ audience: PS, scope: 'write:things' });
      expect(res.status).toBe(200);
      expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ alg: 'PS256', typ: 'at+jwt' });
      expect(decodeJwt(res.body.access_token)).toMatchObject({
        aud: PS,
        client_id: worker.id,
        scope: 'write:things',
        permissions: ['write:things'],
        gty: 'client-credentials',
        exp: expect.any(Number),
      });
      expect(res.body.expires_in).toBe(86400);
    });

    it('HS256, access_token_authz: signed with the API secret, permissions, no kid', async () => {
      const res = await cc({ audience: HS });
      const header = decodeProtectedHeader(res.body.access_token);
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      const { payload } = await jwtVerify(res.body.access_token, new TextEncoder().encode(hsSecret), {
        issuer: t.issuer,
        audience: HS,
        algorithms: ['HS256'],
      });
      expect(payload.permissions).toEqual(['read:things', 'write:things']);
      expect(payload).not.toHaveProperty('client_id');
    });

    it('accepts a JSON body and RFC 8707 resource', async () => {
      const json = await http(t.baseUrl, 'POST', '/oauth/token', {
        body: { grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret, resource: PS },
      });
      expect(json.status).toBe(200);
      expect(decodeJwt(json.body.access_token).aud).toBe(PS);
      const same = await cc({ audience: RS, resource: RS });
      expect(decodeJwt(same.body.access_token).aud).toBe(RS);
    });

    it('narrows scopes on request, and grants all when none is asked', async () => {
      expect((await cc({ scope: 'write:things' })).body.scope).toBe('write:things');
      expect((await cc({ scope: 'write:things read:things' })).body.scope).toBe('write:things read:things');
      expect((await cc()).body.scope).toBe('read:things write:things');
    });

    it('omits scope when the grant holds none', async () => {
      const c = await mgmt.clients.create({ name: 'No scopes', app_type: 'non_interactive' });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: RS, scope: [] });
      const res = await form({ grant_type: 'client_credentials', client_id: c.client_id!, client_secret: c.client_secret!, audience: RS });
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('scope');
      expect(decodeJwt(res.body.access_token)).not.toHaveProperty('scope');
    });

    it('falls back to the Default Audience', async () => {
      expectOAuthError(
        await form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret }),
        403,
        'access_denied',
        'No audience parameter was provided, and no default audience has been configured',
      );
      await mgmt.tenants.settings.update({ default_audience: PS });
      try {
        const res = await form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret });
        expect(res.status).toBe(200);
        expect(decodeJwt(res.body.access_token).aud).toBe(PS);
      } finally {
        await mgmt.tenants.settings.update({ default_audience: '' });
      }
    });
  });

  describe('errors', () => {
    it('invalid_client: unknown client or wrong secret (401), with WWW-Authenticate for Basic', async () => {
      const unknown = await form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', audience: RS });
      expectOAuthError(unknown, 401, 'invalid_client');
      expect(unknown.headers.get('cache-control')).toBe('no-store');
      expectOAuthError(await cc({ client_secret: `${worker.secret}x` }), 401, 'invalid_client');
      expectOAuthError(await form({ grant_type: 'client_credentials', client_id: worker.id, audience: RS }), 401, 'invalid_client');

      const wrongBasic = await form({ grant_type: 'client_credentials', audience: RS }, { authorization: basic(worker.id, 'wrong') });
      expectOAuthError(wrongBasic, 401, 'invalid_client');
      expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
      const malformed = await form({ grant_type: 'client_credentials', audience: RS }, { authorization: 'Basic !!!' });
      expectOAuthError(malformed, 401, 'invalid_client');
      expect(malformed.headers.get('www-authenticate')).toMatch(/^Basic /);

      const viaBasic = await form({ grant_type: 'client_credentials', audience: RS }, { authorization: basic(worker.id, worker.secret) });
      expect(viaBasic.status).toBe(200);
    });

    it('unauthorized_client: the client may not use client_credentials', async () => {
      const web = await mgmt.clients.create({ name: 'Web only', app_type: 'regular_web', grant_types: ['authorization_code'] });
      await mgmt.clientGrants.create({ client_id: web.client_id!, audience: RS, scope: [] });
      expectOAuthError(
        await form({ grant_type: 'client_credentials', client_id: web.client_id!, client_secret: web.client_secret!, audience: RS }),
        403,
        'unauthorized_client',
        "Grant type 'client_credentials' not allowed for the client.",
      );
      const spa = await mgmt.clients.create({ name: 'SPA', app_type: 'spa', grant_types: ['client_credentials'] });
      expectOAuthError(
        await form({ grant_type: 'client_credentials', client_id: spa.client_id!, audience: RS }),
        403,
        'unauthorized_client',
      );
    });

    it('access_denied: no grant for the audience, unknown audience, scope not granted', async () => {
      const loner = await mgmt.clients.create({ name: 'Loner', app_type: 'non_interactive' });
      expectOAuthError(
        await form({ grant_type: 'client_credentials', client_id: loner.client_id!, client_secret: loner.client_secret!, audience: RS }),
        403,
        'access_denied',
        `Client "${loner.client_id}" is not authorized to access resource server "${RS}".`,
      );
      expectOAuthError(
        await cc({ audience: 'https://unknown.example' }),
        403,
        'access_denied',
        'Service not found: https://unknown.example',
      );
      expectOAuthError(
        await cc({ scope: 'read:things delete:things' }),
        403,
        'access_denied',
        'Client has not been granted scopes: delete:things',
      );
    });

    it('invalid_request: content type, missing grant_type, repeated or conflicting parameters', async () => {
      const text = await fetch(`${t.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'grant_type=client_credentials',
      });
      expectOAuthError({ status: text.status, body: await text.json() }, 400, 'invalid_request');
      expectOAuthError(
        await form({ client_id: worker.id, client_secret: worker.secret }),
        400,
        'invalid_request',
        'Missing required parameter: grant_type',
      );
      const repeated = await fetch(`${t.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${worker.id}&client_secret=${worker.secret}&audience=${encodeURIComponent(RS)}&audience=${encodeURIComponent(PS)}`,
      });
      expectOAuthError({ status: repeated.status, body: await repeated.json() }, 400, 'invalid_request');
      expectOAuthError(await cc({ audience: RS, resource: PS }), 400, 'invalid_request');
      expectOAuthError(
        await form(
          { grant_type: 'client_credentials', client_secret: worker.secret, audience: RS },
          { authorization: basic(worker.id, worker.secret) },
        ),
        400,
        'invalid_request',
      );
    });

    it('unsupported_grant_type', async () => {
      const res = await cc({ grant_type: 'urn:example:magic' });
      expectOAuthError(res, 400, 'unsupported_grant_type');
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('a rejected request changes nothing', async () => {
      const snapshot = async () => [
        (await http(t.baseUrl, 'GET', `/api/v2/clients/${worker.id}`, { token: adminToken })).body,
        (await http(t.baseUrl, 'GET', `/api/v2/client-grants?client_id=${worker.id}`, { token: adminToken })).body,
        (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: adminToken })).body,
        (await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body,
      ];
      const before = await snapshot();
      await cc({ client_secret: 'wrong' });
      await cc({ scope: 'delete:things' });
      await cc({ audience: 'https://unknown.example' });
      await cc({ grant_type: 'password' });
      expect(await snapshot()).toEqual(before);
      expect((await cc()).status).toBe(200);
    });
  });

  it('serves warm token requests from memory: no reads of clients, grants, APIs, keys or tenants', async () => {
    await cc();
    await cc({ audience: HS });
    const ds = t.app.get(DataSource);
    const seen: string[] = [];
    const watch = (qr: QueryRunner): QueryRunner => {
      const marked = qr as QueryRunner & { __watched?: boolean };
      if (!marked.__watched) {
        const query = qr.query.bind(qr);
        qr.query = ((sql: string, ...rest: unknown[]) => {
          seen.push(sql);
          return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
        }) as QueryRunner['query'];
        marked.__watched = true;
      }
      return qr;
    };
    const original = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = ((...args: Parameters<DataSource['createQueryRunner']>) =>
      watch(original(...args))) as DataSource['createQueryRunner'];
    const cached = /\b(clients|client_grants|resource_servers|signing_keys|tenants|tenant_domains)\b/;
    try {
      // Control: an audience never asked for is read once from the database, so the watch does see reads.
      expectOAuthError(await cc({ audience: 'https://cold.example' }), 403, 'access_denied');
      expect(seen.some((sql) => /resource_servers/.test(sql))).toBe(true);
      seen.length = 0;
      for (let i = 0; i < 10; i++) {
        expect((await cc({ audience: i % 2 ? HS : RS })).status).toBe(200);
      }
    } finally {
      ds.createQueryRunner = original;
    }
    expect(seen.filter((sql) => cached.test(sql))).toEqual([]);
  });
});
