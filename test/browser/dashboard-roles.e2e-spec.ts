import type { Locator, Page } from 'playwright-core';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeAndCheckPages,
  describeInBrowser,
  focused,
  launchBrowser,
  pollUntil,
  signIn,
  unlabelledControls,
  type BrowserSession,
} from './browser.js';

const API = 'https://tickets.example.test';

describeInBrowser('dashboard Roles page and a user’s Roles and Permissions tabs in Chromium', () => {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let token: string;
  let userId: string;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const panel = (name: string): Locator => page.getByRole('region', { name, exact: true });
  const shown = (region: Locator, role: 'status' | 'alert') => region.getByRole(role).filter({ hasText: /\S/ });
  const userPermissions = async () =>
    (
      (await api('GET', `users/${encodeURIComponent(userId)}/permissions`)).body as {
        permission_name: string;
        sources: { source_type: string }[];
      }[]
    ).map((p) => `${p.permission_name}:${p.sources.map((s) => s.source_type).join('+')}`);

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    await api('POST', 'resource-servers', {
      name: 'Tickets',
      identifier: API,
      enforce_policies: true,
      scopes: [{ value: 'read:tickets' }, { value: 'close:tickets' }],
    });
    const user = await api('POST', 'users', {
      connection: 'Username-Password-Authentication',
      email: 'sam@example.test',
      password: 'Correct-Horse-9',
    });
    userId = user.body.user_id;
    b = await launchBrowser();
    page = b.page;
    await signIn(page, t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  }, 60000);

  closeAndCheckPages(() => ({ browser: b, app: t }));

  afterEach(async () => {
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('creates a role, refuses a duplicate name as the server words it, and gives the role permissions and a member', async () => {
    await page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    await page.getByRole('link', { name: 'Tessera Admin', exact: true }).waitFor();

    await page.getByLabel('Role name', { exact: true }).fill('Support');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('heading', { level: 1, name: 'Support' }).waitFor();
    const roleId = (await api('GET', 'roles?name_filter=support')).body[0].id as string;

    await page.getByLabel('API', { exact: true }).selectOption(API);
    await page.getByLabel('read:tickets', { exact: true }).check();
    await page.getByRole('button', { name: 'Add permissions' }).click();
    await shown(panel('Permissions'), 'status').filter({ hasText: 'read:tickets added to Support.' }).waitFor();
    expect((await api('GET', `roles/${roleId}/permissions`)).body.map((p: { permission_name: string }) => p.permission_name)).toEqual([
      'read:tickets',
    ]);

    await page.getByLabel('Add a member by email', { exact: true }).fill('nobody@example.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await shown(panel('Members'), 'alert').filter({ hasText: 'No user has the email nobody@example.test.' }).waitFor();
    await page.getByLabel('Add a member by email', { exact: true }).fill('sam@example.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await panel('Members').getByRole('link', { name: 'sam@example.test' }).waitFor();
    expect(await userPermissions()).toEqual(['read:tickets:ROLE']);
    await b.screenshot('20-role-detail');

    await page.getByLabel('Role name', { exact: true }).fill('Tessera Admin');
    await page.getByRole('button', { name: 'Save role' }).click();
    const direct = await api('PATCH', `roles/${roleId}`, { name: 'Tessera Admin' });
    await expect(shown(panel('Settings'), 'alert').textContent()).resolves.toBe(direct.body.message);
  });

  it('shows a user’s roles and permissions in tabs, and changes them there', async () => {
    await panel('Members').getByRole('link', { name: 'sam@example.test' }).click();
    await page.getByRole('heading', { level: 1, name: 'sam@example.test' }).waitFor();
    const tabs = page.getByRole('tablist', { name: 'Access of sam@example.test' });
    await page.getByRole('tabpanel', { name: 'Roles' }).getByRole('link', { name: 'Support' }).waitFor();

    // Keyboard: the arrow key moves to and selects the Permissions tab.
    await tabs.getByRole('tab', { name: 'Roles' }).focus();
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).text).toBe('Permissions');
    const permissions = page.getByRole('tabpanel', { name: 'Permissions' });
    await permissions.getByRole('row', { name: /read:tickets.*Role Support/ }).waitFor();

    await permissions.getByLabel('close:tickets', { exact: true }).check();
    await permissions.getByRole('button', { name: 'Add permissions' }).click();
    await shown(permissions, 'status').filter({ hasText: 'close:tickets given to sam@example.test.' }).waitFor();
    expect((await pollUntil(userPermissions, (p) => p.length === 2)).sort()).toEqual(['close:tickets:DIRECT', 'read:tickets:ROLE']);
    await b.screenshot('21-user-permissions');

    await tabs.getByRole('tab', { name: 'Roles' }).click();
    await page.getByRole('button', { name: 'Remove role Support' }).click();
    await shown(page.getByRole('tabpanel', { name: 'Roles' }), 'status')
      .filter({ hasText: 'Role Support removed from sam@example.test.' })
      .waitFor();
    expect(await userPermissions()).toEqual(['close:tickets:DIRECT']);

    await tabs.getByRole('tab', { name: 'Permissions' }).click();
    await permissions.getByRole('button', { name: 'Remove direct permission close:tickets of Tickets' }).click();
    await shown(permissions, 'status').filter({ hasText: 'Direct permission close:tickets removed' }).waitFor();
    expect(await userPermissions()).toEqual([]);
  });

  it('deletes a role after confirmation', async () => {
    const role = (await api('POST', 'roles', { name: 'Short-lived' })).body as { id: string };
    await page.goto(`${t.baseUrl}/dashboard/roles/${role.id}`);
    await page.getByRole('heading', { level: 1, name: 'Short-lived' }).waitFor();
    await page.getByRole('button', { name: 'Delete role Short-lived' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    expect((await api('GET', `roles/${role.id}`)).status).toBe(404);
  });
});
