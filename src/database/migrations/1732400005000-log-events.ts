import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class LogEvents1732400005000 implements MigrationInterface {
  name = 'LogEvents1732400005000';

  async up(q: QueryRunner): Promise<void> {
    const str = (name: string, length: number, nullable = true) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    await q.createTable(
      new Table({
        name: 'log_events',
        columns: [
          { name: 'log_id', type: 'varchar', length: '64', isPrimary: true },
          str('tenant_id', 64, false),
          str('date', 32, false),
          str('type', 16, false),
          { name: 'description', type: 'varchar', length: '512', default: "''" },
          str('client_id', 128),
          str('client_name', 255),
          str('user_id', 255),
          str('user_name', 255),
          str('ip', 64),
          str('user_agent', 512),
          str('hostname', 255),
          str('audience', 600),
          str('scope', 2048),
          { name: 'details', type: 'text', default: "'{}'" },
        ],
        indices: [new TableIndex({ name: 'log_events_tenant_log', columnNames: ['tenant_id', 'log_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('log_events');
  }
}
