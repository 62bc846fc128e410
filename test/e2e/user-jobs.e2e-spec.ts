import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import type { ManagementClient } from 'auth0';
import bcrypt from 'bcryptjs';
import md4 from 'js-md4';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { freePort, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { authorizeInBrowser, createWebClient, type TestClient } from '../helpers/user-flows.js';

const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const REALM = 'Username-Password-Authentication';
const IMPORT_LIMIT = 3 * 1024 * 1024;
/** @node-rs/argon2's Algorithm is an ambient const enum (isolatedModules): Argon2i = 1, Argon2id = 2. */
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;

type Job = { id: string; status: string; summary?: { total: number; inserted: number; updated: number; failed: number }; [k: string]: any };

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
const salted = (alg: string, pw: string, salt: Buffer) =>
  Buffer.concat([createHash(alg).update(pw).update(salt).digest(), salt]).toString('base64');

/** One user per hash kind Auth0's import documents, each with its own password. */
async function hashedUsers(domain: string): Promise<{ kind: string; email: string; password: string; row: Record<string, unknown> }[]> {
  const salt = Buffer.from('s4lt-bytes');
  const kinds: [string, (pw: string) => Promise<Record<string, unknown>> | Record<string, unknown>][] = [
    ['bcrypt-2b', (pw) => ({ password_hash: bcrypt.hashSync(pw, 4) })],
    ['bcrypt-2a', (pw) => ({ custom_password_hash: { algorithm: 'bcrypt', hash: { value: '$2a$' + bcrypt.hashSync(pw, 4).slice(4) } } })],
    ['bcrypt-2y', (pw) => ({ custom_password_hash: { algorithm: 'bcrypt', hash: { value: '$2y$' + bcrypt.hashSync(pw, 4).slice(4) } } })],
    [
      'argon2i',
      async (pw) => ({
        custom_password_hash: {
          algorithm: 'argon2',
          hash: { value: await argon2Hash(pw, { algorithm: ARGON2I, memoryCost: 1024, timeCost: 2, parallelism: 1 }), encoding: 'utf8' },
        },
      }),
    ],
    [
      'argon2id',
      async (pw) => ({
        custom_password_hash: {
          algorithm: 'argon2',
          hash: { value: await argon2Hash(pw, { algorithm: ARGON2ID, memoryCost: 1024, timeCost: 2, parallelism: 1 }) },
        },
      }),
    ],
    [
      'pbkdf2',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'pbkdf2',
          hash: { value: `$pbkdf2-sha512$i=1000,l=64$${b64(salt)}$${b64(pbkdf2Sync(pw, salt, 1000, 64, 'sha512'))}`, encoding: 'utf8' },
        },
      }),
    ],
    [
      'md4',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'md4',
          hash: { value: Buffer.from(md4.create().update(Buffer.from(pw)).arrayBuffer()).toString('hex'), encoding: 'hex' },
        },
      }),
    ],
    [
      'md5',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'md5',
          hash: {
            value: createHash('md5')
              .update(Buffer.concat([salt, Buffer.from(pw)]))
              .digest('hex'),
            encoding: 'hex',
          },
          salt: { value: salt.toString('hex'), encoding: 'hex', position: 'prefix' },
        },
      }),
    ],
    [
      'sha1',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'sha1',
          hash: { value: createHash('sha1').update(`${pw}pepper`).digest('base64'), encoding: 'base64' },
          salt: { value: 'pepper', encoding: 'utf8', position: 'suffix' },
        },
      }),
    ],
    [
      'sha256',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'sha256',
          hash: {
            value: createHash('sha256')
              .update(Buffer.concat([Buffer.from(pw), salt]))
              .digest('hex'),
            encoding: 'hex',
          },
          salt: { value: salt.toString('base64'), encoding: 'base64', position: 'suffix' },
        },
      }),
    ],
    [
      'sha512',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'sha512',
          hash: { value: createHash('sha512').update(pw).digest('base64'), encoding: 'base64' },
        },
      }),
    ],
    [
      'hmac',
      (pw) => ({
        custom_password_hash: {
          algorithm: 'hmac',
          hash: {
            value: createHmac('sha256', 'hm4c-key').update(`salt${pw}`).digest('hex'),
            encoding: 'hex',
            digest: 'sha256',
            key: { value: 'hm4c-key', encoding: 'utf8' },
          },
          salt: { value: 'salt', encoding: 'utf8', position: 'prefix' },
        },
      }),
    ],
    [
      'ldap-sha',
      (pw) => ({ custom_password_hash: { algorithm: 'ldap', hash: { value: `{SHA}${createHash('sha1').update(pw).digest('base64')}` } } }),
    ],
    [
      'ldap-ssha',
      (pw) => ({ custom_password_hash: { algorithm: 'ldap', hash: { value: `{SSHA}${salted('sha1', pw, salt)}`, encoding: 'utf8' } } }),
    ],
    ['ldap-ssha256', (pw) => ({ custom_password_hash: { algorithm: 'ldap', hash: { value: `{SSHA256}${salted('sha256', pw, salt)}` } } })],
    ['ldap-ssha512', (pw) => ({ custom_password_hash: { algorithm: 'ldap', hash: { value: `{SSHA512}${salted('sha512', pw, salt)}` } } })],
  ];
  return Promise.all(
    kinds.map(async ([kind, make]) => {
      const email = `${kind}@${domain}`;
      const password = `Pw-${kind}-Xy9!`;
      return { kind, email, password, row: { email, email_verified: true, name: `User ${kind}`, ...(await make(password)) } };
    }),
  );
}

