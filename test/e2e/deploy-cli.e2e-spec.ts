import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestApp, type TestApp } from '../helpers/test-app.js';
import { makeTestCertificate } from '../helpers/test-certificate.js';

const run = promisify(execFile);

/**
 * The real auth0-deploy-cli (a0deploy) against Tessera over HTTPS: `export` with its default settings
 * from one Tessera, `import` of that YAML into a second, fresh one (its own database), twice, and a
 * client_credentials token there for an imported client and API. Every HTTP call the tool makes is
 * recorded by a fetch wrapper preloaded into its process (test/fixtures/fetch-log.mjs).
 */
/** Each a0deploy run is a Node process that makes over a hundred HTTPS calls. */
const CLI_TIMEOUT = 180_000;

describe('auth0-deploy-cli both ways', () => {
  let cert: { dir: string; certFile: string; keyFile: string };
  let source: TestApp;
  let target: TestApp;
  let work: string;
  const WORKER_SECRET = 'imported-worker-secret-0123456789abcdef';

  /** A JSON call over HTTPS that trusts only the test certificate (fetch here cannot be given a CA). */
  function call(t: TestApp, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
    return new Promise((done, fail) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${t.baseUrl}${path}`,
        {
          method,
          ca: readFileSync(cert.certFile),
          headers: {
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => done({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
  }

  const tokens = new Map<TestApp, string>();
  async function admin(t: TestApp, method: string, path: string, body?: unknown): Promise<any> {
    if (!tokens.has(t)) {
      const res = await call(t, 'POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: t.managementAudience,
      });
      tokens.set(t, res.body.access_token);
    }
    const res = await call(t, method, path, body, tokens.get(t));
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  /** Runs a0deploy in its own process; resolves to its exit code, output and the calls it made. */
  async function a0deploy(
    t: TestApp,
    args: string[],
    config: Record<string, unknown>,
  ): Promise<{ code: number; output: string; calls: { method: string; path: string; status: number }[] }> {
    const log = join(work, `fetch-${Date.now()}.log`);
    const configFile = join(work, `config-${Date.now()}.json`);
    writeFileSync(log, '');
    writeFileSync(configFile, JSON.stringify({ AUTH0_ALLOW_DELETE: false, ...config }));
    let code = 0;
    let output: string;
    try {
      const r = await run(
        process.execPath,
        [
          '--import',
          pathToFileURL(resolve('test/fixtures/fetch-log.mjs')).href,
          resolve('node_modules/auth0-deploy-cli/lib/index.js'),
          ...args,
          '-c',
          configFile,
        ],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            NODE_EXTRA_CA_CERTS: cert.certFile,
            FETCH_LOG: log,
            AUTH0_DOMAIN: new URL(t.baseUrl).host,
            AUTH0_CLIENT_ID: ADMIN_CLIENT_ID,
            AUTH0_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
          },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      output = r.stdout + r.stderr;
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      code = err.code;
      output = err.stdout + err.stderr;
    }
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [method, url, status] = line.split(' ');
        const u = new URL(url);
        return { method, path: u.pathname + u.search, status: Number(status) };
      });
    return { code, output, calls };
  }

  /** What each Tessera holds, comparable across the two: ids replaced by names, server-set times dropped. */
  async function snapshot(t: TestApp) {
    const clients = (await admin(t, 'GET', '/api/v2/clients')) as any[];
    const nameOf = (id: string) => clients.find((c) => c.client_id === id)?.name ?? id;
    const SERVER_SET = ['client_id', 'client_secret', 'created_at', 'updated_at', 'id'];
    const strip = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([k]) => !SERVER_SET.includes(k)));
    const roles = (await admin(t, 'GET', '/api/v2/roles')) as any[];
    const db = ((await admin(t, 'GET', '/api/v2/connections?strategy=auth0')) as any[]).find(
      (c) => c.name === 'Username-Password-Authentication',
    );
    const apis = (await admin(t, 'GET', '/api/v2/resource-servers')) as any[];
    return {
      apis: apis.filter((a) => a.is_system !== true).map(strip),
      clients: clients
        .filter((c) => c.name.startsWith('Billing'))
        .map(strip)
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      grants: ((await admin(t, 'GET', '/api/v2/client-grants')) as any[])
        .filter((g) => g.audience === 'https://billing.example')
        .map((g) => ({ ...strip(g), client: nameOf(g.client_id) })),
      roles: await Promise.all(
        roles
          .filter((r) => r.name.startsWith('Billing'))
          .map(async (r) => ({ ...strip(r), permissions: await admin(t, 'GET', `/api/v2/roles/${r.id}/permissions`) })),
      ),
      database: { options: db.options, enabled_clients: (db.enabled_clients as string[]).map(nameOf).sort() },
      tenant: await admin(t, 'GET', '/api/v2/tenants/settings'),
    };
  }

  beforeAll(async () => {
    cert = makeTestCertificate('tessera-deploy-cli-');
    work = cert.dir;
    const tls = { TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile };
    source = await startTestApp(tls);
    target = await startTestApp(tls);

    // A small tenant on the source: an API, two applications, a grant, a role, the database connection's
    // settings and the tenant's own.
    await admin(source, 'POST', '/api/v2/resource-servers', {
      name: 'Billing API',
      identifier: 'https://billing.example',
      signing_alg: 'RS256',
      token_lifetime: 3600,
      scopes: [{ value: 'read:invoices', description: 'Read invoices' }, { value: 'write:invoices' }],
    });
    const worker = await admin(source, 'POST', '/api/v2/clients', {
      name: 'Billing Worker',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const web = await admin(source, 'POST', '/api/v2/clients', {
      name: 'Billing Web',
      app_type: 'spa',
      callbacks: ['https://billing.example/callback'],
      web_origins: ['https://billing.example'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    await admin(source, 'POST', '/api/v2/client-grants', {
      client_id: worker.client_id,
      audience: 'https://billing.example',
      scope: ['read:invoices'],
    });
    const role = await admin(source, 'POST', '/api/v2/roles', { name: 'Billing Clerk', description: 'Reads invoices' });
    await admin(source, 'POST', `/api/v2/roles/${role.id}/permissions`, {
      permissions: [{ resource_server_identifier: 'https://billing.example', permission_name: 'read:invoices' }],
    });
    const db = ((await admin(source, 'GET', '/api/v2/connections?strategy=auth0')) as any[])[0];
    await admin(source, 'PATCH', `/api/v2/connections/${db.id}`, {
      options: { ...db.options, passwordPolicy: 'excellent', password_history: { enable: true, size: 3 } },
      enabled_clients: [web.client_id, worker.client_id],
    });
    await admin(source, 'PATCH', '/api/v2/tenants/settings', {
      friendly_name: 'Billing Co',
      support_email: 'help@billing.example',
      session_lifetime: 72,
      idle_session_lifetime: 24,
    });
  }, CLI_TIMEOUT);

  afterAll(async () => {
    await source?.cleanup();
    await target?.cleanup();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  // Reads that answer 404 on Auth0 too when nothing is configured: no e-mail provider, a template never
  // customized, no Universal Login theme.
  const NOTHING_CONFIGURED_404 = [
    /^\/api\/v2\/emails\/provider\?/,
    /^\/api\/v2\/email-templates\/\w+$/,
    /^\/api\/v2\/branding\/themes\/default$/,
  ];

  let exported: string;

  /** The calls answered with an error, but for nothing-configured reads. */
  const refusals = (calls: { method: string; path: string; status: number }[]) =>
    calls.filter((c) => c.status >= 300 && !(c.status === 404 && c.method === 'GET' && NOTHING_CONFIGURED_404.some((p) => p.test(c.path))));

  it(
    'exports with the default settings: exit 0, every read answered',
    async () => {
      const out = join(work, 'export');
      const r = await a0deploy(source, ['export', '--format', 'yaml', '--output_folder', out], {});
      expect({ code: r.code, tail: r.output.slice(-2000) }).toEqual({ code: 0, tail: expect.stringContaining('Export Successful') });
      expect(r.calls.length).toBeGreaterThan(50);
      expect(r.calls.filter((c) => c.method !== 'GET' && c.path !== '/oauth/token')).toEqual([]);
      const failed = r.calls.filter((c) => c.status >= 300 && !(c.status === 404 && NOTHING_CONFIGURED_404.some((p) => p.test(c.path))));
      expect(failed).toEqual([]);
      exported = readFileSync(join(out, 'tenant.yaml'), 'utf8');
      expect(exported).toContain('name: Billing Worker');
      expect(exported).toContain('identifier: https://billing.example');
      expect(exported).toContain('name: Billing Clerk');
      expect(exported).toContain('friendly_name: Billing Co');
    },
    CLI_TIMEOUT,
  );

  it(
    'imports into a fresh Tessera what the source holds, and a second import changes nothing',
    async () => {
      // Auth0 never exports secrets: the one the worker needs comes in through a keyword mapping.
      const yaml = exported.replace(/^( {2}- name: Billing Worker\n)/m, `$1    client_secret: '##WORKER_SECRET##'\n`);
      expect(yaml).not.toEqual(exported);
      const dir = join(work, 'import');
      rmSync(dir, { recursive: true, force: true });
      await run('cp', ['-r', join(work, 'export'), dir]);
      writeFileSync(join(dir, 'tenant.yaml'), yaml);
      const config = {
        AUTH0_KEYWORD_REPLACE_MAPPINGS: { WORKER_SECRET },
        // Tessera's own dashboard client belongs to each Tessera (its callbacks name its own URL).
        AUTH0_EXCLUDED_CLIENTS: ['Tessera Dashboard'],
      };
      const first = await a0deploy(target, ['import', '--input_file', join(dir, 'tenant.yaml')], config);
      expect({ code: first.code, tail: first.output.slice(-3000), refused: refusals(first.calls) }).toEqual({
        code: 0,
        refused: [],
        tail: expect.stringContaining('Import Successful'),
      });
      const imported = await snapshot(target);
      // The tool adds its own default for this database option on the way in.
      expect(imported.database.options).toMatchObject({ disable_self_service_change_password: false });
      delete imported.database.options.disable_self_service_change_password;
      expect(imported).toEqual(await snapshot(source));

      const before = await snapshot(target);
      const second = await a0deploy(target, ['import', '--input_file', join(dir, 'tenant.yaml')], config);
      expect({ code: second.code, tail: second.output.slice(-3000), refused: refusals(second.calls) }).toEqual({
        code: 0,
        refused: [],
        tail: expect.stringContaining('Import Successful'),
      });
      // Nothing created twice (the tool re-sends a role's permissions as a delete and an add: same result).
      expect(second.calls.filter((c) => c.method === 'POST' && /^\/api\/v2\/[a-z-]+$/.test(c.path))).toEqual([]);
      expect(await snapshot(target)).toEqual(before);
    },
    CLI_TIMEOUT,
  );

  it(
    'gives the imported client a client_credentials token for the imported API on the second Tessera',
    async () => {
      const worker = ((await admin(target, 'GET', '/api/v2/clients')) as any[]).find((c) => c.name === 'Billing Worker');
      const res = await call(target, 'POST', '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: worker.client_id,
        client_secret: WORKER_SECRET,
        audience: 'https://billing.example',
      });
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ aud: 'https://billing.example', iss: target.issuer, scope: 'read:invoices' });
    },
    CLI_TIMEOUT,
  );
});
