import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';
import { closeAndCheckPages, describeInBrowser, inPage, launchBrowser, unlabelledControls, type BrowserSession } from './browser.js';

const PASSWORD = 'Correct-Horse-9';
const ADMIN = { email: 'ada@example.test', app_metadata: { roles: ['admin'] } };
const PLAIN = { email: 'pat@example.test', app_metadata: { roles: ['support'] } };

interface TabStorage {
  session: { accessToken: string; subject: string; signOutUrl?: string } | null;
  sessionKeys: string[];
  local: number;
}

describeInBrowser('signing in to the dashboard with a user account in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let dashboardClientId: string;

  const storage = () =>
    inPage<TabStorage>(
      page,
      `({ session: JSON.parse(sessionStorage.getItem('tessera.dashboard.session')), sessionKeys: Object.keys(sessionStorage), local: localStorage.length })`,
    );
  const accountButton = () => page.getByRole('button', { name: 'Sign in with your account', exact: true });

  /** From the dashboard's sign-in page through the tenant's real login page. */
  async function signInThroughLoginPage(email: string): Promise<void> {
    await accountButton().click();
    await page.waitForURL((url) => url.pathname === '/u/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  beforeAll(async () => {
    t = await startTestApp();
    const token = await t.adminToken();
    for (const user of [ADMIN, PLAIN]) {
      const res = await http(t.baseUrl, 'POST', '/api/v2/users', {
        token,
        body: { connection: 'Username-Password-Authentication', password: PASSWORD, ...user },
      });
      expect(res.status).toBe(201);
    }
    dashboardClientId = (await http(t.baseUrl, 'GET', '/dashboard/config.json')).body.client_id;
    b = await launchBrowser();
    page = b.page;
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  it('signs an admin in through the login page; the tab keeps only the Management API token', async () => {
    await page.goto(`${t.baseUrl}/dashboard/apis`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await signInThroughLoginPage(ADMIN.email);

    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    expect(page.url()).toBe(`${t.baseUrl}/dashboard/apis`);
    // The heading comes before the list is fetched: wait for its first row, then read them all.
    const cells = page.getByRole('table', { name: 'APIs of this tenant' }).locator('tbody tr td:nth-child(2)');
    await cells.first().waitFor();
    const identifiers = await cells.allTextContents();
    expect(identifiers).toEqual([t.managementAudience]);
    await expect(page.locator('#session-label').textContent()).resolves.toMatch(new RegExp(`^Signed in as ${ADMIN.email} · until `));

    const tab = await storage();
    expect({ keys: tab.sessionKeys, local: tab.local, subject: tab.session?.subject }).toEqual({
      keys: ['tessera.dashboard.session'],
      local: 0,
      subject: ADMIN.email,
    });
    const claims = decodeJwt(tab.session!.accessToken);
    const scopes = String(claims.scope).split(' ');
    expect({
      azp: claims.azp,
      aud: claims.aud,
      hasUsers: scopes.includes('read:users'),
      hasTenants: scopes.includes('create:tenants'),
    }).toEqual({
      azp: dashboardClientId,
      aud: [t.managementAudience, `${t.issuer}userinfo`],
      hasUsers: true,
      hasTenants: false,
    });
    // The only cookies are the login page's own, out of the page's reach.
    const cookies = await b.context.cookies();
    expect(cookies.length).toBeGreaterThan(0);
    expect(cookies.filter((c) => !c.httpOnly)).toEqual([]);
    expect(await inPage<string>(page, 'document.cookie')).toBe('');
    await b.screenshot('31-account-admin-apis');
  });

  it('signs out of the tenant too: the next account sign-in asks for the password again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.baseUrl}/dashboard`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect((await storage()).sessionKeys).toEqual([]);
    await accountButton().click();
    await page.waitForURL((url) => url.pathname === '/u/login');
    await page.goto(`${t.baseUrl}/dashboard`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  it('tells a user without the admin role why the dashboard cannot be used, and keeps no token', async () => {
    // The abandoned login above left its request in the tab; a new one replaces it.
    await signInThroughLoginPage(PLAIN.email);
    const alert = page.getByRole('alert').filter({ hasText: 'not an admin' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      `You signed in as ${PLAIN.email}, but this account is not an admin of this tenant: the token Tessera issued carries no Management API scopes, so the dashboard cannot be used with it.` +
        'An admin of the tenant can make the account a member of the admin role (Tessera Admin unless the server sets ADMIN_ROLE_NAME) on the dashboard’s Roles page, or with POST /api/v2/users/{id}/roles and {"roles": ["<role id>"]}. Then sign in again.' +
        'Sign in as someone else',
    );
    expect(page.url()).toBe(`${t.baseUrl}/dashboard/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    expect(await storage()).toEqual({ session: null, sessionKeys: [], local: 0 });
    await b.screenshot('32-account-not-admin');

    // Ending the tenant session lets someone else sign in on this browser.
    await page.getByRole('link', { name: 'Sign in as someone else' }).click();
    await page.waitForURL(`${t.baseUrl}/dashboard`);
    await signInThroughLoginPage(ADMIN.email);
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
  });

  it('ignores a callback this tab did not ask for, without exchanging its code', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.baseUrl}/dashboard`);
    const exchanges: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/oauth/token') {
        exchanges.push(req.url());
      }
    });
    await page.goto(`${t.baseUrl}/dashboard/callback?code=planted-code&state=planted-state`);
    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'This sign-in answer was not expected by this tab (it was already used, has expired, or was started elsewhere); sign in again.',
    );
    expect(page.url()).toBe(`${t.baseUrl}/dashboard/`);
    expect(exchanges).toEqual([]);
  });
});
