import { Table, TableCheck, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = (name: string, length = 64) => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const str = (name: string, length: number, extra: object = {}) => ({ name, type: 'varchar', length: String(length), ...extra });
const text = (name: string, extra: object = {}) => ({ name, type: 'text', ...extra });
const bool = (name: string, dflt: boolean) => ({ name, type: 'boolean', default: dflt });
const int = (name: string) => ({ name, type: 'integer' });
const stamps = [str('created_at', 32), str('updated_at', 32)];

export class Initial1732400000000 implements MigrationInterface {
  name = 'Initial1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tenants',
        columns: [
          id('id'),
          str('domain', 255, { isUnique: true }),
          str('friendly_name', 255, { default: "''" }),
          str('picture_url', 2048, { default: "''" }),
          str('support_email', 255, { default: "''" }),
          str('support_url', 2048, { default: "''" }),
          str('default_audience', 600, { default: "''" }),
          str('default_directory', 128, { default: "''" }),
          { name: 'session_lifetime', type: 'real', default: 168 },
          { name: 'idle_session_lifetime', type: 'real', default: 72 },
          text('allowed_logout_urls', { default: "'[]'" }),
          text('enabled_locales', { default: `'["en"]'` }),
          ...stamps,
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          id('kid'),
          str('tenant_id', 64),
          str('status', 16),
          text('public_jwk'),
          text('private_key_sealed'),
          str('created_at', 32),
          str('current_since', 32, { isNullable: true }),
          str('current_until', 32, { isNullable: true }),
          str('revoked_at', 32, { isNullable: true }),
        ],
        checks: [
          new TableCheck({ name: 'signing_keys_status', expression: "status IN ('current', 'next', 'previous', 'revoked')" }),
          // Private keys are only ever stored sealed.
          new TableCheck({ name: 'signing_keys_sealed', expression: "private_key_sealed LIKE 'v1.%'" }),
        ],
        indices: [
          new TableIndex({ name: 'signing_keys_one_current', columnNames: ['tenant_id'], isUnique: true, where: "status = 'current'" }),
          new TableIndex({ name: 'signing_keys_tenant', columnNames: ['tenant_id'] }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'resource_servers',
        columns: [
          id('id'),
          str('tenant_id', 64),
          str('identifier', 600),
          str('name', 200),
          bool('is_system', false),
          str('signing_alg', 8),
          text('signing_secret_sealed', { isNullable: true }),
          int('token_lifetime'),
          int('token_lifetime_for_web'),
          bool('allow_offline_access', false),
          bool('skip_consent_for_verifiable_first_party_clients', false),
          text('scopes'),
          str('token_dialect', 32, { default: "'access_token'" }),
          bool('enforce_policies', false),
          text('token_encryption', { isNullable: true }),
          str('access_token_format', 16, { default: "'jwt'" }),
          ...stamps,
        ],
        checks: [
          new TableCheck({ name: 'resource_servers_alg', expression: "signing_alg IN ('HS256', 'RS256', 'PS256')" }),
          new TableCheck({ name: 'resource_servers_lifetimes', expression: 'token_lifetime_for_web <= token_lifetime' }),
          new TableCheck({
            name: 'resource_servers_secret_sealed',
            expression: "signing_secret_sealed IS NULL OR signing_secret_sealed LIKE 'v1.%'",
          }),
        ],
        indices: [new TableIndex({ name: 'resource_servers_tenant_identifier', columnNames: ['tenant_id', 'identifier'], isUnique: true })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'clients',
        columns: [
          id('client_id', 128),
          str('tenant_id', 64),
          str('name', 255),
          str('description', 140, { default: "''" }),
          str('app_type', 32, { isNullable: true }),
          bool('is_first_party', true),
          bool('oidc_conformant', true),
          text('callbacks'),
          text('allowed_logout_urls'),
          text('web_origins'),
          text('allowed_origins'),
          text('grant_types'),
          str('token_endpoint_auth_method', 32),
          text('jwt_configuration'),
          text('client_secret_sealed'),
          bool('is_system', false),
          ...stamps,
        ],
        checks: [new TableCheck({ name: 'clients_secret_sealed', expression: "client_secret_sealed LIKE 'v1.%'" })],
        indices: [new TableIndex({ name: 'clients_tenant', columnNames: ['tenant_id'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'client_grants',
        columns: [id('id'), str('tenant_id', 64), str('client_id', 128), str('audience', 600), text('scope'), ...stamps],
        indices: [
          new TableIndex({
            name: 'client_grants_tenant_client_audience',
            columnNames: ['tenant_id', 'client_id', 'audience'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['client_grants', 'clients', 'resource_servers', 'signing_keys', 'tenants']) {
      await q.dropTable(t);
    }
  }
}
