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
    expect(failed).toMatchObject({ client_id: ADMIN_CLIENT_ID, audience: t.managementAudience, description: 'Client authentication failed' });
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
