import { grantManagementScopes } from './grant-management-scopes.js';
import { randomInt } from 'node:crypto';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const str = (name: string, length: number, extra: object = {}) => ({ name, type: 'varchar', length: String(length), ...extra });
const text = (name: string, extra: object = {}) => ({ name, type: 'text', ...extra });
const bool = (name: string, dflt: boolean) => ({ name, type: 'boolean', default: dflt });
const stamps = [str('created_at', 32), str('updated_at', 32)];

const DATABASE_CONNECTION = 'Username-Password-Authentication';
/** Auth0's defaults for a database connection (as src/connections/connection-options.ts has them at this migration). */
const DEFAULT_OPTIONS = {
  passwordPolicy: 'good',
  password_history: { enable: false, size: 5 },
  password_no_personal_info: { enable: false },
  password_dictionary: { enable: false, dictionary: [] },
  brute_force_protection: true,
  disable_signup: false,
  requires_username: false,
  strategy_version: 2,
};
/** Scopes of the Management API added with these resources; existing tenants' admin clients get them too. */
const NEW_SCOPES: [string, string][] = [
  ['create:connections', 'Create Connections'],
  ['update:connections', 'Update Connections'],
  ['delete:connections', 'Delete Connections'],
  ['read:email_provider', 'Read Email Provider'],
  ['create:email_provider', 'Create Email Provider'],
  ['update:email_provider', 'Update Email Provider'],
  ['delete:email_provider', 'Delete Email Provider'],
  ['read:email_templates', 'Read Email Templates'],
  ['create:email_templates', 'Create Email Templates'],
  ['update:email_templates', 'Update Email Templates'],
  ['create:user_tickets', 'Create User Tickets'],
];

/** Positional placeholders: `$n` on PostgreSQL, `?` on SQLite. */
function sql(q: QueryRunner, text: string): string {
  return q.connection.driver.options.type === 'postgres' ? text : text.replace(/\$\d+/g, '?');
}

function connectionId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `con_${Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

/**
 * The account lifecycle (issue 15): connections as a resource, the e-mail provider and templates, the
 * tickets behind reset and verification links, jobs, and each user's password history. Every existing
 * tenant gets its database connection, enabled for its existing applications, as it behaved before.
 */
export class AccountLifecycle1732401500000 implements MigrationInterface {
  name = 'AccountLifecycle1732401500000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'connections',
        columns: [
          str('id', 32, { isPrimary: true }),
          str('tenant_id', 64),
          str('name', 128),
          str('display_name', 128, { isNullable: true }),
          str('strategy', 32),
          text('options'),
          text('enabled_clients'),
          text('realms'),
          bool('is_domain_connection', false),
          text('metadata'),
          ...stamps,
        ],
        indices: [new TableIndex({ name: 'connections_tenant_name', columnNames: ['tenant_id', 'name'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'email_providers',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('name', 32),
          bool('enabled', true),
          str('default_from_address', 320),
          text('credentials'),
          text('smtp_pass_sealed', { isNullable: true }),
          text('settings'),
          ...stamps,
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'email_templates',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('template', 32, { isPrimary: true }),
          text('body', { isNullable: true }),
          str('from_address', 320, { isNullable: true }),
          str('subject', 1024, { isNullable: true }),
          str('syntax', 16, { isNullable: true }),
          str('result_url', 2048, { isNullable: true }),
          { name: 'url_lifetime_in_seconds', type: 'integer', isNullable: true },
          bool('include_email_in_redirect', false),
          bool('enabled', false),
          ...stamps,
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_tickets',
        columns: [
          str('id', 64, { isPrimary: true }),
          str('tenant_id', 64),
          str('user_id', 255),
          str('kind', 32),
          str('client_id', 128, { isNullable: true }),
          str('result_url', 2048, { isNullable: true }),
          bool('mark_email_verified', false),
          bool('include_email', false),
          { name: 'expires_at', type: 'integer' },
          str('used_at', 32, { isNullable: true }),
          str('created_at', 32),
        ],
        indices: [new TableIndex({ name: 'user_tickets_user', columnNames: ['tenant_id', 'user_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'jobs',
        columns: [
          str('id', 32, { isPrimary: true }),
          str('tenant_id', 64),
          str('type', 32),
          str('status', 16),
          str('user_id', 255),
          str('client_id', 128, { isNullable: true }),
          str('status_details', 512, { isNullable: true }),
          ...stamps,
        ],
        indices: [new TableIndex({ name: 'jobs_tenant', columnNames: ['tenant_id'] })],
      }),
    );
    await q.query('ALTER TABLE users ADD COLUMN password_history text NULL');
    await q.query('ALTER TABLE users ADD COLUMN username varchar(128) NULL');
    await q.query('CREATE UNIQUE INDEX users_tenant_connection_username ON users (tenant_id, connection, username)');

    const now = new Date().toISOString();
    const tenants = (await q.query('SELECT id FROM tenants')) as { id: string }[];
    for (const t of tenants) {
      const clients = (await q.query(
        sql(q, 'SELECT client_id FROM clients WHERE tenant_id = $1 AND system_role IS NULL ORDER BY created_at'),
        [t.id],
      )) as {
        client_id: string;
      }[];
      await q.query(
        sql(
          q,
          'INSERT INTO connections (id, tenant_id, name, display_name, strategy, options, enabled_clients, realms, is_domain_connection, metadata, created_at, updated_at) ' +
            'VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, FALSE, $8, $9, $10)',
        ),
        [
          connectionId(),
          t.id,
          DATABASE_CONNECTION,
          'auth0',
          JSON.stringify(DEFAULT_OPTIONS),
          JSON.stringify(clients.map((c) => c.client_id)),
          JSON.stringify([DATABASE_CONNECTION]),
          '{}',
          now,
          now,
        ],
      );
    }
    await grantManagementScopes(q, NEW_SCOPES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX users_tenant_connection_username');
    await q.query('ALTER TABLE users DROP COLUMN username');
    await q.query('ALTER TABLE users DROP COLUMN password_history');
    for (const t of ['jobs', 'user_tickets', 'email_templates', 'email_providers', 'connections']) {
      await q.dropTable(t);
    }
  }
}
