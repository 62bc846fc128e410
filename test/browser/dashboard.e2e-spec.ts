import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Locator, Page } from 'playwright-core';
import { singleAudienceReason } from '../../src/rules/audience-rules.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeAndCheckPages,
  describeInBrowser,
  focused,
  inPage,
  launchBrowser,
  pollUntil,
  unlabelledControls,
  type BrowserSession,
} from './browser.js';

const ORDERS = { name: 'Orders', identifier: 'https://orders.example.test' };

describeInBrowser('the dashboard in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let token: string;
  let ordersId: string;
  let workerId: string;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const heading = () => page.getByRole('heading', { level: 1 });
  const panel = (name: string): Locator => page.getByRole('region', { name, exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name, exact: true });

  async function expectAllLabelled(): Promise<void> {
    expect(await unlabelledControls(page)).toEqual([]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    b = await launchBrowser();
    page = b.page;
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  it('shows the server’s message for wrong credentials, then signs in with the admin client; the token lives in sessionStorage only', async () => {
    const res = await page.goto(`${t.baseUrl}/dashboard`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(heading().textContent()).resolves.toBe('Sign in');
    await expectAllLabelled();

    const refused = await http(t.baseUrl, 'POST', '/oauth/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: 'not-the-secret-at-all',
        audience: t.managementAudience,
      },
    });
    expect(refused.status).toBe(401);
    await page.getByLabel('Client ID', { exact: true }).fill(ADMIN_CLIENT_ID);
    await page.getByLabel('Client secret', { exact: true }).fill('not-the-secret-at-all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: /\S/ }).textContent()).resolves.toBe(refused.body.error_description);

    await page.getByLabel('Client secret', { exact: true }).fill(ADMIN_CLIENT_SECRET);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    await expectAllLabelled();

    const storage = await inPage<{ session: { accessToken: string; subject: string } | null; local: number; cookie: string }>(
      page,
      `({ session: JSON.parse(sessionStorage.getItem('tessera.dashboard.session')), local: localStorage.length, cookie: document.cookie })`,
    );
    expect({
      subject: storage.session?.subject,
      hasToken: /^ey/.test(storage.session?.accessToken ?? ''),
      local: storage.local,
      cookie: storage.cookie,
    }).toEqual({
      subject: ADMIN_CLIENT_ID,
      hasToken: true,
      local: 0,
      cookie: '',
    });
    expect(await b.context.cookies()).toEqual([]);
    expect(page.url()).toBe(`${t.baseUrl}/dashboard/apis`);
    await b.screenshot('01-signed-in-apis');
  });

  it('creates an HS256 API', async () => {
    await page.getByLabel('Name', { exact: true }).fill(ORDERS.name);
    await page.getByLabel('Identifier', { exact: true }).fill(ORDERS.identifier);
    await page.getByLabel('Signing algorithm', { exact: true }).selectOption('HS256');
    await page.getByRole('button', { name: 'Create API' }).click();
    await page.getByRole('heading', { level: 1, name: ORDERS.name }).waitFor();
    await page.getByText('API “Orders” created.').waitFor();

    const list = await api('GET', 'resource-servers');
    const orders = list.body.find((r: { identifier: string }) => r.identifier === ORDERS.identifier);
    expect({ name: orders.name, signing_alg: orders.signing_alg, secret: typeof orders.signing_secret }).toEqual({
      name: ORDERS.name,
      signing_alg: 'HS256',
      secret: 'string',
    });
    ordersId = orders.id;
    expect(page.url()).toBe(`${t.baseUrl}/dashboard/apis/${ordersId}`);
    await expect(page.getByLabel('Signing secret', { exact: true }).inputValue()).resolves.toBe(orders.signing_secret);
    await expectAllLabelled();
    await b.screenshot('02-hs256-api-created');
  });

  it('offers the HS256 API as Default Audience only disabled, with the rule’s reason', async () => {
    await nav('Tenant settings').click();
    await page.getByRole('heading', { level: 1, name: 'Tenant settings' }).waitFor();
    const picker = page.getByRole('combobox', { name: 'Default Audience', exact: true });
    const option = picker.locator(`option[value="${ORDERS.identifier}"]`);
    expect(await option.isDisabled()).toBe(true);

    const reason = singleAudienceReason({ name: ORDERS.name, identifier: ORDERS.identifier, signingAlg: 'HS256' })!;
    expect(await option.textContent()).toContain(reason);
    const explained = panel('Default Audience').locator(`li[data-identifier="${ORDERS.identifier}"]`);
    expect(await explained.textContent()).toBe(`${ORDERS.name} (${ORDERS.identifier}): ${reason}; switch it to RS256 or PS256.`);
    // The explanation is tied to the picker for screen readers.
    const describedBy = await picker.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(reason);
    await expectAllLabelled();
    await b.screenshot('03-default-audience-disabled-reason');
  });

  it('shows the server’s refusal when the disabled choice is forced anyway, and nothing changes', async () => {
    const direct = await api('PATCH', 'tenants/settings', { default_audience: ORDERS.identifier });
    expect(direct.status).toBe(400);

    const picker = page.getByRole('combobox', { name: 'Default Audience', exact: true });
    await picker.locator(`option[value="${ORDERS.identifier}"]`).evaluate((option: { disabled: boolean }) => {
      option.disabled = false;
    });
    await picker.selectOption(ORDERS.identifier);
    await page.getByRole('button', { name: 'Save Default Audience' }).click();
    const alert = panel('Default Audience').getByRole('alert');
    await alert.filter({ hasText: /\S/ }).waitFor();
    expect(await alert.textContent()).toBe(direct.body.message);

    const settings = await api('GET', 'tenants/settings');
    expect(settings.body.default_audience).toBe('');
    await b.screenshot('04-default-audience-refused-by-server');
  });

  it('switches the API to RS256 from its page', async () => {
    await panel('Default Audience').getByRole('link', { name: ORDERS.name }).click();
    await page.getByRole('heading', { level: 1, name: ORDERS.name }).waitFor();
    await page.getByLabel('Signing algorithm', { exact: true }).selectOption('RS256');
    expect(await page.getByLabel('Signing secret', { exact: true }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await panel('Settings').getByRole('status').filter({ hasText: 'Saved signing_alg' }).waitFor();
    expect((await api('GET', `resource-servers/${ordersId}`)).body.signing_alg).toBe('RS256');
  });

  it('sets the RS256 API as Default Audience', async () => {
    await nav('Tenant settings').click();
    await page.getByRole('heading', { level: 1, name: 'Tenant settings' }).waitFor();
    const picker = page.getByRole('combobox', { name: 'Default Audience', exact: true });
    expect(await picker.locator(`option[value="${ORDERS.identifier}"]`).isDisabled()).toBe(false);
    await picker.selectOption(ORDERS.identifier);
    await page.getByRole('button', { name: 'Save Default Audience' }).click();
    await panel('Default Audience')
      .getByRole('status')
      .filter({ hasText: `Default Audience set to ${ORDERS.identifier}.` })
      .waitFor();
    expect(await panel('Default Audience').getByText('Current Default Audience:').textContent()).toBe(
      `Current Default Audience: ${ORDERS.name} (${ORDERS.identifier})`,
    );
    expect((await api('GET', 'tenants/settings')).body.default_audience).toBe(ORDERS.identifier);
    await b.screenshot('05-default-audience-set');
  });

  it('adds a scope, creates a machine-to-machine application and authorizes it on the API', async () => {
    await nav('APIs').click();
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    await page.getByRole('link', { name: ORDERS.name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: ORDERS.name }).waitFor();
    await page.getByLabel('New scope', { exact: true }).fill('read:orders');
    await page.getByLabel('Description', { exact: true }).fill('Read orders');
    await page.getByRole('button', { name: 'Add scope' }).click();
    await panel('Scopes').getByRole('status').filter({ hasText: 'Scope read:orders added.' }).waitFor();

    await nav('Applications').click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Orders worker');
    await page.getByLabel('Application type', { exact: true }).selectOption('non_interactive');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders worker' }).waitFor();
    workerId = decodeURIComponent(page.url().split('/').pop()!);

    const access = panel('API access');
    await access.getByLabel('API', { exact: true }).selectOption(ORDERS.identifier);
    await access.getByLabel('read:orders (Read orders)', { exact: true }).check();
    await access.getByRole('button', { name: 'Authorize' }).click();
    await access
      .getByRole('status')
      .filter({ hasText: `Orders worker may now get tokens for ${ORDERS.name}.` })
      .waitFor();
    await expectAllLabelled();

    const grants = await api('GET', `client-grants?client_id=${encodeURIComponent(workerId)}`);
    expect(grants.body.map((g: { audience: string; scope: string[] }) => ({ audience: g.audience, scope: g.scope }))).toEqual([
      { audience: ORDERS.identifier, scope: ['read:orders'] },
    ]);
    await b.screenshot('06-application-granted');
  });

  it('requests a token on the try-it panel and shows its decoded JOSE header and claims', async () => {
    await nav('APIs').click();
    await page.getByRole('link', { name: ORDERS.name, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: ORDERS.name }).waitFor();
    const tryIt = panel('Try it');
    await tryIt.getByLabel('Application', { exact: true }).selectOption(workerId);
    await tryIt.getByRole('button', { name: 'Request token' }).click();
    await tryIt.getByRole('status').filter({ hasText: 'Token issued to Orders worker: a JWT signed with RS256.' }).waitFor();

    const header = JSON.parse((await tryIt.locator('h4:text-is("JOSE header") + pre').textContent())!);
    const claims = JSON.parse((await tryIt.locator('h4:text-is("Claims") + pre').textContent())!);
    const raw = await tryIt.getByLabel('Raw access token').inputValue();
    const verified = await jwtVerify(raw, createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`)), {
      issuer: t.issuer,
      audience: ORDERS.identifier,
    });
    expect({ header, claims }).toEqual({ header: verified.protectedHeader, claims: verified.payload });
    expect({ alg: header.alg, aud: claims.aud, azp: claims.azp, scope: claims.scope }).toEqual({
      alg: 'RS256',
      aud: ORDERS.identifier,
      azp: workerId,
      scope: 'read:orders',
    });
    expect(await tryIt.locator('dl').textContent()).toContain(`Audience${ORDERS.identifier}`);
    await b.screenshot('07-try-it-decoded-token');
  });

  it('says an opaque token is opaque instead of decoding it', async () => {
    const settingsPanel = panel('Settings');
    await settingsPanel.getByLabel('Access token format', { exact: true }).selectOption('opaque');
    await settingsPanel.getByRole('button', { name: 'Save settings' }).click();
    await settingsPanel.getByRole('status').filter({ hasText: 'Saved access_token_format' }).waitFor();
    expect((await api('GET', `resource-servers/${ordersId}`)).body.access_token_format).toBe('opaque');

    const tryIt = panel('Try it');
    await tryIt.getByLabel('Application', { exact: true }).selectOption(workerId);
    await tryIt.getByRole('button', { name: 'Request token' }).click();
    await tryIt.getByRole('status').filter({ hasText: 'Token issued to Orders worker: an opaque reference token.' }).waitFor();
    expect(await tryIt.getByText('This is not a JWT').isVisible()).toBe(true);
    expect(await tryIt.locator('h4').count()).toBe(0);
    await b.screenshot('08-try-it-opaque-token');
  });

  it('works by keyboard: skip link, navigation, and the Default Audience picker', async () => {
    await page.goto(`${t.baseUrl}/dashboard/apis`);
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('main');

    await nav('Tenant settings').focus();
    await page.keyboard.press('Enter');
    // The new page's heading takes focus once the page is drawn (the focused nav link has the same text).
    const heading = await pollUntil(
      () => focused(page),
      (f) => f.tag === 'H1' && f.text === 'Tenant settings',
    );
    expect(heading).toMatchObject({ tag: 'H1', text: 'Tenant settings' });

    // Clear the Default Audience with the keyboard only: focus the picker, choose "None", submit.
    const picker = page.getByRole('combobox', { name: 'Default Audience', exact: true });
    await picker.focus();
    await page.keyboard.press('Home');
    expect(await picker.inputValue()).toBe('');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Save Default Audience');
    // Focus is visible on the button the keyboard reached.
    expect(await inPage(page, 'getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await panel('Default Audience').getByRole('status').filter({ hasText: 'Default Audience cleared.' }).waitFor();
    expect((await api('GET', 'tenants/settings')).body.default_audience).toBe('');
  });

  it('signs out: the token leaves sessionStorage', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await inPage(page, 'sessionStorage.length')).toBe(0);
  });
});
