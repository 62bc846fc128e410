import type { ManagementClient } from 'auth0';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { createHash } from 'node:crypto';
import { Browser, parseForm } from '../helpers/browser.js';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  authorizeInBrowser,
  CALLBACK,
  createUser,
  createWebClient,
  loginWithCode,
  PASSWORD,
  type TestClient,
  type TestUser,
} from '../helpers/user-flows.js';

const ORDERS = 'https://orders.api.example';

describe('authorization code flow with PKCE', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let spa: TestClient;
  let ann: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.tenants.settings.update({ friendly_name: 'Acme Corp' });
    await mgmt.resourceServers.create({
      identifier: ORDERS,
      name: 'Orders',
      signing_alg: 'RS256',
      allow_offline_access: true,
      scopes: [{ value: 'read:orders', description: 'Read your orders' }],
    });
    web = await createWebClient(mgmt);
    const s = await mgmt.clients.create({
      name: 'SPA',
      app_type: 'spa',
      callbacks: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    spa = { id: s.client_id! };
    ann = await createUser(mgmt, 'ann@example.com', { name: 'Ann Example', given_name: 'Ann', email_verified: true });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const jwks = () => createRemoteJWKSet(new URL(`${t.issuer}.well-known/jwks.json`));

  describe('end to end with openid-client', () => {
    it('logs in through the server-rendered form and exchanges the code for the three tokens', async () => {
      const { run, tokens } = await loginWithCode(t, web, {
        scope: 'openid profile email offline_access read:orders',
        audience: ORDERS,
        email: ann.email,
      });

      // Access token: a JWT for the API and /userinfo, for the user, with no gty.
      const at = await jwtVerify(tokens.access_token, jwks(), { issuer: t.issuer, audience: ORDERS });
      expect(at.payload.aud).toEqual([ORDERS, `${t.issuer}userinfo`]);
      expect(at.payload.sub).toBe(ann.userId);
      expect(at.payload.azp).toBe(web.id);
      expect(at.payload.gty).toBeUndefined();
      expect(at.payload.scope).toBe('openid profile email offline_access read:orders');

      // ID token: for the client, with nonce, auth_time, at_hash and the profile and email claims.
      const idToken = await jwtVerify(tokens.id_token!, jwks(), { issuer: t.issuer, audience: web.id });
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
      const id = idToken.payload;
      expect(id.sub).toBe(ann.userId);
      expect(id.nonce).toBe(run.nonce);
      expect(typeof id.auth_time).toBe('number');
      expect(id.exp! - id.iat!).toBe(36000);
      const digest = createHash('sha256').update(tokens.access_token).digest();
      expect(id.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
      expect(id).toMatchObject({ email: 'ann@example.com', email_verified: true, name: 'Ann Example', given_name: 'Ann', nickname: 'ann' });
      expect(tokens.claims()?.sub).toBe(ann.userId);

      expect(typeof tokens.refresh_token).toBe('string');
      expect(tokens.expires_in).toBe(86400);
      expect(tokens.scope).toBe('openid profile email offline_access read:orders');

      const info = await oidc.fetchUserInfo(run.config, tokens.access_token, ann.userId);
      expect(info).toMatchObject({ sub: ann.userId, email: 'ann@example.com', name: 'Ann Example' });
    });

    it('serves a login page with the tenant name, username and password inputs and a submit button', async () => {
      const run = await authorizeInBrowser(t, web, { scope: 'openid' });
      expect(run.last.status).toBe(200);
      expect(run.last.url).toContain('/u/login?state=');
      expect(run.last.headers.get('content-type')).toMatch(/^text\/html/);
      expect(run.last.text).toContain('Acme Corp');
      expect(run.last.text).toMatch(/<input[^>]+name="username"/);
      expect(run.last.text).toMatch(/<input[^>]+name="password"[^>]+type="password"|<input[^>]+type="password"[^>]+name="password"/);
      expect(run.last.text).toMatch(/<button[^>]+type="submit"/);
      expect(run.last.headers.get('x-frame-options')).toBe('DENY');
      expect(run.last.headers.get('cache-control')).toBe('no-store');
    });

    it('sets an HttpOnly, SameSite=Lax session cookie (not Secure over http) and reuses the session', async () => {
      const first = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const session = first.run.browser.setCookies.find((c) => c.startsWith('tessera_session='));
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Lax/);
      expect(session).not.toMatch(/Secure/);

      // Same browser: no login page, straight back to the callback.
      const again = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser });
      expect(again.callback?.searchParams.get('code')).toBeTruthy();
      expect(again.callback?.searchParams.get('state')).toBe(again.state);
      const tokens = await oidc.authorizationCodeGrant(again.config, again.callback!, {
        pkceCodeVerifier: again.verifier,
        expectedState: again.state,
        expectedNonce: again.nonce,
      });
      expect(tokens.claims()?.auth_time).toBe(first.tokens.claims()?.auth_time);
      expect(tokens.claims()?.sid).toBe(first.tokens.claims()?.sid);
    });

    it('marks the session cookie Secure when the issuer is https', async () => {
      // Behind a TLS-terminating proxy: the issuer is https, the listener plain http on loopback.
      const secure = await startTestApp({ PUBLIC_URL: 'https://127.0.0.1:8443' });
      try {
        const m = managementClient(secure.baseUrl, await secure.adminToken());
        const client = await createWebClient(m);
        const user = await createUser(m, 'secure@example.com');
        const cookies = await loginAt(secure, client, user.email);
        // SameSite=None so the session reaches a hidden iframe (prompt=none), and a copy for browsers that reject None.
        expect(cookies.find((c) => c.startsWith('tessera_session='))).toMatch(/; HttpOnly; SameSite=None; Max-Age=\d+; Secure$/);
        expect(cookies.find((c) => c.startsWith('tessera_session_compat='))).toMatch(/; HttpOnly; Max-Age=\d+; Secure$/);
        expect(cookies.find((c) => c.startsWith('tessera_did='))).toMatch(/; Secure$/);
      } finally {
        await secure.cleanup();
      }
    });

    it('answers with form_post when asked', async () => {
      const { run: first } = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const run = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.browser, params: { response_mode: 'form_post' } });
      expect(run.last.status).toBe(200);
      const form = parseForm(run.last.text, run.last.url);
      expect(form.method).toBe('POST');
      expect(form.action).toBe(CALLBACK);
      expect(Object.keys(form.fields).sort()).toEqual(['code', 'state']);
      expect(form.fields.state).toBe(run.state);
      expect(run.last.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
      const tokens = await oidc.authorizationCodeGrant(run.config, new URL(`${CALLBACK}?${new URLSearchParams(form.fields)}`), {
        pkceCodeVerifier: run.verifier,
        expectedState: run.state,
        expectedNonce: run.nonce,
      });
      expect(tokens.claims()?.sub).toBe(ann.userId);
    });

    it('works for a public client (SPA) with PKCE and no secret', async () => {
      const { tokens } = await loginWithCode(t, spa, { scope: 'openid email', email: ann.email });
      expect(tokens.claims()?.aud).toBe(spa.id);
      expect(tokens.claims()?.email).toBe('ann@example.com');
    });

    it('signs the ID token HS256 with the client secret when the client asks for it', async () => {
      const c = await createWebClient(mgmt, { name: 'HS app', jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 600 } });
      const { tokens } = await loginWithCode(t, c, {
        scope: 'openid',
        email: ann.email,
        metadata: { id_token_signed_response_alg: 'HS256' },
      });
      const verified = await jwtVerify(tokens.id_token!, new TextEncoder().encode(c.secret!), {
        issuer: t.issuer,
        audience: c.id,
        algorithms: ['HS256'],
      });
      expect(verified.payload.exp! - verified.payload.iat!).toBe(600);
    });
  });

  describe('login errors', () => {
    it('shows the same message for a wrong password and an unknown user, and issues nothing', async () => {
      const wrong = await authorizeInBrowser(t, web, { scope: 'openid', email: ann.email, password: 'Not-The-Password-1' });
      const unknown = await authorizeInBrowser(t, web, { scope: 'openid', email: 'nobody@example.com', password: PASSWORD });
      for (const run of [wrong, unknown]) {
        expect(run.callback).toBeUndefined();
        expect(run.last.status).toBe(400);
        expect(run.last.text).toContain('Wrong email or password.');
        expect(run.browser.cookie(t.baseUrl, 'tessera_session')).toBeUndefined();
      }
      // The form comes back ready for another try, the username kept.
      expect(parseForm(wrong.last.text, wrong.last.url).fields.username).toBe(ann.email);
      const retry = await wrong.browser.follow(
        await wrong.browser.submit(parseForm(wrong.last.text, wrong.last.url), { password: PASSWORD }),
        t.baseUrl,
      );
      expect(new URL(retry.location!).searchParams.get('code')).toBeTruthy();
    });

    it('sends a blocked user back to the client with error=unauthorized, only after a correct password', async () => {
      const bob = await createUser(mgmt, 'bob@example.com', { blocked: true });
      const wrong = await authorizeInBrowser(t, web, { scope: 'openid', email: bob.email, password: 'Not-The-Password-1' });
      expect(wrong.last.text).toContain('Wrong email or password.');

      const run = await authorizeInBrowser(t, web, { scope: 'openid', email: bob.email });
      expect(run.callback).toBeDefined();
      expect(Object.fromEntries(run.callback!.searchParams)).toEqual({
        error: 'unauthorized',
        error_description: 'user is blocked',
        state: run.state,
      });
      expect(run.browser.cookie(t.baseUrl, 'tessera_session')).toBeUndefined();
    });

    it('ends the session of a user blocked after logging in', async () => {
      const carol = await createUser(mgmt, 'carol@example.com');
      const first = await loginWithCode(t, web, { scope: 'openid', email: carol.email });
      await mgmt.users.update(carol.userId, { blocked: true });
      const again = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser });
      expect(again.callback?.searchParams.get('error')).toBe('unauthorized');
      await mgmt.users.update(carol.userId, { blocked: false });
      const after = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser });
      expect(after.last.url).toContain('/u/login');
    });

    it('logs logins and logouts as Auth0 does (fu, fp, s, slo), never the password', async () => {
      const eve = await createUser(mgmt, 'eve@example.com');
      await authorizeInBrowser(t, web, { scope: 'openid', email: 'no-eve@example.com', password: 'Secret-Guess-1' });
      await authorizeInBrowser(t, web, { scope: 'openid', email: eve.email, password: 'Secret-Guess-2' });
      const ok = await loginWithCode(t, web, { scope: 'openid', email: eve.email });
      await ok.run.browser.get(`${t.baseUrl}/v2/logout`);
      const token = await t.adminToken();
      const logs = async (q: string) =>
        (await http(t.baseUrl, 'GET', `/api/v2/logs?sort=date:1&q=${encodeURIComponent(q)}`, { token })).body as Record<string, unknown>[];
      expect((await logs('user_name:"no-eve@example.com"')).map((l) => l.type)).toEqual(['fu']);
      const eveLogs = await logs('user_name:"eve@example.com"');
      expect(eveLogs.map((l) => [l.type, l.description])).toEqual([
        ['fp', 'Wrong email or password.'],
        ['s', 'Successful login'],
      ]);
      expect(eveLogs[1]).toMatchObject({ client_id: web.id, user_id: eve.userId });
      expect((await logs(`user_id:"${eve.userId}"`)).map((l) => l.type)).toEqual(['s', 'slo']);
      const all = JSON.stringify(await logs(''));
      expect(all).not.toContain('Secret-Guess');
      expect(all).not.toContain(PASSWORD);
    });

    it('refuses a login form posted without its CSRF token or from another browser', async () => {
      const run = await authorizeInBrowser(t, web, { scope: 'openid' });
      const form = parseForm(run.last.text, run.last.url);
      const { _csrf, ...withoutCsrf } = form.fields;
      expect(_csrf).toBeTruthy();
      const bareAction = new URL(form.action);
      bareAction.searchParams.delete('_csrf');
      const missing = await run.browser.post(bareAction.href, { ...withoutCsrf, username: ann.email, password: PASSWORD });
      const forged = await run.browser.post(bareAction.href, {
        ...withoutCsrf,
        _csrf: 'A'.repeat(43),
        username: ann.email,
        password: PASSWORD,
      });
      const stranger = await new Browser().post(form.action, { ...form.fields, username: ann.email, password: PASSWORD });
      for (const res of [missing, forged, stranger]) {
        expect(res.status).toBe(403);
        expect(res.location).toBeUndefined();
      }
      expect(run.browser.cookie(t.baseUrl, 'tessera_session')).toBeUndefined();
      // The same browser posting just the visible inputs to the form's action is fine.
      const ok = await run.browser.post(form.action, { username: ann.email, password: PASSWORD });
      expect(new URL(ok.location!).searchParams.get('code')).toBeTruthy();
    });

    it('refuses a tampered or foreign login transaction', async () => {
      const res = await new Browser().get(`${t.baseUrl}/u/login?state=v1.AAAA.BBBB`);
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or is invalid');
    });
  });

  describe('authorization request errors', () => {
    const authorizeUrl = (params: Record<string, string>) => `${t.baseUrl}/authorize?${new URLSearchParams(params)}`;
    const base = () => ({ response_type: 'code', client_id: web.id, redirect_uri: CALLBACK, scope: 'openid', state: 'xyz' });

    it('shows an unknown client or an unregistered redirect_uri on a page, never redirecting', async () => {
      for (const params of [
        { ...base(), client_id: 'no-such-client' },
        { ...base(), redirect_uri: 'https://evil.example/callback' },
        { ...base(), redirect_uri: `${CALLBACK}/extra` },
        { ...base(), client_id: '' },
      ]) {
        const res = await new Browser().get(authorizeUrl(params));
        expect(res.status).toBe(400);
        expect(res.location).toBeUndefined();
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.text).toMatch(/Unknown client|Callback URL mismatch|client_id/);
      }
    });

    it('redirects other errors to the callback with error, error_description and state', async () => {
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ ...base(), response_type: 'code device' }, 'unsupported_response_type', /code device/],
        [{ ...base(), response_type: '' }, 'invalid_request', /response_type/],
        [{ ...base(), client_id: spa.id }, 'invalid_request', /PKCE/],
        [{ ...base(), code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request', /S256/],
        [{ ...base(), audience: 'https://unknown.api.example' }, 'access_denied', /Service not found/],
        [{ ...base(), prompt: 'none' }, 'login_required', /Login required/],
        [{ ...base(), prompt: 'bogus' }, 'invalid_request', /prompt/],
      ];
      for (const [params, error, description] of cases) {
        const res = await new Browser().get(authorizeUrl(params));
        expect(res.status).toBe(302);
        const url = new URL(res.location!);
        expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
        expect(url.searchParams.get('error')).toBe(error);
        expect(url.searchParams.get('error_description')).toMatch(description);
        expect(url.searchParams.get('state')).toBe('xyz');
      }
    });

    it('takes the request as a form POST too (OIDC Core 3.1.2.1)', async () => {
      const res = await new Browser().post(`${t.baseUrl}/authorize`, {
        ...base(),
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      expect(res.status).toBe(302);
      expect(res.location).toMatch(new RegExp(`^${t.baseUrl}/u/login\\?state=`));
    });

    it('refuses a client that may not use the authorization code grant', async () => {
      const m2m = await mgmt.clients.create({ name: 'M2M', app_type: 'non_interactive', callbacks: [CALLBACK] });
      const res = await new Browser().get(authorizeUrl({ ...base(), client_id: m2m.client_id! }));
      expect(new URL(res.location!).searchParams.get('error')).toBe('unauthorized_client');
    });
  });

  describe('prompt and SSO', () => {
    it('prompt=none answers from the session, prompt=login asks again', async () => {
      const first = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const silent = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser, params: { prompt: 'none' } });
      expect(silent.callback?.searchParams.get('code')).toBeTruthy();

      const forced = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser, params: { prompt: 'login' } });
      expect(forced.last.status).toBe(200);
      expect(forced.last.url).toContain('/u/login');

      const maxAge = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser, params: { max_age: '0' } });
      expect(maxAge.last.url).toContain('/u/login');
    });
  });

  describe('token endpoint', () => {
    async function freshCode(opts: { scope?: string; audience?: string } = {}) {
      const run = await authorizeInBrowser(t, web, {
        scope: opts.scope ?? 'openid offline_access',
        audience: opts.audience,
        email: ann.email,
      });
      return { run, code: run.callback!.searchParams.get('code')! };
    }
    const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
      postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'authorization_code',
        client_id: web.id,
        client_secret: web.secret!,
        code,
        redirect_uri: CALLBACK,
        code_verifier: verifier,
        ...extra,
      });

    it('refuses a replayed code and revokes what its first use issued', async () => {
      const { run, code } = await freshCode();
      const first = await exchange(code, run.verifier);
      expect(first.status).toBe(200);
      expect(typeof first.body.refresh_token).toBe('string');
      expect(first.body.access_token.split('.')).toHaveLength(5);
      expect((await fetch(`${t.baseUrl}/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } })).status).toBe(200);

      const replay = await exchange(code, run.verifier);
      expectOAuthError(replay, 403, 'invalid_grant', 'Invalid authorization code');

      const refresh = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'refresh_token',
        client_id: web.id,
        client_secret: web.secret!,
        refresh_token: first.body.refresh_token,
      });
      expectOAuthError(refresh, 403, 'invalid_grant', 'Unknown or invalid refresh token.');
      const info = await fetch(`${t.baseUrl}/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
      expect(info.status).toBe(401);
    });

    it('refuses a wrong PKCE verifier', async () => {
      const { run, code } = await freshCode();
      const wrong = await exchange(code, oidc.randomPKCECodeVerifier());
      expectOAuthError(wrong, 403, 'invalid_grant', 'Failed to verify code verifier');
      const missing = await exchange(code, run.verifier, { code_verifier: '' });
      expectOAuthError(missing, 403, 'invalid_grant', 'Failed to verify code verifier');
      // openid-client's own exchange, with a verifier of another flow.
      await expect(
        oidc.authorizationCodeGrant(run.config, run.callback!, {
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
          expectedState: run.state,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a wrong redirect_uri', async () => {
      const { run, code } = await freshCode();
      const res = await exchange(code, run.verifier, { redirect_uri: 'http://127.0.0.1:9/other' });
      expectOAuthError(res, 403, 'invalid_grant', /redirect_uri/);
    });

    it('refuses a code presented by another client, and an unknown code', async () => {
      const { run, code } = await freshCode();
      const other = await createWebClient(mgmt, { name: 'Other' });
      const stolen = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'authorization_code',
        client_id: other.id,
        client_secret: other.secret!,
        code,
        redirect_uri: CALLBACK,
        code_verifier: run.verifier,
      });
      expectOAuthError(stolen, 403, 'invalid_grant', 'Invalid authorization code');
      expectOAuthError(await exchange('not-a-code', run.verifier), 403, 'invalid_grant', 'Invalid authorization code');
      expectOAuthError(await exchange('', run.verifier), 400, 'invalid_request', 'Missing required parameter: code');
      // The rightful client still gets its tokens.
      expect((await exchange(code, run.verifier)).status).toBe(200);
    });

    it('issues no refresh token without offline_access, and no ID token without openid', async () => {
      const { run, code } = await freshCode({ scope: 'read:orders', audience: ORDERS });
      const res = await exchange(code, run.verifier);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(decodeJwt(res.body.access_token).aud).toBe(ORDERS);
    });
  });

  describe('third-party clients', () => {
    it('ask for consent once, then remember it; a refusal is access_denied', async () => {
      const third = await createWebClient(mgmt, { name: 'Partner App', is_first_party: false, grant_types: ['authorization_code'] });
      const dave = await createUser(mgmt, 'dave@example.com');

      const denied = await authorizeInBrowser(t, third, { scope: 'openid email read:orders', audience: ORDERS, email: dave.email });
      expect(denied.last.url).toContain('/u/consent');
      expect(denied.last.text).toContain('Partner App');
      expect(denied.last.text).toContain('read:orders');
      const consentForm = parseForm(denied.last.text, denied.last.url);
      const no = await denied.browser.submit(consentForm, { decision: 'deny' });
      expect(Object.fromEntries(new URL(no.location!).searchParams)).toEqual({
        error: 'access_denied',
        error_description: 'User did not authorize the request',
        state: denied.state,
      });

      const run = await authorizeInBrowser(t, third, { scope: 'openid email read:orders', audience: ORDERS, browser: denied.browser });
      expect(run.last.url).toContain('/u/consent');
      const yes = await run.browser.submit(parseForm(run.last.text, run.last.url), { decision: 'accept' });
      const callback = new URL(yes.location!);
      const tokens = await oidc.authorizationCodeGrant(run.config, callback, {
        pkceCodeVerifier: run.verifier,
        expectedState: run.state,
        expectedNonce: run.nonce,
      });
      expect(decodeJwt(tokens.access_token).scope).toBe('openid email read:orders');

      // Remembered: no page the second time, and prompt=none works.
      const again = await authorizeInBrowser(t, third, {
        scope: 'openid email',
        audience: ORDERS,
        browser: run.browser,
        params: { prompt: 'none' },
      });
      expect(again.callback?.searchParams.get('code')).toBeTruthy();
      // A scope not consented to yet needs the page again; prompt=none says so.
      const more = await authorizeInBrowser(t, third, { scope: 'openid profile', browser: run.browser, params: { prompt: 'none' } });
      expect(more.callback?.searchParams.get('error')).toBe('consent_required');
    });
  });

  describe('logout', () => {
    it('/v2/logout ends the session and returns only to an allowed URL', async () => {
      const first = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const browser = first.run.browser;

      const refused = await browser.get(
        `${t.baseUrl}/v2/logout?client_id=${web.id}&returnTo=${encodeURIComponent('https://evil.example/')}`,
      );
      expect(refused.status).toBe(400);
      expect(refused.location).toBeUndefined();
      expect(refused.text).toContain('Allowed Logout URLs');
      // Nothing changed: still logged in.
      const still = await authorizeInBrowser(t, web, { scope: 'openid', browser, params: { prompt: 'none' } });
      expect(still.callback?.searchParams.get('code')).toBeTruthy();

      const ok = await browser.get(`${t.baseUrl}/v2/logout?client_id=${web.id}&returnTo=${encodeURIComponent('http://127.0.0.1:9/bye')}`);
      expect(ok.status).toBe(302);
      expect(ok.location).toBe('http://127.0.0.1:9/bye');
      const after = await authorizeInBrowser(t, web, { scope: 'openid', browser, params: { prompt: 'none' } });
      expect(after.callback?.searchParams.get('error')).toBe('login_required');
    });

    it('/v2/logout without a client only returns to the tenant allowed_logout_urls', async () => {
      await mgmt.tenants.settings.update({ allowed_logout_urls: ['http://127.0.0.1:9/tenant-bye'] });
      const ok = await new Browser().get(`${t.baseUrl}/v2/logout?returnTo=${encodeURIComponent('http://127.0.0.1:9/tenant-bye')}`);
      expect(ok.location).toBe('http://127.0.0.1:9/tenant-bye');
      const refused = await new Browser().get(`${t.baseUrl}/v2/logout?returnTo=${encodeURIComponent('http://127.0.0.1:9/bye')}`);
      expect(refused.status).toBe(400);
    });

    it('/oidc/logout is the end_session_endpoint: id_token_hint, post_logout_redirect_uri and state', async () => {
      const first = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      expect(first.run.config.serverMetadata().end_session_endpoint).toBe(`${t.issuer}oidc/logout`);
      const url = oidc.buildEndSessionUrl(first.run.config, {
        id_token_hint: first.tokens.id_token!,
        post_logout_redirect_uri: 'http://127.0.0.1:9/bye',
        state: 'after-logout',
      });
      const res = await first.run.browser.get(url.href);
      expect(res.status).toBe(302);
      expect(res.location).toBe('http://127.0.0.1:9/bye?state=after-logout');
      const after = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser, params: { prompt: 'none' } });
      expect(after.callback?.searchParams.get('error')).toBe('login_required');

      const bad = await new Browser().get(`${t.baseUrl}/oidc/logout?id_token_hint=${first.tokens.id_token!.slice(0, -4)}AAAA`);
      expect(bad.status).toBe(400);
    });

    it('/oidc/logout without a hint asks the user first', async () => {
      const first = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
      const ask = await first.run.browser.get(
        `${t.baseUrl}/oidc/logout?client_id=${web.id}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9/bye')}`,
      );
      expect(ask.status).toBe(200);
      const form = parseForm(ask.text, ask.url);
      const done = await first.run.browser.submit(form, { confirm: 'yes' });
      expect(done.location).toBe('http://127.0.0.1:9/bye');
      const after = await authorizeInBrowser(t, web, { scope: 'openid', browser: first.run.browser, params: { prompt: 'none' } });
      expect(after.callback?.searchParams.get('error')).toBe('login_required');
    });
  });
});

/** Logs in on an app whose issuer is not reachable as such (https behind a proxy); returns the Set-Cookie headers. */
async function loginAt(app: TestApp, client: TestClient, email: string): Promise<string[]> {
  const browser = new Browser();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  const page = await browser.follow(await browser.get(`${app.baseUrl}/authorize?${query}`), app.baseUrl);
  const done = await browser.submit(parseForm(page.text, page.url), { username: email, password: PASSWORD });
  expect(new URL(done.location!).searchParams.get('code')).toBeTruthy();
  return browser.setCookies;
}
