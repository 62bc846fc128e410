import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An RBAC role (Auth0's `rol_…`): a named set of API permissions given to users. */
@Entity('roles')
@Index('roles_tenant_name', ['tenantId', 'name'], { unique: true })
export class RoleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}

/** A permission (one of an API's scopes, named by the API's immutable identifier) held by a role. */
@Entity('role_permissions')
@Index('role_permissions_api', ['tenantId', 'resourceServerIdentifier'])
export class RolePermissionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @PrimaryColumn({ name: 'role_id', type: 'varchar', length: 64 })
  roleId: string;

  @PrimaryColumn({ name: 'resource_server_identifier', type: 'varchar', length: 600 })
  resourceServerIdentifier: string;

  @PrimaryColumn({ name: 'permission_name', type: 'varchar', length: 280 })
  permissionName: string;
}

/** A user's membership of a role. */
@Entity('user_roles')
@Index('user_roles_role', ['tenantId', 'roleId'])
export class UserRoleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @PrimaryColumn({ name: 'role_id', type: 'varchar', length: 64 })
  roleId: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}

/** A permission given to a user directly (not through a role). */
@Entity('user_permissions')
@Index('user_permissions_api', ['tenantId', 'resourceServerIdentifier'])
export class UserPermissionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @PrimaryColumn({ name: 'resource_server_identifier', type: 'varchar', length: 600 })
  resourceServerIdentifier: string;

  @PrimaryColumn({ name: 'permission_name', type: 'varchar', length: 280 })
  permissionName: string;
}

/**
 * One row per tenant, its `version` raised by every write that can change anyone's effective
 * permissions: the cross-process cache check sums it (an exact stamp; the assignment tables have none).
 */
@Entity('rbac_versions')
export class RbacVersionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'integer', default: 0 })
  version: number;
}