async function startApp(env: Record<string, string> = {}, reuse?: Parameters<typeof startTestApp>[1]): Promise<TestApp> {
  return startTestApp({ USERS_IMPORT_MAX_BYTES: String(IMPORT_LIMIT), ...env }, reuse);
}

describe('users import and export jobs', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;
  let web: TestClient;
  let connectionId: string;

  beforeAll(async () => {
    t = await startApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    web = await createWebClient(mgmt);
    connectionId = await databaseConnectionId(t, token);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const login = (email: string, password: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: REALM_GRANT,
      realm: REALM,
      client_id: web.id,
      client_secret: web.secret!,
      username: email,
      password,
      scope: 'openid',
    });

  const importUsers = async (rows: unknown, opts: { upsert?: boolean; external_id?: string } = {}) =>
    (await mgmt.jobs.usersImports.create({
      users: new Blob([typeof rows === 'string' ? rows : JSON.stringify(rows)], { type: 'application/json' }),
      connection_id: connectionId,
      ...opts,
    })) as unknown as Job;

  it('imports one user per hash kind; each logs in with its own password only, and again once upgraded', async () => {
    const users = await hashedUsers('hashes.example');
    const created = await importUsers(
      users.map((u) => u.row),
      { external_id: 'migration-1' },
    );
    expect(created).toMatchObject({
      type: 'users_import',
      status: 'pending',
      connection_id: connectionId,
      connection: REALM,
      external_id: 'migration-1',
      upsert: false,
    });
    expect(created.id).toMatch(/^job_/);
    expect(Object.keys(created).sort()).toEqual([
      'connection',
      'connection_id',
      'created_at',
      'external_id',
      'id',
      'status',
      'type',
      'upsert',
    ]);
    const done = await waitForJob(mgmt, created.id);
    expect(await mgmt.jobs.errors.get(done.id)).toBeUndefined();
    expect(done).toMatchObject({ status: 'completed', summary: { total: users.length, inserted: users.length, updated: 0, failed: 0 } });

    for (const u of users) {
      expectOAuthError(await login(u.email, `${u.password}x`), 403, 'invalid_grant');
      // Another user's password is not this one's.
      expectOAuthError(await login(u.email, users.find((o) => o !== u)!.password), 403, 'invalid_grant');
      const imported = await storedHash(t, u.email);
      expect(imported.startsWith('imported$')).toBe(true);

      const first = await login(u.email, u.password);
      expect({ kind: u.kind, status: first.status }).toEqual({ kind: u.kind, status: 200 });
      const upgraded = await storedHash(t, u.email);
      expect(upgraded.startsWith('scrypt$')).toBe(true);

      expect((await login(u.email, u.password)).status).toBe(200);
      expectOAuthError(await login(u.email, `${u.password}x`), 403, 'invalid_grant');
      expect(await storedHash(t, u.email)).toBe(upgraded);
    }
    // The profile came in; the hash never goes out.
    const read = await http(t.baseUrl, 'GET', `/api/v2/users?q=${encodeURIComponent('email:"md5@hashes.example"')}&search_engine=v3`, {
      token,
    });
    expect(read.body[0]).toMatchObject({ email: 'md5@hashes.example', email_verified: true, name: 'User md5' });
    expect(read.text).not.toMatch(/password|scrypt\$|imported\$|"salt"/);
  });

  it('the login page takes an imported password too, and upgrades it', async () => {
    const [user] = (await hashedUsers('login-page.example')).filter((u) => u.kind === 'pbkdf2');
    await importAndWait([user.row]);
    const wrong = await authorizeInBrowser(t, web, { scope: 'openid', email: user.email, password: `${user.password}x` });
    expect(wrong.callback).toBeUndefined();
    expect((await storedHash(t, user.email)).startsWith('imported$')).toBe(true);
    const right = await authorizeInBrowser(t, web, { scope: 'openid', email: user.email, password: user.password });
    expect(right.callback?.searchParams.get('code')).toBeTruthy();
    expect((await storedHash(t, user.email)).startsWith('scrypt$')).toBe(true);
  });

  it('reports bad rows one by one and imports the good ones', async () => {
    await importAndWait([{ email: 'taken@rows.example', name: 'First' }]);
    const rows = [
      { email: 'good@rows.example', user_id: 'auth0|good-1', given_name: 'Good', user_metadata: { plan: 'gold' } },
      { email: 'not-an-email', password_hash: bcrypt.hashSync('x', 4) },
      { email: 'rot13@rows.example', custom_password_hash: { algorithm: 'rot13', hash: { value: 'frperg' } } },
      { email: 'taken@rows.example', name: 'Second' },
      'just a string',
      {
        email: 'both@rows.example',
        password_hash: bcrypt.hashSync('x', 4),
        custom_password_hash: { algorithm: 'md5', hash: { value: 'x' } },
      },
      { email: 'extra@rows.example', mfa_factors: [] },
      { email: 'badmd5@rows.example', custom_password_hash: { algorithm: 'md5', hash: { value: 'abcd', encoding: 'hex' } } },
      { email: 'meta@rows.example', user_metadata: { 'a.b': 1 } },
    ];
    const done = await importAndWait(rows);
    expect(done).toMatchObject({ status: 'completed', summary: { total: 9, inserted: 1, updated: 0, failed: 8 } });

    const errors = (await mgmt.jobs.errors.get(done.id)) as any[];
    expect(errors.map((e) => e.errors.map((x: any) => x.code))).toEqual([
      ['INVALID_FORMAT'],
      ['ENUM_MISMATCH'],
      ['DUPLICATED_USER'],
      ['INVALID_TYPE'],
      ['INVALID_FORMAT'],
      ['OBJECT_ADDITIONAL_PROPERTIES'],
      ['INVALID_FORMAT'],
      ['INVALID_FORMAT'],
    ]);
    expect(errors[7].errors[0].message).toMatch(/user_metadata' keys must not .* contain "\."/);
    expect(errors[0]).toEqual({
      user: { email: 'not-an-email' },
      errors: [{ code: 'INVALID_FORMAT', path: 'email', message: expect.stringMatching(/format email/) }],
    });
    expect(errors[1].errors[0]).toMatchObject({
      path: 'custom_password_hash.algorithm',
      message: expect.stringMatching(/Unknown hash algorithm "rot13"/),
    });
    expect(errors[2]).toMatchObject({ user: { email: 'taken@rows.example', name: 'Second' } });
    // The rows are shown without their hashes.
    expect(JSON.stringify(errors)).not.toMatch(/\$2[ab]\$|"(custom_)?password_hash":/);

    const good = (await mgmt.users.get('auth0|good-1')) as any;
    expect(good).toMatchObject({ email: 'good@rows.example', given_name: 'Good', user_metadata: { plan: 'gold' } });
    expect((await findUsers('taken@rows.example'))[0].name).toBe('First');
    // A job without failed rows has no errors to list (this file starts with a byte order mark).
    const clean = await importAndWait('\uFEFF[{"email":"clean@rows.example"}]');
    expect(clean.summary).toEqual({ total: 1, inserted: 1, updated: 0, failed: 0 });
    expect((await http(t.baseUrl, 'GET', `/api/v2/jobs/${clean.id}/errors`, { token })).status).toBe(204);
  });

  it('upsert updates the existing user (fields and hash); without it the row is a duplicate', async () => {
    await importAndWait([{ email: 'up@upsert.example', name: 'Before', password_hash: bcrypt.hashSync('Old-Password-1', 4) }]);
    const dup = await importAndWait([{ email: 'up@upsert.example', name: 'After' }]);
    expect(dup.summary).toEqual({ total: 1, inserted: 0, updated: 0, failed: 1 });
    expect((await findUsers('up@upsert.example'))[0].name).toBe('Before');
    // A token from before the upsert; /userinfo now holds the profile in its cache.
    const before = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: REALM_GRANT,
      realm: REALM,
      client_id: web.id,
      client_secret: web.secret!,
      username: 'up@upsert.example',
      password: 'Old-Password-1',
      scope: 'openid profile',
    });
    const userinfo = async () => (await http(t.baseUrl, 'GET', '/userinfo', { token: before.body.access_token })).body;
    expect(await userinfo()).toMatchObject({ name: 'Before' });

    const up = await importAndWait(
      [
        { email: 'up@upsert.example', name: 'After', app_metadata: { tier: 2 }, password_hash: bcrypt.hashSync('New-Password-2', 4) },
        { email: 'new@upsert.example' },
      ],
      { upsert: true },
    );
    expect(up).toMatchObject({ upsert: true, summary: { total: 2, inserted: 1, updated: 1, failed: 0 } });
    const [user] = await findUsers('up@upsert.example');
    expect(user).toMatchObject({ name: 'After', app_metadata: { tier: 2 } });
    // The cached profile went with the upsert.
    expect(await userinfo()).toMatchObject({ name: 'After' });
    expectOAuthError(await login('up@upsert.example', 'Old-Password-1'), 403, 'invalid_grant');
    expect((await login('up@upsert.example', 'New-Password-2')).status).toBe(200);
  });

  it('refuses bad requests with 400 before any job or user exists', async () => {
    const jobsBefore = await countRows(t, 'jobs');
    const usersBefore = await countRows(t, 'users');
    const post = (form: FormData, headers: Record<string, string> = {}) =>
      fetch(`${t.baseUrl}/api/v2/jobs/users-imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...headers },
        body: form,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const form = (parts: Record<string, string | Blob>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(parts)) {
        f.append(k, v);
      }
      return f;
    };
    const file = (text: string) => new Blob([text], { type: 'text/plain' });
    const ok = JSON.stringify([{ email: 'never@bad.example' }]);

    expectManagementError(await post(form({ connection_id: connectionId })), 400, 'invalid_body', /users file is required/);
    expectManagementError(await post(form({ users: file(ok) })), 400, 'invalid_body', /connection_id is required/);
    expectManagementError(await post(form({ users: file(ok), connection_id: 'con_nope' })), 400, 'inexistent_connection');
    expectManagementError(
      await post(form({ users: file('{"email": "x@y.z"}'), connection_id: connectionId })),
      400,
      'invalid_body',
      /JSON array/,
    );
    expectManagementError(await post(form({ users: file('[{"email":'), connection_id: connectionId })), 400, 'invalid_body', /JSON array/);
    expectManagementError(await post(form({ users: file('[]'), connection_id: connectionId })), 400, 'invalid_body', /non-empty/);
    expectManagementError(await post(form({ users: file(ok), connection_id: connectionId, upsert: 'yes' })), 400, 'invalid_body', /upsert/);
    expectManagementError(
      await post(form({ users: file(ok), connection_id: connectionId, colour: 'red' })),
      400,
      'invalid_body',
      /unknown field/,
    );
    expectManagementError(await post(form({ users: file(ok), other: file(ok), connection_id: connectionId })), 400, 'invalid_body');
    expectManagementError(
      await post(form({ users: file(`[${'{"email":"big@bad.example"},'.repeat(IMPORT_LIMIT / 20)}{}]`), connection_id: connectionId })),
      400,
      'payload_too_large',
    );
    const json = await http(t.baseUrl, 'POST', '/api/v2/jobs/users-imports', { token, body: { users: ok, connection_id: connectionId } });
    expectManagementError(json, 400, 'invalid_body', /multipart/);

    expect(await countRows(t, 'jobs')).toBe(jobsBefore);
    expect(await countRows(t, 'users')).toBe(usersBefore);
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/jobs/job_0000000000000000', { token }), 404, 'inexistent_job');
  });

  it('exports users as gzipped JSON lines and CSV behind a signed, expiring link; a tampered link is refused', async () => {
    await importAndWait(
      [1, 2, 3].map((n) => ({
        email: `e${n}@export.example`,
        user_id: `export-${n}`,
        name: `Export, "${n}"`,
        user_metadata: { plan: n === 2 ? 'gold' : 'free' },
        password_hash: bcrypt.hashSync(`Export-Pw-${n}`, 4),
      })),
    );
    const fields = [
      { name: 'user_id', export_as: 'id' },
      { name: 'email' },
      { name: 'name', export_as: 'Full name' },
      { name: 'user_metadata.plan', export_as: 'plan' },
      { name: 'nickname' },
    ];
    const json = (await mgmt.jobs.usersExports.create({ connection_id: connectionId, format: 'json', fields })) as unknown as Job;
    expect(json).toMatchObject({ type: 'users_export', status: 'pending', connection_id: connectionId, format: 'json', fields });
    expect(Object.keys(json).sort()).toEqual(['connection', 'connection_id', 'created_at', 'fields', 'format', 'id', 'status', 'type']);
    const jsonDone = await waitForJob(mgmt, json.id);
    expect(jsonDone.status).toBe('completed');
    expect(new URL(jsonDone.location).origin).toBe(new URL(t.issuer).origin);

    const download = await fetch(jsonDone.location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/gzip');
    const raw = Buffer.from(await download.arrayBuffer());
    const text = gunzipSync(raw).toString('utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const exported = lines.filter((l) => String(l.email).endsWith('@export.example'));
    expect(exported).toEqual(
      [1, 2, 3].map((n) => ({
        id: `auth0|export-${n}`,
        email: `e${n}@export.example`,
        'Full name': `Export, "${n}"`,
        plan: n === 2 ? 'gold' : 'free',
        nickname: `e${n}`,
      })),
    );
    expect(lines.length).toBe(await countRows(t, 'users'));
    expect(text).not.toMatch(/\$2[ab]\$|scrypt\$|imported\$|password/);

    const csv = (await mgmt.jobs.usersExports.create({ connection_id: connectionId, format: 'csv', fields, limit: 2 })) as unknown as Job;
    const csvDone = await waitForJob(mgmt, csv.id);
    expect(csvDone).toMatchObject({ status: 'completed', format: 'csv', limit: 2 });
    const csvText = gunzipSync(Buffer.from(await (await fetch(csvDone.location)).arrayBuffer())).toString('utf8');
    const csvLines = csvText.split('\r\n');
    expect(csvLines[0]).toBe('id,email,Full name,plan,nickname');
    expect(csvLines).toHaveLength(2 + 1 + 1); // header, two users, the final line break
    expect(csvText).not.toMatch(/\$2[ab]\$|scrypt\$|imported\$/);

    // Tampered links: another signature, a later expiry, another job, another format.
    const url = new URL(jsonDone.location);
    const tampered = (edit: (u: URL) => void) => {
      const u = new URL(url);
      edit(u);
      return fetch(u).then(async (r) => ({ status: r.status, body: await r.json() }));
    };
    const sig = url.searchParams.get('signature')!;
    expectManagementError(
      await tampered((u) => u.searchParams.set('signature', sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA'))),
      403,
      'invalid_signature',
    );
    expectManagementError(
      await tampered((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))),
      403,
      'invalid_signature',
    );
    expectManagementError(await tampered((u) => (u.pathname = u.pathname.replace(json.id, csv.id))), 403, 'invalid_signature');
    expectManagementError(await tampered((u) => (u.pathname = u.pathname.replace('.json.gz', '.csv.gz'))), 403, 'invalid_signature');
    expectManagementError(await tampered((u) => u.searchParams.delete('signature')), 403, 'invalid_signature');
    // The link expires: the server (in this process) is moved past its lifetime.
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 601_000);
    try {
      expectManagementError(await tampered(() => undefined), 403, 'invalid_signature');
    } finally {
      later.mockRestore();
    }
    expect((await fetch(url)).status).toBe(200);

    expectManagementError(
      await http(t.baseUrl, 'POST', '/api/v2/jobs/users-exports', {
        token,
        body: { connection_id: connectionId, fields: [{ name: 'a..b' }] },
      }),
      400,
      'invalid_body',
    );
    expectManagementError(
      await http(t.baseUrl, 'POST', '/api/v2/jobs/users-exports', { token, body: { connection_id: connectionId, format: 'xml' } }),
      400,
      'invalid_body',
    );
  });

  it('imports 10,000 users in one job', async () => {
    const hash = bcrypt.hashSync('Bulk-Password-1', 4);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ email: `bulk${i}@bulk.example`, name: `Bulk ${i}`, password_hash: hash }));
    const started = Date.now();
    const done = await importAndWait(rows, {}, 120_000);
    const seconds = (Date.now() - started) / 1000;
    // A figure for the README and bench/RESULTS.md, not an assertion.
    process.stdout.write(`\n10,000-user import: ${seconds.toFixed(1)} s (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'})\n`);
    expect(done).toMatchObject({ status: 'completed', summary: { total: 10_000, inserted: 10_000, updated: 0, failed: 0 } });
    expect((await login('bulk9999@bulk.example', 'Bulk-Password-1')).status).toBe(200);
  }, 180_000);

  it('needs create:users to import, and read:users (or create:users) to export and read jobs', async () => {
    const reader = await mgmt.clients.create({ name: 'Reader', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await mgmt.clientGrants.create({ client_id: reader.client_id!, audience: t.managementAudience, scope: ['read:users'] });
    const readerToken = (
      await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: reader.client_id!,
        client_secret: reader.client_secret!,
        audience: t.managementAudience,
      })
    ).body.access_token as string;
    const form = new FormData();
    form.append('users', new Blob(['[{"email":"scope@scopes.example"}]']));
    form.append('connection_id', connectionId);
    const refused = await fetch(`${t.baseUrl}/api/v2/jobs/users-imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readerToken}` },
      body: form,
    });
    expectManagementError({ status: refused.status, body: await refused.json() }, 403, 'insufficient_scope');
    expect(await findUsers('scope@scopes.example')).toEqual([]);

    const exported = await http(t.baseUrl, 'POST', '/api/v2/jobs/users-exports', {
      token: readerToken,
      body: { connection_id: connectionId },
    });
    expect(exported.status).toBe(201);
    expect((await http(t.baseUrl, 'GET', `/api/v2/jobs/${exported.body.id}`, { token: readerToken })).status).toBe(200);
  });

  it('describes the multipart import and the export body in the OpenAPI document', async () => {
    const doc = (await http(t.baseUrl, 'GET', '/api/v2/openapi.json', { token })).body;
    const upload = doc.paths['/api/v2/jobs/users-imports'].post;
    expect(upload.requestBody.content['multipart/form-data'].schema).toMatchObject({
      required: ['users', 'connection_id'],
      properties: { users: { type: 'string', format: 'binary' } },
    });
    expect(upload.security).toEqual([{ managementApiToken: ['create:users'] }]);
    const exportBody = doc.paths['/api/v2/jobs/users-exports'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(doc.components.schemas[exportBody.$ref.split('/').pop()].properties).sort()).toEqual([
      'connection_id',
      'fields',
      'format',
      'limit',
    ]);
  });

  it('the migration keeps the users table whole: its indexes, and a CHECK that admits only scrypt and marked imported hashes', async () => {
    const ds = t.app.get(DataSource);
    const pg = ds.options.type === 'postgres';
    const indexes = (
      (await ds.query(
        pg
          ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'users'"
          : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'",
      )) as { name: string }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'users_tenant_lower_user_id',
        'users_tenant_sort_email',
        'users_tenant_connection_email',
        'users_tenant_connection_username',
      ]),
    );
    await importAndWait([{ email: 'check@migration.example' }]);
    const set = (hash: string) =>
      ds.query(`UPDATE users SET password_hash = ${pg ? '$1' : '?'} WHERE email = ${pg ? '$2' : '?'}`, [hash, 'check@migration.example']);
    await set('imported${"algorithm":"md5"}');
    await expect(set('plain-text-password')).rejects.toThrow(/users_password_hashed|CHECK/i);
    await expect(set('$2b$10$abcdefghijklmnopqrstuuJ0vC2Q3yD0j1Rk6QG3nq8m2lJm8nC6e')).rejects.toThrow(/users_password_hashed|CHECK/i);
  });

  async function importAndWait(rows: unknown, opts: { upsert?: boolean } = {}, timeoutMs?: number): Promise<Job> {
    return waitForJob(mgmt, (await importUsers(rows, opts)).id, timeoutMs);
  }

  async function findUsers(email: string): Promise<any[]> {
    return (await http(t.baseUrl, 'GET', `/api/v2/users-by-email?email=${encodeURIComponent(email)}`, { token })).body;
  }
});

