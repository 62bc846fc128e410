import { expectManagementError } from '../helpers/expect-error.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * What a GET returns is accepted back: by the matching PATCH (nothing changes), and by POST after the
 * resource was deleted (it comes back, with a new id where the server assigns one). A read-only field that
 * tries to change is refused with a 400 naming it, and nothing changes.
 */
describe('GET bodies written back: read-only fields echoed', () => {
  let t: TestApp;
  let token: string;

  const api = async (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body);
    expect({ method, path, status: res.status < 300 ? 'ok' : res.status, body: res.status < 300 ? undefined : res.body }).toEqual({
      method,
      path,
      status: 'ok',
      body: undefined,
    });
    return res.body;
  };
  /** A body as a tool holding the GET's copy would send it. */
  const without = (body: Record<string, unknown>, ...keys: string[]) =>
    Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));

  let api1: any;
  let worker: any;
  let grant: any;
  let role: any;
  let connection: any;
  let action: any;
  let stream: any;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    api1 = await ok('POST', 'resource-servers', {
      identifier: 'https://echo.example',
      name: 'Echo',
      scopes: [{ value: 'read:echo', description: 'Read' }],
      token_lifetime: 3600,
    });
    worker = await ok('POST', 'clients', { name: 'Echo Worker', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    grant = await ok('POST', 'client-grants', { client_id: worker.client_id, audience: 'https://echo.example', scope: ['read:echo'] });
    role = await ok('POST', 'roles', { name: 'Echo Role', description: 'Echoes' });
    connection = await ok('POST', 'connections', { name: 'Echo-DB', strategy: 'auth0', enabled_clients: [worker.client_id] });
    action = await ok('POST', 'actions/actions', {
      name: 'Echo Action',
      code: 'exports.onExecutePostLogin = async (event, api) => {};',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      secrets: [{ name: 'KEY', value: 'kept-secret' }],
    });
    stream = await ok('POST', 'log-streams', {
      name: 'Echo Stream',
      type: 'http',
      sink: { httpEndpoint: 'https://logs.echo.example/in', httpContentFormat: 'JSONLINES', httpAuthorization: 'Bearer kept' },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  describe('GET → PATCH changes nothing', () => {
    it.each([
      ['resource-servers', () => api1.id, []],
      ['clients', () => worker.client_id, ['updated_at']],
      ['client-grants', () => grant.id, []],
      ['roles', () => role.id, []],
      ['connections', () => connection.id, []],
    ] as [string, () => string, string[]][])('%s', async (collection, id, serverTimes) => {
      const before = await ok('GET', `${collection}/${id()}`);
      const after = await ok('PATCH', `${collection}/${id()}`, before);
      expect(without(after, ...serverTimes)).toEqual(without(before, ...serverTimes));
      expect(without(await ok('GET', `${collection}/${id()}`), ...serverTimes)).toEqual(without(before, ...serverTimes));
    });

    it('actions (the draft is rebuilt, so only its build stamps move; secrets keep their values)', async () => {
      const before = await ok('GET', `actions/actions/${action.id}`);
      await ok('PATCH', `actions/actions/${action.id}`, before);
      const stamps = ['updated_at', 'built_at', 'all_changes_deployed', 'status'];
      expect(without(await ok('GET', `actions/actions/${action.id}`), ...stamps)).toEqual(without(before, ...stamps));
    });

    it('log streams', async () => {
      const before = await ok('GET', `log-streams/${stream.id}`);
      expect(await ok('PATCH', `log-streams/${stream.id}`, before)).toEqual(before);
      expect(await ok('GET', `log-streams/${stream.id}`)).toEqual(before);
    });

    it('tenant settings', async () => {
      const before = await ok('GET', 'tenants/settings');
      expect(await ok('PATCH', 'tenants/settings', before)).toEqual(before);
    });
  });

  describe('a read-only field that tries to change is a 400 naming it, and nothing changes', () => {
    it.each([
      ['resource-servers', 'identifier', () => api1.id, { identifier: 'https://other.example' }],
      ['resource-servers', 'is_system', () => api1.id, { is_system: true }],
      ['clients', 'client_id', () => worker.client_id, { client_id: 'another-client' }],
      ['clients', 'global', () => worker.client_id, { global: true }],
      ['client-grants', 'audience', () => grant.id, { audience: 'https://other.example' }],
      ['client-grants', 'client_id', () => grant.id, { client_id: 'another-client' }],
      ['roles', 'id', () => role.id, { id: 'rol_other' }],
      ['connections', 'name', () => connection.id, { name: 'Renamed-DB' }],
      ['connections', 'strategy', () => connection.id, { strategy: 'github' }],
      ['actions/actions', 'id', () => action.id, { id: 'another-action' }],
      ['log-streams', 'type', () => stream.id, { type: 'eventbridge' }],
    ] as [string, string, () => string, Record<string, unknown>][])('%s: changing %s', async (collection, field, id, change) => {
      const before = await ok('GET', `${collection}/${id()}`);
      const res = await api('PATCH', `${collection}/${id()}`, { ...before, ...change });
      expectManagementError(res, 400, 'invalid_body', new RegExp(`^Payload validation error: '${field} is read-only: `));
      expect(await ok('GET', `${collection}/${id()}`)).toEqual(before);
    });

    it('on create too: a resource server that would be a system one', async () => {
      const res = await api('POST', 'resource-servers', { identifier: 'https://sys.example', is_system: true });
      expectManagementError(res, 400, 'invalid_body', /is_system is read-only/);
      expect((await api('GET', `resource-servers/${encodeURIComponent('https://sys.example')}`)).status).toBe(404);
    });
  });

  describe("Auth0's global client and custom login pages", () => {
    it('the global client read back is a no-op; a change to it is refused by name', async () => {
      const [global] = await ok('GET', 'clients?is_global=true');
      expect(await ok('PATCH', `clients/${global.client_id}`, global)).toEqual(global);
      const res = await api('PATCH', `clients/${global.client_id}`, { ...global, callbacks: ['https://x.example/cb'] });
      expectManagementError(res, 400, 'operation_not_supported', "The global client's settings (callbacks): not supported by Tessera");
    });

    it('a custom login page is refused by name, on the global client and on any other; "off" is accepted', async () => {
      const [global] = await ok('GET', 'clients?is_global=true');
      const page = { custom_login_page_on: true, custom_login_page: '<html>login</html>' };
      for (const res of [
        await api('PATCH', `clients/${global.client_id}`, page),
        await api('PATCH', `clients/${worker.client_id}`, page),
        await api('POST', 'clients', { name: 'With Page', ...page }),
      ]) {
        expectManagementError(res, 400, 'operation_not_supported', /^Custom login pages .*: not supported by Tessera$/);
      }
      expect((await ok('GET', 'clients')).map((c: any) => c.name)).not.toContain('With Page');
      const before = await ok('GET', `clients/${worker.client_id}`);
      await ok('PATCH', `clients/${worker.client_id}`, { custom_login_page_on: false });
      expect(without(await ok('GET', `clients/${worker.client_id}`), 'updated_at')).toEqual(without(before, 'updated_at'));
    });
  });

  describe('GET → DELETE → POST brings the resource back', () => {
    it('client grant', async () => {
      const before = await ok('GET', `client-grants/${grant.id}`);
      await ok('DELETE', `client-grants/${grant.id}`);
      grant = await ok('POST', 'client-grants', before);
      expect(without(grant, 'id')).toEqual(without(before, 'id'));
    });

    it('resource server (new id, same settings)', async () => {
      const before = await ok('GET', `resource-servers/${api1.id}`);
      await ok('DELETE', `resource-servers/${api1.id}`);
      api1 = await ok('POST', 'resource-servers', before);
      expect(api1.id).not.toBe(before.id);
      expect(without(api1, 'id')).toEqual(without(before, 'id'));
    });

    it('client (new client_id, same settings and secret)', async () => {
      const before = await ok('GET', `clients/${worker.client_id}`);
      expect(before.client_secret).toEqual(expect.any(String));
      await ok('DELETE', `clients/${worker.client_id}`);
      worker = await ok('POST', 'clients', before);
      expect(worker.client_id).not.toBe(before.client_id);
      const server = ['client_id', 'created_at', 'updated_at'];
      expect(without(worker, ...server)).toEqual(without(before, ...server));
    });

    it('role', async () => {
      const before = await ok('GET', `roles/${role.id}`);
      await ok('DELETE', `roles/${role.id}`);
      role = await ok('POST', 'roles', before);
      expect(without(role, 'id')).toEqual(without(before, 'id'));
    });

    it('action (new id, same draft)', async () => {
      const before = await ok('GET', `actions/actions/${action.id}`);
      await ok('DELETE', `actions/actions/${action.id}`);
      const res = await api('POST', 'actions/actions', before);
      // A secret read back has no value, and a new action has none to keep: refused by name, nothing made.
      expectManagementError(res, 400, 'invalid_body', /secret 'KEY' needs a value/);
      action = await ok('POST', 'actions/actions', { ...before, secrets: [{ name: 'KEY', value: 'new-secret' }] });
      expect(action.id).not.toBe(before.id);
      const server = ['id', 'created_at', 'updated_at', 'built_at', 'secrets'];
      expect(without(action, ...server)).toEqual(without(before, ...server));
    });

    it('log stream (new id, given its write-only authorization again)', async () => {
      const before = await ok('GET', `log-streams/${stream.id}`);
      await ok('DELETE', `log-streams/${stream.id}`);
      stream = await ok('POST', 'log-streams', { ...before, sink: { ...before.sink, httpAuthorization: 'Bearer again' } });
      expect(stream.id).not.toBe(before.id);
      expect(without(stream, 'id')).toEqual(without(before, 'id'));
    });

    it('connection', async () => {
      const before = await ok('GET', `connections/${connection.id}`);
      await ok('DELETE', `connections/${connection.id}`);
      connection = await ok('POST', 'connections', before);
      expect(without(connection, 'id')).toEqual(without(before, 'id'));
    });
  });
});
