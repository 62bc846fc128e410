import { grantManagementScopes } from './grant-management-scopes.js';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const str = (name: string, length: number, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});

/**
 * RBAC: roles, the permissions they hold, users' roles and users' direct permissions, and a per-tenant
 * version that every RBAC write raises (the cross-process cache check reads it). Permissions name
 * an API by its identifier (immutable), so they survive renames; deletes cascade in the services' own
 * transactions (API, scope, role and user deletes), on both databases alike.
 */
export class Roles1732401600000 implements MigrationInterface {
  name = 'Roles1732401600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'roles',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('id', 64, { isPrimary: true }),
          str('name', 255),
          str('description', 255, { isNullable: true }),
          str('created_at', 32),
          str('updated_at', 32),
        ],
        indices: [new TableIndex({ name: 'roles_tenant_name', columnNames: ['tenant_id', 'name'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'role_permissions',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('role_id', 64, { isPrimary: true }),
          str('resource_server_identifier', 600, { isPrimary: true }),
          str('permission_name', 280, { isPrimary: true }),
        ],
        indices: [new TableIndex({ name: 'role_permissions_api', columnNames: ['tenant_id', 'resource_server_identifier'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_roles',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('user_id', 255, { isPrimary: true }),
          str('role_id', 64, { isPrimary: true }),
          str('created_at', 32),
        ],
        indices: [new TableIndex({ name: 'user_roles_role', columnNames: ['tenant_id', 'role_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_permissions',
        columns: [
          str('tenant_id', 64, { isPrimary: true }),
          str('user_id', 255, { isPrimary: true }),
          str('resource_server_identifier', 600, { isPrimary: true }),
          str('permission_name', 280, { isPrimary: true }),
        ],
        indices: [new TableIndex({ name: 'user_permissions_api', columnNames: ['tenant_id', 'resource_server_identifier'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rbac_versions',
        columns: [str('tenant_id', 64, { isPrimary: true }), { name: 'version', type: 'integer', default: 0 }],
      }),
    );
    await q.query('INSERT INTO rbac_versions (tenant_id, version) SELECT id, 0 FROM tenants');
    await grantManagementScopes(q, RBAC_SCOPES);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['rbac_versions', 'user_permissions', 'user_roles', 'role_permissions', 'roles']) {
      await q.dropTable(t);
    }
  }
}

/** The Management API scopes this release adds (frozen here: a migration never changes after merge). */
const RBAC_SCOPES: [string, string][] = [
  ['read:roles', 'Read Roles'],
  ['create:roles', 'Create Roles'],
  ['update:roles', 'Update Roles'],
  ['delete:roles', 'Delete Roles'],
  ['read:role_members', 'Read Role Members'],
  ['create:role_members', 'Create Role Members'],
  ['delete:role_members', 'Delete Role Members'],
];