describe('an export file', () => {
  it('of all connections is kept a day: then the runner deletes it and a fresh link finds nothing to download', async () => {
    // Its own app: moving the clock a day on would leave the other tests' rate-limit buckets in the future.
    const t = await startApp();
    try {
      const token = await t.adminToken();
      const mgmt = managementClient(t.baseUrl, token);
      await waitForJob(
        mgmt,
        (
          (await mgmt.jobs.usersImports.create({
            users: new Blob(['[{"email":"kept@day.example"}]']),
            connection_id: await databaseConnectionId(t, token),
          })) as unknown as Job
        ).id,
      );
      // Without connection_id (the SDK's bare call), every connection's users are exported.
      const job = (await mgmt.jobs.usersExports.create()) as unknown as Job;
      expect(job.connection_id).toBeUndefined();
      const done = await waitForJob(mgmt, job.id);
      const lines = gunzipSync(Buffer.from(await (await fetch(done.location)).arrayBuffer()))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { email: string });
      expect(lines.map((l) => l.email)).toEqual(['kept@day.example']);
      const nextDay = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 25 * 3600_000);
      try {
        let status = 200;
        for (let i = 0; i < 100 && status === 200; i++) {
          await sleep(50);
          status = (await fetch(((await mgmt.jobs.get(job.id)) as unknown as Job).location)).status;
        }
        expect(status).toBe(404);
      } finally {
        nextDay.mockRestore();
      }
    } finally {
      await t.cleanup();
    }
  });
});

