import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * NUL in a path, query or body: PostgreSQL refuses it deep inside a query (it answered 500), SQLite
 * stores it. Every endpoint answers 400 in its own error shape instead, on both, and nothing changes.
 */
const MANAGEMENT: [string, string][] = [
  ['GET', '/api/v2/clients/:id'],
  ['PATCH', '/api/v2/clients/:id'],
  ['DELETE', '/api/v2/clients/:id'],
  ['POST', '/api/v2/clients/:id/rotate-secret'],
  ['POST', '/api/v2/clients'],
  ['GET', '/api/v2/client-grants/:id'],
  ['POST', '/api/v2/client-grants'],
  ['GET', '/api/v2/resource-servers/:id'],
  ['POST', '/api/v2/resource-servers'],
  ['GET', '/api/v2/keys/signing/:id'],
  ['PUT', '/api/v2/keys/signing/:id/revoke'],
  ['GET', '/api/v2/logs/:id'],
  ['GET', '/api/v2/users/:id'],
  ['POST', '/api/v2/users'],
  ['GET', '/api/v2/users-by-email'],
  ['GET', '/api/v2/user-blocks/:id'],
  ['DELETE', '/api/v2/user-blocks/:id'],
  ['GET', '/api/v2/tessera/tenants/:id'],
  ['PATCH', '/api/v2/tenants/settings'],
];
const OAUTH: [string, string][] = [
  ['GET', '/authorize'],
  ['POST', '/oauth/revoke'],
  ['POST', '/oauth/introspect'],
  ['GET', '/userinfo'],
  ['GET', '/v2/logout'],
  ['POST', '/oauth/token'],
];

describe('NUL characters in requests', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    token = await t.adminToken();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('are refused with 400 in Auth0 shapes wherever they appear, and change nothing', async () => {
    const before = await snapshotDatabase(t.app);
    const nulBody = {
      name: 'x\u0000y',
      email: 'a\u0000@example.com',
      identifier: 'https://nul\u0000.example',
      client_id: 'c\u0000',
      token: 't\u0000',
    };
    for (const [method, route] of MANAGEMENT) {
      const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
      if (route.includes(':id')) {
        expectManagementError(
          await http(t.baseUrl, method, route.replace(':id', 'a%00b'), { token, body: hasBody ? {} : undefined }),
          400,
          'invalid_uri',
        );
      }
      expectManagementError(
        await http(t.baseUrl, method, `${route.replace(':id', 'abc')}?q=x%00y&email=a%00b`, { token, body: hasBody ? {} : undefined }),
        400,
        'invalid_query_string',
      );
      if (hasBody) {
        expectManagementError(await http(t.baseUrl, method, route.replace(':id', 'abc'), { token, body: nulBody }), 400, 'invalid_body');
        expectManagementError(
          await http(t.baseUrl, method, route.replace(':id', 'abc'), { token, body: { nested: [{ ['k\u0000']: 1 }] } }),
          400,
          'invalid_body',
        );
      }
    }
    for (const [method, route] of OAUTH) {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'a\u0000b',
        client_secret: 's',
        token: 't\u0000',
        redirect_uri: 'https://x\u0000',
      });
      const res =
        method === 'GET'
          ? await http(t.baseUrl, method, `${route}?client_id=a%00b&returnTo=x%00`)
          : await http(t.baseUrl, method, route, {
              rawBody: form.toString(),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            });
      expectOAuthError(res, 400, 'invalid_request', /NUL/);
    }
    // The token endpoint's fast path (outside Express) and a JSON body.
    const json = await http(t.baseUrl, 'POST', '/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y', audience: 'https://a\u0000' },
    });
    expectOAuthError(json, 400, 'invalid_request', 'Parameter "audience" must not contain NUL characters');
    expect(await snapshotDatabase(t.app)).toBe(before);
  });
});
