import { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

/**
 * Puts a running test app's database back to before `migration`, a migration that adds Management API
 * scopes (undoing it and any that came after), as a tenant created then: neither its system API nor its
 * admin client's grant names `scopes`. Restart the app on the same database to run the migration again.
 */
export async function asBeforeScopeMigration(t: TestApp, migration: string, scopes: readonly string[]): Promise<void> {
  const ds = t.app.get(DataSource);
  const p = (i: number) => (ds.options.type === 'postgres' ? `$${i}` : '?');
  for (let undone = ''; undone !== migration;) {
    const [last] = (await ds.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[];
    undone = last.name;
    await ds.undoLastMigration({ transaction: 'all' });
  }
  const [api] = (await ds.query('SELECT id, scopes FROM resource_servers WHERE is_system = TRUE')) as { id: string; scopes: string }[];
  const defined = (JSON.parse(api.scopes) as { value: string }[]).filter((s) => !scopes.includes(s.value));
  await ds.query(`UPDATE resource_servers SET scopes = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(defined), api.id]);
  const [grant] = (await ds.query(
    "SELECT g.id, g.scope FROM client_grants g JOIN clients c ON c.client_id = g.client_id WHERE c.system_role = 'admin'",
  )) as { id: string; scope: string }[];
  const held = (JSON.parse(grant.scope) as string[]).filter((s) => !scopes.includes(s));
  await ds.query(`UPDATE client_grants SET scope = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(held), grant.id]);
}
