import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class LoginFailures1732400006000 implements MigrationInterface {
  name = 'LoginFailures1732400006000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { name: 'tenant_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'identifier', type: 'varchar', length: '320', isPrimary: true },
          { name: 'ip', type: 'varchar', length: '64', isPrimary: true },
          { name: 'connection', type: 'varchar', length: '128' },
          { name: 'count', type: 'integer', default: 0 },
          { name: 'blocked_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        indices: [new TableIndex({ name: 'login_failures_identifier', columnNames: ['tenant_id', 'identifier'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('login_failures');
  }
}
