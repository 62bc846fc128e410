import { CacheCoherenceService } from '../../src/cache-coherence/cache-coherence.service.js';
import { eventually, startInstances } from '../helpers/instances.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, type TestApp } from '../helpers/test-app.js';

describe('cache coherence across two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  /** A third instance that never polls on its own: the test says when it looks. */
  let c: TestApp;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ a, b, c, stop } = await startInstances());
  });
  afterAll(async () => {
    await stop();
  });

  const tokenWithoutAudience = (t: TestApp) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
    });

  it('honours on B a Default Audience set through A, within the poll bound', async () => {
    const before = await tokenWithoutAudience(b);
    expect(before.body).toEqual({
      error: 'access_denied',
      error_description: 'No audience parameter was provided, and no default audience has been configured',
    });

    const token = await a.adminToken();
    const created = await http(a.baseUrl, 'POST', '/api/v2/resource-servers', {
      token,
      body: { name: 'Coherent', identifier: 'https://coherent.example' },
    });
    expect(created.status).toBe(201);
    const patched = await http(a.baseUrl, 'PATCH', '/api/v2/tenants/settings', {
      token,
      body: { default_audience: 'https://coherent.example' },
    });
    expect(patched.status).toBe(200);

    const expected = `Client "${ADMIN_CLIENT_ID}" is not authorized to access resource server "https://coherent.example".`;
    const seen = await eventually(async () => (await tokenWithoutAudience(b)).body?.error_description === expected);
    expect(seen).toBe(true);
  });

  it('runs on B a post-login action bound through A, and stops when it is unbound', async () => {
    const token = await a.adminToken();
    const api = (method: string, path: string, body?: unknown) => http(a.baseUrl, method, `/api/v2/${path}`, { token, body });
    const web = (await api('POST', 'clients', { name: 'Web', app_type: 'regular_web', grant_types: ['password'] })).body;
    await api('POST', 'users', { connection: 'Username-Password-Authentication', email: 'cc@example.com', password: 'Correct-Horse-9' });
    const login = () =>
      postForm(b.baseUrl, '/oauth/token', {
        grant_type: 'password',
        client_id: web.client_id,
        client_secret: web.client_secret,
        username: 'cc@example.com',
        password: 'Correct-Horse-9',
        scope: 'openid',
      });
    expect((await login()).status).toBe(200);
    const action = await api('POST', 'actions/actions', {
      name: 'deny-everyone',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: "exports.onExecutePostLogin = async (event, api) => { api.access.deny('closed'); };",
      deploy: true,
    });
    expect(action.status).toBe(201);
    const bound = await api('PATCH', 'actions/triggers/post-login/bindings', {
      bindings: [{ ref: { type: 'action_id', value: action.body.id } }],
    });
    expect(bound.status).toBe(200);
    // The last answer B gave is kept, so a failure says what B answered instead.
    let last: unknown;
    const denied = await eventually(async () => {
      const res = await login();
      last = { status: res.status, body: res.body };
      return res.body?.error_description === 'closed';
    });
    expect(denied ? 'denied' : last).toBe('denied');
    const unbound = await api('PATCH', 'actions/triggers/post-login/bindings', { bindings: [] });
    expect(unbound.status).toBe(200);
    const allowed = await eventually(async () => {
      const res = await login();
      last = { status: res.status, body: res.body };
      return res.status === 200;
    });
    expect(allowed ? 'allowed' : last).toBe('allowed');
  });

  it('drops on C a client it cached between two looks, though the row came and went (same count and stamps again)', async () => {
    const token = await a.adminToken();
    const coherence = c.app.get(CacheCoherenceService);
    await coherence.check();
    const created = await http(a.baseUrl, 'POST', '/api/v2/clients', {
      token,
      body: { name: 'Fleeting', app_type: 'non_interactive', grant_types: ['client_credentials'] },
    });
    expect(created.status).toBe(201);
    const exchange = () =>
      postForm(c.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: created.body.client_id,
        client_secret: created.body.client_secret,
        audience: a.managementAudience,
      });
    // C reads the client (it has no grant for the API, so no token) and keeps it.
    expect((await exchange()).body.error).toBe('access_denied');
    expect((await http(a.baseUrl, 'DELETE', `/api/v2/clients/${created.body.client_id}`, { token })).status).toBe(204);
    expect(await coherence.check()).toBe(true);
    expect((await exchange()).body.error).toBe('invalid_client');
  });
});
