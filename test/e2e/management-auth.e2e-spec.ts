import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JwtService } from '../../src/keys/jwt.service.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The status and body of a failed SDK call (the SDK's errors carry both). */
async function sdkFailure(call: Promise<unknown>): Promise<{ status?: number; body?: unknown }> {
  try {
    await call;
  } catch (e) {
    const err = e as { statusCode?: number; body?: unknown };
    return { status: err.statusCode, body: err.body };
  }
  throw new Error('expected the SDK call to fail');
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('Management API authentication and scopes', () => {
  let t: TestApp;
  let admin: string;
  let kid: string;

  const get = (authorization?: string) =>
    http(t.baseUrl, 'GET', '/api/v2/resource-servers', { headers: authorization === undefined ? {} : { authorization } });

  /** A token signed by the tenant's own current key, through the server's JwtService (as the issuer signs). */
  const tenantSigned = (claims: Record<string, unknown>) =>
    t.app
      .get(JwtService)
      .sign(
        { iss: t.issuer, aud: t.managementAudience, sub: 'someone@clients', iat: now(), exp: now() + 600, ...claims },
        { tenantId: 'default', alg: 'RS256' },
      );

  const expectUnauthorized = (res: Awaited<ReturnType<typeof get>>, errorCode: string, message: string) => {
    expectManagementError(res, 401, errorCode, message);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    kid = decodeProtectedHeader(admin).kid!;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('accepts the admin token: RS256 by the tenant key, iss, aud and every scope', async () => {
    expect(decodeProtectedHeader(admin)).toEqual({ alg: 'RS256', typ: 'JWT', kid });
    expect(decodeJwt(admin)).toMatchObject({ iss: t.issuer, aud: t.managementAudience });
    expect((await get(`Bearer ${admin}`)).status).toBe(200);
    // The scheme is case-insensitive (RFC 6750 §2.1 via RFC 7235 §2.1).
    expect((await get(`bearer ${admin}`)).status).toBe(200);
  });

  it('refuses a request without a token (401 Missing authentication), on every /api/v2 route', async () => {
    expectUnauthorized(await get(), 'missing_authentication', 'Missing authentication');
    expectUnauthorized(await http(t.baseUrl, 'GET', '/api/v2/tenants/settings'), 'missing_authentication', 'Missing authentication');
    expectUnauthorized(
      await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', { body: { friendly_name: 'x' } }),
      'missing_authentication',
      'Missing authentication',
    );
    expectUnauthorized(
      await http(t.baseUrl, 'POST', '/api/v2/resource-servers', { body: { identifier: 'https://x.example' } }),
      'missing_authentication',
      'Missing authentication',
    );
    expectUnauthorized(await http(t.baseUrl, 'DELETE', '/api/v2/resource-servers/abc'), 'missing_authentication', 'Missing authentication');
    expect(
      (await http(t.baseUrl, 'GET', '/api/v2/resource-servers?per_page=100', { token: admin })).body.some(
        (r: { identifier: string }) => r.identifier === 'https://x.example',
      ),
    ).toBe(false);
  });

  it('refuses malformed Authorization headers (401)', async () => {
    for (const header of [
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'Bearer',
      'Bearer ',
      `Bearer ${admin} extra`,
      `Token ${admin}`,
    ]) {
      expectUnauthorized(await get(header), 'invalid_token', 'Bad HTTP authentication header format');
    }
  });

  it('refuses tokens that are not valid tenant tokens (401 Invalid token)', async () => {
    const foreign = await generateKeyPair('RS256');
    const foreignSigned = await new SignJWT({ scope: 'read:resource_servers' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(t.issuer)
      .setAudience(t.managementAudience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(foreign.privateKey);
    const [h, p] = admin.split('.');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    const noneWithKid = `${b64({ alg: 'none', kid })}.${p}.`;
    // Algorithm confusion: an HS256 token "signed" with the public key as the HMAC secret.
    const jwk = await exportJWK(foreign.publicKey);
    const confused = await new SignJWT({ scope: 'read:resource_servers', iss: t.issuer, aud: t.managementAudience, exp: now() + 600 })
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    const tampered = `${h}.${b64({ ...decodeJwt(admin), scope: 'read:resource_servers delete:everything' })}.${admin.split('.')[2]}`;

    const cases: [string, string][] = [
      ['garbage', 'not-a-jwt'],
      ['a foreign key under the tenant kid', foreignSigned],
      ['alg none', none],
      ['alg none with a kid', noneWithKid],
      ['HS256 algorithm confusion', confused],
      ['a tampered payload', tampered],
      ['another API audience', await tenantSigned({ aud: 'https://orders.example.com', scope: 'read:resource_servers' })],
      ['the userinfo audience', await tenantSigned({ aud: `${t.issuer}userinfo`, scope: 'read:resource_servers' })],
      ['another issuer', await tenantSigned({ iss: 'https://evil.example/', scope: 'read:resource_servers' })],
      [
        'no exp',
        await t.app
          .get(JwtService)
          .sign({ iss: t.issuer, aud: t.managementAudience, scope: 'read:resource_servers' }, { tenantId: 'default', alg: 'RS256' }),
      ],
    ];
    for (const [what, token] of cases) {
      const res = await get(`Bearer ${token}`);
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
      expectUnauthorized(res, 'invalid_token', 'Invalid token');
    }
  });

  it('refuses an expired token with Auth0 message', async () => {
    const expired = await tenantSigned({ iat: now() - 7200, exp: now() - 3600, scope: 'read:resource_servers' });
    expectUnauthorized(await get(`Bearer ${expired}`), 'invalid_token', 'Expired token received for JSON Web Token validation');
  });

  it('refuses a token without the route scope (403) and lets it through where it has one', async () => {
    const readOnly = await tenantSigned({ scope: 'read:resource_servers read:tenant_settings' });
    expect((await get(`Bearer ${readOnly}`)).status).toBe(200);
    const create = await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
      token: readOnly,
      body: { identifier: 'https://nope.example' },
    });
    expectManagementError(create, 403, 'insufficient_scope', 'Insufficient scope, expected any of: create:resource_servers');
    expectManagementError(
      await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', { token: readOnly, body: { friendly_name: 'Nope' } }),
      403,
      'insufficient_scope',
      'Insufficient scope, expected any of: update:tenant_settings',
    );
    const noScope = await tenantSigned({});
    expectManagementError(
      await get(`Bearer ${noScope}`),
      403,
      'insufficient_scope',
      'Insufficient scope, expected any of: read:resource_servers',
    );
    // A scope claim that is not a string grants nothing.
    const arrayScope = await tenantSigned({ scope: ['read:resource_servers'] });
    expectManagementError(await get(`Bearer ${arrayScope}`), 403, 'insufficient_scope');
    // Nothing was created or changed by the refused calls.
    const list = (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: admin })).body as { identifier: string }[];
    expect(list.some((r) => r.identifier === 'https://nope.example')).toBe(false);
    expect((await http(t.baseUrl, 'GET', '/api/v2/tenants/settings', { token: admin })).body.friendly_name).toBe('Tessera');
  });

  it('enforces scopes on a token minted for a restricted client through /oauth/token (SDK sees 403)', async () => {
    const mgmt = managementClient(t.baseUrl, admin);
    const client = await mgmt.clients.create({ name: 'reader', app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: client.client_id!, audience: t.managementAudience, scope: ['read:resource_servers'] });
    const issued = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: client.client_id!,
      client_secret: client.client_secret!,
      audience: t.managementAudience,
    });
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe('read:resource_servers');

    const restricted = managementClient(t.baseUrl, issued.body.access_token);
    expect((await restricted.resourceServers.list()).data.length).toBeGreaterThan(0);
    const failure = await sdkFailure(restricted.resourceServers.create({ identifier: 'https://restricted.example' }));
    expect(failure.status).toBe(403);
    expect(failure.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: create:resource_servers',
      errorCode: 'insufficient_scope',
    });
    expect((await sdkFailure(restricted.tenants.settings.get())).status).toBe(403);
  });
});
