import type { Page, Response } from 'playwright-core';
import { decodeJwt } from 'jose';
import { runExampleSetup, startExample, type ExampleProcess } from '../helpers/example-process.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, startTestApp, type TestApp } from '../helpers/test-app.js';
import { PASSWORD } from '../helpers/user-flows.js';
import { closeAndCheckPages, describeInBrowser, inPage, launchBrowser, type BrowserSession } from './browser.js';

const API = 'https://api.spa.example';
const SECOND_API = 'https://second.spa.example';

interface TokenResult {
  claims?: Record<string, unknown>;
  token?: string;
  error?: string;
  error_description?: string;
}

/**
 * @auth0/auth0-spa-js in Chromium against Tessera, configured as Auth0's SPA quickstart says. The apps
 * (examples/spa-js) run on other origins than Tessera (other ports of 127.0.0.1, the same site, as a
 * developer's localhost setup is); one more runs on an origin no client allows.
 */
describeInBrowser('single-page apps on @auth0/auth0-spa-js in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let spa: ExampleProcess;
  let spaRefresh: ExampleProcess;
  let spaOther: ExampleProcess;
  let spaUrl: string;
  let refreshUrl: string;
  let otherUrl: string;
  let spaClientId: string;
  /** Every /oauth/token exchange the pages made: the grant, the status and who may read the answer. */
  const tokenRequests: { allowOrigin: string | undefined; grant: string | undefined; status: number }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({
      identifier: SECOND_API,
      name: 'Second API',
      signing_alg: 'RS256',
      scopes: [{ value: 'read:more' }],
    });
    [spaUrl, refreshUrl] = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    otherUrl = `http://localhost:${await freePort()}`;
    // As the README says: setup.mjs registers the SPA as Auth0's dashboard does (app type, callback, logout
    // URL, web origin; no grant_types), the API and the user, and prints the command that starts the app.
    const setup = async (appUrl: string) =>
      (
        await runExampleSetup('examples/spa-js/setup.mjs', {
          TESSERA_URL: t.baseUrl,
          ADMIN_CLIENT_ID,
          ADMIN_CLIENT_SECRET,
          APP_URL: appUrl,
          API_AUDIENCE: API,
          USER_EMAIL: 'sam@example.com',
          USER_PASSWORD: PASSWORD,
        })
      ).commands[0];
    const main = await setup(spaUrl);
    const withRefresh = await setup(refreshUrl);
    spaClientId = main.CLIENT_ID;
    expect(main).toEqual({
      TESSERA_DOMAIN: t.baseUrl,
      CLIENT_ID: expect.any(String),
      API_AUDIENCE: API,
      HOST: '127.0.0.1',
      PORT: new URL(spaUrl).port,
    });
    spa = await startExample('examples/spa-js/server.mjs', { ...main, SECOND_AUDIENCE: SECOND_API }, 'SPA on');
    spaRefresh = await startExample(
      'examples/spa-js/server.mjs',
      { ...withRefresh, SECOND_AUDIENCE: SECOND_API, USE_REFRESH_TOKENS: '1' },
      'SPA on',
    );
    // The first app's client served from an origin no client allows.
    spaOther = await startExample('examples/spa-js/server.mjs', { ...main, HOST: '127.0.0.1', PORT: new URL(otherUrl).port }, 'SPA on');
    b = await launchBrowser();
    page = b.page;
    b.context.on('response', (res: Response) => {
      const req = res.request();
      if (req.method() === 'POST' && req.url() === `${t.baseUrl}/oauth/token`) {
        const body = req.postData() ?? '';
        const grant = body.startsWith('{') ? JSON.parse(body).grant_type : (new URLSearchParams(body).get('grant_type') ?? undefined);
        tokenRequests.push({ allowOrigin: res.headers()['access-control-allow-origin'], grant, status: res.status() });
      }
    });
  }, 60000);

  afterAll(() => {
    for (const p of [spa, spaRefresh, spaOther]) {
      p?.stop();
    }
  });
  closeAndCheckPages(() => ({ browser: b, app: t }));

  const ready = () => page.locator('body[data-ready="true"]').waitFor();
  const status = () => page.locator('#status').textContent();
  const token = (audience?: string) => inPage<TokenResult>(page, `app.token(${audience ? JSON.stringify(audience) : ''})`);

  async function fillLogin(p: Page): Promise<void> {
    await p.getByLabel('Email address').fill('sam@example.com');
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Continue' }).click();
  }

  it('loginWithRedirect → login form → handleRedirectCallback → getUser', async () => {
    await page.goto(spaUrl);
    await ready();
    expect(await status()).toBe('Not logged in');
    await page.locator('#login').click();
    await page.waitForURL((url) => url.pathname === '/u/login');
    await fillLogin(page);
    await page.waitForURL((url) => url.origin === spaUrl && url.search === '');
    await ready();
    expect(await status()).toBe('Logged in as sam@example.com');
    const exchange = tokenRequests.at(-1)!;
    expect(exchange).toEqual({ allowOrigin: spaUrl, grant: 'authorization_code', status: 200 });
  });

  it('getTokenSilently through the hidden iframe (prompt=none, web_message), then for a second audience', async () => {
    const before = tokenRequests.length;
    const first = await token();
    expect(first.error).toBeUndefined();
    expect(first.claims).toMatchObject({ aud: [API, `${t.issuer}userinfo`], azp: spaClientId });
    const second = await token(SECOND_API);
    expect(second.error).toBeUndefined();
    expect(second.claims).toMatchObject({ aud: [SECOND_API, `${t.issuer}userinfo`], azp: spaClientId });
    // Both came from a code posted by the iframe's web message: no refresh token is in play here.
    expect(tokenRequests.slice(before).map((r) => r.grant)).toEqual(['authorization_code', 'authorization_code']);
  });

  it('a second app with useRefreshTokens: true renews with its refresh token, not the iframe', async () => {
    await page.goto(refreshUrl);
    await ready();
    await page.locator('#login').click();
    // The Tessera session from the first app logs this one in without the form.
    await page.waitForURL((url) => url.origin === refreshUrl && url.search === '');
    await ready();
    expect(await status()).toBe('Logged in as sam@example.com');
    const before = tokenRequests.length;
    const renewed = await token();
    expect(renewed.error).toBeUndefined();
    expect(renewed.claims).toMatchObject({ aud: [API, `${t.issuer}userinfo`] });
    expect(tokenRequests.slice(before)).toEqual([{ allowOrigin: refreshUrl, grant: 'refresh_token', status: 200 }]);
    // Rotation: the next renewal uses the rotated token and works as well.
    expect((await token()).error).toBeUndefined();
  });

  it('logout ends the Tessera session: silent renewal then answers login_required', async () => {
    await page.goto(spaUrl);
    await ready();
    await page.locator('#logout').click();
    await page.waitForURL((url) => url.origin === spaUrl);
    await ready();
    expect(await status()).toBe('Not logged in');
    const silent = await token();
    expect(silent.error).toBe('login_required');
  });

  it('loginWithPopup: the login form in a popup, the code posted back to the opener', async () => {
    const popupOpened = b.context.waitForEvent('page');
    await page.locator('#login-popup').click();
    const popup = await popupOpened;
    await popup.waitForURL((url) => url.pathname === '/u/login');
    await fillLogin(popup);
    await page.locator('#status', { hasText: 'Logged in as sam@example.com' }).waitFor();
    const claims = decodeJwt((await token()).token!);
    expect(claims.sub).toMatch(/^auth0\|/);
  });

  it('an app on an origin no client allows: the browser refuses the token and userinfo responses', async () => {
    await page.goto(otherUrl);
    await ready();
    const refused = await inPage<string[]>(
      page,
      `Promise.all([
        fetch(${JSON.stringify(`${t.baseUrl}/oauth/token`)}, { method: 'POST', headers: { 'content-type': 'application/json', 'auth0-client': btoa('{}') },
          body: JSON.stringify({ grant_type: 'refresh_token', client_id: ${JSON.stringify(spaClientId)}, refresh_token: 'x' }) }).then(() => 'read', (e) => e.name),
        fetch(${JSON.stringify(`${t.baseUrl}/userinfo`)}, { headers: { authorization: 'Bearer x' } }).then(() => 'read', (e) => e.name),
      ])`,
    );
    expect(refused).toEqual(['TypeError', 'TypeError']);
    // Chromium reports each blocked response on the console; those are the point of this test.
    expect(b.problems.length).toBeGreaterThan(0);
    expect(b.problems.every((p) => /CORS policy/.test(p))).toBe(true);
    b.problems.length = 0;
  });
});
