import type { ManagementClient } from 'auth0';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { managementClient } from '../helpers/management-client.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

const API = 'https://parity.api.example';
/** Headers that differ between any two responses, whoever serves them. */
const VOLATILE = new Set([
  'date',
  'connection',
  'keep-alive',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'content-length',
  'x-request-id',
]);

type Sent = { rawBody: string; headers: Record<string, string> };

/**
 * POST /oauth/token has two entries that run one step list: the fast path before Express takes
 * `/oauth/token` with a plain form or JSON body, and TokenController takes what Express alone routes
 * (here `/oauth/token/`, the same path with a trailing slash). The same request must get the same answer.
 */
describe('token endpoint: both entries answer alike', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let worker: { id: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({ identifier: API, name: 'Parity', signing_alg: 'RS256', scopes: [{ value: 'read:x' }] });
    const c = await mgmt.clients.create({ name: 'Parity worker', app_type: 'non_interactive' });
    worker = { id: c.client_id!, secret: c.client_secret! };
    await mgmt.clientGrants.create({ client_id: worker.id, audience: API, scope: ['read:x'] });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const form = (fields: Record<string, string>): Sent => ({
    rawBody: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const json = (body: unknown): Sent => ({ rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  async function both(sent: Sent, query = '') {
    const fast = await http(t.baseUrl, 'POST', `/oauth/token${query}`, sent);
    const routed = await http(t.baseUrl, 'POST', `/oauth/token/${query}`, sent);
    return { fast, routed };
  }

  function headersOf(res: { headers: Headers }): Record<string, string> {
    return Object.fromEntries([...res.headers].filter(([name]) => !VOLATILE.has(name)));
  }

  /** A token response with what differs per issuance (iat, exp, jti, the signature) left out. */
  function shapeOf(body: Record<string, unknown>) {
    const { access_token: token, ...rest } = body;
    const { iat, exp, jti, ...claims } = decodeJwt(token as string);
    return { rest, header: decodeProtectedHeader(token as string), claims, lifetime: (exp as number) - (iat as number), jti: typeof jti };
  }

  it('issues the same token for the same client_credentials request, form or JSON, and logs both', async () => {
    const before = await exchangesLogged();
    for (const sent of [
      form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret, audience: API }),
      json({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret, audience: API }),
    ]) {
      const { fast, routed } = await both(sent);
      expect(fast.status).toBe(200);
      expect(routed.status).toBe(200);
      expect(headersOf(routed)).toEqual(headersOf(fast));
      expect(headersOf(fast)).toMatchObject({
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'content-type': 'application/json; charset=utf-8',
      });
      expect(shapeOf(routed.body)).toEqual(shapeOf(fast.body));
    }
    expect(await waitFor(async () => (await exchangesLogged()) - before, 4)).toBe(4);
    expect(before).toBe(0);
  });

  it('refuses the same bad requests with the same status, headers and body', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`${worker.id}:wrong`).toString('base64')}` };
    const cases: [string, Sent, string?][] = [
      ['wrong secret', form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: 'wrong', audience: API })],
      [
        'wrong Basic secret',
        {
          ...form({ grant_type: 'client_credentials', audience: API }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic },
        },
      ],
      [
        'unknown API',
        form({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secret, audience: 'https://nope' }),
      ],
      ['no grant_type', form({ client_id: worker.id })],
      ['unsupported grant', form({ grant_type: 'urn:nope' })],
      ['repeated parameter', { ...form({}), rawBody: 'grant_type=client_credentials&grant_type=password' }],
      ['NUL in a parameter', json({ grant_type: 'client_credentials', client_id: 'a\u0000b' })],
      ['malformed JSON', { rawBody: '{"grant_type":', headers: { 'content-type': 'application/json' } }],
      ['NUL in the query', form({ grant_type: 'client_credentials' }), '?x=%00'],
    ];
    for (const [what, sent, query] of cases) {
      const { fast, routed } = await both(sent, query);
      expect({ what, status: routed.status, headers: headersOf(routed), body: routed.body }).toEqual({
        what,
        status: fast.status,
        headers: headersOf(fast),
        body: fast.body,
      });
      expect(fast.status).toBeGreaterThanOrEqual(400);
      expect(fast.status).toBeLessThan(500);
    }
  });

  async function exchangesLogged(): Promise<number> {
    const token = await t.adminToken();
    const q = `type:seccft AND client_id:"${worker.id}"`;
    const res = await http(t.baseUrl, 'GET', `/api/v2/logs?q=${encodeURIComponent(q)}&include_totals=true&per_page=1`, { token });
    return res.body.total as number;
  }
});

async function waitFor(read: () => Promise<number>, want: number): Promise<number> {
  let seen = await read();
  for (let i = 0; i < 100 && seen < want; i++) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await read();
  }
  return seen;
}
