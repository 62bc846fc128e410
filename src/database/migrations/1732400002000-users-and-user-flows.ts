import { Table, TableCheck, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const str = (name: string, length: number, extra: object = {}) => ({ name, type: 'varchar', length: String(length), ...extra });
const key = (name: string, length: number) => str(name, length, { isPrimary: true });
const text = (name: string, extra: object = {}) => ({ name, type: 'text', ...extra });
const int = (name: string, extra: object = {}) => ({ name, type: 'integer', ...extra });
const bool = (name: string, dflt: boolean) => ({ name, type: 'boolean', default: dflt });
const nullable = { isNullable: true };

/** Users, browser sessions, authorization codes, consents, token families, refresh tokens, userinfo keys. */
export class UsersAndUserFlows1732400002000 implements MigrationInterface {
  name = 'UsersAndUserFlows1732400002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          // user_id is chosen by the admin when given, so it is unique per tenant, not across tenants.
          key('tenant_id', 64),
          key('user_id', 255),
          str('connection', 128),
          str('email', 320),
          bool('email_verified', false),
          str('name', 300),
          str('nickname', 300),
          str('given_name', 150, nullable),
          str('family_name', 150, nullable),
          str('picture', 2048),
          text('user_metadata'),
          text('app_metadata'),
          bool('blocked', false),
          text('password_hash', nullable),
          str('last_password_reset', 32, nullable),
          str('last_login', 32, nullable),
          str('last_ip', 64, nullable),
          int('logins_count', { default: 0 }),
          str('created_at', 32),
          str('updated_at', 32),
        ],
        checks: [
          // Passwords are only ever stored as salted scrypt hashes.
          new TableCheck({ name: 'users_password_hashed', expression: "password_hash IS NULL OR password_hash LIKE 'scrypt$%'" }),
        ],
        indices: [
          new TableIndex({ name: 'users_tenant_connection_email', columnNames: ['tenant_id', 'connection', 'email'], isUnique: true }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          key('id', 64),
          str('token_hash', 64, { isUnique: true }),
          str('tenant_id', 64),
          str('user_id', 255),
          int('auth_time'),
          int('expires_at'),
          int('idle_expires_at'),
          str('created_at', 32),
          str('revoked_at', 32, nullable),
        ],
        indices: [new TableIndex({ name: 'sessions_tenant_user', columnNames: ['tenant_id', 'user_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          key('code_hash', 64),
          str('tenant_id', 64),
          str('client_id', 128),
          str('user_id', 255),
          str('session_id', 64, nullable),
          str('redirect_uri', 2048, nullable),
          text('scope'),
          str('audience', 600, nullable),
          text('nonce', nullable),
          str('code_challenge', 128, nullable),
          str('code_challenge_method', 8, nullable),
          int('auth_time'),
          int('expires_at'),
          str('redeemed_at', 32, nullable),
          str('family_id', 64, nullable),
          str('created_at', 32),
        ],
        checks: [
          new TableCheck({
            name: 'authorization_codes_pkce',
            expression: "code_challenge_method IS NULL OR code_challenge_method = 'S256'",
          }),
        ],
        indices: [new TableIndex({ name: 'authorization_codes_expires', columnNames: ['expires_at'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'user_consents',
        columns: [
          key('id', 64),
          str('tenant_id', 64),
          str('user_id', 255),
          str('client_id', 128),
          str('audience', 600),
          text('scopes'),
          str('created_at', 32),
          str('updated_at', 32),
        ],
        indices: [
          new TableIndex({ name: 'user_consents_unique', columnNames: ['tenant_id', 'user_id', 'client_id', 'audience'], isUnique: true }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'token_families',
        columns: [
          key('id', 64),
          str('tenant_id', 64),
          str('client_id', 128),
          str('user_id', 255),
          str('audience', 600, nullable),
          text('scope'),
          str('session_id', 64, nullable),
          int('auth_time'),
          int('expires_at'),
          str('created_at', 32),
          str('revoked_at', 32, nullable),
          str('revoked_reason', 32, nullable),
        ],
        indices: [new TableIndex({ name: 'token_families_tenant_user', columnNames: ['tenant_id', 'user_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          key('token_hash', 64),
          str('family_id', 64),
          str('tenant_id', 64),
          int('expires_at'),
          str('used_at', 32, nullable),
          str('created_at', 32),
        ],
        indices: [
          new TableIndex({ name: 'refresh_tokens_family', columnNames: ['family_id'] }),
          new TableIndex({ name: 'refresh_tokens_expires', columnNames: ['expires_at'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'userinfo_keys',
        columns: [key('kid', 64), str('tenant_id', 64, { isUnique: true }), text('key_sealed'), str('created_at', 32)],
        checks: [new TableCheck({ name: 'userinfo_keys_sealed', expression: "key_sealed LIKE 'v1.%'" })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['userinfo_keys', 'refresh_tokens', 'token_families', 'user_consents', 'authorization_codes', 'sessions', 'users']) {
      await q.dropTable(t);
    }
  }
}
