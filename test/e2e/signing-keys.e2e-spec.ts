import { X509Certificate, createPublicKey } from 'node:crypto';
import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Jwk {
  kid: string;
  kty: string;
  n: string;
  e: string;
  [k: string]: unknown;
}

describe('/api/v2/keys/signing', () => {
  let t: TestApp;
  let mgmt: ManagementClient;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await freshAdminToken());
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function freshAdminToken(): Promise<string> {
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: t.managementAudience,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  const jwks = async () => (await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body.keys as Jwk[];
  const keysList = async (token: string) =>
    (await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token })).body as Record<string, unknown>[];

  it('lists the current and the pre-published next key with certificates, public parts only', async () => {
    const keys = await mgmt.keys.signing.list();
    expect(keys).toHaveLength(2);
    expect(keys.filter((k) => k.current)).toHaveLength(1);
    expect(keys.filter((k) => k.next)).toHaveLength(1);
    const published = await jwks();
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(
        [
          'cert',
          'fingerprint',
          'kid',
          'next',
          'pkcs7',
          'previous',
          'revoked',
          'thumbprint',
          'current',
          ...(k.current ? ['current_since'] : []),
        ].sort(),
      );
      expect(k.revoked).toBe(false);
      expect(k.pkcs7).toMatch(/^-----BEGIN PKCS7-----\n[A-Za-z0-9+/=\n]+-----END PKCS7-----\n$/);

      const cert = new X509Certificate(k.cert);
      expect(cert.subject).toBe('CN=127.0.0.1');
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(k.fingerprint).toBe(cert.fingerprint);
      expect(k.thumbprint).toBe(cert.fingerprint.replace(/:/g, ''));
      // The certificate carries the same public key the JWKS publishes under this kid.
      const jwk = published.find((j) => j.kid === k.kid)!;
      expect(cert.publicKey.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: jwk.n, e: jwk.e });
    }
    const text = JSON.stringify(keys);
    expect(text).not.toMatch(/PRIVATE|"d"|"p"|"q"|"dp"|"dq"|"qi"/);
  });

  it('gets one key by kid, 404 for an unknown one', async () => {
    const [first] = await mgmt.keys.signing.list();
    expect(await mgmt.keys.signing.get(first.kid)).toEqual(first);
    const token = await freshAdminToken();
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/keys/signing/nope', { token }), 404, 'inexistent_key');
  });

  it('needs read:signing_keys', async () => {
    const c = await mgmt.clients.create({ name: 'no keys', app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: c.client_id!, audience: t.managementAudience, scope: ['read:clients'] });
    const weak = (
      await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: c.client_id!,
        client_secret: c.client_secret!,
        audience: t.managementAudience,
      })
    ).body.access_token as string;
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token: weak }), 403, 'insufficient_scope');
    expectManagementError(await http(t.baseUrl, 'POST', '/api/v2/keys/signing/rotate', { token: weak }), 403, 'insufficient_scope');
    expect(await mgmt.keys.signing.list()).toHaveLength(2);
  });

  it('rotates: next becomes current, current becomes previous, a fresh next is published; old tokens keep verifying', async () => {
    const oldToken = await freshAdminToken();
    const before = await mgmt.keys.signing.list();
    const oldCurrent = before.find((k) => k.current)!;
    const oldNext = before.find((k) => k.next)!;
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldCurrent.kid);

    const res = await http(t.baseUrl, 'POST', '/api/v2/keys/signing/rotate', { token: oldToken });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kid: oldNext.kid, cert: oldNext.cert });

    const after = await keysList(oldToken);
    expect(after).toHaveLength(3);
    const byKid = new Map(after.map((k) => [k.kid, k]));
    expect(byKid.get(oldNext.kid)).toMatchObject({ current: true, next: false, previous: false, current_since: expect.any(String) });
    expect(byKid.get(oldCurrent.kid)).toMatchObject({ current: false, previous: true, current_until: expect.any(String) });
    const fresh = after.find((k) => k.next)!;
    expect([oldCurrent.kid, oldNext.kid]).not.toContain(fresh.kid);

    const published = (await jwks()).map((k) => k.kid);
    expect(published.sort()).toEqual([oldCurrent.kid, oldNext.kid, fresh.kid].sort());

    // Tokens signed before the rotation still verify, at the JWKS and at the Management API.
    const set = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    await expect(jwtVerify(oldToken, set, { issuer: t.issuer, audience: t.managementAudience })).resolves.toBeDefined();
    expect((await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token: oldToken })).status).toBe(200);
    // New tokens carry the new current kid.
    expect(decodeProtectedHeader(await freshAdminToken()).kid).toBe(oldNext.kid);
  });

  it('refuses to revoke the current key and changes nothing', async () => {
    const token = await freshAdminToken();
    const before = await keysList(token);
    const current = before.find((k) => k.current)!;
    const res = await http(t.baseUrl, 'PUT', `/api/v2/keys/signing/${current.kid as string}/revoke`, { token });
    expectManagementError(res, 400, 'operation_not_supported');
    expect(await keysList(token)).toEqual(before);
    expect((await jwks()).map((k) => k.kid)).toContain(current.kid);
  });

  it('revokes the previous key: it leaves the JWKS and its tokens stop working', async () => {
    const oldToken = await freshAdminToken();
    await http(t.baseUrl, 'POST', '/api/v2/keys/signing/rotate', { token: oldToken });
    const token = await freshAdminToken();
    const previous = (await keysList(token)).filter((k) => k.previous).map((k) => k.kid as string);
    const signedWithPrevious = decodeProtectedHeader(oldToken).kid as string;
    expect(previous).toContain(signedWithPrevious);

    const res = await http(t.baseUrl, 'PUT', `/api/v2/keys/signing/${signedWithPrevious}/revoke`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kid: signedWithPrevious, cert: expect.stringContaining('-----BEGIN CERTIFICATE-----') });

    expect((await jwks()).map((k) => k.kid)).not.toContain(signedWithPrevious);
    const revoked = await mgmt.keys.signing.get(signedWithPrevious);
    expect(revoked).toMatchObject({ revoked: true, previous: false, current: false, revoked_at: expect.any(String) });

    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token: oldToken }), 401, 'invalid_token');
    const set = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
    await expect(jwtVerify(oldToken, set)).rejects.toThrow();
    expect((await http(t.baseUrl, 'GET', '/api/v2/keys/signing', { token })).status).toBe(200);

    // Revoking it again is harmless.
    expect((await http(t.baseUrl, 'PUT', `/api/v2/keys/signing/${signedWithPrevious}/revoke`, { token })).status).toBe(200);
  });

  it('revoking the next key publishes a fresh next at once', async () => {
    const token = await freshAdminToken();
    const next = (await keysList(token)).find((k) => k.next)!;
    expect((await http(t.baseUrl, 'PUT', `/api/v2/keys/signing/${next.kid as string}/revoke`, { token })).status).toBe(200);
    const after = await keysList(token);
    const fresh = after.find((k) => k.next)!;
    expect(fresh.kid).not.toBe(next.kid);
    const published = (await jwks()).map((k) => k.kid);
    expect(published).toContain(fresh.kid);
    expect(published).not.toContain(next.kid);
    expectManagementError(await http(t.baseUrl, 'PUT', '/api/v2/keys/signing/nope/revoke', { token }), 404, 'inexistent_key');
  });

  it('keeps working across a restart with the same certificates', async () => {
    const token = await freshAdminToken();
    const before = await keysList(token);
    await t.close();
    t = await startTestApp({}, { dir: t.dir, port: Number(new URL(t.baseUrl).port), databaseUrl: t.databaseUrl });
    const after = await keysList(await freshAdminToken());
    expect(after).toEqual(before);
    expect(createPublicKey(before[0].cert as string).type).toBe('public');
  });
});
