import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not, type EntityManager } from 'typeorm';
import { ApisService } from '../apis/apis.service.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { randomAlphanumeric } from '../keys/random.js';
import { DEFAULT_PER_PAGE, pageOf, type ListQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type {
  CreateRoleDto,
  PermissionRefDto,
  PermissionResponse,
  PermissionSource,
  RoleResponse,
  RoleUserResponse,
  UpdateRoleDto,
  UserPermissionResponse,
} from './dto/role.dto.js';
import { RbacVersionEntity, RoleEntity, RolePermissionEntity, UserPermissionEntity, UserRoleEntity } from './role.entity.js';

const roleNotFound = () => ManagementError.notFound('The role does not exist.', 'inexistent_role');
const userNotFound = () => ManagementError.notFound('The user does not exist.', 'inexistent_user');
const nameTaken = (name: string) => ManagementError.conflict(`A role with the name "${name}" already exists.`);

/** Placeholder `i` (1-based) of a raw statement, in the driver's spelling. */
type Placeholder = (i: number) => string;

/** What the permissions cache reads, for the cross-process check: every RBAC write bumps its tenant's row there. */
const RBAC_VERSIONS = versionedTable('rbac_versions');
/** Past this many cached (user, API) answers the cache starts over, so memory stays bounded. */
const MAX_CACHED = 200_000;

/**
 * Auth0's RBAC model: roles, the API permissions they hold, users' roles and users' direct permissions,
 * with the Management API's use cases (each request one transaction) and the reads the token issuer,
 * the sign-in flows and Actions need. Rows an API, a scope or a user carried go with them (onModuleInit).
 */
@Injectable()
export class RolesService implements OnModuleInit {
  private readonly p: Placeholder;
  /** `${userId}\0${apiIdentifier}` -> effective permissions; dropped on every RBAC write, here at once and elsewhere within CACHE_POLL_MS. */
  private readonly permissions: TenantCache<string[]>;
  private cached = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: DbService,
    private readonly apis: ApisService,
    private readonly users: UsersService,
    caches: CacheRegistry,
  ) {
    this.p = dataSource.options.type === 'postgres' ? (i) => `$${i}` : () => '?';
    this.permissions = caches.create('rbac-permissions', [RBAC_VERSIONS], (tenantId, key) => {
      if (++this.cached > MAX_CACHED) {
        this.cached = 0;
        this.permissions.invalidate();
      }
      const [userId, api] = key.split('\0');
      return this.readEffectivePermissions(tenantId, userId, api);
    });
  }

  onModuleInit(): void {
    // Auth0 removes a deleted API's permissions, a removed scope and a deleted user's assignments everywhere.
    this.apis.onDelete(async (em, tenantId, identifier) => {
      await em.delete(RolePermissionEntity, { tenantId, resourceServerIdentifier: identifier });
      await em.delete(UserPermissionEntity, { tenantId, resourceServerIdentifier: identifier });
      await this.changed(em, tenantId);
    });
    this.apis.onScopesChanged(async (em, tenantId, identifier, scopes) => {
      const kept = [...scopes];
      const gone = { tenantId, resourceServerIdentifier: identifier, ...(kept.length > 0 ? { permissionName: Not(In(kept)) } : {}) };
      await em.delete(RolePermissionEntity, gone);
      await em.delete(UserPermissionEntity, gone);
      await this.changed(em, tenantId);
    });
    this.users.onDelete(async (em, tenantId, userId) => {
      await em.delete(UserRoleEntity, { tenantId, userId });
      await em.delete(UserPermissionEntity, { tenantId, userId });
      await this.changed(em, tenantId);
    });
  }

  // ---- Roles ----

  async create(tenant: TenantContext, dto: CreateRoleDto): Promise<RoleResponse> {
    dropReadOnlyEchoes(dto, {});
    const now = new Date().toISOString();
    const role = Object.assign(new RoleEntity(), {
      tenantId: tenant.id,
      id: `rol_${randomAlphanumeric(16)}`,
      name: dto.name,
      description: dto.description ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await this.db
      .write(async (em) => {
        if (await em.exists(RoleEntity, { where: { tenantId: tenant.id, name: dto.name } })) {
          throw nameTaken(dto.name);
        }
        await em.insert(RoleEntity, role);
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? nameTaken(dto.name) : err;
      });
    return toRoleResponse(role);
  }

  /** `name_filter` matches anywhere in the name, case-insensitively. Sorted by name, as Auth0 lists them. */
  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    const filter = typeof q.filters.name_filter === 'string' ? q.filters.name_filter.toLowerCase() : '';
    const qb = this.dataSource
      .getRepository(RoleEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId', { tenantId: tenant.id })
      .orderBy('r.name', 'ASC')
      .addOrderBy('r.id', 'ASC');
    // Auth0's `type`: every Tessera role is a tenant role; there are no organization roles.
    const type = q.filters.type;
    if (type !== undefined && type !== 'tenant' && type !== 'organization') {
      throw ManagementError.badRequest("Query validation error: 'type' must be one of tenant, organization.", 'invalid_query_string');
    }
    if (type === 'organization') {
      qb.andWhere('1=0');
    }
    if (filter) {
      qb.andWhere("LOWER(r.name) LIKE :pattern ESCAPE '\\'", { pattern: `%${filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    }
    const start = q.page * q.perPage;
    qb.skip(start).take(q.perPage);
    const [rows, total] = q.includeTotals ? await qb.getManyAndCount() : [await qb.getMany(), 0];
    const roles = rows.map(toRoleResponse);
    return q.includeTotals ? { roles, start, limit: q.perPage, total } : roles;
  }

  async get(tenant: TenantContext, roleId: string): Promise<RoleResponse> {
    return toRoleResponse(await this.findRole(this.dataSource.manager, tenant.id, roleId));
  }

  async update(tenant: TenantContext, roleId: string, dto: UpdateRoleDto): Promise<RoleResponse> {
    return this.db
      .write(async (em) => {
        const role = await this.findRole(em, tenant.id, roleId);
        dropReadOnlyEchoes(dto, { id: role.id });
        if (dto.name !== undefined && dto.name !== role.name) {
          if (await em.exists(RoleEntity, { where: { tenantId: tenant.id, name: dto.name } })) {
            throw nameTaken(dto.name);
          }
          role.name = dto.name;
        }
        if (dto.description !== undefined) {
          role.description = dto.description;
        }
        role.updatedAt = new Date().toISOString();
        await em.update(
          RoleEntity,
          { tenantId: tenant.id, id: role.id },
          { name: role.name, description: role.description, updatedAt: role.updatedAt },
        );
        return toRoleResponse(role);
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? nameTaken(dto.name ?? '') : err;
      });
  }

  /** The role, its permissions and its memberships go together. */
  async delete(tenant: TenantContext, roleId: string): Promise<void> {
    await this.rbacWrite(tenant.id, async (em) => {
      const role = await this.findRole(em, tenant.id, roleId);
      await em.delete(RolePermissionEntity, { tenantId: tenant.id, roleId: role.id });
      await em.delete(UserRoleEntity, { tenantId: tenant.id, roleId: role.id });
      await em.delete(RoleEntity, { tenantId: tenant.id, id: role.id });
    });
  }

  // ---- A role's permissions ----

  async listRolePermissions(tenant: TenantContext, roleId: string, q: ListQuery): Promise<unknown> {
    await this.findRole(this.dataSource.manager, tenant.id, roleId);
    const rows = await this.dataSource.manager.find(RolePermissionEntity, {
      where: { tenantId: tenant.id, roleId },
      order: { resourceServerIdentifier: 'ASC', permissionName: 'ASC' },
    });
    const described = await this.describe(tenant.id, rows);
    return pageOf(described, q, 'permissions');
  }

  async addRolePermissions(tenant: TenantContext, roleId: string, permissions: PermissionRefDto[]): Promise<void> {
    await this.changePermissions(tenant.id, { roleId }, permissions, 'add');
  }

  async removeRolePermissions(tenant: TenantContext, roleId: string, permissions: PermissionRefDto[]): Promise<void> {
    await this.changePermissions(tenant.id, { roleId }, permissions, 'remove');
  }

  // ---- A role's users ----

  /** Offset paging (`page`/`per_page`) or Auth0's checkpoint paging (`from`/`take`), in the database. */
  async listRoleUsers(tenant: TenantContext, roleId: string, q: ListQuery): Promise<unknown> {
    await this.findRole(this.dataSource.manager, tenant.id, roleId);
    const p = this.p;
    const rows = async (offset: number, limit: number): Promise<RoleUserResponse[]> =>
      (await this.dataSource.query(
        `SELECT u.user_id, u.picture, u.name, u.email FROM user_roles ur
         JOIN users u ON u.tenant_id = ur.tenant_id AND u.user_id = ur.user_id
         WHERE ur.tenant_id = ${p(1)} AND ur.role_id = ${p(2)} ORDER BY ur.user_id LIMIT ${p(3)} OFFSET ${p(4)}`,
        [tenant.id, roleId, limit, offset],
      )) as RoleUserResponse[];
    if (q.from !== undefined || q.take !== undefined) {
      const start = q.from ?? 0;
      const take = q.take ?? DEFAULT_PER_PAGE;
      const found = await rows(start, take + 1);
      const body: Record<string, unknown> = { users: found.slice(0, take) };
      if (found.length > take) {
        body.next = String(start + take);
      }
      return body;
    }
    const start = q.page * q.perPage;
    const users = await rows(start, q.perPage);
    if (!q.includeTotals) {
      return users;
    }
    const total = await this.dataSource.manager.count(UserRoleEntity, { where: { tenantId: tenant.id, roleId } });
    return { users, start, limit: q.perPage, total };
  }

  async assignRoleUsers(tenant: TenantContext, roleId: string, userIds: string[]): Promise<void> {
    await this.rbacWrite(tenant.id, async (em) => {
      await this.findRole(em, tenant.id, roleId);
      const ids = [...new Set(userIds)];
      const found = new Set<string>();
      for (const chunk of chunks(ids)) {
        for (const u of await em.find(UserEntity, { select: { userId: true }, where: { tenantId: tenant.id, userId: In(chunk) } })) {
          found.add(u.userId);
        }
      }
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw ManagementError.notFound(`The user does not exist: ${missing.slice(0, 10).join(', ')}`, 'inexistent_user');
      }
      const now = new Date().toISOString();
      await insertIgnoring(
        em,
        UserRoleEntity,
        ids.map((userId) => ({ tenantId: tenant.id, userId, roleId, createdAt: now })),
      );
    });
  }

  // ---- A user's roles ----

  async listUserRoles(tenant: TenantContext, userId: string, q: ListQuery): Promise<unknown> {
    await this.findUser(this.dataSource.manager, tenant.id, userId);
    const roles = (await this.rolesOf(this.dataSource.manager, tenant.id, userId)).map(toRoleResponse);
    return pageOf(roles, q, 'roles');
  }

  async assignUserRoles(tenant: TenantContext, userId: string, roleIds: string[]): Promise<void> {
    await this.rbacWrite(tenant.id, async (em) => {
      await this.findUser(em, tenant.id, userId);
      const ids = await this.checkRoles(em, tenant.id, roleIds);
      const now = new Date().toISOString();
      await insertIgnoring(
        em,
        UserRoleEntity,
        ids.map((roleId) => ({ tenantId: tenant.id, userId, roleId, createdAt: now })),
      );
    });
  }

  async removeUserRoles(tenant: TenantContext, userId: string, roleIds: string[]): Promise<void> {
    await this.rbacWrite(tenant.id, async (em) => {
      await this.findUser(em, tenant.id, userId);
      for (const chunk of chunks(await this.checkRoles(em, tenant.id, roleIds))) {
        await em.delete(UserRoleEntity, { tenantId: tenant.id, userId, roleId: In(chunk) });
      }
    });
  }

  // ---- A user's permissions ----

  /** Direct and role-given permissions together, each once, with where it comes from. */
  async listUserPermissions(tenant: TenantContext, userId: string, q: ListQuery): Promise<unknown> {
    const em = this.dataSource.manager;
    await this.findUser(em, tenant.id, userId);
    const merged = new Map<string, { api: string; name: string; sources: PermissionSource[] }>();
    const add = (api: string, name: string, source: PermissionSource) => {
      const key = `${api}\0${name}`;
      const entry = merged.get(key) ?? { api, name, sources: [] };
      entry.sources.push(source);
      merged.set(key, entry);
    };
    for (const d of await em.find(UserPermissionEntity, { where: { tenantId: tenant.id, userId } })) {
      add(d.resourceServerIdentifier, d.permissionName, { source_id: '', source_name: '', source_type: 'DIRECT' });
    }
    const p = this.p;
    const viaRoles = (await this.dataSource.query(
      `SELECT rp.resource_server_identifier AS api, rp.permission_name AS name, r.id AS role_id, r.name AS role_name
       FROM roles r
       JOIN role_permissions rp ON rp.tenant_id = r.tenant_id AND rp.role_id = r.id
       WHERE r.tenant_id = ${p(1)} AND r.id IN (SELECT role_id FROM user_roles WHERE tenant_id = ${p(2)} AND user_id = ${p(3)})
       ORDER BY r.name, r.id`,
      [tenant.id, tenant.id, userId],
    )) as { api: string; name: string; role_id: string; role_name: string }[];
    for (const r of viaRoles) {
      add(r.api, r.name, { source_id: r.role_id, source_name: r.role_name, source_type: 'ROLE' });
    }
    const entries = [...merged.values()].sort((a, b) => compare(a.api, b.api) || compare(a.name, b.name));
    const described = await this.describe(
      tenant.id,
      entries.map((e) => ({ resourceServerIdentifier: e.api, permissionName: e.name })),
    );
    const items: UserPermissionResponse[] = described.map((d, i) => ({ ...d, sources: entries[i].sources }));
    return pageOf(items, q, 'permissions');
  }

  async addUserPermissions(tenant: TenantContext, userId: string, permissions: PermissionRefDto[]): Promise<void> {
    await this.changePermissions(tenant.id, { userId }, permissions, 'add');
  }

  async removeUserPermissions(tenant: TenantContext, userId: string, permissions: PermissionRefDto[]): Promise<void> {
    await this.changePermissions(tenant.id, { userId }, permissions, 'remove');
  }

  // ---- Reads for tokens, sign-in and Actions ----

  /**
   * The token issuer's read: the user's permissions on one API, direct ∪ through roles. From memory once
   * read; every RBAC write drops the cache here at once and in other processes within CACHE_POLL_MS.
   */
  async effectivePermissions(tenantId: string, userId: string, apiIdentifier: string): Promise<string[]> {
    return (await this.permissions.get(tenantId, `${userId}\0${apiIdentifier}`)) ?? [];
  }

  /** One indexed query: the user's direct permissions on the API, and those of the user's roles. */
  private async readEffectivePermissions(tenantId: string, userId: string, apiIdentifier: string): Promise<string[]> {
    const p = this.p;
    // The user's roles drive the lookup (IN, not a join): with a join SQLite may walk every role's
    // permissions of the tenant first, 30 ms at 10,000 roles instead of 0.1 ms (bench/rbac.mjs).
    const rows = (await this.dataSource.query(
      `SELECT permission_name FROM user_permissions
       WHERE tenant_id = ${p(1)} AND user_id = ${p(2)} AND resource_server_identifier = ${p(3)}
       UNION
       SELECT permission_name FROM role_permissions
       WHERE tenant_id = ${p(4)} AND resource_server_identifier = ${p(5)}
         AND role_id IN (SELECT role_id FROM user_roles WHERE tenant_id = ${p(6)} AND user_id = ${p(7)})`,
      [tenantId, userId, apiIdentifier, tenantId, apiIdentifier, tenantId, userId],
    )) as { permission_name: string }[];
    return rows.map((r) => r.permission_name);
  }

  /**
   * The names of the user's roles, sorted: what Auth0 Actions see as `event.authorization.roles`, and
   * what the dashboard's admin check reads. An unknown user has none.
   */
  async roleNamesOfUser(tenantId: string, userId: string): Promise<string[]> {
    return (await this.rolesOf(this.dataSource.manager, tenantId, userId)).map((r) => r.name);
  }

  /**
   * The tenant's owners as far as mail goes: the members of the configured admin role (the dashboard's
   * admin check) who are not blocked and have an e-mail address, each address once.
   */
  async adminEmails(tenantId: string): Promise<string[]> {
    const rows = await this.dataSource.manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .select(['u.email', 'u.blocked'])
      .innerJoin(UserRoleEntity, 'ur', 'ur.tenant_id = u.tenant_id AND ur.user_id = u.user_id')
      .innerJoin(RoleEntity, 'r', 'r.tenant_id = ur.tenant_id AND r.id = ur.role_id')
      .where('u.tenant_id = :tenantId', { tenantId })
      .andWhere('r.name = :name', { name: this.config.adminRoleName })
      .orderBy('u.user_id', 'ASC')
      .getMany();
    const emails = new Map<string, string>();
    for (const u of rows) {
      if (!u.blocked && u.email && !emails.has(u.email.toLowerCase())) {
        emails.set(u.email.toLowerCase(), u.email);
      }
    }
    return [...emails.values()];
  }

  /** The configured admin role (ADMIN_ROLE_NAME) exists in the tenant: created in the caller's transaction if not. */
  async ensureAdminRoleIn(em: EntityManager, tenantId: string): Promise<boolean> {
    await em.createQueryBuilder().insert().into(RbacVersionEntity).values({ tenantId, version: 0 }).orIgnore().execute();
    const name = this.config.adminRoleName;
    if (await em.exists(RoleEntity, { where: { tenantId, name } })) {
      return false;
    }
    const now = new Date().toISOString();
    await em.insert(RoleEntity, {
      tenantId,
      id: `rol_${randomAlphanumeric(16)}`,
      name,
      description: 'Tessera dashboard administrators: members get the Management API scopes in the dashboard',
      createdAt: now,
      updatedAt: now,
    });
    return true;
  }

  get adminRoleName(): string {
    return this.config.adminRoleName;
  }

  // ---- Steps ----

  /** A write that can change effective permissions: one transaction that also raises the tenant's RBAC version, then this process's cache drops. */
  private async rbacWrite<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.write(async (em) => {
      const r = await fn(em);
      await this.changed(em, tenantId);
      return r;
    });
    this.permissions.invalidate(tenantId);
    return result;
  }

  /** Raises the tenant's RBAC version in the caller's transaction (other processes see it at their next check) and drops this process's cache. */
  private async changed(em: EntityManager, tenantId: string): Promise<void> {
    await em.createQueryBuilder().insert().into(RbacVersionEntity).values({ tenantId, version: 0 }).orIgnore().execute();
    await em
      .createQueryBuilder()
      .update(RbacVersionEntity)
      .set({ version: () => 'version + 1' })
      .where('tenant_id = :tenantId', { tenantId })
      .execute();
    this.permissions.invalidate(tenantId);
  }

  /** Adds or removes a role's or a user's permissions, once the holder and every permission are checked. */
  private async changePermissions(
    tenantId: string,
    holder: { roleId: string } | { userId: string },
    permissions: PermissionRefDto[],
    op: 'add' | 'remove',
  ): Promise<void> {
    await this.rbacWrite(tenantId, async (em) => {
      const entity = 'roleId' in holder ? RolePermissionEntity : UserPermissionEntity;
      if ('roleId' in holder) {
        await this.findRole(em, tenantId, holder.roleId);
      } else {
        await this.findUser(em, tenantId, holder.userId);
      }
      const refs = await this.checkPermissions(em, tenantId, permissions);
      const rows = refs.map((r) => ({ tenantId, ...holder, resourceServerIdentifier: r.api, permissionName: r.name }));
      if (op === 'add') {
        await insertIgnoring(em, entity as new () => object, rows);
        return;
      }
      for (const row of rows) {
        await em.delete(entity, row);
      }
    });
  }

  private async findRole(em: EntityManager, tenantId: string, roleId: string): Promise<RoleEntity> {
    const role = await em.findOne(RoleEntity, { where: { tenantId, id: roleId } });
    if (!role) {
      throw roleNotFound();
    }
    return role;
  }

  private async findUser(em: EntityManager, tenantId: string, userId: string): Promise<void> {
    if (!(await em.exists(UserEntity, { where: { tenantId, userId } }))) {
      throw userNotFound();
    }
  }

  private async rolesOf(em: EntityManager, tenantId: string, userId: string): Promise<RoleEntity[]> {
    // By the user's role ids (IN), so the user's few rows drive the lookup, not the tenant's roles.
    return em
      .getRepository(RoleEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId', { tenantId })
      .andWhere('r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.tenant_id = :tenantId AND ur.user_id = :userId)', { userId })
      .orderBy('r.name', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
  }

  /** Every role id must exist in the tenant, or nothing is assigned. */
  private async checkRoles(em: EntityManager, tenantId: string, roleIds: string[]): Promise<string[]> {
    const ids = [...new Set(roleIds)];
    const found = new Set<string>();
    for (const chunk of chunks(ids)) {
      for (const r of await em.find(RoleEntity, { select: { id: true }, where: { tenantId, id: In(chunk) } })) {
        found.add(r.id);
      }
    }
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw ManagementError.notFound(`The role does not exist: ${missing.slice(0, 10).join(', ')}`, 'inexistent_role');
    }
    return ids;
  }

  /**
   * Each permission must be a scope of an existing API of the tenant, or nothing is written. The
   * Management API's scopes are admin rights, given only through the admin role in the dashboard.
   * On PostgreSQL the APIs' rows stay locked until the transaction ends, so a concurrent scope removal
   * cannot slip between the check and the insert.
   */
  private async checkPermissions(
    em: EntityManager,
    tenantId: string,
    permissions: PermissionRefDto[],
  ): Promise<{ api: string; name: string }[]> {
    const apis = new Map<string, Set<string>>();
    const out = new Map<string, { api: string; name: string }>();
    for (const { resource_server_identifier: api, permission_name: name } of permissions) {
      let scopes = apis.get(api);
      if (!scopes) {
        const e = await this.apis.findByIdentifierIn(em, tenantId, api);
        if (!e) {
          throw ManagementError.badRequest(`Resource server "${api}" does not exist.`, 'inexistent_resource_server');
        }
        if (e.isSystem) {
          throw ManagementError.badRequest(
            `The permissions of the system API "${e.name}" cannot be assigned; members of the role "${this.config.adminRoleName}" get them in the dashboard.`,
            'operation_not_supported',
          );
        }
        scopes = new Set(e.scopes.map((s) => s.value));
        apis.set(api, scopes);
      }
      if (!scopes.has(name)) {
        throw ManagementError.badRequest(`Permission "${name}" is not a scope of the resource server "${api}".`);
      }
      out.set(`${api}\0${name}`, { api, name });
    }
    return [...out.values()];
  }

  /** Adds the API's name and the scope's description to stored permission rows. */
  private async describe(
    tenantId: string,
    rows: { resourceServerIdentifier: string; permissionName: string }[],
  ): Promise<PermissionResponse[]> {
    const out: PermissionResponse[] = [];
    for (const r of rows) {
      const api = await this.apis.findByIdentifier(tenantId, r.resourceServerIdentifier);
      const scope = api?.entity.scopes.find((s) => s.value === r.permissionName);
      const item: PermissionResponse = {
        permission_name: r.permissionName,
        description: scope?.description,
        resource_server_name: api?.entity.name ?? r.resourceServerIdentifier,
        resource_server_identifier: r.resourceServerIdentifier,
      };
      if (item.description === undefined) {
        delete item.description;
      }
      out.push(item);
    }
    return out;
  }
}

function toRoleResponse(r: RoleEntity): RoleResponse {
  return r.description === null ? { id: r.id, name: r.name } : { id: r.id, name: r.name, description: r.description };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keeps statements under SQLite's bound-parameter limit. */
function chunks<T>(items: T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Inserts rows, skipping those already there (assignments are idempotent, as in Auth0). */
async function insertIgnoring<T extends object>(em: EntityManager, entity: new () => T, rows: T[]): Promise<void> {
  for (const chunk of chunks(rows, 100)) {
    if (chunk.length > 0) {
      await em.createQueryBuilder().insert().into(entity).values(chunk).orIgnore().execute();
    }
  }
}
