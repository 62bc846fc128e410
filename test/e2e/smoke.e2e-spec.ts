import { ManagementError } from 'auth0';
import { managementClient } from '../helpers/management-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates an API through the SDK', async () => {
    const mgmt = managementClient(t.baseUrl, await t.adminToken());
    const rs = await mgmt.resourceServers.create({ identifier: 'https://smoke', name: 'Smoke', signing_alg: 'HS256' });
    expect(rs.signing_alg).toBe('HS256');
    const page = await mgmt.resourceServers.list();
    expect(page.data.map((r) => r.identifier)).toContain('https://smoke');
    await expect(mgmt.tenants.settings.update({ default_audience: 'https://smoke' })).rejects.toBeInstanceOf(ManagementError);
  });
});
