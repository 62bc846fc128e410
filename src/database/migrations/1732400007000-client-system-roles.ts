import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which system client a client is: the tenant's admin machine-to-machine client or its Tessera Dashboard
 * sign-in client. At most one of each per tenant (NULLs, the ordinary clients, never collide in a unique
 * index on SQLite or PostgreSQL). Plain SQL both databases accept, so SQLite alters the table in place.
 */
export class ClientSystemRoles1732400007000 implements MigrationInterface {
  name = 'ClientSystemRoles1732400007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "ALTER TABLE clients ADD COLUMN system_role varchar(16) NULL CONSTRAINT clients_system_role_value CHECK (system_role IN ('admin', 'dashboard'))",
    );
    // Every system client so far is a tenant's bootstrap admin client.
    await q.query("UPDATE clients SET system_role = 'admin' WHERE is_system = TRUE");
    await q.query('CREATE UNIQUE INDEX clients_tenant_system_role ON clients (tenant_id, system_role)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX clients_tenant_system_role');
    await q.query('ALTER TABLE clients DROP COLUMN system_role');
  }
}
