import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The Management API reads JSON only: any other body is a 400 that writes nothing, never an empty change. */
describe('Management API bodies that are not JSON', () => {
  let t: TestApp;
  let admin: string;
  let clientId: string;
  let grantId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    admin = await t.adminToken();
    clientId = (await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name: 'Target', app_type: 'non_interactive' } }))
      .body.client_id;
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', { token: admin, body: { name: 'Api', identifier: 'https://api.example' } });
    grantId = (
      await http(t.baseUrl, 'POST', '/api/v2/client-grants', {
        token: admin,
        body: { client_id: clientId, audience: 'https://api.example', scope: [] },
      })
    ).body.id;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const NOT_JSON = [
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/json-patch+json',
    'application/x-www-form-urlencoded',
    'application/jsonp',
    undefined,
  ];

  it('refuses PATCH, POST and PUT with any other content type with a 400 invalid_body and leaves the database as it was', async () => {
    const writes: [string, string, string][] = [
      ['PATCH', `/api/v2/clients/${clientId}`, JSON.stringify({ name: 'Renamed' })],
      ['PATCH', '/api/v2/resource-servers/https%3A%2F%2Fapi.example', JSON.stringify({ name: 'Renamed' })],
      ['PATCH', `/api/v2/client-grants/${grantId}`, JSON.stringify({ scope: [] })],
      ['POST', '/api/v2/clients', JSON.stringify({ name: 'New' })],
      ['POST', '/api/v2/resource-servers', JSON.stringify({ name: 'New', identifier: 'https://new.example' })],
      ['PUT', '/api/v2/keys/signing/some-kid/revoke', '{}'],
      ['PATCH', '/api/v2/tenants/settings', JSON.stringify({ friendly_name: 'Renamed' })],
    ];
    const before = await snapshotDatabase(t.app);
    const results: Record<string, number> = {};
    for (const [method, path, body] of writes) {
      for (const type of NOT_JSON) {
        // Bytes, so fetch adds no Content-Type of its own when there is none.
        const sent = await fetch(`${t.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${admin}`, ...(type ? { 'content-type': type } : {}) },
          body: new TextEncoder().encode(body),
        });
        const res = { status: sent.status, body: (await sent.json()) as unknown };
        expectManagementError(res, 400, 'invalid_body', type ? /application\/json/ : /no Content-Type/);
        results[`${method} ${path} ${type}`] = res.status;
      }
    }
    expect(Object.values(results).every((s) => s === 400)).toBe(true);
    expect(await snapshotDatabase(t.app)).toBe(before);
  });

  it('still takes JSON (with or without a charset) and body-less POSTs', async () => {
    const patch = (type: string) =>
      http(t.baseUrl, 'PATCH', `/api/v2/clients/${clientId}`, {
        token: admin,
        rawBody: JSON.stringify({ name: `Via ${type}` }),
        headers: { 'content-type': type },
      });
    expect((await patch('application/json')).body.name).toBe('Via application/json');
    expect((await patch('Application/JSON; charset=utf-8')).body.name).toBe('Via Application/JSON; charset=utf-8');
    const rotated = await http(t.baseUrl, 'POST', `/api/v2/clients/${clientId}/rotate-secret`, { token: admin });
    expect(rotated.status).toBe(200);
  });
});
