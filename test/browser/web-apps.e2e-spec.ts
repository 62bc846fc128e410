import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { startExample, type ExampleProcess } from '../helpers/example-process.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, PASSWORD } from '../helpers/user-flows.js';
import { closeAndCheckPages, describeInBrowser, inPage, launchBrowser, type BrowserSession } from './browser.js';

const API = 'https://api.webapp.example';
const SECRET = 'a-long-randomly-generated-cookie-secret-0123456789';

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
    certDir = mkdtempSync(join(tmpdir(), 'tessera-webapps-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ], { stdio: 'pipe' });
    [t, tls] = await Promise.all([startTestApp(), startTestApp({ TLS_CERT_FILE: join(certDir, 'cert.pem'), TLS_KEY_FILE: join(certDir, 'key.pem') })]);
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

  it('express-openid-connect with its defaults (id_token, form_post, no secret): login, req.oidc.user, logout', async () => {
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    await createUser(mgmt, 'eve@example.com', { name: 'Eve' });
    const baseURL = `http://127.0.0.1:${await freePort()}`;
    const client = await mgmt.clients.create({ name: 'Express app', app_type: 'regular_web', callbacks: [`${baseURL}/callback`], allowed_logout_urls: [baseURL] });
    apps.push(await startExample('examples/express-openid-connect/app.mjs', { ISSUER_BASE_URL: t.baseUrl, BASE_URL: baseURL, CLIENT_ID: client.client_id!, SECRET }, 'Express app on'));

    const authorizeRequests: URL[] = [];
    page.on('request', (req) => (new URL(req.url()).pathname === '/authorize' ? authorizeRequests.push(new URL(req.url())) : undefined));
    await page.goto(`${baseURL}/login`);
    await fillLogin('eve@example.com');
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged in as eve@example.com');
    // What the library asked for: its defaults, unchanged.
    expect(Object.fromEntries(authorizeRequests[0].searchParams)).toMatchObject({ response_type: 'id_token', response_mode: 'form_post', scope: 'openid profile email', nonce: expect.any(String) });
    page.removeAllListeners('request');
    const profile = JSON.parse(await (await page.goto(`${baseURL}/profile`))!.text());
    expect(profile).toMatchObject({ email: 'eve@example.com', name: 'Eve', sub: expect.stringMatching(/^auth0\|/) });

    await page.goto(`${baseURL}/logout`);
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged out');
    // The Tessera session ended too: logging in again shows the form.
    await page.goto(`${baseURL}/login`);
    await page.waitForURL((url) => url.pathname === '/u/login');
  });

  it('express-openid-connect with response_type code and a secret: access token, refresh, logout', async () => {
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.resourceServers.create({ identifier: API, name: 'Web API', signing_alg: 'RS256', allow_offline_access: true });
    const baseURL = `http://127.0.0.1:${await freePort()}`;
    const client = await mgmt.clients.create({ name: 'Express code app', app_type: 'regular_web', callbacks: [`${baseURL}/callback`], allowed_logout_urls: [baseURL] });
    apps.push(
      await startExample(
        'examples/express-openid-connect/app.mjs',
        { ISSUER_BASE_URL: t.baseUrl, BASE_URL: baseURL, CLIENT_ID: client.client_id!, CLIENT_SECRET: client.client_secret!, API_AUDIENCE: API, SECRET },
        'Express app on',
      ),
    );
    await page.goto(`${baseURL}/login`);
    await fillLogin('eve@example.com');
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged in as eve@example.com');

    const first = JSON.parse(await (await page.goto(`${baseURL}/token`))!.text());
    expect(decodeJwt(first.access_token)).toMatchObject({ aud: [API, `${t.issuer}userinfo`], azp: client.client_id });
    const refreshed = JSON.parse(await (await page.goto(`${baseURL}/token?refresh=1`))!.text());
    expect(refreshed.refreshed).toBe(true);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: [API, `${t.issuer}userinfo`] });

    await page.goto(`${baseURL}/logout`);
    await page.waitForURL(`${baseURL}/`);
    expect(await bodyText()).toContain('Logged out');
  });

  it('passport-auth0: login with a full profile fetched from /userinfo?access_token=', async () => {
    // This process does not trust the throwaway certificate; the Management API is called from the browser.
    const token = await tlsAdminToken();
    const user = await tlsPost('/api/v2/users', token, { connection: 'Username-Password-Authentication', email: 'pat@example.com', password: PASSWORD, name: 'Pat Example', email_verified: true });
    const callbackURL = `http://127.0.0.1:${await freePort()}/callback`;
    const client = await tlsPost('/api/v2/clients', token, { name: 'Passport app', app_type: 'regular_web', callbacks: [callbackURL] });
    apps.push(
      await startExample(
        'examples/passport-auth0/app.mjs',
        { TESSERA_DOMAIN: new URL(tls.baseUrl).host, CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret, CALLBACK_URL: callbackURL, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') },
        'Passport app on',
      ),
    );
    await page.goto(`${new URL(callbackURL).origin}/login`);
    await fillLogin('pat@example.com');
    await page.waitForURL(`${new URL(callbackURL).origin}/profile`);
    const profile = JSON.parse(await bodyText());
    expect(profile).toMatchObject({
      id: user.user_id,
      displayName: 'Pat Example',
      nickname: 'pat',
      emails: [{ value: 'pat@example.com' }],
      picture: expect.stringMatching(/^https:\/\//),
      email_verified: true,
    });
  });

  /** A same-origin POST from a page of the TLS instance, through Chromium, which accepts the test certificate. */
  async function tlsFetch(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
    if (!page.url().startsWith(tls.baseUrl)) {
      await page.goto(`${tls.baseUrl}/.well-known/openid-configuration`);
    }
    const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    return inPage(
      page,
      `fetch(${JSON.stringify(path)}, { method: 'POST', headers: ${JSON.stringify(headers)}, body: ${JSON.stringify(JSON.stringify(body))} })
        .then(async (r) => ({ status: r.status, body: await r.json() }))`,
    );
  }
  async function tlsAdminToken(): Promise<string> {
    const res = await tlsFetch('/oauth/token', { grant_type: 'client_credentials', client_id: ADMIN_CLIENT_ID, client_secret: ADMIN_CLIENT_SECRET, audience: `${tls.issuer}api/v2/` });
    return res.body.access_token;
  }
  async function tlsPost(path: string, token: string, data: unknown): Promise<any> {
    const res = await tlsFetch(path, data, token);
    expect(res.status).toBe(201);
    return res.body;
  }
});
