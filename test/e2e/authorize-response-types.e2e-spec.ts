import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { Browser, parseForm } from '../helpers/browser.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { CALLBACK, createUser, PASSWORD, type TestUser } from '../helpers/user-flows.js';

const API = 'https://api.implicit.example';
const APP_ORIGIN = 'http://127.0.0.1:9';

const halfHash = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url');

describe('/authorize: implicit and hybrid response types, fragment, form_post and web_message', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let spaId: string;
  let webId: string;
  let webSecret: string;
  let codeOnlyId: string;
  let ann: TestUser;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({ identifier: API, name: 'Implicit API', signing_alg: 'RS256', scopes: [{ value: 'read:things' }] });
    // Created as Auth0's dashboard does: only app_type, no grant_types (so implicit is among the defaults).
    const spa = await mgmt.clients.create({ name: 'SPA', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP_ORIGIN] });
    expect(spa.grant_types).toEqual(expect.arrayContaining(['authorization_code', 'implicit', 'refresh_token']));
    spaId = spa.client_id!;
    const web = await mgmt.clients.create({ name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK] });
    webId = web.client_id!;
    webSecret = web.client_secret!;
    const codeOnly = await mgmt.clients.create({
      name: 'Code only',
      app_type: 'regular_web',
      callbacks: [CALLBACK],
      grant_types: ['authorization_code'],
    });
    codeOnlyId = codeOnly.client_id!;
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann' });
    jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
  });
  afterAll(() => t.cleanup());

  const authorizeUrl = (params: Record<string, string>) =>
    `${t.baseUrl}/authorize?${new URLSearchParams({ redirect_uri: CALLBACK, state: 'st', ...params })}`;

  /** /authorize, then the login form; returns the response that leaves the server. */
  async function login(browser: Browser, params: Record<string, string>) {
    let res = await browser.follow(await browser.get(authorizeUrl(params)), t.baseUrl);
    if (/name="password"/.test(res.text)) {
      res = await browser.follow(
        await browser.submit(parseForm(res.text, res.url), { username: ann.email, password: PASSWORD }),
        t.baseUrl,
      );
    }
    return res;
  }
  const fragmentOf = (location: string) => new URLSearchParams(new URL(location).hash.slice(1));

  it('id_token token: both in the fragment, the ID token bound to the nonce with at_hash, the access token good at the API audience', async () => {
    const res = await login(new Browser(), {
      client_id: spaId,
      response_type: 'id_token token',
      scope: 'openid profile offline_access',
      audience: API,
      nonce: 'n-1',
      auth0Client: Buffer.from('{"name":"auth0-spa-js","version":"2"}').toString('base64'),
      // SDK telemetry and locales are accepted and ignored (screen_hint=signup now opens the sign-up form).
      ui_locales: 'fr',
    });
    expect(res.status).toBe(302);
    expect(res.location!.startsWith(`${CALLBACK}#`)).toBe(true);
    expect(new URL(res.location!).search).toBe('');
    const f = fragmentOf(res.location!);
    expect(f.get('state')).toBe('st');
    expect(f.get('token_type')).toBe('Bearer');
    expect(Number(f.get('expires_in'))).toBeGreaterThan(0);
    expect(f.get('refresh_token')).toBeNull();
    const { payload: id } = await jwtVerify(f.get('id_token')!, jwks, { issuer: t.issuer, audience: spaId });
    expect(id).toMatchObject({ sub: ann.userId, nonce: 'n-1', at_hash: halfHash(f.get('access_token')!), name: 'Ann' });
    expect(id.c_hash).toBeUndefined();
    const { payload: at } = await jwtVerify(f.get('access_token')!, jwks, { issuer: t.issuer, audience: API });
    expect(at).toMatchObject({ sub: ann.userId, azp: spaId });
    expect(String(at.scope)).not.toMatch(/offline_access/);
  });

  it('token alone: an opaque userinfo token; id_token alone: no at_hash', async () => {
    const browser = new Browser();
    const token = fragmentOf((await login(browser, { client_id: spaId, response_type: 'token', scope: 'openid email' })).location!);
    const info = await http(t.baseUrl, 'GET', '/userinfo', { token: token.get('access_token')! });
    expect(info.body).toMatchObject({ sub: ann.userId, email: 'ann@example.com' });
    const idOnly = fragmentOf(
      (await login(browser, { client_id: spaId, response_type: 'id_token', scope: 'openid', nonce: 'n-2' })).location!,
    );
    expect(idOnly.get('access_token')).toBeNull();
    const { payload } = await jwtVerify(idOnly.get('id_token')!, jwks, { issuer: t.issuer, audience: spaId });
    expect(payload.nonce).toBe('n-2');
    expect(payload.at_hash).toBeUndefined();
  });

  it('code id_token with form_post: c_hash binds the code, which the confidential client then redeems', async () => {
    const res = await login(new Browser(), {
      client_id: webId,
      response_type: 'code id_token',
      response_mode: 'form_post',
      scope: 'openid',
      nonce: 'n-3',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    const form = parseForm(res.text, res.url);
    expect(form.action).toBe(CALLBACK);
    const { code, id_token, state } = form.fields;
    expect(state).toBe('st');
    const { payload } = await jwtVerify(id_token, jwks, { issuer: t.issuer, audience: webId });
    expect(payload).toMatchObject({ nonce: 'n-3', c_hash: halfHash(code) });
    const tokens = await postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: webId,
      client_secret: webSecret,
      redirect_uri: CALLBACK,
    });
    expect(tokens.status).toBe(200);
    expect((await jwtVerify(tokens.body.id_token, jwks, { issuer: t.issuer, audience: webId })).payload.nonce).toBe('n-3');
  });

  it('code id_token token: all three, with at_hash and c_hash', async () => {
    const f = fragmentOf(
      (await login(new Browser(), { client_id: webId, response_type: 'code id_token token', scope: 'openid', nonce: 'n-4' })).location!,
    );
    const { payload } = await jwtVerify(f.get('id_token')!, jwks, { issuer: t.issuer, audience: webId });
    expect(payload).toMatchObject({ c_hash: halfHash(f.get('code')!), at_hash: halfHash(f.get('access_token')!) });
  });

  it('an access token from /authorize for an API with RBAC carries only the permissions the user holds', async () => {
    const RBAC = 'https://rbac.implicit.example';
    await mgmt.resourceServers.create({
      identifier: RBAC,
      name: 'RBAC API',
      signing_alg: 'RS256',
      enforce_policies: true,
      token_dialect: 'access_token_authz',
      scopes: [{ value: 'read:docs' }, { value: 'write:docs' }],
    });
    await mgmt.users.permissions.create(ann.userId, { permissions: [{ resource_server_identifier: RBAC, permission_name: 'read:docs' }] });
    const f = fragmentOf(
      (await login(new Browser(), { client_id: spaId, response_type: 'token', scope: 'openid read:docs write:docs', audience: RBAC }))
        .location!,
    );
    expect(f.get('scope')).toBe('openid read:docs');
    const { payload } = await jwtVerify(f.get('access_token')!, jwks, { issuer: t.issuer, audience: RBAC });
    expect(payload).toMatchObject({ scope: 'openid read:docs', permissions: ['read:docs'] });
  });

  it('refuses an ID token without nonce, implicit for a client without it, tokens in the query, and an unknown mode', async () => {
    const cases: [Record<string, string>, string, RegExp, 'fragment' | 'query'][] = [
      [{ client_id: spaId, response_type: 'id_token', scope: 'openid' }, 'invalid_request', /nonce/, 'fragment'],
      [{ client_id: webId, response_type: 'code id_token', scope: 'openid' }, 'invalid_request', /nonce/, 'fragment'],
      [{ client_id: spaId, response_type: 'id_token', scope: 'profile', nonce: 'n' }, 'invalid_request', /openid/, 'fragment'],
      [
        { client_id: codeOnlyId, response_type: 'id_token token', scope: 'openid', nonce: 'n' },
        'unauthorized_client',
        /implicit/,
        'fragment',
      ],
      [{ client_id: spaId, response_type: 'token', response_mode: 'query', scope: 'openid' }, 'invalid_request', /query/, 'fragment'],
      [
        { client_id: spaId, response_type: 'token', response_mode: 'bogus', scope: 'openid' },
        'invalid_request',
        /response_mode/,
        'fragment',
      ],
    ];
    for (const [params, error, description, where] of cases) {
      const res = await new Browser().get(authorizeUrl(params));
      expect(res.status).toBe(302);
      const url = new URL(res.location!);
      const got = where === 'fragment' ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
      expect(got.get('error')).toBe(error);
      expect(got.get('error_description')).toMatch(description);
      expect(got.get('access_token')).toBeNull();
    }
  });

  it('web_message: a page that posts the code to the web origin only, framable by that origin alone; login_required without a session', async () => {
    const params = {
      client_id: spaId,
      response_type: 'code',
      response_mode: 'web_message',
      prompt: 'none',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    };
    const anonymous = await new Browser().get(authorizeUrl(params));
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors ${APP_ORIGIN};`));
    expect(anonymous.headers.get('x-frame-options')).toBeNull();
    expect(anonymous.text).toContain(`"error":"login_required"`);
    expect(anonymous.text).toContain(`,"${APP_ORIGIN}");`);
    const nonce = /script-src 'nonce-([^']+)'/.exec(anonymous.headers.get('content-security-policy')!)![1];
    expect(anonymous.text).toContain(`<script nonce="${nonce}">`);

    const browser = new Browser();
    await login(browser, {
      client_id: spaId,
      response_type: 'code',
      scope: 'openid',
      code_challenge: params.code_challenge,
      code_challenge_method: 'S256',
    });
    const silent = await browser.get(authorizeUrl(params));
    expect(silent.status).toBe(200);
    expect(silent.text).toMatch(/"code":"[^"]+","state":"st"/);
    expect(silent.text).toContain(`type:'authorization_response'`);
  });

  it('prompt=none in the iframe for a third-party client the user has not consented to: consent_required', async () => {
    const third = await mgmt.clients.create({
      name: 'Third party',
      app_type: 'spa',
      is_first_party: false,
      callbacks: [CALLBACK],
      web_origins: [APP_ORIGIN],
    });
    const browser = new Browser();
    await login(browser, {
      client_id: spaId,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const silent = await browser.get(
      authorizeUrl({
        client_id: third.client_id!,
        response_type: 'code',
        response_mode: 'web_message',
        prompt: 'none',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    );
    expect(silent.status).toBe(200);
    expect(silent.text).toContain('"error":"consent_required"');
  });

  it('web_message to an origin outside web_origins: the error is shown, never posted', async () => {
    const res = await new Browser().get(
      authorizeUrl({ client_id: webId, response_type: 'code', response_mode: 'web_message', scope: 'openid' }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/Allowed Web Origins/);
    expect(res.text).not.toContain('postMessage');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });

  it('lists the response types and modes in discovery', async () => {
    const doc = (await http(t.baseUrl, 'GET', '/.well-known/openid-configuration')).body;
    expect(doc.response_types_supported).toEqual([
      'code',
      'token',
      'id_token',
      'id_token token',
      'code id_token',
      'code token',
      'code id_token token',
    ]);
    expect(doc.response_modes_supported).toEqual(['query', 'fragment', 'form_post', 'web_message']);
  });
});
