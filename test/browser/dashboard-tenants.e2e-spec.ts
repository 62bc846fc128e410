import type { Page } from 'playwright-core';
import { expectOAuthError } from '../helpers/expect-error.js';
import { hostRequest } from '../helpers/host-request.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import { closeAndCheckPages, describeInBrowser, launchBrowser, type BrowserSession } from './browser.js';

describeInBrowser("the dashboard on a second tenant's domain in Chromium", () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let beta: { domain: string; issuer: string; admin_client: { client_id: string; client_secret: string } };

  beforeAll(async () => {
    t = await startTestApp();
    const token = await t.adminToken();
    const port = new URL(t.baseUrl).port;
    const created = await http(t.baseUrl, 'POST', '/api/v2/tessera/tenants', {
      token,
      body: { friendly_name: 'Beta', domain: `beta.test:${port}` },
    });
    expect(created.status).toBe(201);
    beta = created.body;
    expect(
      (
        await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
          token,
          body: { name: 'Root only', identifier: 'https://root-only.example.test' },
        })
      ).status,
    ).toBe(201);
    // beta.test resolves to the test server, so the browser reaches the second tenant by its own Host.
    b = await launchBrowser(['--host-resolver-rules=MAP beta.test 127.0.0.1']);
    page = b.page;
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  it('refuses the default tenant’s admin credentials with the server’s message', async () => {
    await page.goto(`http://${beta.domain}/dashboard`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.locator('#tenant-label').textContent()).toBe(`Tenant ${beta.issuer}`);
    await page.getByLabel('Client ID', { exact: true }).fill(ADMIN_CLIENT_ID);
    await page.getByLabel('Client secret', { exact: true }).fill(ADMIN_CLIENT_SECRET);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const direct = await hostRequest(t.baseUrl, beta.domain, 'POST', '/oauth/token', {
      json: {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: `${beta.issuer}api/v2/`,
      },
    });
    expectOAuthError({ status: direct.status, body: direct.body }, 401, 'invalid_client');
    const refusal = direct.body as { error_description: string };
    await expect(page.getByRole('alert').filter({ hasText: /\S/ }).textContent()).resolves.toBe(refusal.error_description);
  });

  it('signs in with the tenant’s own admin client and shows only that tenant’s APIs', async () => {
    await page.getByLabel('Client ID', { exact: true }).fill(beta.admin_client.client_id);
    await page.getByLabel('Client secret', { exact: true }).fill(beta.admin_client.client_secret);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    const identifiers = await page
      .getByRole('table', { name: 'APIs of this tenant' })
      .locator('tbody tr td:nth-child(2)')
      .allTextContents();
    expect(identifiers).toEqual([`${beta.issuer}api/v2/`]);
    await b.screenshot('21-second-tenant-apis');
  });
});
