import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

type Row = Record<string, string>;

/** The Actions scopes as they were when this migration was written (a migration never follows later edits). */
const ACTIONS_SCOPES: [string, string][] = [
  ['read:actions', 'Read Actions'],
  ['create:actions', 'Create Actions'],
  ['update:actions', 'Update Actions'],
  ['delete:actions', 'Delete Actions'],
  ['read:triggers', 'Read Triggers'],
  ['update:triggers', 'Update Triggers'],
];

const stamp = (name: string) => ({ name, type: 'varchar', length: '32' });

/**
 * Actions (post-login): drafts, deployed versions and each trigger's ordered bindings; and on the
 * authorization code, what the post-login chain decided at /authorize, for the code exchange to apply.
 */
export class Actions1732401700000 implements MigrationInterface {
  name = 'Actions1732401700000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'actions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'supported_triggers', type: 'text' },
          { name: 'code', type: 'text' },
          { name: 'runtime', type: 'varchar', length: '16' },
          { name: 'secrets_sealed', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'build_errors', type: 'text' },
          { name: 'deployed_version_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'all_changes_deployed', type: 'boolean', default: false },
          { ...stamp('built_at'), isNullable: true },
          stamp('created_at'),
          stamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'actions_tenant_name', columnNames: ['tenant_id', 'name'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'action_versions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'action_id', type: 'varchar', length: '64' },
          { name: 'number', type: 'integer' },
          { name: 'code', type: 'text' },
          { name: 'runtime', type: 'varchar', length: '16' },
          { name: 'secrets_sealed', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'errors', type: 'text' },
          { name: 'deployed', type: 'boolean', default: false },
          { ...stamp('built_at'), isNullable: true },
          stamp('created_at'),
          stamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'action_versions_action_number', columnNames: ['action_id', 'number'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'action_bindings',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'trigger_id', type: 'varchar', length: '64' },
          { name: 'position', type: 'integer' },
          { name: 'action_id', type: 'varchar', length: '64' },
          { name: 'display_name', type: 'varchar', length: '255' },
          stamp('created_at'),
          stamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'action_bindings_tenant_trigger', columnNames: ['tenant_id', 'trigger_id', 'position'] })],
      }),
    );
    // Plain SQL both databases accept, so SQLite alters the table in place.
    await q.query('ALTER TABLE authorization_codes ADD COLUMN action_result text NULL');
    await this.grantActionsScopes(q);
  }

  /** Existing tenants: the system Management API gains the Actions scopes, and so does its admin client's grant. */
  private async grantActionsScopes(q: QueryRunner): Promise<void> {
    const pg = q.connection.driver.options.type === 'postgres';
    const p = (i: number) => (pg ? `$${i}` : '?');
    const apis = (await q.query('SELECT id, identifier, scopes FROM resource_servers WHERE is_system = TRUE')) as Row[];
    for (const api of apis) {
      const scopes = JSON.parse(api.scopes) as { value: string; description: string }[];
      const missing = ACTIONS_SCOPES.filter(([v]) => !scopes.some((s) => s.value === v));
      const next = [...scopes, ...missing.map(([value, description]) => ({ value, description }))];
      await q.query(`UPDATE resource_servers SET scopes = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(next), api.id]);
      const grants = (await q.query(
        `SELECT g.id, g.scope FROM client_grants g JOIN clients c ON c.client_id = g.client_id AND c.tenant_id = g.tenant_id
         WHERE c.system_role = 'admin' AND g.audience = ${p(1)}`,
        [api.identifier],
      )) as Row[];
      for (const g of grants) {
        const scope = JSON.parse(g.scope) as string[];
        const add = ACTIONS_SCOPES.map(([v]) => v).filter((v) => !scope.includes(v));
        await q.query(`UPDATE client_grants SET scope = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify([...scope, ...add]), g.id]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE authorization_codes DROP COLUMN action_result');
    await q.dropTable('action_bindings');
    await q.dropTable('action_versions');
    await q.dropTable('actions');
  }
}
