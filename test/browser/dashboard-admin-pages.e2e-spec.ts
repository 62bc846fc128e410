import { generateKeyPairSync } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeAndCheckPages,
  describeInBrowser,
  focused,
  inPage,
  launchBrowser,
  pollUntil,
  signIn,
  unlabelledControls,
  type BrowserSession,
} from './browser.js';

describeInBrowser('dashboard pages for keys, logs, users and applications in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let token: string;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const panel = (name: string): Locator => page.getByRole('region', { name, exact: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name, exact: true });
  const shown = (region: Locator, role: 'status' | 'alert') => region.getByRole(role).filter({ hasText: /\S/ });

  /** TestApp.adminToken() caches its token; after a key revocation a new one is needed. */
  async function freshAdminToken(): Promise<string> {
    const res = await http(t.baseUrl, 'POST', '/oauth/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: t.managementAudience,
      },
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    b = await launchBrowser();
    page = b.page;
    await signIn(page, t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  afterEach(async () => {
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('shows a Management API refusal as the server words it (duplicate identifier)', async () => {
    await api('POST', 'resource-servers', { name: 'Billing', identifier: 'https://billing.example.test' });
    const direct = await api('POST', 'resource-servers', { name: 'Billing', identifier: 'https://billing.example.test' });
    expect(direct.status).toBe(409);
    await page.getByLabel('Name', { exact: true }).fill('Billing again');
    await page.getByLabel('Identifier', { exact: true }).fill('https://billing.example.test');
    await page.getByRole('button', { name: 'Create API' }).click();
    await expect(shown(panel('Create an API'), 'alert').textContent()).resolves.toBe(direct.body.message);
  });

  it('rotates the signing key and revokes the previous one', async () => {
    await nav('Signing keys').click();
    await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
    const before = (await api('GET', 'keys/signing')).body as { kid: string; current: boolean; next: boolean }[];
    const oldCurrent = before.find((k) => k.current)!.kid;
    const oldNext = before.find((k) => k.next)!.kid;
    // The table fills in after the heading appears: wait for the row before counting.
    await page
      .getByRole('row', { name: new RegExp(oldCurrent) })
      .getByText('Current')
      .waitFor();
    expect(
      await page
        .getByRole('row', { name: new RegExp(oldCurrent) })
        .getByText('Current')
        .count(),
    ).toBe(1);

    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    // The confirmation takes focus, so Enter confirms.
    expect((await focused(page)).text).toBe('Rotate now');
    await page.keyboard.press('Enter');
    await shown(page.locator('main'), 'status')
      .filter({ hasText: `Rotated: ${oldNext} now signs new tokens.` })
      .waitFor();
    const after = (await api('GET', 'keys/signing')).body as { kid: string; current: boolean; previous: boolean }[];
    expect({ current: after.find((k) => k.current)?.kid, previous: after.find((k) => k.previous)?.kid }).toEqual({
      current: oldNext,
      previous: oldCurrent,
    });
    await b.screenshot('11-signing-keys-rotated');

    // The dashboard's own token was signed with the key about to be revoked, and it says so.
    await page.getByRole('button', { name: `Revoke ${oldCurrent}` }).click();
    await page.getByText('Your own dashboard session is signed with it, so you will be signed out too.').waitFor();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended').waitFor();
    const jwks = await http(t.baseUrl, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldCurrent);

    await page.getByLabel('Client ID', { exact: true }).fill(ADMIN_CLIENT_ID);
    await page.getByLabel('Client secret', { exact: true }).fill(ADMIN_CLIENT_SECRET);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
    // The table fills in after the heading appears: wait for the row before counting.
    await page
      .getByRole('row', { name: new RegExp(oldCurrent) })
      .getByText('Revoked')
      .waitFor();
    expect(
      await page
        .getByRole('row', { name: new RegExp(oldCurrent) })
        .getByText('Revoked')
        .count(),
    ).toBe(1);
    token = await freshAdminToken();
    const revoked = ((await api('GET', 'keys/signing')).body as { kid: string; revoked: boolean }[]).find((k) => k.kid === oldCurrent);
    expect(revoked?.revoked).toBe(true);
  });

  it('lists log events, newest first, filtered by type', async () => {
    await nav('Logs').click();
    await page.getByRole('heading', { level: 1, name: 'Logs' }).waitFor();
    await page.getByLabel('Event type', { exact: true }).fill('seccft');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const rows = page.getByRole('table', { name: 'Log events' }).locator('tbody tr');
    // The unfiltered list is on screen until the filtered one replaces it: wait for every row to match.
    await rows.first().waitFor();
    const types = await pollUntil(
      () => rows.locator('td:nth-of-type(1)').allTextContents(),
      (shown) => shown.every((t) => t.includes('seccft')),
    );
    const direct = await api('GET', 'logs?q=type:seccft&per_page=50&include_totals=true&sort=date:-1');
    expect(types.filter((t) => !t.includes('seccft'))).toEqual([]);
    expect(await rows.count()).toBe(direct.body.logs.length);
    expect(await rows.first().locator('td').first().textContent()).toContain('seccft');
    await b.screenshot('12-logs');
  });

  it('creates, blocks and deletes a user, or says user management is not available', async () => {
    await nav('Users').click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const probe = await api('GET', 'users');
    if (probe.status === 404) {
      await page.getByText('User management is not available on this server').waitFor();
      return;
    }
    const create = panel('Create a user');
    const weak = await api('POST', 'users', {
      connection: 'Username-Password-Authentication',
      email: 'weak@example.test',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    await create.getByLabel('Email', { exact: true }).fill('ada@example.test');
    await create.getByLabel('Password', { exact: true }).fill('short');
    await create.getByRole('button', { name: 'Create user' }).click();
    await expect(shown(create, 'alert').textContent()).resolves.toBe(weak.body.message);

    await create.getByLabel('Password', { exact: true }).fill('Correct-Horse-Battery-9');
    await create.getByRole('button', { name: 'Create user' }).click();
    await shown(create, 'status').filter({ hasText: 'User ada@example.test created' }).waitFor();
    await page.getByRole('button', { name: 'Block ada@example.test' }).click();
    await page.getByRole('button', { name: 'Unblock ada@example.test' }).waitFor();
    const users = (await api('GET', 'users')).body as { email: string; blocked: boolean; user_id: string }[];
    const ada = users.find((u) => u.email === 'ada@example.test')!;
    expect(ada.blocked).toBe(true);
    await b.screenshot('13-users');

    await page.getByRole('button', { name: 'Delete ada@example.test' }).click();
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.getByText('ada@example.test deleted.').waitFor();
    expect((await api('GET', `users/${encodeURIComponent(ada.user_id)}`)).status).toBe(404);
  });

  it('shows and rotates an application’s secret', async () => {
    const app = (await api('POST', 'clients', { name: 'Ledger worker', app_type: 'non_interactive' })).body as {
      client_id: string;
      client_secret: string;
    };
    await nav('Applications').click();
    await page.getByRole('link', { name: 'Ledger worker', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ledger worker' }).waitFor();
    const secret = page.getByLabel('Client secret', { exact: true });
    expect(await secret.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Show secret' }).click();
    expect({ type: await secret.getAttribute('type'), value: await secret.inputValue() }).toEqual({
      type: 'text',
      value: app.client_secret,
    });

    // Escape takes the confirmation back and returns focus to the first button.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    expect((await focused(page)).text).toBe('Rotate now');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: 'Rotate now' }).count()).toBe(0);
    expect((await focused(page)).text).toBe('Rotate secret');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await shown(panel('Credentials'), 'status').filter({ hasText: 'Secret rotated.' }).waitFor();
    const rotated = (await api('GET', `clients/${app.client_id}`)).body as { client_secret: string };
    expect(rotated.client_secret).not.toBe(app.client_secret);
    expect(await secret.inputValue()).toBe(rotated.client_secret);
  });

  it('sets a browser app’s web origins and CORS origins, which the token endpoint then answers', async () => {
    const spa = (await api('POST', 'clients', { name: 'Storefront SPA', app_type: 'spa', callbacks: ['https://shop.example/cb'] }))
      .body as { client_id: string };
    await nav('Applications').click();
    await page.getByRole('link', { name: 'Storefront SPA', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Storefront SPA' }).waitFor();
    await page.getByLabel('Allowed web origins', { exact: true }).fill('https://shop.example');
    await page.getByLabel('Allowed origins (CORS)', { exact: true }).fill('https://*.partners.example\nhttps://admin.shop.example');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await shown(panel('Settings'), 'status').waitFor();
    const saved = (await api('GET', `clients/${spa.client_id}`)).body as { web_origins: string[]; allowed_origins: string[] };
    expect({ web: saved.web_origins, cors: saved.allowed_origins }).toEqual({
      web: ['https://shop.example'],
      cors: ['https://*.partners.example', 'https://admin.shop.example'],
    });
    const preflight = await fetch(`${t.baseUrl}/oauth/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://a.partners.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://a.partners.example');
  });

  it('says an encrypted token is a JWE and shows only its protected header', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ledger = await api('POST', 'resource-servers', {
      name: 'Ledger',
      identifier: 'https://ledger.example.test',
      scopes: [{ value: 'read:ledger' }],
    });
    expect(ledger.status).toBe(201);
    const encrypted = await api('PATCH', `resource-servers/${ledger.body.id}`, {
      token_encryption: { format: 'compact-nested-jwe', encryption_key: { name: 'ledger-key', alg: 'RSA-OAEP-256', pem } },
    });
    expect(encrypted.status).toBe(200);
    const worker = (await api('GET', 'clients')).body.find((c: { name: string }) => c.name === 'Ledger worker');
    expect(
      (await api('POST', 'client-grants', { client_id: worker.client_id, audience: 'https://ledger.example.test', scope: ['read:ledger'] }))
        .status,
    ).toBe(201);

    await page.goto(`${t.baseUrl}/dashboard/apis/${ledger.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'Ledger' }).waitFor();
    expect(await page.getByLabel('Encrypt access tokens (nested JWE)', { exact: true }).isChecked()).toBe(true);
    const tryIt = panel('Try it');
    await tryIt.getByLabel('Application', { exact: true }).selectOption(worker.client_id);
    await tryIt.getByRole('button', { name: 'Request token' }).click();
    await shown(tryIt, 'status').filter({ hasText: 'Token issued to Ledger worker: an encrypted JWT (JWE, RSA-OAEP-256 + ' }).waitFor();
    const header = JSON.parse((await tryIt.locator('h4:text-is("JOSE header (JWE protected header)") + pre').textContent())!);
    expect({ alg: header.alg, cty: header.cty }).toEqual({ alg: 'RSA-OAEP-256', cty: 'JWT' });
    expect(await tryIt.locator('h4:text-is("Claims")').count()).toBe(0);
    await b.screenshot('14-try-it-encrypted-token');
  });

  it('returns to sign-in with a notice when the token is refused', async () => {
    // A token the Management API refuses (alg "none"), as after an expiry or a key revocation.
    await inPage(
      page,
      `sessionStorage.setItem('tessera.dashboard.session', JSON.stringify({ ...JSON.parse(sessionStorage.getItem('tessera.dashboard.session')), accessToken: 'eyJhbGciOiJub25lIn0.e30.' }))`,
    );
    await nav('APIs').click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended').waitFor();
    expect(await inPage(page, 'sessionStorage.length')).toBe(0);
  });
});
