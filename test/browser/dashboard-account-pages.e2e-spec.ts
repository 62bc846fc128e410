import type { Locator, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeAndCheckPages,
  describeInBrowser,
  launchBrowser,
  pollUntil,
  signIn,
  unlabelledControls,
  type BrowserSession,
} from './browser.js';

describeInBrowser('dashboard pages for database connections and e-mail in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let token: string;
  let smtp: SmtpSink;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const panel = (name: string): Locator => page.getByRole('region', { name, exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name, exact: true });
  const shown = (region: Locator, role: 'status' | 'alert') => region.getByRole(role).filter({ hasText: /\S/ });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp();
    token = await t.adminToken();
    await api('POST', 'clients', { name: 'Storefront', app_type: 'regular_web', callbacks: ['https://store.example/cb'] });
    b = await launchBrowser();
    page = b.page;
    await signIn(page, t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));
  afterAll(async () => {
    await smtp.close();
  });
  afterEach(async () => {
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('sets the password policy, turns sign-up off and disables an application on the database connection', async () => {
    await nav('Database connections').click();
    await page.getByRole('heading', { level: 1, name: 'Database connections' }).waitFor();
    const db = panel('Username-Password-Authentication');
    await db.getByLabel('Password policy').selectOption('excellent');
    await db.getByLabel('Minimum length').fill('12');
    await db.getByLabel('Allow sign-up').uncheck();
    await db.getByLabel('Storefront').uncheck();
    await db.getByRole('button', { name: 'Save Username-Password-Authentication' }).click();
    await shown(db, 'status').filter({ hasText: 'Saved Username-Password-Authentication.' }).waitFor();

    const [connection] = (await api('GET', 'connections?name=Username-Password-Authentication')).body;
    expect(connection.options).toMatchObject({
      passwordPolicy: 'excellent',
      password_complexity_options: { min_length: 12 },
      disable_signup: true,
    });
    const storefront = (await api('GET', 'clients')).body.find((c: { name: string }) => c.name === 'Storefront');
    expect(connection.enabled_clients).not.toContain(storefront.client_id);
  });

  it('configures the SMTP relay, sends a test mail, and edits a template with a preview', async () => {
    await nav('Email').click();
    await page.getByRole('heading', { level: 1, name: 'Email' }).waitFor();
    const provider = panel('Email provider');
    await provider.getByLabel('SMTP host').fill('127.0.0.1');
    await provider.getByLabel('SMTP port').fill(String(smtp.port));
    await provider.getByLabel('From address').fill('dash@tessera.test');
    await provider.getByRole('button', { name: 'Save email provider' }).click();
    await shown(provider, 'status').filter({ hasText: 'Email provider saved.' }).waitFor();
    expect((await api('GET', 'emails/provider')).body).toMatchObject({
      default_from_address: 'dash@tessera.test',
      credentials: { smtp_port: smtp.port },
    });

    await provider.getByLabel('Send a test mail to').fill('ops@example.com');
    await provider.getByRole('button', { name: 'Send a test mail' }).click();
    await shown(provider, 'status').filter({ hasText: 'accepted a test mail to ops@example.com' }).waitFor();
    await smtp.waitFor((m) => m.to.includes('ops@example.com') && m.from === 'dash@tessera.test');

    const templates = panel('Templates');
    await templates.getByLabel('Template').selectOption('welcome_email');
    await pollUntil(
      () => templates.getByLabel('Subject').inputValue(),
      (v) => v.startsWith('Welcome'),
    );
    await templates.getByLabel('Subject').fill('Hello {{ user.name }}');
    await templates.getByRole('button', { name: 'Preview' }).click();
    await templates.getByText('Subject: Hello Jane Doe').waitFor();
    await templates.getByLabel('Enabled').check();
    await templates.getByRole('button', { name: 'Save template' }).click();
    await shown(templates, 'status').filter({ hasText: 'Template welcome_email saved.' }).waitFor();
    expect((await api('GET', 'email-templates/welcome_email')).body).toMatchObject({ subject: 'Hello {{ user.name }}', enabled: true });
  });
});
