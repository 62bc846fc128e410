import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { ManagementClient } from 'auth0';
import { DataSource } from 'typeorm';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A real HTTP sink on 127.0.0.1 that answers 503 to its first `failFirst` requests, then 200. */
class Sink {
  readonly received: { headers: IncomingHttpHeaders; body: string }[] = [];
  attempts = 0;
  private server?: Server;
  url = '';

  constructor(private failFirst: number) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.attempts++;
        if (this.attempts <= this.failFirst) {
          res.writeHead(503).end('try later');
          return;
        }
        this.received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/ingest`;
    return this;
  }

  /** Every delivered event's log_id, in delivery order (duplicates kept). */
  logIds(format: 'JSONLINES' | 'JSONARRAY' | 'JSONOBJECT'): string[] {
    return this.received.flatMap((r) => {
      const events =
        format === 'JSONARRAY'
          ? (JSON.parse(r.body) as { log_id: string }[])
          : r.body.split('\n').map((l) => JSON.parse(l) as { log_id: string });
      return events.map((e) => e.log_id);
    });
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()) ?? r());
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('log streams (/api/v2/log-streams)', () => {
  const env = { LOG_STREAM_POLL_MS: '50', LOG_STREAM_MAX_FAILURES: '4', RATE_LIMITS: 'off' };
  let t: TestApp;
  let token: string;
  let mgmt: ManagementClient;
  const sinks: Sink[] = [];

  beforeAll(async () => {
    t = await startTestApp(env);
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all(sinks.map((s) => s.stop()));
  });

  /** The tenant's events from the stream's creation on (a new stream starts at its creation time), oldest first. */
  async function eventsSince(streamId: string): Promise<string[]> {
    const [row] = (await t.app.get(DataSource).query(`SELECT "created_at" FROM "log_streams" WHERE "id" = '${streamId}'`)) as {
      created_at: string;
    }[];
    const since = String(Date.parse(row.created_at)).padStart(15, '0');
    const logs = (await http(t.baseUrl, 'GET', '/api/v2/logs?sort=date:1&per_page=100', { token })).body as { log_id: string }[];
    return logs.map((l) => l.log_id).filter((id) => id > since);
  }

  const exchange = (secret = ADMIN_CLIENT_SECRET) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: secret,
      audience: t.managementAudience,
    });

  it('creates, reads, lists, updates and deletes http streams through the SDK; the authorization is never returned', async () => {
    const sink = await new Sink(0).start();
    sinks.push(sink);
    const created = await mgmt.logStreams.create({
      type: 'http',
      name: 'SIEM',
      filters: [{ type: 'category', name: 'auth.token_exchange.fail' }],
      sink: {
        httpEndpoint: sink.url,
        httpContentType: 'application/json',
        httpContentFormat: 'JSONARRAY',
        httpAuthorization: 'Bearer sink-secret-1',
        httpCustomHeaders: [{ header: 'X-Tenant', value: 'acme' }],
      },
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^lst_/),
      name: 'SIEM',
      type: 'http',
      status: 'active',
      isPriority: false,
      filters: [{ type: 'category', name: 'auth.token_exchange.fail' }],
      sink: {
        httpEndpoint: sink.url,
        httpContentType: 'application/json',
        httpContentFormat: 'JSONARRAY',
        httpCustomHeaders: [{ header: 'X-Tenant', value: 'acme' }],
      },
    });
    expect(await mgmt.logStreams.get(created.id!)).toEqual(created);
    expect(await mgmt.logStreams.list()).toEqual([created]);
    const paused = await mgmt.logStreams.update(created.id!, { status: 'paused', name: 'SIEM (paused)' });
    expect(paused).toMatchObject({ status: 'paused', name: 'SIEM (paused)' });
    const raw = await http(t.baseUrl, 'GET', `/api/v2/log-streams/${created.id}`, { token });
    expect(raw.text).not.toContain('sink-secret-1');
    await mgmt.logStreams.delete(created.id!);
    expectManagementError(await http(t.baseUrl, 'GET', `/api/v2/log-streams/${created.id}`, { token }), 404, 'not_found');
  });

  it('refuses what it cannot deliver, changing nothing', async () => {
    const post = (body: unknown) => http(t.baseUrl, 'POST', '/api/v2/log-streams', { token, body });
    expectManagementError(await post({ type: 'eventbridge', sink: { httpEndpoint: 'https://c.example' } }), 400, 'operation_not_supported');
    expectManagementError(await post({ type: 'http', sink: { httpEndpoint: 'http://collector.example/logs' } }), 400, 'invalid_body');
    expectManagementError(await post({ type: 'http', sink: { httpEndpoint: 'https://u:p@collector.example/logs' } }), 400, 'invalid_body');
    expectManagementError(
      await post({ type: 'http', sink: { httpEndpoint: 'https://collector.example/logs', httpContentFormat: 'XML' } }),
      400,
      'invalid_body',
    );
    expectManagementError(
      await post({ type: 'http', filters: [{ type: 'category', name: 'everything' }], sink: { httpEndpoint: 'https://c.example' } }),
      400,
      'invalid_body',
    );
    expectManagementError(
      await post({ type: 'http', pii_config: { log_fields: ['first_name'] }, sink: { httpEndpoint: 'https://c.example' } }),
      400,
      'operation_not_supported',
    );
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/log-streams'), 401, 'missing_authentication');
    expect(await mgmt.logStreams.list()).toEqual([]);
  });

  it('delivers every event of a scripted run, once and in order, through a sink that failed twice', async () => {
    const sink = await new Sink(2).start();
    sinks.push(sink);
    const stream = await mgmt.logStreams.create({
      type: 'http',
      name: 'all',
      sink: { httpEndpoint: sink.url, httpContentFormat: 'JSONLINES', httpAuthorization: 'Bearer sink-secret-2' },
    });
    for (let i = 0; i < 5; i++) {
      expect((await exchange()).status).toBe(200);
    }
    expect((await exchange('wrong-secret-wrong-secret')).status).toBe(401);
    await mgmt.resourceServers.create({ name: 'Streamed', identifier: 'https://streamed.example' });
    const expected = await eventsSince(stream.id!);
    await until(() => sink.logIds('JSONLINES').length >= expected.length);
    expect(sink.attempts).toBeGreaterThanOrEqual(3);
    expect(sink.logIds('JSONLINES')).toEqual(expected);
    expect(sink.received[0].headers.authorization).toBe('Bearer sink-secret-2');
    expect(sink.received[0].headers['content-type']).toBe('application/json');
    const first = JSON.parse(sink.received[0].body.split('\n')[0]);
    expect(first).toMatchObject({ log_id: expected[0], data: { log_id: expected[0], type: expect.any(String), date: expect.any(String) } });
    expect((await mgmt.logStreams.get(stream.id!)).status).toBe('active');
    await mgmt.logStreams.delete(stream.id!);
  });

  it('suspends a sink that keeps failing, and resumes where it stopped when set active again', async () => {
    const sink = await new Sink(1000).start();
    sinks.push(sink);
    const stream = await mgmt.logStreams.create({ type: 'http', name: 'down', sink: { httpEndpoint: sink.url } });
    expect((await exchange()).status).toBe(200);
    await until(async () => (await mgmt.logStreams.get(stream.id!)).status === 'suspended');
    expect(sink.attempts).toBe(4);
    expect(sink.received).toEqual([]);
    // The sink recovers; an admin resumes the stream; nothing was skipped meanwhile.
    (sink as unknown as { failFirst: number }).failFirst = 0;
    await mgmt.logStreams.update(stream.id!, { status: 'active' });
    await until(() => sink.received.length > 0);
    expect(sink.logIds('JSONLINES').length).toBeGreaterThanOrEqual(1);
    await mgmt.logStreams.delete(stream.id!);
  });

  it('resumes after a clean restart from its cursor: nothing lost, nothing sent twice', async () => {
    const sink = await new Sink(0).start();
    sinks.push(sink);
    const stream = await mgmt.logStreams.create({
      type: 'http',
      name: 'restart',
      sink: { httpEndpoint: sink.url, httpContentFormat: 'JSONOBJECT' },
    });
    for (let i = 0; i < 3; i++) {
      await exchange();
    }
    await t.close();
    t = await startTestApp(env, { dir: t.dir, port: new URL(t.baseUrl).port as unknown as number, databaseUrl: t.databaseUrl });
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    for (let i = 0; i < 3; i++) {
      await exchange();
    }
    const expected = await eventsSince(stream.id!);
    await until(() => sink.logIds('JSONOBJECT').length >= expected.length);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.logIds('JSONOBJECT')).toEqual(expected);
    expect(sink.received.every((r) => !r.body.includes('\n'))).toBe(true);
  });
});
