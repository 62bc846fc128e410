import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactDecrypt, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { expectManagementError } from '../helpers/expect-error.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

const pemOf = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

describe('token formats beyond Auth0: encrypted, opaque + introspection', () => {
  let t: TestApp;
  let admin: string;
  const apiKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let client: { client_id: string; client_secret: string };
  let outsider: { client_id: string; client_secret: string };

  const rs = (body: Record<string, unknown>) => http(t.baseUrl, 'POST', '/api/v2/resource-servers', { token: admin, body });
  const grant = (clientId: string, audience: string) =>
    http(t.baseUrl, 'POST', '/api/v2/client-grants', { token: admin, body: { client_id: clientId, audience, scope: [] } });
  const tokenFor = async (c: { client_id: string; client_secret: string }, audience: string) => {
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: c.client_secret,
      audience,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const introspect = async (c: { client_id: string; client_secret: string }, token: string) =>
    (await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: c.client_id, client_secret: c.client_secret })).body;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    const made = async (name: string) =>
      (await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name, app_type: 'non_interactive' } })).body;
    client = await made('Legacy caller');
    outsider = await made('Outsider');
    const created = await rs({
      name: 'Legacy',
      identifier: 'https://legacy.example',
      token_encryption: {
        format: 'compact-nested-jwe',
        encryption_key: { name: 'legacy-key', alg: 'RSA-OAEP-256', pem: pemOf(apiKeys.publicKey) },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.token_encryption).toMatchObject({
      format: 'compact-nested-jwe',
      encryption_key: { name: 'legacy-key', alg: 'RSA-OAEP-256', pem: pemOf(apiKeys.publicKey) },
    });
    expect(created.body.token_encryption.encryption_key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await grant(client.client_id, 'https://legacy.example')).status).toBe(201);
    expect((await rs({ name: 'Opaque', identifier: 'https://opaque.example', access_token_format: 'opaque' })).status).toBe(201);
    expect((await grant(client.client_id, 'https://opaque.example')).status).toBe(201);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('encrypts tokens to the API key: the API decrypts with its private key and verifies against the JWKS', async () => {
    const token = await tokenFor(client, 'https://legacy.example');
    expect(token.split('.')).toHaveLength(5);
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    const { plaintext } = await compactDecrypt(token, apiKeys.privateKey);
    const inner = new TextDecoder().decode(plaintext);
    const { payload, protectedHeader } = await jwtVerify(inner, createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`)), {
      issuer: t.issuer,
      audience: 'https://legacy.example',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: `${client.client_id}@clients`, aud: 'https://legacy.example', gty: 'client-credentials' });
    // Unreadable with any other key.
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(compactDecrypt(token, stranger.privateKey)).rejects.toThrow();
  });

  it('answers introspection for encrypted and opaque tokens, only to clients holding a grant', async () => {
    const encrypted = await tokenFor(client, 'https://legacy.example');
    expect(await introspect(client, encrypted)).toMatchObject({
      active: true,
      aud: 'https://legacy.example',
      client_id: client.client_id,
      sub: `${client.client_id}@clients`,
      iss: t.issuer,
    });
    expect(await introspect(outsider, encrypted)).toEqual({ active: false });

    const opaque = await tokenFor(client, 'https://opaque.example');
    expect(opaque).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const info = await introspect(client, opaque);
    expect(info).toMatchObject({ active: true, aud: 'https://opaque.example', client_id: client.client_id, token_type: 'Bearer' });
    expect(info.exp - info.iat).toBe(86400);
    expect(await introspect(client, `${opaque}x`)).toEqual({ active: false });
    expect(await introspect(client, opaque.slice(0, -1))).toEqual({ active: false });
    expect(await introspect(client, 'not-a-token')).toEqual({ active: false });
  });

  it('revokes opaque access tokens through /oauth/revoke, only for the client they were issued to', async () => {
    const opaque = await tokenFor(client, 'https://opaque.example');
    const byOutsider = await postForm(t.baseUrl, '/oauth/revoke', {
      token: opaque,
      client_id: outsider.client_id,
      client_secret: outsider.client_secret,
    });
    expect(byOutsider.status).toBe(200);
    expect((await introspect(client, opaque)).active).toBe(true);
    const revoked = await postForm(t.baseUrl, '/oauth/revoke', {
      token: opaque,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(revoked.status).toBe(200);
    expect(await introspect(client, opaque)).toEqual({ active: false });
  });

  it('ends HS256 tokens at once when the API secret is patched', async () => {
    const created = await rs({ name: 'Hs', identifier: 'https://hs.example', signing_alg: 'HS256' });
    expect(created.status).toBe(201);
    await grant(client.client_id, 'https://hs.example');
    const token = await tokenFor(client, 'https://hs.example');
    expect(decodeJwt(token).aud).toBe('https://hs.example');
    expect((await introspect(client, token)).active).toBe(true);
    const patched = await http(t.baseUrl, 'PATCH', '/api/v2/resource-servers/https%3A%2F%2Fhs.example', {
      token: admin,
      body: { signing_secret: 'a-brand-new-secret-of-enough-length' },
    });
    expect(patched.status).toBe(200);
    expect(await introspect(client, token)).toEqual({ active: false });
    expect((await introspect(client, await tokenFor(client, 'https://hs.example'))).active).toBe(true);
  });

  it('refuses bad encryption settings with a clear 400 that changes nothing', async () => {
    const before = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/https%3A%2F%2Fopaque.example', { token: admin });
    const patch = (body: unknown) =>
      http(t.baseUrl, 'PATCH', '/api/v2/resource-servers/https%3A%2F%2Fopaque.example', { token: admin, body });
    const enc = (key: Record<string, unknown>, format = 'compact-nested-jwe') => ({
      access_token_format: 'jwt',
      token_encryption: { format, encryption_key: { name: 'k', alg: 'RSA-OAEP-256', pem: pemOf(apiKeys.publicKey), ...key } },
    });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectManagementError(
      await patch(enc({ pem: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' })),
      400,
      'invalid_body',
      /not a valid PEM/,
    );
    expectManagementError(await patch(enc({ pem: pemOf(small.publicKey) })), 400, 'invalid_body', /1024-bit RSA key; at least 2048/);
    expectManagementError(await patch(enc({ pem: pemOf(ec.publicKey) })), 400, 'invalid_body', /must be an RSA key/);
    expectManagementError(await patch(enc({ alg: 'RSA1_5' })), 400, 'invalid_body', /No enum match/);
    expectManagementError(await patch(enc({}, 'jwe')), 400, 'invalid_body', /No enum match/);
    expectManagementError(await patch({ access_token_format: 'paseto' }), 400, 'invalid_body', /No enum match/);
    expectManagementError(await patch({ token_encryption: enc({}).token_encryption }), 400, 'invalid_body', /cannot be combined/);
    const after = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/https%3A%2F%2Fopaque.example', { token: admin });
    expect(after.body).toEqual(before.body);
  });

  it('keeps encrypted APIs out of the Default Audience, both ways', async () => {
    const setDefault = await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', {
      token: admin,
      body: { default_audience: 'https://legacy.example' },
    });
    expectManagementError(setDefault, 400, 'invalid_body', /encrypt/);
    expect((await rs({ name: 'Plain', identifier: 'https://plain.example' })).status).toBe(201);
    expect(
      (await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', { token: admin, body: { default_audience: 'https://plain.example' } }))
        .status,
    ).toBe(200);
    const enable = await http(t.baseUrl, 'PATCH', '/api/v2/resource-servers/https%3A%2F%2Fplain.example', {
      token: admin,
      body: {
        token_encryption: {
          format: 'compact-nested-jwe',
          encryption_key: { name: 'k', alg: 'RSA-OAEP-256', pem: pemOf(apiKeys.publicKey) },
        },
      },
    });
    expectManagementError(enable, 400, 'invalid_body', /default audience/);
    const still = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/https%3A%2F%2Fplain.example', { token: admin });
    expect(still.body.token_encryption).toBeUndefined();
    await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', { token: admin, body: { default_audience: '' } });
  });
});
