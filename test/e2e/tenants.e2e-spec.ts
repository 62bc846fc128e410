import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { hostRequest } from '../helpers/host-request.js';
import { managementClient } from '../helpers/management-client.js';
import { authorizeInBrowser, CALLBACK, createUser, createWebClient } from '../helpers/user-flows.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('many tenants on one server (Tessera extension /api/v2/tessera/tenants)', () => {
  let t: TestApp;
  let rootToken: string;
  let beta: { id: string; domain: string; aliases: string[]; issuer: string; admin_client: { client_id: string; client_secret: string } };

  const betaToken = async () => {
    const res = await hostRequest(t.baseUrl, beta.domain, 'POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: beta.admin_client.client_id,
        client_secret: beta.admin_client.client_secret,
        audience: `${beta.issuer}api/v2/`,
      },
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    rootToken = await t.adminToken();
    const port = new URL(t.baseUrl).port;
    const created = await http(t.baseUrl, 'POST', '/api/v2/tessera/tenants', {
      token: rootToken,
      body: { friendly_name: 'Beta', domain: `beta.test:${port}`, aliases: [`beta-alias.test:${port}`] },
    });
    expect(created.status).toBe(201);
    beta = created.body;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('returns the new tenant with its issuer and admin client once', async () => {
    const port = new URL(t.baseUrl).port;
    expect(beta).toMatchObject({
      friendly_name: 'Beta',
      domain: `beta.test:${port}`,
      aliases: [`beta-alias.test:${port}`],
      issuer: `http://beta.test:${port}/`,
    });
    expect(beta.admin_client.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    const again = await http(t.baseUrl, 'GET', `/api/v2/tessera/tenants/${beta.id}`, { token: rootToken });
    expect(again.status).toBe(200);
    expect(again.body.admin_client).toBeUndefined();
  });

  it('gives the new tenant its own discovery, keys and Management API', async () => {
    const disco = await hostRequest(t.baseUrl, beta.domain, 'GET', '/.well-known/openid-configuration');
    expect(disco.body.issuer).toBe(beta.issuer);
    const jwksBeta = await hostRequest(t.baseUrl, beta.domain, 'GET', '/.well-known/jwks.json');
    const jwksRoot = await http(t.baseUrl, 'GET', '/.well-known/jwks.json');
    const kids = (j: { keys: { kid: string }[] }) => j.keys.map((k) => k.kid);
    expect(kids(jwksBeta.body)).toHaveLength(2);
    expect(kids(jwksBeta.body).filter((k) => kids(jwksRoot.body).includes(k))).toEqual([]);

    const token = await betaToken();
    expect(decodeJwt(token)).toMatchObject({ iss: beta.issuer, aud: `${beta.issuer}api/v2/` });
    const list = await hostRequest(t.baseUrl, beta.domain, 'GET', '/api/v2/resource-servers', { token });
    expect(list.status).toBe(200);
    expect(list.body.map((r: { identifier: string }) => r.identifier)).toEqual([`${beta.issuer}api/v2/`]);
    // The alias routes to the same tenant, whose issuer stays its primary domain.
    const viaAlias = await hostRequest(t.baseUrl, beta.aliases[0], 'GET', '/.well-known/openid-configuration');
    expect(viaAlias.body.issuer).toBe(beta.issuer);
  });

  it('keeps tenants isolated: tokens, clients and APIs of one are useless on the other', async () => {
    const token = await betaToken();
    // Beta's Management token on the default tenant, and the reverse.
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token }), 401, 'invalid_token');
    expectManagementError(
      await hostRequest(t.baseUrl, beta.domain, 'GET', '/api/v2/resource-servers', { token: rootToken }),
      401,
      'invalid_token',
    );
    // The default tenant's admin client does not exist on Beta.
    const cross = await hostRequest(t.baseUrl, beta.domain, 'POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: `${beta.issuer}api/v2/`,
      },
    });
    expectOAuthError({ status: cross.status, body: cross.body }, 401, 'invalid_client');
    // An API created on Beta is not visible on the default tenant.
    const created = await hostRequest(t.baseUrl, beta.domain, 'POST', '/api/v2/resource-servers', {
      token,
      json: { name: 'Beta orders', identifier: 'https://orders.beta' },
    });
    expect(created.status).toBe(201);
    const onRoot = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/https%3A%2F%2Forders.beta', { token: rootToken });
    expectManagementError(onRoot, 404, 'inexistent_resource_server');
    // Beta's token verifies against Beta's JWKS only.
    const betaJwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    await expect(jwtVerify(token, betaJwks)).rejects.toThrow();
  });

  it('keeps codes and sessions isolated: a default-tenant login means nothing on Beta', async () => {
    // A user logs in on the default tenant and gets a code and a session cookie.
    const mgmt = managementClient(t.baseUrl, rootToken);
    const web = await createWebClient(mgmt);
    await createUser(mgmt, 'crossing@example.com');
    const run = await authorizeInBrowser(t, web, { scope: 'openid', email: 'crossing@example.com' });
    const code = run.callback!.searchParams.get('code')!;
    const session = run.browser.cookie(t.baseUrl, 'tessera_session');
    expect(session).toBeTruthy();

    // Beta gets a web client with the same callback.
    const token = await betaToken();
    const betaWeb = (
      await hostRequest(t.baseUrl, beta.domain, 'POST', '/api/v2/clients', {
        token,
        json: { name: 'Beta web', app_type: 'regular_web', callbacks: [CALLBACK] },
      })
    ).body;
    // The code cannot be redeemed on Beta, even by Beta's own client.
    const redeem = await hostRequest(t.baseUrl, beta.domain, 'POST', '/oauth/token', {
      form: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: run.verifier,
        client_id: betaWeb.client_id,
        client_secret: betaWeb.client_secret,
      },
    });
    expect([redeem.status, redeem.body.error]).toEqual([403, 'invalid_grant']);
    // The session cookie does not log anyone in on Beta: prompt=none answers login_required.
    const silent = await hostRequest(
      t.baseUrl,
      beta.domain,
      'GET',
      `/authorize?${new URLSearchParams({ response_type: 'code', client_id: betaWeb.client_id, redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      { headers: { cookie: `tessera_session=${session}` } },
    );
    expect(silent.status).toBe(302);
    expect(new URL(String(silent.headers.location)).searchParams.get('error')).toBe('login_required');
  });

  it('refuses tenant administration from a non-default tenant and duplicate domains', async () => {
    const token = await betaToken();
    const res = await hostRequest(t.baseUrl, beta.domain, 'GET', '/api/v2/tessera/tenants', { token });
    // Beta's admin client holds no tenant scopes at all.
    expectManagementError(res, 403, 'insufficient_scope');
    const dup = await http(t.baseUrl, 'POST', '/api/v2/tessera/tenants', {
      token: rootToken,
      body: { friendly_name: 'Dup', domain: beta.domain },
    });
    expectManagementError(dup, 409, 'conflict', `The domain "${beta.domain}" is already used by another tenant`);
    const bad = await http(t.baseUrl, 'POST', '/api/v2/tessera/tenants', {
      token: rootToken,
      body: { friendly_name: 'X', domain: 'Not A Host' },
    });
    expectManagementError(bad, 400, 'invalid_body');
    const list = await http(t.baseUrl, 'GET', '/api/v2/tessera/tenants', { token: rootToken });
    expect(list.body.map((x: { id: string }) => x.id)).toEqual(['default', beta.id]);
  });

  it('renames a tenant and deletes it with everything it owned', async () => {
    const renamed = await http(t.baseUrl, 'PATCH', `/api/v2/tessera/tenants/${beta.id}`, {
      token: rootToken,
      body: { friendly_name: 'Beta 2' },
    });
    expect(renamed.body.friendly_name).toBe('Beta 2');
    const token = await betaToken();
    const del = await http(t.baseUrl, 'DELETE', `/api/v2/tessera/tenants/${beta.id}`, { token: rootToken });
    expect(del.status).toBe(204);
    // The domain now falls back to the default tenant, where Beta's token means nothing.
    const after = await hostRequest(t.baseUrl, beta.domain, 'GET', '/api/v2/resource-servers', { token });
    expectManagementError(after, 401, 'invalid_token');
    const gone = await http(t.baseUrl, 'GET', `/api/v2/tessera/tenants/${beta.id}`, { token: rootToken });
    expectManagementError(gone, 404, 'not_found');
    const def = await http(t.baseUrl, 'DELETE', '/api/v2/tessera/tenants/default', { token: rootToken });
    expectManagementError(def, 400, 'operation_not_supported');
  });
});
