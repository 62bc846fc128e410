import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { grantManagementScopes } from './grant-management-scopes.js';

/** The scopes Auth0 lists for the jobs endpoints, as they were when this migration was written. */
const JOB_SCOPES = [
  ['read:users', 'Read Users'],
  ['create:users', 'Create Users'],
] as const;

const HASHED_BEFORE = "password_hash IS NULL OR password_hash LIKE 'scrypt$%'";
/** An imported hash (bcrypt, argon2, ...) is kept, marked, until the user's first login replaces it with scrypt. */
const HASHED = "password_hash IS NULL OR password_hash LIKE 'scrypt$%' OR password_hash LIKE 'imported$%'";

/**
 * Users import and export jobs (issue 18): the jobs table gains the state a job needs to be resumed by
 * any process (options, summary, position, a lease), `user_id` becomes optional (only verification
 * e-mails have one), and two side tables hold the files and the failed rows.
 */
export class UserJobs1732402100000 implements MigrationInterface {
  name = 'UserJobs1732402100000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('ALTER TABLE jobs ALTER COLUMN user_id DROP NOT NULL');
    } else {
      // SQLite cannot drop NOT NULL in place; TypeORM rebuilds the table with its rows and indexes.
      await q.changeColumn('jobs', 'user_id', new TableColumn({ name: 'user_id', type: 'varchar', length: '255', isNullable: true }));
    }
    await q.addColumns('jobs', [
      new TableColumn({ name: 'connection_id', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'external_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'params', type: 'text', isNullable: true }),
      new TableColumn({ name: 'summary', type: 'text', isNullable: true }),
      new TableColumn({ name: 'position', type: 'integer', default: 0 }),
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'lease_owner', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'lease_until', type: 'varchar', length: '32', isNullable: true }),
    ]);
    await q.createIndex('jobs', new TableIndex({ name: 'jobs_status', columnNames: ['status'] }));
    await q.createTable(
      new Table({
        name: 'job_files',
        columns: [
          { name: 'job_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'job_errors',
        columns: [
          { name: 'job_id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'row_index', type: 'integer', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '64' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await replacePasswordCheck(q, HASHED_BEFORE, HASHED);
    await grantManagementScopes(q, JOB_SCOPES);
  }

  async down(q: QueryRunner): Promise<void> {
    await replacePasswordCheck(q, HASHED, HASHED_BEFORE);
    await q.dropTable('job_errors');
    await q.dropTable('job_files');
    await q.dropIndex('jobs', 'jobs_status');
    for (const c of ['lease_until', 'lease_owner', 'attempts', 'position', 'summary', 'params', 'external_id', 'connection_id']) {
      await q.dropColumn('jobs', c);
    }
  }
}

/**
 * PostgreSQL changes the CHECK in place. SQLite cannot, and TypeORM's own rebuild would lose the users
 * table's expression indexes (`lower(email)`, ...), so the table is rebuilt here from its own schema text:
 * the same CREATE with the new expression, the rows copied, then every index and trigger re-created as
 * it was written.
 */
async function replacePasswordCheck(q: QueryRunner, from: string, to: string): Promise<void> {
  if (q.connection.options.type === 'postgres') {
    await q.query('ALTER TABLE users DROP CONSTRAINT users_password_hashed');
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_password_hashed CHECK (${to})`);
    return;
  }
  const [table] = (await q.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")) as { sql: string }[];
  const dependents = (await q.query(
    "SELECT sql FROM sqlite_master WHERE tbl_name = 'users' AND type IN ('index', 'trigger') AND sql IS NOT NULL",
  )) as { sql: string }[];
  const rebuilt = table.sql.replace(from, to).replace(/^CREATE TABLE "?users"?/, 'CREATE TABLE "users_rebuilt"');
  if (!rebuilt.includes(to) || !rebuilt.startsWith('CREATE TABLE "users_rebuilt"')) {
    throw new Error('users table: the password CHECK to replace was not found');
  }
  await q.query(rebuilt);
  await q.query('INSERT INTO "users_rebuilt" SELECT * FROM "users"');
  await q.query('DROP TABLE "users"');
  await q.query('ALTER TABLE "users_rebuilt" RENAME TO "users"');
  for (const d of dependents) {
    await q.query(d.sql);
  }
}
