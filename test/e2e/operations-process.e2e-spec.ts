import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { managementClient } from '../helpers/management-client.js';
import { buildOnce, startServerProcess, type ServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, http, postForm, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { createUser, createWebClient, loginWithCode, PASSWORD } from '../helpers/user-flows.js';

/** A request on a fresh connection (no keep-alive), so the cluster may hand it to any worker. */
function freshConnection(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth/token',
        agent: false,
        headers: { connection: 'close', 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The value of one series in a Prometheus text exposition (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('running it in production: one server process with two workers', () => {
  let dir: string;
  let drop: () => Promise<void>;
  let server: ServerProcess;
  let port: number;
  let metricsPort: number;

  beforeAll(async () => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), 'tessera-ops-'));
    const db = await createTestDatabase(dir);
    drop = db.drop;
    port = await freePort();
    metricsPort = await freePort();
    server = await startServerProcess({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: db.url,
      ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
      ADMIN_CLIENT_ID,
      ADMIN_CLIENT_SECRET,
      PASSWORD_HASH_COST: '4',
      LOG_LEVEL: 'info',
      WORKERS: '2',
      METRICS_PORT: String(metricsPort),
      RATE_LIMITS: 'off',
      LOG_STREAM_POLL_MS: '100',
    });
    const deadline = Date.now() + 20000;
    while ((server.output().match(/Tessera listening/g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60000);
  afterAll(async () => {
    // Both workers and then the primary exit cleanly (a worker's 'exit' may come before its 'disconnect').
    const exited = await stopServerProcess(server);
    await drop();
    rmSync(dir, { recursive: true, force: true });
    expect(exited).toEqual({ code: 0, signal: null });
  }, 30000);

  it('starts quietly: JSON lines, no route table', () => {
    const lines = server.output().trim().split('\n');
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(server.output()).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader/);
    const listening = lines.map((l) => JSON.parse(l)).filter((l) => /Tessera listening/.test(l.msg));
    expect(listening).toHaveLength(2);
    expect(listening[0]).toMatchObject({ level: 30, issuer: `http://127.0.0.1:${port}/`, tenants: 1 });
  });

  it('one scrape of the primary counts the exchanges every worker served', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const series = 'tessera_token_exchanges_total{grant_type="client_credentials",outcome="success",token_format="jwt"}';
    const failed = 'tessera_token_exchanges_total{grant_type="client_credentials",outcome="invalid_client",token_format="none"}';
    const before = await scrape();
    const ok = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: `http://127.0.0.1:${port}/api/v2/`,
    }).toString();
    const bad = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: 'not-the-secret-at-all',
      audience: `http://127.0.0.1:${port}/api/v2/`,
    }).toString();
    const statuses = await Promise.all([
      ...Array.from({ length: 12 }, () => freshConnection(port, ok)),
      ...Array.from({ length: 3 }, () => freshConnection(port, bad)),
    ]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    const after = await scrape();
    expect(sample(after, series) - sample(before, series)).toBe(12);
    expect(sample(after, failed) - sample(before, failed)).toBe(3);
    // Fresh connections are spread over both workers; the counts above are the sum of both.
    expect(after).toMatch(
      /tessera_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/oauth\/token",status_code="200"\}/,
    );
    expect(after).toContain('process_cpu_user_seconds_total');
    expect(after).toContain('tessera_audit_log_queue_depth');
    // Every exchange looks its client up once in the worker's cache (a hit, or a miss while cold).
    const clientLookups = (text: string) =>
      sample(text, 'tessera_cache_lookups_total{cache="clients",result="hit"}') +
      sample(text, 'tessera_cache_lookups_total{cache="clients",result="miss"}');
    expect(clientLookups(after) - clientLookups(before)).toBe(15);
    // The public port does not serve metrics.
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
  });

  it('logs one JSON line per request with a request id, and never a secret of a full flow', async () => {
    const baseUrl = `http://127.0.0.1:${port}`;
    const t = { baseUrl, issuer: `${baseUrl}/` } as TestApp;
    const token = (
      await postForm(baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: `${baseUrl}/api/v2/`,
      })
    ).body.access_token as string;
    const mgmt = managementClient(baseUrl, token);
    const user = await createUser(mgmt, 'logged@example.com');
    const client = await createWebClient(mgmt);
    const { run, tokens } = await loginWithCode(t, client, { scope: 'openid profile offline_access', email: user.email });
    const refreshed = await postForm(baseUrl, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: client.id,
      client_secret: client.secret!,
      refresh_token: tokens.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    const pw = await postForm(baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: client.id,
      client_secret: client.secret!,
      username: user.email,
      password: PASSWORD,
      scope: 'openid',
    });
    expect(pw.status).toBe(200);
    const fresh = await http(baseUrl, 'GET', '/.well-known/jwks.json', { headers: { 'x-request-id': 'jwks-42' } });
    expect(fresh.headers.get('x-request-id')).toBe('jwks-42');
    const generated = await http(baseUrl, 'GET', '/.well-known/openid-configuration');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await http(baseUrl, 'GET', '/userinfo', { token: tokens.access_token, headers: { 'x-request-id': 'trace-me-42' } });
    expect(traced.status).toBe(200);
    expect(traced.headers.get('x-request-id')).toBe('trace-me-42');

    // Lines are written asynchronously, by whichever worker served: wait for the lines looked at below.
    const deadline = Date.now() + 5000;
    while (!['"trace-me-42"', '"jwks-42"'].every((id) => server.output().includes(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = server.output();
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.reqId === 'trace-me-42')).toMatchObject({
      method: 'GET',
      route: '/userinfo',
      status: 200,
      tenant: 'default',
    });
    // The fast paths (token route, well-known documents) log like routed requests, with their tenant.
    expect(lines.filter((l) => l.route === '/oauth/token' && l.status === 200 && l.tenant === 'default').length).toBeGreaterThanOrEqual(4);
    expect(lines.find((l) => l.reqId === 'jwks-42')).toMatchObject({ route: '/.well-known/jwks.json', tenant: 'default', status: 200 });
    expect(lines.find((l) => l.route === '/api/v2/users' && l.method === 'POST')).toMatchObject({ status: 201 });
    const code = run.callback!.searchParams.get('code')!;
    expect(code.length).toBeGreaterThan(10);
    const secrets = [
      code,
      ADMIN_CLIENT_SECRET,
      token,
      client.secret!,
      PASSWORD,
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
      refreshed.body.access_token,
      pw.body.access_token,
    ];
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toMatch(/[?&]code=|"cookie"|set-cookie/i);
  }, 30000);

  it('delivers a log stream once across two workers: each event exactly once, in order', async () => {
    const baseUrl = `http://127.0.0.1:${port}`;
    const received: string[] = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(...body.split('\n').map((l) => (JSON.parse(l) as { log_id: string }).log_id));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    try {
      const token = (
        await postForm(baseUrl, '/oauth/token', {
          grant_type: 'client_credentials',
          client_id: ADMIN_CLIENT_ID,
          client_secret: ADMIN_CLIENT_SECRET,
          audience: `${baseUrl}/api/v2/`,
        })
      ).body.access_token as string;
      const mgmt = managementClient(baseUrl, token);
      // A stream starts at its creation: nothing is logged between this instant and the create call.
      await new Promise((r) => setTimeout(r, 5));
      const since = String(Date.now()).padStart(15, '0');
      await mgmt.logStreams.create({
        type: 'http',
        name: 'cluster',
        sink: { httpEndpoint: `http://127.0.0.1:${(sink.address() as { port: number }).port}/` },
      });
      const ok = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: `${baseUrl}/api/v2/`,
      }).toString();
      for (let i = 0; i < 10; i++) {
        expect(await freshConnection(port, ok)).toBe(200);
      }
      // Every event after the stream's creation, as the tenant log lists them (through either worker).
      const expected = async () =>
        ((await http(baseUrl, 'GET', '/api/v2/logs?sort=date:1&per_page=100', { token })).body as { log_id: string }[])
          .map((l) => l.log_id)
          .filter((id) => id > since);
      // The stream's creation and the ten exchanges; each worker stores its events within 200 ms.
      let want = await expected();
      const deadline = Date.now() + 15000;
      while (want.length < 11 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        want = await expected();
      }
      expect(want.length).toBeGreaterThanOrEqual(11);
      while (received.length < want.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // A little longer: a duplicate from the other worker would arrive now.
      await new Promise((r) => setTimeout(r, 1500));
      want = await expected();
      expect(received).toEqual(want);
      expect(new Set(received).size).toBe(received.length);
    } finally {
      sink.close();
    }
  }, 30000);
});
