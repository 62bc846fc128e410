import { hostileTokens, tenantKey } from '../helpers/attack-tokens.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Every place Tessera accepts a token refuses each hostile variant, and accepts the well-formed control. */
describe('algorithm and token attacks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('Management API: 401 for every hostile token', async () => {
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), {
      iss: t.issuer,
      aud: t.managementAudience,
      sub: 'attacker@clients',
      scope: 'read:resource_servers',
    });
    expect((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: valid })).status).toBe(200);
    const results: Record<string, number> = {};
    for (const [name, token] of Object.entries(attacks)) {
      results[name] = (await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token })).status;
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(attacks).map((k) => [k, 401])));
  });

  it('introspection: inactive for every hostile token', async () => {
    const admin = await t.adminToken();
    const client = (await http(t.baseUrl, 'POST', '/api/v2/clients', { token: admin, body: { name: 'Introspector', app_type: 'non_interactive' } })).body;
    await http(t.baseUrl, 'POST', '/api/v2/resource-servers', { token: admin, body: { name: 'Target', identifier: 'https://target.example' } });
    await http(t.baseUrl, 'POST', '/api/v2/client-grants', { token: admin, body: { client_id: client.client_id, audience: 'https://target.example', scope: [] } });
    const { valid, attacks } = await hostileTokens(tenantKey(t.app), { iss: t.issuer, aud: 'https://target.example', sub: 'x@clients', azp: 'x' });
    const ask = async (token: string) =>
      (await postForm(t.baseUrl, '/oauth/introspect', { token, client_id: client.client_id, client_secret: client.client_secret })).body;
    expect((await ask(valid)).active).toBe(true);
    const results: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(attacks)) {
      results[name] = await ask(token);
    }
    // An oversize token is refused before it is read: the parameter itself is too long (RFC 6749 invalid_request).
    const expected = Object.fromEntries(Object.keys(attacks).map((k) => [k, { active: false }])) as Record<string, unknown>;
    expected['oversize token'] = { error: 'invalid_request', error_description: 'Parameter "token" is too long' };
    expect(results).toEqual(expected);
  });
});
