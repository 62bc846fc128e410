import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { runExampleSetup, startExample, type ExampleProcess } from '../helpers/example-process.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, startTestApp, type TestApp } from '../helpers/test-app.js';
import { PASSWORD } from '../helpers/user-flows.js';
import { makeTestCertificate } from '../helpers/test-certificate.js';
import { closeAndCheckPages, describeInBrowser, launchBrowser, type BrowserSession } from './browser.js';

const API = 'https://api.webapp.example';

/**
 * Server-rendered apps as their quickstarts configure them, in Chromium: express-openid-connect with its
 * defaults (id_token + form_post, no secret) and with the code flow; passport-auth0 (which speaks only
 * https to the domain, so that Tessera serves TLS with a throwaway certificate the app process trusts).
 */
describeInBrowser('web apps on express-openid-connect and passport-auth0 in Chromium', () => {
  let t: TestApp;
  let tls: TestApp;
  let certDir: string;
  let b: BrowserSession;
  let page: Page;
  const apps: ExampleProcess[] = [];

  beforeAll(async () => {
    certDir = makeTestCertificate('tessera-webapps-tls-').dir;
    [t, tls] = await Promise.all([
      startTestApp(),
      startTestApp({ TLS_CERT_FILE: join(certDir, 'cert.pem'), TLS_KEY_FILE: join(certDir, 'key.pem') }),
    ]);
    // The browser trusts the throwaway certificate as the app process does.
    b = await launchBrowser(['--ignore-certificate-errors']);
    page = b.page;
  }, 60000);
  afterAll(() => {
    for (const app of apps) {
      app.stop();
    }
    rmSync(certDir, { recursive: true, force: true });
  });
  closeAndCheckPages(() => ({ browser: b, app: { cleanup: async () => void (await Promise.all([t?.cleanup(), tls?.cleanup()])) } }));

  async function fillLogin(email: string): Promise<void> {
    await page.waitForURL((url) => url.pathname === '/u/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  const bodyText = () => page.locator('body').innerText();

  /** setup.mjs of an example, as the README runs it: the commands it prints. */
  const setup = async (file: string, tessera: TestApp, env: Record<string, string>) =>
    (await runExampleSetup(file, { TESSERA_URL: tessera.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, USER_PASSWORD: PASSWORD, ...env }))
      .commands;

  it('express-openid-connect with its defaults (id_token, form_post, no secret): login, req.oidc.user, logout', async () => {
    const baseURL = `http://127.0.0.1:${await freePort()}`;
    const [defaults] = await setup('examples/express-openid-connect/setup.mjs', t, {
      BASE_URL: baseURL,
      API_AUDIENCE: API,
      USER_EMAIL: 'eve@example.com',
    });
    expect(Object.keys(defaults)).toEqual(['ISSUER_BASE_URL', 'BASE_URL', 'CLIENT_ID', 'SECRET']);
    apps.push(await startExample('examples/express-openid-connect/app.mjs', defaults, 'Express app on'));

    const authorizeRequests: URL[] = [];
    page.on('request', (req) => (new URL(req.url()).pathname === '/authorize' ? authorizeRequests.push(new URL(req.url())) : undefined));
    await page.goto(`${baseURL}/login`);
    await fillLogin('eve@example.com');
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged in as eve@example.com');
    // What the library asked for: its defaults, unchanged.
    expect(Object.fromEntries(authorizeRequests[0].searchParams)).toMatchObject({
      response_type: 'id_token',
      response_mode: 'form_post',
      scope: 'openid profile email',
      nonce: expect.any(String),
    });
    page.removeAllListeners('request');
    const profile = JSON.parse(await (await page.goto(`${baseURL}/profile`))!.text());
    expect(profile).toMatchObject({ email: 'eve@example.com', name: 'Demo User', sub: expect.stringMatching(/^auth0\|/) });

    await page.goto(`${baseURL}/logout`);
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged out');
    // The Tessera session ended too: logging in again shows the form.
    await page.goto(`${baseURL}/login`);
    await page.waitForURL((url) => url.pathname === '/u/login');
  });

  it('express-openid-connect with response_type code and a secret: access token, refresh, logout', async () => {
    const baseURL = `http://127.0.0.1:${await freePort()}`;
    const [, codeFlow] = await setup('examples/express-openid-connect/setup.mjs', t, {
      BASE_URL: baseURL,
      API_AUDIENCE: API,
      USER_EMAIL: 'eve@example.com',
    });
    expect(codeFlow).toMatchObject({ CLIENT_SECRET: expect.any(String), API_AUDIENCE: API });
    apps.push(await startExample('examples/express-openid-connect/app.mjs', codeFlow, 'Express app on'));
    await page.goto(`${baseURL}/login`);
    await fillLogin('eve@example.com');
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged in as eve@example.com');

    const first = JSON.parse(await (await page.goto(`${baseURL}/token`))!.text());
    expect(decodeJwt(first.access_token)).toMatchObject({ aud: [API, `${t.issuer}userinfo`], azp: codeFlow.CLIENT_ID });
    const refreshed = JSON.parse(await (await page.goto(`${baseURL}/token?refresh=1`))!.text());
    expect(refreshed.refreshed).toBe(true);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: [API, `${t.issuer}userinfo`] });

    await page.goto(`${baseURL}/logout`);
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged out');
  });

  it('passport-auth0: login with a full profile fetched from /userinfo?access_token=', async () => {
    const callbackURL = `http://127.0.0.1:${await freePort()}/callback`;
    const trust = { NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') };
    const [command] = await setup('examples/passport-auth0/setup.mjs', tls, {
      ...trust,
      CALLBACK_URL: callbackURL,
      USER_EMAIL: 'pat@example.com',
    });
    expect(command.TESSERA_DOMAIN).toBe(new URL(tls.baseUrl).host);
    apps.push(await startExample('examples/passport-auth0/app.mjs', { ...command, ...trust }, 'Passport app on'));
    await page.goto(`${new URL(callbackURL).origin}/login`);
    await fillLogin('pat@example.com');
    await page.waitForURL(`${new URL(callbackURL).origin}/profile`);
    const profile = JSON.parse(await bodyText());
    expect(profile).toMatchObject({
      id: expect.stringMatching(/^auth0\|/),
      displayName: 'Demo User',
      nickname: 'pat',
      emails: [{ value: 'pat@example.com' }],
      picture: expect.stringMatching(/^https:\/\//),
      email_verified: true,
    });
  });
});
