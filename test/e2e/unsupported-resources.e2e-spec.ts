import { UNSUPPORTED_RESOURCE_SCOPES } from '../../src/management/management-scopes.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { asBeforeScopeMigration } from '../helpers/scope-migration.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Auth0 resources Tessera does not have (src/management/unsupported-resources): reads answer Auth0's
 * nothing-configured value, writes a 400 naming what is not supported, except a write that states the
 * empty value back.
 */
describe('Management API: resources Tessera does not have', () => {
  let t: TestApp;
  let token: string;
  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_LOCKOUT_ATTEMPTS: '7' });
    token = await t.adminToken();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([
    ['rules', []],
    ['rules?page=0&per_page=100&include_totals=true', { rules: [], start: 0, limit: 100, total: 0 }],
    ['hooks?include_totals=true&enabled=true', { hooks: [], start: 0, limit: 50, total: 0 }],
    ['organizations?take=50', { organizations: [] }],
    ['actions/modules?page=0&per_page=100', { modules: [], total: 0, page: 0, per_page: 100 }],
    ['rules-configs', []],
    ['custom-domains', []],
    ['guardian/factors', []],
    ['branding/phone/providers', { providers: [] }],
    ['prompts', { universal_login_experience: 'new', identifier_first: false, webauthn_platform_first_factor: false }],
    ['prompts/login/custom-text/en', {}],
    ['supplemental-signals', { akamai_enabled: false }],
    [
      'attack-protection/brute-force-protection',
      { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: 7 },
    ],
  ])('GET %s answers the nothing-configured value', async (path, expected) => {
    const res = await api('GET', path);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expected });
  });

  it('answers 404 for items of an empty collection and for singletons that exist only once configured', async () => {
    expectManagementError(await api('GET', 'rules/rul_1'), 404, 'not_found', 'Rules: none exist (not supported by Tessera)');
    expectManagementError(await api('GET', 'branding/themes/default'), 404, 'not_found', /Branding themes: none configured/);
  });

  it.each([
    ['POST', 'rules', { name: 'r', script: 'function (u, c, cb) { cb(null, u, c); }' }, 'Rules'],
    ['PATCH', 'rules/rul_1', { enabled: false }, 'Rules'],
    ['DELETE', 'organizations/org_1', undefined, 'Organizations'],
    ['PATCH', 'prompts', { identifier_first: true }, 'Prompts'],
    ['PUT', 'guardian/policies', ['all-applications'], 'Multi-factor policies'],
    [
      'PATCH',
      'attack-protection/brute-force-protection',
      { max_attempts: 3 },
      'Changing brute-force protection through the API (set LOGIN_LOCKOUT_ATTEMPTS)',
    ],
    ['PATCH', 'prompts', [], 'Prompts'],
  ])('%s %s is refused, naming what is not supported', async (method, path, body, name) => {
    expectManagementError(await api(method, path, body), 400, 'operation_not_supported', `${name}: not supported by Tessera`);
  });

  it('accepts a write that states the empty value back, and changes nothing', async () => {
    expect((await api('PATCH', 'prompts', { identifier_first: false })).body).toEqual((await api('GET', 'prompts')).body);
    expect((await api('PUT', 'guardian/policies', [])).body).toEqual([]);
    const bfp = (await api('GET', 'attack-protection/brute-force-protection')).body;
    expect(await api('PATCH', 'attack-protection/brute-force-protection', bfp)).toMatchObject({ status: 200, body: bfp });
  });

  it("needs Auth0's scope for the resource, like any other", async () => {
    const client = (await api('POST', 'clients', { name: 'Reader', app_type: 'non_interactive', grant_types: ['client_credentials'] }))
      .body;
    await api('POST', 'client-grants', { client_id: client.client_id, audience: t.managementAudience, scope: ['read:clients'] });
    const narrow = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: t.managementAudience,
    });
    const res = await http(t.baseUrl, 'GET', '/api/v2/rules', { token: narrow.body.access_token });
    expectManagementError(res, 403, 'insufficient_scope', 'Insufficient scope, expected any of: read:rules');
  });

  it("lists Auth0's global client only when asked for it", async () => {
    const global = await api('GET', 'clients?is_global=true');
    expect(global.body).toEqual([expect.objectContaining({ name: 'All Applications', global: true })]);
    const all = (await api('GET', 'clients')).body as { global: boolean }[];
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((c) => c.global)).toEqual([]);
    expect((await api('GET', 'clients?is_global=true&include_totals=true')).body).toMatchObject({ total: 1, clients: [{ global: true }] });
  });

  it("filters roles by Auth0's type: all of Tessera's are tenant roles", async () => {
    await api('POST', 'roles', { name: 'Typed' });
    expect(((await api('GET', 'roles?type=tenant')).body as { name: string }[]).map((r) => r.name)).toContain('Typed');
    expect((await api('GET', 'roles?type=organization')).body).toEqual([]);
    expectManagementError(await api('GET', 'roles?type=team'), 400, 'invalid_query_string');
  });

  it("gives a tenant from before its admin client these resources' scopes when the migration runs", async () => {
    const scopes = UNSUPPORTED_RESOURCE_SCOPES.map(([v]) => v);
    await asBeforeScopeMigration(t, 'UnsupportedResourceScopes1732402200000', scopes);
    await t.close();
    t = await startTestApp({ LOGIN_LOCKOUT_ATTEMPTS: '7' }, { dir: t.dir, port: await freePort(), databaseUrl: t.databaseUrl });
    const res = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: t.managementAudience,
    });
    expect((res.body.scope as string).split(' ')).toEqual(expect.arrayContaining(['read:rules', 'read:organizations', ...scopes]));
  });
});
