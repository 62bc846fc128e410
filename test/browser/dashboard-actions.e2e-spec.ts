import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeAndCheckPages,
  describeInBrowser,
  launchBrowser,
  pollUntil,
  signIn,
  unlabelledControls,
  type BrowserSession,
} from './browser.js';

describeInBrowser('dashboard Actions page in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let token: string;
  let client: { id: string; secret: string };

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name, exact: true });
  const status = (text: string | RegExp) => page.locator('main').getByRole('status').filter({ hasText: text }).first().waitFor();
  const login = () =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'password',
      client_id: client.id,
      client_secret: client.secret,
      username: 'ann@example.com',
      password: 'Correct-Horse-9',
      scope: 'openid',
    });

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    const c = await api('POST', 'clients', { name: 'Web', app_type: 'regular_web', grant_types: ['password'] });
    client = { id: c.body.client_id, secret: c.body.client_secret };
    await api('POST', 'users', { connection: 'Username-Password-Authentication', email: 'ann@example.com', password: 'Correct-Horse-9' });
    b = await launchBrowser();
    page = b.page;
    await signIn(page, t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  afterEach(async () => {
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('creates an action, sets a secret, deploys it, binds and reorders it, and shows its errors', async () => {
    await nav('Actions').click();
    await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('tag');
    await page
      .getByLabel('Code', { exact: true })
      .fill("exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://x/tag', event.secrets.TAG); };");
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.getByRole('heading', { level: 1, name: 'tag' }).waitFor();

    await page.getByLabel('Secret name', { exact: true }).fill('TAG');
    await page.getByLabel('Secret value', { exact: true }).fill('from-the-dashboard');
    await page.getByRole('button', { name: 'Set secret' }).click();
    await status('Secret TAG set; deploy to apply.');
    expect(await page.locator('main').textContent()).not.toContain('from-the-dashboard');
    await page.getByRole('button', { name: 'Save and deploy' }).click();
    await status('Deployed as version 1.');

    // A second action, created through the API, that fails.
    const failing = await api('POST', 'actions/actions', {
      name: 'fails',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: "exports.onExecutePostLogin = async () => { throw new Error('nope from fails'); };",
      deploy: true,
    });
    expect(failing.status).toBe(201);

    await nav('Actions').click();
    await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
    await page.getByLabel('Action to add').selectOption({ label: 'tag' });
    await page.getByRole('button', { name: 'Add to flow' }).click();
    await status('tag added to the flow.');
    await page.getByLabel('Action to add').selectOption({ label: 'fails' });
    await page.getByRole('button', { name: 'Add to flow' }).click();
    await status('fails added to the flow.');
    await page.getByRole('button', { name: 'Move fails up' }).click();
    await status('fails moved up.');
    const bindings = await api('GET', 'actions/triggers/post-login/bindings');
    expect(bindings.body.bindings.map((x: { display_name: string }) => x.display_name)).toEqual(['fails', 'tag']);

    const denied = await login();
    expect(denied.body).toEqual({ error: 'access_denied', error_description: 'nope from fails' });
    await page.getByRole('button', { name: 'Remove fails from the flow' }).click();
    await status('fails removed from the flow.');
    expect(decodeJwt((await login()).body.id_token)['https://x/tag']).toBe('from-the-dashboard');

    // The failing action's page lists the failure (log events are written in batches: poll).
    await pollUntil(
      () => api('GET', 'logs?q=type:"f"'),
      (r) => JSON.stringify(r.body).includes('nope from fails'),
    );
    await page.goto(`${t.baseUrl}/dashboard/actions/${failing.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'fails' }).waitFor();
    await page
      .getByRole('table', { name: 'Recent failed logins caused by this action' })
      .getByText("Action 'fails' failed: nope from fails")
      .waitFor();
    await b.screenshot('20-action-detail');
  });
});
