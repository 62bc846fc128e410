import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Extra domains a tenant answers on, besides its primary `tenants.domain` (which names its issuer). */
export class TenantDomains1732400004000 implements MigrationInterface {
  name = 'TenantDomains1732400004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tenant_domains',
        columns: [
          { name: 'domain', type: 'varchar', length: '255', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        indices: [new TableIndex({ name: 'tenant_domains_tenant', columnNames: ['tenant_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('tenant_domains');
  }
}
