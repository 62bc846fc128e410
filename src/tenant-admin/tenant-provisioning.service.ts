import { CacheRegistry } from '../cache/cache-registry.js';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApisService } from '../apis/apis.service.js';
import { ResourceServerEntity } from '../apis/resource-server.entity.js';
import { ClientGrantEntity } from '../client-grants/client-grant.entity.js';
import { ClientGrantsService } from '../client-grants/client-grants.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { dashboardClientUrls } from '../clients/dashboard-client.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { SigningKeyEntity } from '../keys/signing-key.entity.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { MANAGEMENT_SCOPES, TENANT_ADMIN_SCOPES } from '../management/management-scopes.js';
import { RolesService } from '../roles/roles.service.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { managementApiIdentifier } from '../tenants/tenant-context.js';
import { DEFAULT_TENANT_ID, TenantsService } from '../tenants/tenants.service.js';

export interface NewTenant {
  id?: string;
  friendlyName: string;
  domain: string;
  aliases?: string[];
  adminClientId?: string;
  adminClientSecret?: string;
}

export interface ProvisionedTenant {
  tenant: TenantEntity;
  aliases: string[];
  issuer: string;
  adminClientId: string;
  adminClientSecret: string;
}

/**
 * Creates a tenant with everything it needs to be used at once: its signing keys (current and next), the
 * system Management API, an admin machine-to-machine client granted every Management scope and the
 * Tessera Dashboard sign-in client, in one transaction. The default tenant is created this way at first
 * start; others through the tenants API.
 */
