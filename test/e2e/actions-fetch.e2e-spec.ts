import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Management, ManagementClient } from 'auth0';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, createWebClient, realmLogin, type TestClient, type TestUser } from '../helpers/user-flows.js';

const API = 'https://fetch.api.example';
const POST_LOGIN = [{ id: 'post-login' as const, version: 'v3' }];
const NS = 'https://tessera.example/';

const code = (body: string) => `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};`;

/** A small HTTP service on 127.0.0.1 standing in for an internal API; it records what it was sent. */
async function localService(): Promise<{
  server: Server;
  port: number;
  seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
}> {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/profile') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-tier': 'gold' });
        res.end(JSON.stringify({ tier: 'gold', got: body ? (JSON.parse(body) as unknown) : null }));
      } else if (req.url === '/huge') {
        // Two megabytes without a content-length: the cap must count what arrives.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 32; i += 1) {
          res.write(chunk);
        }
        res.end();
      } else if (req.url?.startsWith('/to?')) {
        res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) });
        res.end();
      } else {
        res.writeHead(404);
        res.end('nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe('Actions: fetch', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let token: string;
  let web: TestClient;
  let ann: TestUser;
  let internal: Awaited<ReturnType<typeof localService>>;
  let other: Awaited<ReturnType<typeof localService>>;

  beforeAll(async () => {
    internal = await localService();
    other = await localService();
    // The deployment lets actions reach this one internal service; `other` stays out of reach.
    t = await startTestApp({ ACTIONS_FETCH_ALLOWED_HOSTS: `127.0.0.1:${internal.port}` });
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.resourceServers.create({ identifier: API, name: 'Fetch API' });
    web = await createWebClient(mgmt);
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann' });
  });
  afterAll(async () => {
    await t.cleanup();
    internal.server.close();
    other.server.close();
  });

  const setFetch = (on: boolean) =>
    mgmt.tenants.settings.update({ flags: { actions_fetch: on } } as Management.UpdateTenantSettingsRequestContent);
  /** Creates, deploys and binds one action as the whole post-login flow. */
  const only = async (name: string, body: string) => {
    const a = await mgmt.actions.create({ name, supported_triggers: POST_LOGIN, code: code(body) });
    await mgmt.actions.deploy(a.id!);
    await mgmt.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: name }, display_name: name }],
    });
  };
  const login = () => realmLogin(t, web, ann, { audience: API, scope: 'openid' });
  const tokens = async () => {
    const res = await login();
    expect(res.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`));
    return {
      at: (await jwtVerify(res.body.access_token, jwks, { issuer: t.issuer, audience: API })).payload,
      id: (await jwtVerify(res.body.id_token, jwks, { issuer: t.issuer, audience: web.id })).payload,
    };
  };
  /** The message a fetch to `url` rejects with inside the action (or 'fetched' when it succeeds). */
  const fetchOutcome = async (name: string, url: string) => {
    await only(
      name,
      `let r; try { const res = await fetch(${JSON.stringify(url)}); r = 'fetched ' + res.status; } catch (e) { r = e.message; }
       api.accessToken.setCustomClaim('${NS}r', r);`,
    );
    return (await tokens()).at[`${NS}r`] as string;
  };

  it('keeps fetch absent while the tenant flag is off (the default)', async () => {
    expect((await mgmt.tenants.settings.get()).flags).toEqual({ actions_fetch: false });
    await only('probe-off', `api.accessToken.setCustomClaim('${NS}t', typeof fetch);`);
    expect((await tokens()).at[`${NS}t`]).toBe('undefined');
    expect(internal.seen).toHaveLength(0);
  });

  it('with the flag on, fetches JSON from an allowed internal service into a custom claim', async () => {
    await setFetch(true);
    internal.seen.length = 0;
    await only(
      'enrich',
      `const res = await fetch('http://127.0.0.1:${internal.port}/profile', {
         method: 'POST',
         headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
         body: JSON.stringify({ user: event.user.user_id }),
       });
       const data = await res.json();
       api.accessToken.setCustomClaim('${NS}tier', data.tier);
       api.idToken.setCustomClaim('${NS}seen', [res.status, res.ok, res.headers.get('X-Tier'), data.got]);`,
    );
    const { at, id } = await tokens();
    expect(at[`${NS}tier`]).toBe('gold');
    expect(id[`${NS}seen`]).toEqual([200, true, 'gold', { user: ann.userId }]);
    expect(internal.seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/profile', body: JSON.stringify({ user: ann.userId }) }),
    ]);
    expect(internal.seen[0].headers).toMatchObject({
      host: `127.0.0.1:${internal.port}`,
      'content-type': 'application/json',
      'x-request-id': 'r-1',
    });
  });

  it('refuses loopback and private addresses, by literal or by name, and redirects into them', async () => {
    other.seen.length = 0;
    expect(await fetchOutcome('loopback', `http://127.0.0.1:${other.port}/profile`)).toBe(
      'fetch to 127.0.0.1 refused: it resolves to 127.0.0.1, a loopback address; actions may reach only public addresses',
    );
    // The allowance is for exactly the listed host:port; localhost names the same server, and is refused.
    expect(await fetchOutcome('by-name', `http://localhost:${internal.port}/profile`)).toMatch(
      /^fetch to localhost refused: it resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
    expect(await fetchOutcome('mapped', `http://[::ffff:127.0.0.1]:${other.port}/`)).toMatch(/loopback \(IPv4 inside IPv6\) address/);
    expect(await fetchOutcome('metadata', 'http://169.254.169.254/latest/meta-data/')).toMatch(/a link-local address/);
    expect(await fetchOutcome('private', 'http://10.0.0.1/')).toMatch(/a private address/);
    expect(await fetchOutcome('numeric', 'http://2130706433/')).toMatch(/refused: it resolves to 127\.0\.0\.1, a loopback/);
    expect(await fetchOutcome('scheme', 'file:///etc/passwd')).toBe('fetch reaches only http and https URLs (got file:)');
    // The allowed service redirects to the other one: the hop is checked like the first request.
    const hop = `http://127.0.0.1:${internal.port}/to?${encodeURIComponent(`http://127.0.0.1:${other.port}/profile`)}`;
    expect(await fetchOutcome('redirect', hop)).toMatch(/^fetch to 127\.0\.0\.1 refused/);
    expect(other.seen).toHaveLength(0);
  });

  it('fails the login cleanly when a refused fetch is not caught: 403 access_denied and an f log', async () => {
    await only('uncaught', `await fetch('http://127.0.0.1:${other.port}/');`);
    const res = await login();
    expectOAuthError(res, 403, 'access_denied', /^fetch to 127\.0\.0\.1 refused: .*loopback/);
    const logs = await http(t.baseUrl, 'GET', '/api/v2/logs?q=type:f', { token });
    expect(JSON.stringify(logs.body)).toContain("Action 'uncaught' failed: fetch to 127.0.0.1 refused");
    expect(other.seen).toHaveLength(0);
  });

  it('fails cleanly on a response over 1 MB, while the server keeps serving', async () => {
    await only(
      'huge',
      `const res = await fetch('http://127.0.0.1:${internal.port}/huge'); api.accessToken.setCustomClaim('${NS}n', (await res.text()).length);`,
    );
    const pending = login();
    expect((await http(t.baseUrl, 'GET', '/.well-known/openid-configuration')).status).toBe(200);
    expectOAuthError(await pending, 403, 'access_denied', 'The response body is larger than 1 MB');
    // The same tenant goes on logging in once the action is fixed.
    expect(await fetchOutcome('fixed', `http://127.0.0.1:${internal.port}/profile`)).toBe('fetched 200');
  });

  it('takes fetch away again when the flag is turned off', async () => {
    await setFetch(false);
    await only('probe-off-again', `api.accessToken.setCustomClaim('${NS}t', typeof fetch);`);
    expect((await tokens()).at[`${NS}t`]).toBe('undefined');
    await mgmt.actions.triggers.bindings.updateMany('post-login', { bindings: [] });
  });
});
