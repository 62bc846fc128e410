import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.js';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { authorizeInBrowser, CALLBACK, createUser, createWebClient, type TestClient } from '../helpers/user-flows.js';

/** OAuth-level attacks beyond the flow tests: PKCE downgrade, redirect tricks, open redirects, brute force. */
describe('OAuth attacks', () => {
  let t: TestApp;
  let web: TestClient;
  const email = 'target@example.com';

  beforeAll(async () => {
    t = await startTestApp({
      PASSWORD_HASH_COST: '4',
      RATE_LIMIT_TOKEN_PER_CLIENT: '0.01/20' /* no refill while the guesses run, however slow the machine */,
    });
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    web = await createWebClient(mgmt);
    await createUser(mgmt, email);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const codeFor = async () => {
    const run = await authorizeInBrowser(t, web, { scope: 'openid', email });
    expect(run.callback).toBeDefined();
    return { code: run.callback!.searchParams.get('code')!, verifier: run.verifier };
  };
  const redeem = (fields: Record<string, string>) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: web.id,
      client_secret: web.secret!,
      ...fields,
    });

  it('PKCE downgrade: a code bound to a challenge needs its verifier; none, plain or another is refused', async () => {
    for (const verifier of [undefined, 'plain-value-that-equals-nothing-xxxxxxxxxxxxxxx', oidc.randomPKCECodeVerifier()]) {
      const { code } = await codeFor();
      const res = await redeem(verifier === undefined ? { code } : { code, code_verifier: verifier });
      expect([res.status, res.body.error]).toEqual([403, 'invalid_grant']);
    }
    // A refused attempt burns nothing useful for the attacker and the right verifier still cannot be used after.
    const { code, verifier } = await codeFor();
    expect((await redeem({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('redirect_uri tricks (prefix, path, encoding, userinfo, case, fragment) are shown on a page, never followed', async () => {
    const cb = new URL(CALLBACK);
    const tricks = [
      `${CALLBACK}/../evil`,
      `${CALLBACK}.evil.example`,
      `${CALLBACK}?x=1`,
      `${CALLBACK}#frag`,
      `${CALLBACK}%2F..%2Fevil`,
      `${cb.protocol}//${cb.host}@evil.example${cb.pathname}`,
      `${cb.protocol}//evil.example@${cb.host}${cb.pathname}`,
      CALLBACK.toUpperCase(),
      CALLBACK.replace('http:', 'https:'),
      `${CALLBACK} `,
      `//evil.example${cb.pathname}`,
    ];
    for (const redirectUri of tricks) {
      const url = `${t.baseUrl}/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: web.id,
        redirect_uri: redirectUri,
        scope: 'openid',
        state: 's',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`;
      const res = await new Browser().get(url);
      expect({ redirectUri, status: res.status, location: res.location }).toEqual({ redirectUri, status: 400, location: undefined });
    }
  });

  it('returnTo and post_logout_redirect_uri refuse look-alikes of allowed URLs', async () => {
    const allowed = 'http://127.0.0.1:9/bye';
    for (const target of [
      `${allowed}.evil.example`,
      `${allowed}@evil.example`,
      'http://127.0.0.1:9@evil.example/bye',
      '//evil.example/bye',
      'javascript:alert(1)',
    ]) {
      const v2 = await new Browser().get(`${t.baseUrl}/v2/logout?${new URLSearchParams({ client_id: web.id, returnTo: target })}`);
      expect({ target, status: v2.status, location: v2.location }).toMatchObject({ target, location: undefined });
      const oidcLogout = await new Browser().get(
        `${t.baseUrl}/oidc/logout?${new URLSearchParams({ client_id: web.id, post_logout_redirect_uri: target })}`,
      );
      expect({ target, location: oidcLogout.location }).toEqual({ target, location: undefined });
    }
  });

  it('client secret brute force: every wrong secret is invalid_client, then the client is throttled with 429', async () => {
    const victim = await createWebClient(managementClient(t.baseUrl, await t.adminToken()), { name: 'Victim' });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: victim.id,
        client_secret: `guess-${i}`,
        audience: 'https://x',
      });
      statuses.push(res.status);
      if (res.status === 401) {
        expectOAuthError(res, 401, 'invalid_client', 'Client authentication failed');
      }
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });
});