@Injectable()
export class TenantProvisioningService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: DbService,
    private readonly tenants: TenantsService,
    private readonly keys: SigningKeysService,
    private readonly apis: ApisService,
    private readonly clients: ClientsService,
    private readonly grants: ClientGrantsService,
    private readonly connections: ConnectionsService,
    private readonly secrets: SecretsService,
    private readonly caches: CacheRegistry,
    private readonly roles: RolesService,
  ) {}

  issuerOf(tenant: Pick<TenantEntity, 'id' | 'domain'>): string {
    if (tenant.id === DEFAULT_TENANT_ID) {
      return this.config.issuer;
    }
    return `${new URL(this.config.issuer).protocol}//${tenant.domain}/`;
  }

  async create(input: NewTenant): Promise<ProvisionedTenant> {
    const id = input.id ?? `ten_${this.secrets.newId()}`;
    const aliases = [...new Set(input.aliases ?? [])].filter((d) => d !== input.domain);
    const clientId = input.adminClientId ?? this.secrets.newClientId();
    const clientSecret = input.adminClientSecret ?? this.secrets.newSecret();
    const keyRows = await this.keys.prepareInitialKeys(id);
    const now = new Date().toISOString();
    const tenant = Object.assign(new TenantEntity(), {
      id,
      domain: input.domain,
      friendlyName: input.friendlyName,
      pictureUrl: '',
      supportEmail: '',
      supportUrl: '',
      defaultAudience: '',
      defaultDirectory: '',
      sessionLifetime: 168,
      idleSessionLifetime: 72,
      allowedLogoutUrls: [],
      enabledLocales: ['en'],
      flags: {},
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<TenantEntity>);
    const issuer = this.issuerOf(tenant);
    const scopes = [...MANAGEMENT_SCOPES, ...(id === DEFAULT_TENANT_ID ? TENANT_ADMIN_SCOPES : [])];

    await this.db.write(async (em) => {
      if (await em.exists(TenantEntity, { where: { id } })) {
        throw ManagementError.conflict(`A tenant with id "${id}" already exists`);
      }
      for (const d of [input.domain, ...aliases]) {
        if (await this.tenants.domainTakenIn(em, d)) {
          throw ManagementError.conflict(`The domain "${d}" is already used by another tenant`);
        }
      }
      await this.tenants.insertIn(em, tenant, aliases);
      await em.insert(SigningKeyEntity, keyRows);
      await this.apis.createSystemApi(em, id, issuer, scopes);
      await this.clients.createSystemAdminClient(em, id, clientId, clientSecret);
      await this.grants.createIn(
        em,
        id,
        clientId,
        managementApiIdentifier(issuer),
        scopes.map((s) => s.value),
      );
      await this.clients.ensureDashboardClientIn(em, id, dashboardClientUrls(issuer, aliases));
      await this.connections.createDefaultIn(em, id);
      await this.roles.ensureAdminRoleIn(em, id);
    });
    await this.keys.reloadTenant(id);
    this.tenants.invalidate();
    return { tenant, aliases, issuer, adminClientId: clientId, adminClientSecret: clientSecret };
  }

  /**
   * PUBLIC_URL changed since the default tenant was created: move its domain, its Management API
   * identifier and every grant and setting that names that identifier, in one transaction. Tokens issued
   * under the old issuer stop being accepted, as they must.
   */
  async moveDefaultTenant(): Promise<boolean> {
    const tenant = await this.tenants.find(DEFAULT_TENANT_ID);
    const host = new URL(this.config.issuer).host;
    if (!tenant || tenant.domain === host) {
      return false;
    }
    const oldApi = managementApiIdentifier(`${new URL(this.config.issuer).protocol}//${tenant.domain}/`);
    const newApi = managementApiIdentifier(this.config.issuer);
    await this.db.write(async (em) => {
      if (await this.tenants.domainTakenIn(em, host, DEFAULT_TENANT_ID)) {
        throw new Error(`PUBLIC_URL's host ${host} belongs to another tenant`);
      }
      const t = await this.tenants.findForUpdate(em, DEFAULT_TENANT_ID);
      t.domain = host;
      if (t.defaultAudience === oldApi) {
        t.defaultAudience = newApi;
      }
      t.updatedAt = new Date().toISOString();
      await this.tenants.saveIn(em, t);
      // Rows of other modules renamed in place: the identifier is theirs, but only this move changes it.
      await em.update(
        ResourceServerEntity,
        { tenantId: DEFAULT_TENANT_ID, isSystem: true },
        { identifier: newApi, updatedAt: t.updatedAt },
      );
      await em.update(ClientGrantEntity, { tenantId: DEFAULT_TENANT_ID, audience: oldApi }, { audience: newApi, updatedAt: t.updatedAt });
    });
    await this.caches.drop(DEFAULT_TENANT_ID);
    return true;
  }

  /**
   * Gives every tenant its Tessera Dashboard client (databases created before it existed) and keeps its
   * URLs on the tenant's domains, in one transaction. A start that finds all in place writes nothing.
   */
  async ensureDashboardClients(retry = true): Promise<string[]> {
    let changed: string[];
    try {
      changed = await this.ensureDashboardClientsOnce();
    } catch (e) {
      // Another instance starting on the same database created one first: the next pass sees it.
      if (retry && isUniqueViolation(e)) {
        return this.ensureDashboardClients(false);
      }
      throw e;
    }
    for (const id of changed) {
      this.clients.invalidate(id);
    }
    return changed;
  }

  private ensureDashboardClientsOnce(): Promise<string[]> {
    return this.db.write(async (em) => {
      const ids: string[] = [];
      for (const tenant of await em.find(TenantEntity, { order: { createdAt: 'ASC', id: 'ASC' } })) {
        const urls = dashboardClientUrls(this.issuerOf(tenant), await this.tenants.aliasesIn(em, tenant.id));
        if ((await this.clients.ensureDashboardClientIn(em, tenant.id, urls)) !== 'unchanged') {
          ids.push(tenant.id);
        }
      }
      return ids;
    });
  }

  /**
   * Gives every tenant the admin role (ADMIN_ROLE_NAME): databases from before roles, or a name changed
   * in configuration. Returns the tenants that got one.
   */
  async ensureAdminRoles(retry = true): Promise<string[]> {
    try {
      return await this.db.write(async (em) => {
        const ids: string[] = [];
        for (const tenant of await em.find(TenantEntity, { order: { createdAt: 'ASC', id: 'ASC' } })) {
          if (await this.roles.ensureAdminRoleIn(em, tenant.id)) {
            ids.push(tenant.id);
          }
        }
        return ids;
      });
    } catch (e) {
      // Another instance starting on the same database created it first: the next pass sees it.
      if (retry && isUniqueViolation(e)) {
        return this.ensureAdminRoles(false);
      }
      throw e;
    }
  }

  /** Keeps the dashboard client's URLs on the tenant's domains after its aliases changed (caller's transaction). */
  async syncDashboardClientIn(em: EntityManager, tenant: TenantEntity, aliases: string[]): Promise<void> {
    await this.clients.ensureDashboardClientIn(em, tenant.id, dashboardClientUrls(this.issuerOf(tenant), aliases));
  }

  /** Deletes a tenant and every row that belongs to it, in one transaction. The default tenant stays. */
  async delete(id: string): Promise<void> {
    if (id === DEFAULT_TENANT_ID) {
      throw ManagementError.badRequest('The default tenant cannot be deleted', 'operation_not_supported');
    }
    await this.db.write(async (em) => {
      if (!(await em.exists(TenantEntity, { where: { id } }))) {
        throw ManagementError.notFound('The tenant does not exist');
      }
      for (const meta of this.dataSource.entityMetadatas) {
        if (meta.tableName !== 'tenants' && meta.columns.some((c) => c.databaseName === 'tenant_id')) {
          await em.createQueryBuilder().delete().from(meta.target).where('tenant_id = :id', { id }).execute();
        }
      }
      await em.delete(TenantEntity, { id });
    });
    await this.caches.drop(id);
  }
}
