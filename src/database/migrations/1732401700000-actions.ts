import { grantManagementScopes } from './grant-management-scopes.js';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

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
    await grantManagementScopes(q, ACTIONS_SCOPES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE authorization_codes DROP COLUMN action_result');
    await q.dropTable('action_bindings');
    await q.dropTable('action_versions');
    await q.dropTable('actions');
  }
}