describe('users import jobs across processes and restarts', () => {
  const env = { JOB_BATCH_SIZE: '10' };
  const rows = (tag: string) => Array.from({ length: 3000 }, (_, i) => ({ email: `${tag}${i}@restart.example`, user_id: `${tag}-${i}` }));

  /** Starts an import and stops the app while it runs; returns the job id and the stopped app. */
  async function stopMidJob(t: TestApp, users: unknown[]): Promise<string> {
    const token = await t.adminToken();
    const mgmt = managementClient(t.baseUrl, token);
    const job = (await mgmt.jobs.usersImports.create({
      users: new Blob([JSON.stringify(users)]),
      connection_id: await databaseConnectionId(t, token),
    })) as unknown as Job;
    let seen: Job;
    do {
      seen = (await http(t.baseUrl, 'GET', `/api/v2/jobs/${job.id}`, { token })).body;
    } while (seen.status === 'pending' || (seen.status === 'processing' && seen.summary!.inserted === 0));
    expect(seen.status).toBe('processing');
    await t.close();
    return job.id;
  }

  /** What a process that died mid-job leaves: the job `processing`, leased by it, the lease run out. */
  async function leaveAsCrashed(t: TestApp, jobId: string, attempts: number): Promise<void> {
    const ds = await openDataSource(t);
    try {
      await ds
        .createQueryBuilder()
        .update('jobs')
        .set({ lease_owner: 'a-process-that-died', lease_until: new Date(Date.now() - 1000).toISOString(), attempts })
        .where('id = :id', { id: jobId })
        .execute();
    } finally {
      await ds.destroy();
    }
  }

  const restart = (t: TestApp) => startApp(env, { dir: t.dir, port: Number(new URL(t.baseUrl).port), databaseUrl: t.databaseUrl });

  it('goes on from the last committed batch in the next process, after a clean stop or a crash, without duplicates or gaps', async () => {
    let t = await startApp(env);
    try {
      const first = rows('a');
      const jobId = await stopMidJob(t, first);
      const stoppedAt = await countRows(t, 'users', true);
      expect(stoppedAt).toBeGreaterThan(0);
      expect(stoppedAt).toBeLessThan(first.length);

      t = await restart(t);
      let done = await waitForJob(managementClient(t.baseUrl, await t.adminToken()), jobId, 120_000);
      expect(done).toMatchObject({ status: 'completed', summary: { total: first.length, inserted: first.length, updated: 0, failed: 0 } });
      expect(await countRows(t, 'users')).toBe(first.length);

      // A crash: the dead process still holds the job; the next one takes it once the lease has run out.
      const second = rows('b');
      const crashed = await stopMidJob(t, second);
      await leaveAsCrashed(t, crashed, 0);
      t = await restart(t);
      done = await waitForJob(managementClient(t.baseUrl, await t.adminToken()), crashed, 120_000);
      expect(done).toMatchObject({ status: 'completed', summary: { total: second.length, inserted: second.length, failed: 0 } });
      expect(await countRows(t, 'users')).toBe(first.length + second.length);
      expect(await countRows(t, 'job_errors')).toBe(0);
    } finally {
      await t.cleanup();
    }
  }, 240_000);

  it('two processes on one database: each job is run by one of them, every row exactly once', async () => {
    const a = await startApp(env);
    // A second instance of the same deployment (same public URL): its job runner competes for the jobs.
    const b = await startApp({ ...env, PUBLIC_URL: a.baseUrl }, { dir: a.dir, port: await freePort(), databaseUrl: a.databaseUrl });
    try {
      const token = await a.adminToken();
      const mgmt = managementClient(a.baseUrl, token);
      const connectionId = await databaseConnectionId(a, token);
      const files = ['d', 'e', 'f'].map((tag) => rows(tag).slice(0, 600));
      const jobs = await Promise.all(
        files.map(
          async (users) =>
            (await mgmt.jobs.usersImports.create({
              users: new Blob([JSON.stringify(users)]),
              connection_id: connectionId,
            })) as unknown as Job,
        ),
      );
      for (const job of jobs) {
        expect(await waitForJob(mgmt, job.id)).toMatchObject({ status: 'completed', summary: { total: 600, inserted: 600, failed: 0 } });
      }
      expect(await countRows(a, 'users')).toBe(1800);
      expect(await countRows(a, 'job_errors')).toBe(0);
    } finally {
      await b.close();
      await a.cleanup();
    }
  }, 240_000);

  it('a job whose process keeps dying ends failed with the row it reached, and keeps what it committed', async () => {
    let t = await startApp(env);
    try {
      const jobId = await stopMidJob(t, rows('c'));
      const committed = await countRows(t, 'users', true);
      await leaveAsCrashed(t, jobId, 2);
      t = await restart(t);
      const mgmt = managementClient(t.baseUrl, await t.adminToken());
      const done = await waitForJob(mgmt, jobId);
      expect(done).toMatchObject({
        status: 'failed',
        status_details: expect.stringMatching(/stopped 3 times without finishing \(at row \d+\)/),
      });
      expect(done.summary!.inserted).toBe(committed);
      expect(await countRows(t, 'users')).toBe(committed);
      expect(await mgmt.jobs.errors.get(jobId)).toMatchObject({ id: jobId, status: 'failed', status_details: done.status_details });
      // The uploaded file (it may hold hashes) is gone with the job's end.
      expect(await countRows(t, 'job_files')).toBe(0);
    } finally {
      await t.cleanup();
    }
  }, 240_000);
});

