import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { ClientSystemRoles1732400007000 } from '../../src/database/migrations/1732400007000-client-system-roles.js';
import { Browser, parseForm } from '../helpers/browser.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { hostRequest } from '../helpers/host-request.js';
import { ADMIN_CLIENT_ID, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'Correct-Horse-9';
const b64url = (b: Buffer) => b.toString('base64url');

interface ClientBody {
  client_id: string;
  name: string;
  app_type?: string;
  callbacks: string[];
  [key: string]: unknown;
}

describe('the Tessera Dashboard client and signing in with a user account', () => {
  let t: TestApp;
  let token: string;
  let dashboard: ClientBody;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const createUser = async (email: string, appMetadata: Record<string, unknown>) =>
    expect(
      (await api('POST', 'users', { connection: 'Username-Password-Authentication', email, password: PASSWORD, app_metadata: appMetadata }))
        .status,
    ).toBe(201);
  const dashboardClients = async (): Promise<ClientBody[]> =>
    ((await api('GET', 'clients?per_page=100')).body as ClientBody[]).filter((c) => c.name === 'Tessera Dashboard');

  /**
   * The authorization code flow with PKCE as the dashboard runs it, through the real login page: returns
   * the token endpoint's answer for `clientId`, whose callback is `redirectUri`.
   */
  async function signIn(clientId: string, redirectUri: string, email: string, scope: string): Promise<{ status: number; body: any }> {
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      audience: t.managementAudience,
      scope,
      state,
      nonce: b64url(randomBytes(16)),
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const login = await browser.follow(await browser.get(`${t.baseUrl}/authorize?${query}`), t.baseUrl);
    expect(login.status).toBe(200);
    const back = await browser.submit(parseForm(login.text, login.url), { username: email, password: PASSWORD });
    expect(back.status).toBe(302);
    const callback = new URL(back.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    return postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'authorization_code',
      client_id: clientId,
      code: callback.searchParams.get('code')!,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    [dashboard] = await dashboardClients();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('gives the default tenant a public, first-party SPA client for the dashboard', async () => {
    expect(await dashboardClients()).toHaveLength(1);
    expect(dashboard).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      client_secret: expect.any(String),
      name: 'Tessera Dashboard',
      description: "Sign-in to Tessera's dashboard for the tenant's users with the admin role.",
      app_type: 'spa',
      global: false,
      is_first_party: true,
      oidc_conformant: true,
      callbacks: [`${t.issuer}dashboard/callback`],
      allowed_origins: [],
      web_origins: [t.baseUrl],
      allowed_logout_urls: [`${t.issuer}dashboard`],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('serves the dashboard its sign-in settings at /dashboard/config.json', async () => {
    const res = await http(t.baseUrl, 'GET', '/dashboard/config.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      client_id: dashboard.client_id,
      issuer: t.issuer,
      audience: t.managementAudience,
      callback_url: `${t.issuer}dashboard/callback`,
      logout_url: `${t.issuer}dashboard`,
    });
    expect({
      type: res.headers.get('content-type'),
      cache: res.headers.get('cache-control'),
      csp: res.headers.get('content-security-policy')?.split('; ')[0],
    }).toEqual({ type: 'application/json; charset=utf-8', cache: 'no-store', csp: "default-src 'none'" });
  });

  it('refuses to delete the dashboard client or change what its sign-in depends on, and changes nothing', async () => {
    const before = (await api('GET', `clients/${dashboard.client_id}`)).body;
    expectManagementError(
      await api('DELETE', `clients/${dashboard.client_id}`),
      400,
      'operation_not_supported',
      `The client "Tessera Dashboard" is the tenant's Tessera Dashboard client and cannot be deleted: the tenant's admins sign in to the dashboard through it.`,
    );
    const changes: [string, unknown][] = [
      ['app_type', 'regular_web'],
      ['token_endpoint_auth_method', 'client_secret_post'],
      ['grant_types', ['authorization_code', 'implicit']],
      ['is_first_party', false],
      ['callbacks', ['https://attacker.example/dashboard/callback']],
      ['allowed_logout_urls', []],
      ['web_origins', ['https://attacker.example']],
    ];
    for (const [field, value] of changes) {
      expectManagementError(
        await api('PATCH', `clients/${dashboard.client_id}`, { [field]: value, name: 'Renamed' }),
        400,
        'operation_not_supported',
        `The client "Tessera Dashboard" is the tenant's Tessera Dashboard client: its ${field} cannot be changed, since the dashboard signs users in with them. Tessera keeps its callbacks in line with the tenant's domains.`,
      );
    }
    expect((await api('GET', `clients/${dashboard.client_id}`)).body).toEqual(before);

    // Its name, or the same value of a kept field, may be sent.
    const renamed = await api('PATCH', `clients/${dashboard.client_id}`, { name: 'Console', grant_types: ['authorization_code'] });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...before, name: 'Console', updated_at: expect.any(String) });
    expect((await api('PATCH', `clients/${dashboard.client_id}`, { name: 'Tessera Dashboard' })).status).toBe(200);
  });

  it('grants an admin signing in to it the Management scopes asked for, and the token works on the Management API', async () => {
    await createUser('root@example.test', { roles: ['admin'] });
    const res = await signIn(
      dashboard.client_id,
      `${t.issuer}dashboard/callback`,
      'root@example.test',
      'openid read:users read:resource_servers create:tenants',
    );
    expect(res.status).toBe(200);
    // create:tenants is asked for too, but tenant administration never goes to a user (the rule drops it).
    expect(res.body.scope).toBe('openid read:users read:resource_servers');
    const claims = decodeJwt(res.body.access_token);
    expect({ aud: claims.aud, azp: claims.azp, gty: claims.gty }).toEqual({
      aud: [t.managementAudience, `${t.issuer}userinfo`],
      azp: dashboard.client_id,
      gty: undefined,
    });
    const read = await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token: res.body.access_token });
    expect(read.status).toBe(200);
    expectManagementError(
      await http(t.baseUrl, 'DELETE', `/api/v2/clients/${dashboard.client_id}`, { token: res.body.access_token }),
      403,
      'insufficient_scope',
      'Insufficient scope, expected any of: delete:clients',
    );
  });

  it('grants the Management scopes to members of the admin role (ADMIN_ROLE_NAME, created at start), and stops when the membership goes', async () => {
    await createUser('rbac-admin@example.test', {});
    const [user] = (await api('GET', `users-by-email?email=${encodeURIComponent('rbac-admin@example.test')}`)).body as {
      user_id: string;
    }[];
    const roles = (await api('GET', `roles?name_filter=${encodeURIComponent('Tessera Admin')}`)).body as { id: string; name: string }[];
    expect(roles.map((r) => r.name)).toEqual(['Tessera Admin']);
    const callback = `${t.issuer}dashboard/callback`;
    expect((await signIn(dashboard.client_id, callback, 'rbac-admin@example.test', 'openid read:users')).body.scope).toBe('openid');

    expect((await api('POST', `users/${encodeURIComponent(user.user_id)}/roles`, { roles: [roles[0].id] })).status).toBe(204);
    const admin = await signIn(dashboard.client_id, callback, 'rbac-admin@example.test', 'openid read:users read:roles create:tenants');
    expect(admin.body.scope).toBe('openid read:users read:roles');
    expect((await http(t.baseUrl, 'GET', '/api/v2/roles', { token: admin.body.access_token })).status).toBe(200);

    expect((await api('DELETE', `users/${encodeURIComponent(user.user_id)}/roles`, { roles: [roles[0].id] })).status).toBe(204);
    expect((await signIn(dashboard.client_id, callback, 'rbac-admin@example.test', 'openid read:users')).body.scope).toBe('openid');
  });

  it('grants no Management scope to a user without the admin role, nor to an admin on another client', async () => {
    // "admin" as a string, not in a roles array, is not the role.
    await createUser('pat@example.test', { roles: 'admin' });
    const plain = await signIn(dashboard.client_id, `${t.issuer}dashboard/callback`, 'pat@example.test', 'openid read:users');
    expect({ status: plain.status, scope: plain.body.scope }).toEqual({ status: 200, scope: 'openid' });
    expectManagementError(
      await http(t.baseUrl, 'GET', '/api/v2/users', { token: plain.body.access_token }),
      403,
      'insufficient_scope',
      'Insufficient scope, expected any of: read:users',
    );

    const spa = await api('POST', 'clients', { name: 'Look-alike', app_type: 'spa', callbacks: ['http://127.0.0.1:9/dashboard/callback'] });
    expect(spa.status).toBe(201);
    const other = await signIn(spa.body.client_id, 'http://127.0.0.1:9/dashboard/callback', 'root@example.test', 'openid read:users');
    expect({ status: other.status, scope: other.body.scope }).toEqual({ status: 200, scope: 'openid' });
  });

  it('gives a new tenant its own dashboard client on each of its domains, kept in line when its aliases change', async () => {
    const port = new URL(t.baseUrl).port;
    const created = await api('POST', 'tessera/tenants', {
      friendly_name: 'Beta',
      domain: `beta.test:${port}`,
      aliases: [`beta-alias.test:${port}`],
    });
    expect(created.status).toBe(201);
    const beta = created.body as { id: string; issuer: string; admin_client: { client_id: string; client_secret: string } };
    const issued = await hostRequest(t.baseUrl, `beta.test:${port}`, 'POST', '/oauth/token', {
      form: { grant_type: 'client_credentials', ...beta.admin_client, audience: `${beta.issuer}api/v2/` },
    });
    const betaToken = issued.body.access_token as string;
    const betaDashboard = async () =>
      (
        (await hostRequest(t.baseUrl, `beta.test:${port}`, 'GET', '/api/v2/clients?app_type=spa', { token: betaToken }))
          .body as ClientBody[]
      ).filter((c) => c.name === 'Tessera Dashboard');
    const [client] = await betaDashboard();
    expect(client.client_id).not.toBe(dashboard.client_id);
    expect({ callbacks: client.callbacks, logout: client.allowed_logout_urls, origins: client.web_origins }).toEqual({
      callbacks: [`http://beta.test:${port}/dashboard/callback`, `http://beta-alias.test:${port}/dashboard/callback`],
      logout: [`http://beta.test:${port}/dashboard`, `http://beta-alias.test:${port}/dashboard`],
      origins: [`http://beta.test:${port}`, `http://beta-alias.test:${port}`],
    });

    // The page opened on the alias signs in through the alias.
    const onAlias = await hostRequest(t.baseUrl, `beta-alias.test:${port}`, 'GET', '/dashboard/config.json');
    expect(onAlias.body).toEqual({
      client_id: client.client_id,
      issuer: beta.issuer,
      audience: `${beta.issuer}api/v2/`,
      callback_url: `http://beta-alias.test:${port}/dashboard/callback`,
      logout_url: `http://beta-alias.test:${port}/dashboard`,
    });

    expect((await api('PATCH', `tessera/tenants/${beta.id}`, { aliases: [`beta-new.test:${port}`] })).status).toBe(200);
    const [moved] = await betaDashboard();
    expect(moved.callbacks).toEqual([`http://beta.test:${port}/dashboard/callback`, `http://beta-new.test:${port}/dashboard/callback`]);
    expect((await hostRequest(t.baseUrl, `beta-new.test:${port}`, 'GET', '/dashboard/config.json')).body.callback_url).toBe(
      `http://beta-new.test:${port}/dashboard/callback`,
    );
  });

  it('upgrades a database from before the dashboard client: added at start, the admin client still protected; a further restart adds nothing', async () => {
    // Back to the schema and rows of that time: no dashboard clients, and the migration that tells system
    // clients apart undone. Only direct writes can do that.
    const ds = t.app.get(DataSource);
    await ds.query("DELETE FROM clients WHERE system_role = 'dashboard'");
    const runner = ds.createQueryRunner();
    try {
      await new ClientSystemRoles1732400007000().down(runner);
    } finally {
      await runner.release();
    }
    await ds.query("DELETE FROM migrations WHERE name = 'ClientSystemRoles1732400007000'");
    const port = Number(new URL(t.baseUrl).port);
    await t.close();
    t = await startTestApp({}, { dir: t.dir, port, databaseUrl: t.databaseUrl });
    token = await t.adminToken();
    const added = await dashboardClients();
    expect(added).toEqual([
      {
        ...dashboard,
        client_id: expect.not.stringMatching(`^${dashboard.client_id}$`),
        client_secret: expect.any(String),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect((await http(t.baseUrl, 'GET', '/dashboard/config.json')).body.client_id).toBe(added[0].client_id);
    expectManagementError(
      await api('DELETE', `clients/${ADMIN_CLIENT_ID}`),
      400,
      'operation_not_supported',
      /bootstrap admin client and cannot be deleted/,
    );
    expectManagementError(
      await api('PATCH', `clients/${ADMIN_CLIENT_ID}`, { grant_types: ['authorization_code'] }),
      400,
      'operation_not_supported',
      /bootstrap admin client: it must keep the client_credentials grant/,
    );

    const clientsBefore = (await api('GET', 'clients?per_page=100')).body;
    await t.close();
    t = await startTestApp({}, { dir: t.dir, port, databaseUrl: t.databaseUrl });
    token = await t.adminToken();
    expect((await api('GET', 'clients?per_page=100')).body).toEqual(clientsBefore);
  });
});
