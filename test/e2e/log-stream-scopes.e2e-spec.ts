import { DataSource } from 'typeorm';
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
    const ds = t.app.get(DataSource);
    const p = (i: number) => (ds.options.type === 'postgres' ? `$${i}` : '?');
    // Back to before the log streams migration (undoing any that came after it).
    for (let undone = ''; undone !== 'LogStreams1732402000000';) {
      const [last] = (await ds.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[];
      undone = last.name;
      await ds.undoLastMigration({ transaction: 'all' });
    }
    // As a tenant created before log streams had it: neither the API nor the grant names the scopes.
    const [api] = (await ds.query('SELECT id, scopes FROM resource_servers WHERE is_system = TRUE')) as { id: string; scopes: string }[];
    const apiScopes = (JSON.parse(api.scopes) as { value: string }[]).filter((s) => !LOG_STREAM_SCOPES.includes(s.value));
    await ds.query(`UPDATE resource_servers SET scopes = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(apiScopes), api.id]);
    const [grant] = (await ds.query(
      "SELECT g.id, g.scope FROM client_grants g JOIN clients c ON c.client_id = g.client_id WHERE c.system_role = 'admin'",
    )) as { id: string; scope: string }[];
    const held = (JSON.parse(grant.scope) as string[]).filter((s) => !LOG_STREAM_SCOPES.includes(s));
    await ds.query(`UPDATE client_grants SET scope = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(held), grant.id]);
    // A restart runs the pending migrations, with nothing cached from before.
    await t.close();
    t = await startTestApp({}, { dir: t.dir, port: await freePort(), databaseUrl: t.databaseUrl });
    expect(await adminScopes()).toEqual(expect.arrayContaining(LOG_STREAM_SCOPES));
  });
});
