import { expectManagementError } from '../helpers/expect-error.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('tenant logs (/api/v2/logs)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', { token, body: { name: 'Logged', identifier: 'https://logged.example' } });
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', { token, body: { name: 'Logged', identifier: 'https://logged.example' } });
    await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: 'wrong-secret-wrong-secret',
      audience: t.managementAudience,
    });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('records token exchanges and Management API changes, newest first, without secrets', async () => {
    const res = await http(t.baseUrl, 'GET', '/api/v2/logs', { token });
    expect(res.status).toBe(200);
    const types = res.body.map((l: { type: string }) => l.type);
    // Newest first: the failed exchange, the refused duplicate, the create, the admin token exchange.
    expect(types).toEqual(['feccft', 'fapi', 'sapi', 'seccft']);
    const [failed, dup, created, exchange] = res.body;
    expect(failed).toMatchObject({
      client_id: ADMIN_CLIENT_ID,
      audience: t.managementAudience,
      description: 'Client authentication failed',
    });
    expect(dup.description).toBe('POST /api/v2/resource-servers: A resource server with the same identifier already exists');
    expect(created).toMatchObject({
      type: 'sapi',
      client_id: ADMIN_CLIENT_ID,
      user_id: `${ADMIN_CLIENT_ID}@clients`,
      details: { request: { method: 'POST', path: '/api/v2/resource-servers' }, response: { statusCode: 201 } },
    });
    expect(exchange).toMatchObject({ type: 'seccft', client_id: ADMIN_CLIENT_ID, audience: t.managementAudience });
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_CLIENT_SECRET);
    expect(JSON.stringify(res.body)).not.toContain('wrong-secret');
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('pages, filters, gets by id and checkpoints with from/take', async () => {
    const paged = await http(t.baseUrl, 'GET', '/api/v2/logs?page=0&per_page=2&include_totals=true', { token });
    expect(paged.body).toMatchObject({ start: 0, limit: 2, length: 2 });
    expect(paged.body.total).toBeGreaterThanOrEqual(4);
    const onlySapi = await http(t.baseUrl, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:sapi')}`, { token });
    expect(onlySapi.body.every((l: { type: string }) => l.type === 'sapi')).toBe(true);
    const oldestFirst = await http(t.baseUrl, 'GET', '/api/v2/logs?sort=date:1', { token });
    const first = oldestFirst.body[0];
    const one = await http(t.baseUrl, 'GET', `/api/v2/logs/${first.log_id}`, { token });
    expect(one.body).toEqual(first);
    const after = await http(t.baseUrl, 'GET', `/api/v2/logs?from=${first.log_id}&take=1`, { token });
    expect(after.body).toEqual([oldestFirst.body[1]]);
  });

  it('refuses bad queries and unknown ids in Auth0 shape', async () => {
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/logs?q=password:x', { token }), 400, 'invalid_query_string');
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/logs?sort=name:1', { token }), 400, 'invalid_query_string');
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/logs/000', { token }), 404, 'not_found');
    expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/logs'), 401, 'missing_authentication');
  });
});

describe('tenant logs: batched writes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('stores every event of a batch larger than one flush, with any text; a lone surrogate or NUL as U+FFFD', async () => {
    const token = await t.adminToken();
    const n = 260; // more than one batch (FLUSH_AT) in flight at once
    const odd = `é€😀 "quoted" back\\slash tab\t`;
    const clientIds = ['"lone-\\ud800"', '"nul-\\u0000-x"'];
    const statuses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        http(t.baseUrl, 'POST', '/oauth/token', {
          // JSON, so the lone surrogate reaches the server as one (a form body would decode it as UTF-8).
          rawBody: `{"grant_type":"client_credentials","client_id":${clientIds[i] ?? JSON.stringify(`batch-${i} ${odd}`)},"client_secret":"x","audience":"https://batch.example/${i}"}`,
          headers: { 'content-type': 'application/json' },
        }).then((r) => r.status),
      ),
    );
    // NUL is refused before the client is looked up (400 invalid_request); the others are unknown clients.
    expect(statuses[1]).toBe(400);
    expect(statuses.filter((s, i) => i !== 1 && s !== 401)).toEqual([]);

    const seen = new Map<string, { client_id: string }>();
    for (let page = 0; page < 3; page++) {
      const res = await http(t.baseUrl, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:feccft')}&per_page=100&page=${page}`, { token });
      expect(res.status).toBe(200);
      for (const l of res.body as { audience: string; client_id: string }[]) {
        seen.set(l.audience, l);
      }
    }
    expect(seen.size).toBe(n);
    expect(seen.get('https://batch.example/0')?.client_id).toBe('lone-\ufffd');
    expect(seen.get('https://batch.example/1')?.client_id).toBe('nul-\ufffd-x');
    expect(seen.get('https://batch.example/7')?.client_id).toBe(`batch-7 ${odd}`);
  });
});
