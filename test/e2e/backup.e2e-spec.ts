import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { buildOnce } from '../helpers/server-process.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';
import { createUser, createWebClient, PASSWORD } from '../helpers/user-flows.js';

/** Runs the real CLI (`tessera ...`, as `npm run tessera` does) with the server's configuration. */
function tessera(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/src/cli.js', ...args],
      { env: { ...process.env, NODE_OPTIONS: '', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
      },
    );
  });
}

(usingPostgres() ? describe.skip : describe)('tessera backup / restore (SQLite)', () => {
  let live: TestApp;
  let restored: TestApp | undefined;
  let scratch: string;

  beforeAll(async () => {
    buildOnce();
    scratch = mkdtempSync(join(tmpdir(), 'tessera-backup-'));
    live = await startTestApp({ RATE_LIMITS: 'off' });
  }, 60000);
  afterAll(async () => {
    await live.cleanup();
    await restored?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const envOf = (t: TestApp) => ({ DATABASE_URL: t.databaseUrl, ENCRYPTION_KEY_FILE: join(t.dir, 'tessera.key') });

  it('backs up under load, restores into a fresh server: old tokens verify, users log in', async () => {
    const token = await live.adminToken();
    const mgmt = managementClient(live.baseUrl, token);
    const user = await createUser(mgmt, 'kept@example.com');
    const client = await createWebClient(mgmt);

    // Token exchanges keep writing (audit rows) while the backup runs.
    let loading = true;
    let served = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (loading) {
          const res = await postForm(live.baseUrl, '/oauth/token', {
            grant_type: 'client_credentials',
            client_id: ADMIN_CLIENT_ID,
            client_secret: ADMIN_CLIENT_SECRET,
            audience: live.managementAudience,
          });
          expect(res.status).toBe(200);
          served++;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const file = join(scratch, 'tessera-backup.sqlite');
    const backup = await tessera(['backup', file], envOf(live));
    loading = false;
    await load;
    expect(backup).toMatchObject({ code: 0 });
    expect(backup.out).toMatch(/Keep the encryption key file .*tessera\.key with it/);
    expect(served).toBeGreaterThan(0);
    // A second backup to the same name is refused rather than overwriting.
    expect((await tessera(['backup', file], envOf(live))).code).toBe(1);

    // Restore into a fresh directory; the key file travels with the backup.
    const dir = mkdtempSync(join(scratch, 'fresh-'));
    copyFileSync(join(live.dir, 'tessera.key'), join(dir, 'tessera.key'));
    const fresh = { DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`, ENCRYPTION_KEY_FILE: join(dir, 'tessera.key') };
    const restore = await tessera(['restore', file], fresh);
    expect(restore).toMatchObject({ code: 0 });
    // Same public URL as the server backed up: same issuer, so its tokens are this server's tokens.
    restored = await startTestApp(
      { ...fresh, PUBLIC_URL: live.issuer.replace(/\/$/, ''), RATE_LIMITS: 'off' },
      { dir, port: await freePort(), databaseUrl: fresh.DATABASE_URL },
    );

    const jwks = createRemoteJWKSet(new URL(`${restored.baseUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { issuer: live.issuer, audience: live.managementAudience });
    expect(payload.azp).toBe(ADMIN_CLIENT_ID);
    // The restored server accepts the old token on its Management API and still knows the user.
    const users = await http(restored.baseUrl, 'GET', `/api/v2/users/${encodeURIComponent(user.userId)}`, { token });
    expect(users.status).toBe(200);
    expect(users.body.email).toBe('kept@example.com');
    const login = await postForm(restored.baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: client.id,
      client_secret: client.secret!,
      username: user.email,
      password: PASSWORD,
      scope: 'openid',
    });
    expect(login.status).toBe(200);
  }, 60000);

  it('refuses to restore over the database of a running server, and refuses what is not a backup', async () => {
    const file = join(scratch, 'tessera-backup.sqlite');
    const refused = await tessera(['restore', file], envOf(live));
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/is serving .*stop it before restoring/);
    const notDb = join(scratch, 'not-a-db.sqlite');
    copyFileSync(join(live.dir, 'tessera.key'), notDb);
    const dir = mkdtempSync(join(scratch, 'other-'));
    const bad = await tessera(['restore', notDb], { DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}` });
    expect(bad.code).toBe(1);
    expect(existsSync(join(dir, 'tessera.sqlite'))).toBe(false);
  }, 30000);
});
