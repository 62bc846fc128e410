import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { MANAGEMENT_SCOPES } from '../../src/management/management-scopes.js';
import { expectOAuthError } from '../helpers/expect-error.js';
import { buildOnce, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';

const describeSqlite = usingPostgres() ? describe.skip : describe;

function tokenRequest(baseUrl: string, clientId: string, clientSecret: string) {
  return postForm(baseUrl, '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    audience: `${baseUrl}/api/v2/`,
  });
}

/** Runs `fn` while collecting what the process writes to stdout. */
async function capturingStdout<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const original = process.stdout.write.bind(process.stdout);
  let stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), stdout };
  } finally {
    process.stdout.write = original;
  }
}

describe('bootstrap', () => {
  describe('first start, then restarts on the same data', () => {
    let t: TestApp;
    let jwks: { keys: Record<string, unknown>[] };
    let firstToken: string;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.cleanup();
    });

    it('publishes discovery and a JWKS of the current and next public keys, without private members', async () => {
      const discovery = await http(t.baseUrl, 'GET', '/.well-known/openid-configuration');
      expect(discovery.status).toBe(200);
      expect(discovery.body).toMatchObject({
        issuer: t.issuer,
        token_endpoint: `${t.issuer}oauth/token`,
        jwks_uri: `${t.issuer}.well-known/jwks.json`,
      });
      expect(t.issuer).toBe(`${t.baseUrl}/`);
      const res = await http(t.baseUrl, 'GET', '/.well-known/jwks.json');
      expect(res.status).toBe(200);
      jwks = res.body;
      expect(jwks.keys).toHaveLength(2);
      for (const key of jwks.keys) {
        expect(Object.keys(key).sort()).toEqual(['e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t']);
        expect(key).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB' });
      }
      expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(2);
    });

    it('creates the system Auth0 Management API at <issuer>api/v2/', async () => {
      const token = await t.adminToken();
      const res = await http(t.baseUrl, 'GET', `/api/v2/resource-servers/${encodeURIComponent(`${t.issuer}api/v2/`)}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Auth0 Management API',
        identifier: `${t.issuer}api/v2/`,
        is_system: true,
        scopes: expect.arrayContaining(MANAGEMENT_SCOPES),
        signing_alg: 'RS256',
        allow_offline_access: false,
        skip_consent_for_verifiable_first_party_clients: false,
        token_lifetime: 86400,
        token_lifetime_for_web: 7200,
        token_dialect: 'access_token',
        enforce_policies: false,
      });
      const all = (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token })).body as unknown[];
      expect(all).toEqual([res.body]);
    });

    it('gives the configured admin client a Management token anyone can verify with the JWKS', async () => {
      const issued = await tokenRequest(t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
      expect(issued.status).toBe(200);
      expect(issued.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 86400, scope: expect.any(String) });
      firstToken = issued.body.access_token;
      const header = decodeProtectedHeader(firstToken);
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwks.keys[0].kid });
      const { payload } = await jwtVerify(firstToken, createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`)), {
        issuer: t.issuer,
        audience: `${t.issuer}api/v2/`,
        algorithms: ['RS256'],
      });
      expect(payload).toMatchObject({ sub: `${ADMIN_CLIENT_ID}@clients`, azp: ADMIN_CLIENT_ID, gty: 'client-credentials' });
      expect(payload.exp! - payload.iat!).toBe(86400);
      const scopes = String(payload.scope).split(' ');
      expect(scopes).toEqual(expect.arrayContaining(MANAGEMENT_SCOPES.map((s) => s.value)));
      expect(issued.body.scope).toBe(payload.scope);
    });

    it('keeps the generated secrets key beside the database, readable by the owner only', () => {
      const keyFile = join(t.dir, 'tessera.key');
      expect(existsSync(keyFile)).toBe(true);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    });

    it('re-creates and changes nothing on restart; the same credentials, keys and tokens still work', async () => {
      const token = await t.adminToken();
      const apisBefore = (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token })).body;
      const clientsBefore = (await http(t.baseUrl, 'GET', '/api/v2/clients?per_page=100', { token })).body;
      const settingsBefore = (await http(t.baseUrl, 'GET', '/api/v2/tenants/settings', { token })).body;
      await t.close();

      // Different admin credentials in the environment must not create or change anything either.
      t = await startTestApp(
        { ADMIN_CLIENT_ID: 'someone-else', ADMIN_CLIENT_SECRET: 'another-secret-0123456789' },
        { dir: t.dir, port: Number(new URL(t.baseUrl).port), databaseUrl: t.databaseUrl },
      );
      expect((await http(t.baseUrl, 'GET', '/.well-known/jwks.json')).body).toEqual(jwks);
      // A token issued before the restart still verifies: same issuer, same keys.
      expect((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: firstToken })).status).toBe(200);
      const again = await tokenRequest(t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
      expect(again.status).toBe(200);
      const fresh = again.body.access_token as string;
      expect(decodeJwt(fresh).scope).toBe(decodeJwt(firstToken).scope);
      expectOAuthError(await tokenRequest(t.baseUrl, 'someone-else', 'another-secret-0123456789'), 401, 'invalid_client');

      expect((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: fresh })).body).toEqual(apisBefore);
      expect((await http(t.baseUrl, 'GET', '/api/v2/clients?per_page=100', { token: fresh })).body).toEqual(clientsBefore);
      expect((await http(t.baseUrl, 'GET', '/api/v2/tenants/settings', { token: fresh })).body).toEqual(settingsBefore);
    });
  });

  describe('without configured admin credentials', () => {
    it('generates them, prints them once on stdout, and they work; a restart prints nothing', async () => {
      const first = await capturingStdout(() => startTestApp({ ADMIN_CLIENT_ID: '', ADMIN_CLIENT_SECRET: '', TESSERA_QUIET: '' }));
      const t = first.result;
      try {
        const id = /ADMIN_CLIENT_ID=(\S+)/.exec(first.stdout)?.[1];
        const secret = /ADMIN_CLIENT_SECRET=(\S+)/.exec(first.stdout)?.[1];
        expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(secret!.length).toBeGreaterThanOrEqual(32);
        const issued = await tokenRequest(t.baseUrl, id!, secret!);
        expect(issued.status).toBe(200);
        expect((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: issued.body.access_token })).status).toBe(200);

        await t.close();
        const second = await capturingStdout(() =>
          startTestApp(
            { ADMIN_CLIENT_ID: '', ADMIN_CLIENT_SECRET: '', TESSERA_QUIET: '' },
            { dir: t.dir, port: Number(new URL(t.baseUrl).port), databaseUrl: t.databaseUrl },
          ),
        );
        expect(second.stdout).not.toMatch(/ADMIN_CLIENT_(ID|SECRET)=/);
        expect((await tokenRequest(second.result.baseUrl, id!, secret!)).status).toBe(200);
        await second.result.cleanup();
      } finally {
        await t.cleanup();
      }
    });
  });

  describeSqlite('as a process started like `npm start`', () => {
    let dir: string;
    beforeAll(() => {
      buildOnce();
      dir = mkdtempSync(join(tmpdir(), 'tessera-boot-'));
    }, 120000);
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints generated admin credentials on stdout and creates the key file with mode 0600', async () => {
      const port = await freePort();
      const server = await startServerProcess({
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
        TESSERA_QUIET: '',
      });
      try {
        const id = /ADMIN_CLIENT_ID=(\S+)/.exec(server.output())?.[1];
        const secret = /ADMIN_CLIENT_SECRET=(\S+)/.exec(server.output())?.[1];
        expect(id).toBeDefined();
        expect((await tokenRequest(server.baseUrl, id!, secret!)).status).toBe(200);
        expect(statSync(join(dir, 'tessera.key')).mode & 0o777).toBe(0o600);
      } finally {
        await stopServerProcess(server);
      }
    });

    it('refuses to start on bad configuration, with one message listing every problem', async () => {
      const child = spawn(process.execPath, ['dist/src/main.js'], {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          PORT: 'eighty',
          PUBLIC_URL: 'ftp://example.com',
          DATABASE_URL: 'mysql://db',
          ADMIN_CLIENT_ID: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stderr).toContain('Invalid configuration:');
      expect(stderr).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
      expect(stderr).toContain('PUBLIC_URL must be an http or https URL');
      expect(stderr).toContain('DATABASE_URL must be sqlite:<path> or postgres://...');
    });
  });
});
