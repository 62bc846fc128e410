import type { ManagementClient } from 'auth0';
import * as oidc from 'openid-client';
import { Browser, parseForm, type BrowserResponse } from './browser.js';
import { postForm, type TestApp } from './test-app.js';

export const CALLBACK = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'Correct-Horse-9';
export const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export interface TestClient {
  id: string;
  secret?: string;
}

export interface TestUser {
  userId: string;
  email: string;
}

/** A user on the tenant's database connection, created through the Management API SDK. */
export async function createUser(mgmt: ManagementClient, email: string, extra: Record<string, unknown> = {}): Promise<TestUser> {
  const u = await mgmt.users.create({ connection: 'Username-Password-Authentication', email, password: PASSWORD, ...extra });
  return { userId: u.user_id!, email };
}

/** The password-realm grant for `user` at the database connection, through `client`; `form` adds or overrides fields. */
export function realmLogin(t: TestApp, client: TestClient, user: TestUser, form: Record<string, string> = {}) {
  return postForm(t.baseUrl, '/oauth/token', {
    grant_type: REALM_GRANT,
    realm: 'Username-Password-Authentication',
    client_id: client.id,
    client_secret: client.secret!,
    username: user.email,
    password: PASSWORD,
    ...form,
  });
}

/** A regular web application (confidential, first-party) with the browser flows and refresh tokens. */
export async function createWebClient(mgmt: ManagementClient, extra: Record<string, unknown> = {}): Promise<TestClient> {
  const c = await mgmt.clients.create({
    name: 'Web App',
    app_type: 'regular_web',
    callbacks: [CALLBACK],
    allowed_logout_urls: ['http://127.0.0.1:9/bye'],
    grant_types: ['authorization_code', 'refresh_token', 'password', REALM_GRANT],
    ...extra,
  });
  return { id: c.client_id!, secret: c.client_secret };
}

export async function discover(t: TestApp, client: TestClient, metadata: Partial<oidc.ClientMetadata> = {}): Promise<oidc.Configuration> {
  const auth = client.secret ? oidc.ClientSecretPost(client.secret) : oidc.None();
  return oidc.discovery(new URL(t.issuer), client.id, { ...metadata }, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface AuthorizationRun {
  config: oidc.Configuration;
  browser: Browser;
  verifier: string;
  state: string;
  nonce: string;
  /** The response that left our server for the callback (or the page we stopped on). */
  last: BrowserResponse;
  /** The callback URL with code and state, when the flow reached it. */
  callback?: URL;
}

/**
 * The browser half of the authorization code + PKCE flow, as openid-client builds it: /authorize, the
 * login page (form read from the HTML and submitted with its cookies), then the redirect to the
 * callback. Stops at the callback (or at whatever page the server answered instead).
 */
export async function authorizeInBrowser(
  t: TestApp,
  client: TestClient,
  opts: {
    scope: string;
    audience?: string;
    email?: string;
    password?: string;
    params?: Record<string, string>;
    browser?: Browser;
    metadata?: Partial<oidc.ClientMetadata>;
  },
): Promise<AuthorizationRun> {
  const config = await discover(t, client, opts.metadata);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const params: Record<string, string> = {
    redirect_uri: CALLBACK,
    scope: opts.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(opts.audience ? { audience: opts.audience } : {}),
    ...opts.params,
  };
  const browser = opts.browser ?? new Browser();
  let res = await browser.follow(await browser.get(oidc.buildAuthorizationUrl(config, params).href), t.baseUrl);
  if (res.status === 200 && /name="password"/.test(res.text) && opts.email) {
    const form = parseForm(res.text, res.url);
    res = await browser.follow(await browser.submit(form, { username: opts.email, password: opts.password ?? PASSWORD }), t.baseUrl);
  }
  const callback = res.location?.startsWith(CALLBACK) ? new URL(res.location) : undefined;
  return { config, browser, verifier, state, nonce, last: res, callback };
}

/** The whole flow: browser to the callback, then openid-client's code exchange with every check on. */
export async function loginWithCode(
  t: TestApp,
  client: TestClient,
  opts: { scope: string; audience?: string; email: string; params?: Record<string, string>; metadata?: Partial<oidc.ClientMetadata> },
): Promise<{ run: AuthorizationRun; tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers }> {
  const run = await authorizeInBrowser(t, client, opts);
  if (!run.callback) {
    throw new Error(`the flow did not reach the callback: ${run.last.status} ${run.last.location ?? run.last.text.slice(0, 300)}`);
  }
  const tokens = await oidc.authorizationCodeGrant(run.config, run.callback, {
    pkceCodeVerifier: run.verifier,
    expectedState: run.state,
    expectedNonce: opts.scope.split(' ').includes('openid') ? run.nonce : undefined,
    idTokenExpected: opts.scope.split(' ').includes('openid'),
  });
  return { run, tokens };
}
