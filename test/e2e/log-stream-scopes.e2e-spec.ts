import { asBeforeScopeMigration } from '../helpers/scope-migration.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

const LOG_STREAM_SCOPES = ['read:log_streams', 'create:log_streams', 'update:log_streams', 'delete:log_streams'];

/** A database from before log streams: upgrading it gives its admin client the log stream scopes. */
describe('the log streams migration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const adminScopes = async () =>
    (
      await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: t.managementAudience,
      })
    ).body.scope.split(' ') as string[];

  it('adds the scopes to existing tenants: the system API defines them, the admin client holds them', async () => {
    // As a tenant created before log streams had it: neither the API nor the grant names the scopes.
    await asBeforeScopeMigration(t, 'LogStreams1732402000000', LOG_STREAM_SCOPES);
    // A restart runs the pending migrations, with nothing cached from before.
    await t.close();
    t = await startTestApp({}, { dir: t.dir, port: await freePort(), databaseUrl: t.databaseUrl });
    expect(await adminScopes()).toEqual(expect.arrayContaining(LOG_STREAM_SCOPES));
  });
});
