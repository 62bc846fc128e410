import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The completion mail of a users import (`send_completion_email`): `pending` while the job owes it,
 * `claimed` once a process took it (a conditional UPDATE, so it goes out at most once), NULL for jobs
 * that send none. A plain ALTER, not TypeORM's addColumn, which rebuilds a SQLite table.
 */
export class JobCompletionMail1732402150000 implements MigrationInterface {
  name = 'JobCompletionMail1732402150000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE jobs ADD COLUMN completion_mail varchar(16)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE jobs DROP COLUMN completion_mail');
  }
}