describe('the completion mail of a users import (send_completion_email)', () => {
  const RELAY_USER = 'relay';
  const RELAY_PASS = 'relay-pass-1';
  let t: TestApp;
  let smtp: SmtpSink;
  let mgmt: ManagementClient;
  let token: string;
  let connectionId: string;
  let owners: string[];
  let first: TestApp;
  const env = { EMAIL_RETRY_DELAYS_MS: '20,40' };

  beforeAll(async () => {
    smtp = await startSmtpSink({ user: RELAY_USER, pass: RELAY_PASS });
    t = first = await startApp(env);
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    connectionId = await databaseConnectionId(t, token);
    await mgmt.emails.provider.create({
      name: 'smtp',
      enabled: true,
      default_from_address: 'no-reply@tessera.test',
      credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_user: RELAY_USER, smtp_pass: RELAY_PASS },
    });
    const adminRole = (await http(t.baseUrl, 'GET', `/api/v2/roles?name_filter=${encodeURIComponent('Tessera Admin')}`, { token }))
      .body[0] as { id: string };
    const user = async (email: string) =>
      (await mgmt.users.create({ connection: REALM, email, password: 'Owner-Pw-9x!', email_verified: true })).user_id!;
    const ids = [await user('owner1@owners.example'), await user('owner2@owners.example')];
    const staff = await user('staff@owners.example');
    await mgmt.roles.users.assign(adminRole.id, { users: ids });
    // A member of another role is no owner.
    await mgmt.roles.users.assign((await mgmt.roles.create({ name: 'Support' })).id!, { users: [staff] });
    // Every member of the admin role with an address is an owner, whoever else the tenant already had.
    const members = (await http(t.baseUrl, 'GET', `/api/v2/roles/${adminRole.id}/users?per_page=100`, { token })).body as {
      email?: string;
    }[];
    owners = members.flatMap((m) => (m.email ? [m.email] : []));
    expect(owners).toEqual(expect.arrayContaining(['owner1@owners.example', 'owner2@owners.example']));
  });
  afterAll(async () => {
    await t.cleanup();
    if (first !== t) {
      await first.cleanup();
    }
    await smtp.close();
  });

  const start = async (rows: unknown[], send?: boolean) =>
    (await mgmt.jobs.usersImports.create({
      users: new Blob([JSON.stringify(rows)], { type: 'application/json' }),
      connection_id: connectionId,
      upsert: true,
      ...(send === undefined ? {} : { send_completion_email: send }),
    })) as unknown as Job;
  const mailsOf = (jobId: string) => smtp.mails.filter((m) => m.subject.includes(jobId));
  const allMailed = (jobId: string) => Promise.all(owners.map((o) => smtp.waitFor((m) => m.to.includes(o) && m.subject.includes(jobId))));
  const completionMail = async (jobId: string) =>
    (
      await t.app
        .get(DataSource)
        .query(`SELECT completion_mail FROM jobs WHERE id = ${t.databaseUrl.startsWith('sqlite:') ? '?' : '$1'}`, [jobId])
    )[0].completion_mail as string | null;

  it('is sent by default once to each admin-role member, with the summary and no user data; never to other users', async () => {
    const job = await start([
      { email: 'imported1@mail.example', name: 'Secret Name', password_hash: bcrypt.hashSync('Pw-1-Xy9!', 4) },
      { email: 'owner1@owners.example', user_metadata: { plan: 'gold' } },
      { email: 'not-an-email' },
    ]);
    const done = await waitForJob(mgmt, job.id);
    expect(done).toMatchObject({ status: 'completed', summary: { total: 3, inserted: 1, updated: 1, failed: 1 } });
    await allMailed(job.id);
    // A later job's mails arrive after any duplicate of this one would have.
    const later = await start([{ email: 'later@mail.example' }]);
    await waitForJob(mgmt, later.id);
    await allMailed(later.id);

    const mails = mailsOf(job.id);
    expect(mails.flatMap((m) => m.to).sort()).toEqual([...owners].sort());
    for (const m of mails) {
      expect(m.from).toBe('no-reply@tessera.test');
      expect(m.subject).toBe(`Users import ${job.id} completed`);
      expect(m.text).toContain('Connection: Username-Password-Authentication');
      expect(m.text).toContain('Users in the file: 3; inserted: 1; updated: 1; failed: 1.');
      expect(m.html).toContain('Status: completed');
      for (const secret of ['imported1@mail.example', 'Secret Name', '$2', 'gold', 'not-an-email']) {
        expect(m.text + m.html).not.toContain(secret);
      }
    }
    expect(smtp.mails.filter((m) => m.to.includes('staff@owners.example'))).toEqual([]);
    expect(await completionMail(job.id)).toBe('claimed');
  });

  it('is not sent with send_completion_email=false', async () => {
    const quiet = await start([{ email: 'quiet@mail.example' }], false);
    expect(await waitForJob(mgmt, quiet.id)).toMatchObject({ status: 'completed' });
    const loud = await start([{ email: 'loud@mail.example' }]);
    await waitForJob(mgmt, loud.id);
    await allMailed(loud.id);
    expect(mailsOf(quiet.id)).toEqual([]);
    expect(await completionMail(quiet.id)).toBeNull();
  });

  it('owed when a process stopped before claiming it, is sent once by the next look; a claimed one never again', async () => {
    const job = await start([{ email: 'owed@mail.example' }]);
    await waitForJob(mgmt, job.id);
    await allMailed(job.id);
    const sent = smtp.mails.length;
    // As if the process had died between the job's last commit and the claim; a restart looks at once.
    const pg = !t.databaseUrl.startsWith('sqlite:');
    await t.app.get(DataSource).query(`UPDATE jobs SET completion_mail = 'pending' WHERE id = ${pg ? '$1' : '?'}`, [job.id]);
    await t.close();
    t = await startApp(env, { dir: t.dir, port: Number(new URL(t.baseUrl).port), databaseUrl: t.databaseUrl });
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await smtp.waitFor(() => mailsOf(job.id).length === 2 * owners.length);
    const next = await start([{ email: 'after-restart@mail.example' }]);
    await waitForJob(mgmt, next.id);
    await allMailed(next.id);
    expect(mailsOf(job.id)).toHaveLength(2 * owners.length);
    expect(smtp.mails.length).toBe(sent + 2 * owners.length);
    expect(await completionMail(job.id)).toBe('claimed');
  });

  it('is skipped, the job unchanged, when the tenant has no enabled e-mail provider', async () => {
    await mgmt.emails.provider.update({ enabled: false });
    let job: Job;
    try {
      job = await start([{ email: 'no-relay@mail.example' }]);
      expect(await waitForJob(mgmt, job.id)).toMatchObject({ status: 'completed', summary: { inserted: 1 } });
      // Claimed once the runner has looked at it (and found no relay).
      for (let i = 0; i < 200 && (await completionMail(job.id)) !== 'claimed'; i++) {
        await sleep(25);
      }
      expect(await completionMail(job.id)).toBe('claimed');
    } finally {
      await mgmt.emails.provider.update({ enabled: true });
    }
    const next = await start([{ email: 'relay-back@mail.example' }]);
    await waitForJob(mgmt, next.id);
    await allMailed(next.id);
    expect(mailsOf(job.id)).toEqual([]);
    expect(await mgmt.jobs.get(job.id)).toMatchObject({ status: 'completed' });
  });
});

