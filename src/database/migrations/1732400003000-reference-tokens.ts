import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class ReferenceTokens1732400003000 implements MigrationInterface {
  name = 'ReferenceTokens1732400003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'reference_tokens',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'client_id', type: 'varchar', length: '128' },
          { name: 'audience', type: 'varchar', length: '600' },
          { name: 'claims', type: 'text' },
          { name: 'expires_at', type: 'integer' },
          { name: 'revoked_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        checks: [{ name: 'reference_tokens_kind', expression: "kind IN ('opaque', 'encrypted')" }],
        indices: [new TableIndex({ name: 'reference_tokens_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('reference_tokens');
  }
}
