import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { grantManagementScopes } from './grant-management-scopes.js';

/** The log stream scopes as they were when this migration was written (a migration never follows later edits). */
const LOG_STREAM_SCOPES = [
  ['read:log_streams', 'Read Log Streams'],
  ['create:log_streams', 'Create Log Streams'],
  ['update:log_streams', 'Update Log Streams'],
  ['delete:log_streams', 'Delete Log Streams'],
] as const;

export class LogStreams1732402000000 implements MigrationInterface {
  name = 'LogStreams1732402000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'log_streams',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'is_priority', type: 'boolean', default: false },
          { name: 'sink', type: 'text' },
          { name: 'http_authorization_sealed', type: 'text', isNullable: true },
          { name: 'filters', type: 'text', default: "'[]'" },
          { name: 'cursor', type: 'varchar', length: '64' },
          { name: 'failures', type: 'integer', default: 0 },
          { name: 'last_error', type: 'varchar', length: '512', isNullable: true },
          { name: 'retry_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
          { name: 'lease_until', type: 'varchar', length: '32', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        indices: [new TableIndex({ name: 'log_streams_tenant', columnNames: ['tenant_id'] })],
      }),
    );
    // Tenants created before log streams: their Management API and admin client gain the scopes.
    await grantManagementScopes(q, LOG_STREAM_SCOPES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('log_streams');
  }
}
