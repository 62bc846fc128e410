import type { ManagementClient } from 'auth0';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { managementClient } from '../helpers/management-client.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { CALLBACK, createWebClient, discover, PASSWORD, type TestClient } from '../helpers/user-flows.js';
import { closeAndCheckPages, describeInBrowser, launchBrowser, unlabelledControls, type BrowserSession } from './browser.js';

const DB = 'Username-Password-Authentication';

/** Universal Login's sign-up and "Forgot password?" in Chromium, with the mails read from a real SMTP server. */
describeInBrowser('sign-up and password reset on the login pages in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let smtp: SmtpSink;
  let mgmt: ManagementClient;
  let web: TestClient;
  let config: oidc.Configuration;

  /** Starts an authorization request; returns what the code exchange needs. */
  async function startLogin(extra: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    await page.goto(url.href);
    return { verifier, state, nonce };
  }

  async function finishLogin(run: { verifier: string; state: string; nonce: string }) {
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: run.verifier,
      expectedState: run.state,
      expectedNonce: run.nonce,
    });
    return tokens.claims()!;
  }

  const realmLogin = (username: string, password: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
      realm: DB,
      client_id: web.id,
      client_secret: web.secret!,
      username,
      password,
    });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    await mgmt.emails.provider.create({
      name: 'smtp',
      default_from_address: 'accounts@tessera.test',
      credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port },
    });
    web = await createWebClient(mgmt, { name: 'Bookshop' });
    config = await discover(t, web);
    b = await launchBrowser();
    page = b.page;
    // The callback is not served: the browser stops there and the test reads the code from the URL.
    await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback' }));
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));
  afterAll(async () => {
    await smtp.close();
  });

  it('screen_hint=signup opens the sign-up form; signing up logs the new user in and the mailed link verifies the address', async () => {
    const run = await startLogin({ screen_hint: 'signup' });
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/u/signup');
    expect(await unlabelledControls(page)).toEqual([]);
    // The links between the two forms.
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Email address').fill('nina@example.com');
    await page.getByLabel('Password').fill('weak');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('alert').filter({ hasText: 'too weak' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    const claims = await finishLogin(run);
    expect(claims).toMatchObject({ email: 'nina@example.com', email_verified: false });
    expect(claims.sub).toMatch(/^auth0\|/);

    const mail = await smtp.waitFor((m) => m.to.includes('nina@example.com') && /Verify/.test(m.subject));
    const link = mail.links.find((l) => l.includes('/u/email-verification'))!;
    await page.goto(link);
    await page.getByText('Your email was verified').waitFor();
    expect((await mgmt.users.get(claims.sub)).email_verified).toBe(true);
  });

  it('"Forgot password?" mails a link whose page sets a new password: the old one fails, the new one works, the link dies', async () => {
    await mgmt.users.create({ connection: DB, email: 'omar@example.com', password: PASSWORD, verify_email: false });
    await page.context().clearCookies();
    await startLogin();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    expect(await page.locator('input[type=password]').count()).toBe(0);
    await page.getByLabel('Email address').fill('omar@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText("We've just sent you an email to reset your password.").waitFor();

    const mail = await smtp.waitFor((m) => m.to.includes('omar@example.com') && /Reset/.test(m.subject));
    const link = mail.links.find((l) => l.includes('/lo/reset'))!;
    await page.goto(link);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('New password', { exact: true }).fill('Brand-New-Pass-7');
    await page.getByLabel('Confirm new password').fill('Brand-New-Pass-7');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();

    expect((await realmLogin('omar@example.com', PASSWORD)).status).toBe(403);
    expect((await realmLogin('omar@example.com', 'Brand-New-Pass-7')).status).toBe(200);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Link expired' }).waitFor();

    // And the login page takes the new password.
    const run = await startLogin();
    await page.getByLabel('Email address').fill('omar@example.com');
    await page.getByLabel('Password').fill('Brand-New-Pass-7');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await finishLogin(run)).email).toBe('omar@example.com');
  });
});
