import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant flags (`flags` of the tenant settings) as one JSON object; an absent flag is off. A plain ALTER,
 * not TypeORM's addColumn, which rebuilds a SQLite table and would drop its cache-version triggers.
 */
export class TenantFlags1732402400000 implements MigrationInterface {
  name = 'TenantFlags1732402400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN flags text NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tenants DROP COLUMN flags');
  }
}