async function databaseConnectionId(t: TestApp, token: string): Promise<string> {
  const res = await http(t.baseUrl, 'GET', `/api/v2/connections?name=${REALM}`, { token });
  return res.body[0].id as string;
}

async function waitForJob(mgmt: ManagementClient, id: string, timeoutMs = 60_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await mgmt.jobs.get(id)) as unknown as Job;
    if (job.status === 'completed' || job.status === 'failed' || Date.now() > until) {
      return job;
    }
    await sleep(50);
  }
}

/** Test-side reads of what HTTP never shows (the stored hash); through the app's own DataSource. */
async function storedHash(t: TestApp, email: string): Promise<string> {
  const row = await t.app
    .get(DataSource)
    .createQueryBuilder()
    .select('u.password_hash', 'password_hash')
    .from('users', 'u')
    .where('u.email = :email', { email })
    .getRawOne<{ password_hash: string }>();
  return row!.password_hash;
}

/** Rows in a table; after close() the app's DataSource is gone, so `reopen` reads through a fresh one. */
async function countRows(t: TestApp, table: string, reopen = false): Promise<number> {
  const ds = reopen ? await openDataSource(t) : t.app.get(DataSource);
  try {
    const row = await ds.createQueryBuilder().select('COUNT(*)', 'n').from(table, 'x').getRawOne<{ n: string | number }>();
    return Number(row!.n);
  } finally {
    if (reopen) {
      await ds.destroy();
    }
  }
}

async function openDataSource(t: TestApp): Promise<DataSource> {
  const url = t.databaseUrl;
  const ds = url.startsWith('sqlite:')
    ? new DataSource({ type: 'sqlite', database: url.slice('sqlite:'.length) })
    : new DataSource({ type: 'postgres', url });
  return ds.initialize();
}
