import { isDeepStrictEqual } from 'node:util';
import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { pageOf, pageQuery, type ListQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { DEFAULT_JWT_CONFIGURATION, defaultGrantTypes, defaultTokenEndpointAuthMethod } from './client-defaults.js';
import { ClientEntity, type AppType } from './client.entity.js';
import { globalClient, toClientResponse } from './client.mapper.js';
import {
  DASHBOARD_CLIENT_FIXED,
  DASHBOARD_CLIENT_LOCKED_FIELDS,
  DASHBOARD_CLIENT_NAME,
  type DashboardClientUrls,
} from './dashboard-client.js';
import type { ClientResponse, CreateClientDto, UpdateClientDto } from './dto/client.dto.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';
import type { ClientOrigins } from '../rules/browser-origins.js';

/** What the token endpoint needs of a client, secret already opened. Cached per process. */
export interface ClientRecord {
  entity: ClientEntity;
  clientSecret: string;
}

type DeleteListener = (em: EntityManager, tenantId: string, clientId: string) => Promise<void>;

const notFound = () => ManagementError.notFound('The client does not exist', 'inexistent_client');

const canSeeSecret = (scopes: readonly string[]) => scopes.includes('read:client_keys');

@Injectable()
export class ClientsService {
  private readonly cache: TenantCache<ClientRecord>;
  private readonly origins: TenantCache<ClientOrigins[]>;
  private readonly deleteListeners: DeleteListener[] = [];
  private readonly createListeners: DeleteListener[] = [];

  constructor(
    @InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    caches: CacheRegistry,
  ) {
    this.cache = caches.create(
      'clients',
      [versionedTable('clients')],
      async (tenantId, clientId) => {
        const row = await this.repo.findOne({ where: { tenantId, clientId } });
        return row ? { entity: row, clientSecret: this.openSecret(row) } : null;
      },
      100_000,
    );
    this.origins = caches.create('client-origins', [versionedTable('clients')], async (tenantId) => {
      const rows = await this.repo.find({
        where: { tenantId },
        select: { clientId: true, callbacks: true, webOrigins: true, allowedOrigins: true },
      });
      return rows.map((r) => ({ callbacks: r.callbacks, webOrigins: r.webOrigins, allowedOrigins: r.allowedOrigins }));
    });
  }

  /** A page of the tenant's clients, filtered and paged by the database; only its secrets are opened. */
  async list(tenant: TenantContext, q: ListQuery, scopes: readonly string[]): Promise<unknown> {
    if (booleanFilter(q.filters.is_global, 'is_global') === true) {
      // Auth0's tenant-wide "All Applications" client; only this filter shows it, as it is no client of Tessera's own.
      return pageOf([globalClient(tenant)], q, 'clients');
    }
    const qb = this.repo.createQueryBuilder('c').where('c.tenant_id = :tenantId', { tenantId: tenant.id });
    const firstParty = booleanFilter(q.filters.is_first_party, 'is_first_party');
    if (firstParty !== undefined) {
      qb.andWhere(`c.is_first_party = ${firstParty ? 'TRUE' : 'FALSE'}`);
    }
    const appTypes = q.filters.app_type;
    if (typeof appTypes === 'string') {
      const wanted = [
        ...new Set(
          appTypes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      qb.andWhere(wanted.length > 0 ? 'c.app_type IN (:...appTypes)' : '1=0', { appTypes: wanted });
    }
    qb.orderBy('c.created_at', 'ASC').addOrderBy('c.client_id', 'ASC');
    const withSecret = canSeeSecret(scopes);
    return pageQuery(qb, q, 'clients', (rows) => rows.map((r) => toClientResponse(r, withSecret ? this.openSecret(r) : undefined)));
  }

  async get(tenant: TenantContext, clientId: string, scopes: readonly string[]): Promise<ClientResponse> {
    const row = await this.repo.findOne({ where: { tenantId: tenant.id, clientId } });
    if (!row) {
      throw notFound();
    }
    return toClientResponse(row, canSeeSecret(scopes) ? this.openSecret(row) : undefined);
  }

  /** Creates a client with Auth0's defaults for its `app_type`; the response carries the new secret. */
  async create(tenant: TenantContext, dto: CreateClientDto): Promise<ClientResponse> {
    // A new client gets its own client_id and times, whatever a copied body held.
    dropReadOnlyEchoes(dto, { global: false });
    refuseCustomLoginPage(dto);
    const now = new Date().toISOString();
    const appType: AppType | undefined = dto.app_type;
    const e = new ClientEntity();
    e.clientId = this.secrets.newClientId();
    e.tenantId = tenant.id;
    e.name = dto.name;
    e.description = dto.description ?? '';
    e.appType = appType ?? null;
    e.isFirstParty = dto.is_first_party ?? true;
    e.oidcConformant = dto.oidc_conformant ?? true;
    e.callbacks = dto.callbacks ?? [];
    e.allowedLogoutUrls = dto.allowed_logout_urls ?? [];
    e.webOrigins = dto.web_origins ?? [];
    e.allowedOrigins = dto.allowed_origins ?? [];
    e.grantTypes = dto.grant_types ?? defaultGrantTypes(appType);
    e.tokenEndpointAuthMethod = dto.token_endpoint_auth_method ?? defaultTokenEndpointAuthMethod(appType);
    e.jwtConfiguration = { ...DEFAULT_JWT_CONFIGURATION, ...definedOnly(dto.jwt_configuration) };
    const secret = dto.client_secret ?? this.secrets.newSecret();
    e.clientSecretSealed = this.sealSecret(e.clientId, secret);
    e.isSystem = false;
    e.systemRole = null;
    e.createdAt = now;
    e.updatedAt = now;
    await this.db.write(async (em) => {
      await em.insert(ClientEntity, e);
      for (const listener of this.createListeners) {
        await listener(em, tenant.id, e.clientId);
      }
    });
    this.invalidate(tenant.id, e.clientId);
    return toClientResponse(e, secret);
  }

  /**
   * Partial update. `client_secret` needs `update:client_keys` (Auth0's rule); the response shows the
   * secret only to a caller holding `read:client_keys` or `update:client_keys`.
   */
  async update(tenant: TenantContext, clientId: string, dto: UpdateClientDto, scopes: readonly string[]): Promise<ClientResponse> {
    if (dto.client_secret !== undefined && !scopes.includes('update:client_keys')) {
      throw new ManagementError(403, 'insufficient_scope', 'Insufficient scope, expected any of: update:client_keys');
    }
    refuseCustomLoginPage(dto);
    if (clientId === globalClient(tenant).client_id) {
      // The global client holds nothing Tessera keeps: its own values sent back are a no-op, a change is refused.
      const global = globalClient(tenant);
      dropReadOnlyEchoes(dto, { client_id: clientId, global: true });
      const changed = Object.entries(dto).filter(([k, v]) => !isDeepStrictEqual(v, global[k]));
      if (changed.length > 0) {
        throw unsupported(`The global client's settings (${changed.map(([k]) => k).join(', ')})`);
      }
      return global as unknown as ClientResponse;
    }
    try {
      const saved = await this.db.write(async (em) => {
        const e = await this.findOrFail(em, tenant.id, clientId);
        dropReadOnlyEchoes(dto, { client_id: e.clientId, global: false });
        if (e.systemRole === 'dashboard') {
          assertDashboardClientKept(e, dto);
        }
        if (dto.name !== undefined) e.name = dto.name;
        if (dto.description !== undefined) e.description = dto.description;
        if (dto.app_type !== undefined) e.appType = dto.app_type;
        if (dto.is_first_party !== undefined) e.isFirstParty = dto.is_first_party;
        if (dto.oidc_conformant !== undefined) e.oidcConformant = dto.oidc_conformant;
        if (dto.callbacks !== undefined) e.callbacks = dto.callbacks;
        if (dto.allowed_logout_urls !== undefined) e.allowedLogoutUrls = dto.allowed_logout_urls;
        if (dto.web_origins !== undefined) e.webOrigins = dto.web_origins;
        if (dto.allowed_origins !== undefined) e.allowedOrigins = dto.allowed_origins;
        if (dto.grant_types !== undefined) e.grantTypes = dto.grant_types;
        if (dto.token_endpoint_auth_method !== undefined) e.tokenEndpointAuthMethod = dto.token_endpoint_auth_method;
        if (dto.jwt_configuration !== undefined) {
          e.jwtConfiguration = { ...e.jwtConfiguration, ...definedOnly(dto.jwt_configuration) };
        }
        if (dto.client_secret !== undefined) {
          e.clientSecretSealed = this.sealSecret(e.clientId, dto.client_secret);
        }
        if (e.systemRole === 'admin') {
          assertAdminClientUsable(e);
        }
        e.updatedAt = new Date().toISOString();
        await em.save(ClientEntity, e, { transaction: false, reload: false });
        return e;
      });
      const withSecret = scopes.includes('read:client_keys') || scopes.includes('update:client_keys');
      return toClientResponse(saved, withSecret ? this.openSecret(saved) : undefined);
    } finally {
      this.invalidate(tenant.id, clientId);
    }
  }

  /** A fresh secret, effective at once: the old one stops authenticating when this returns. */
  async rotateSecret(tenant: TenantContext, clientId: string): Promise<ClientResponse> {
    const secret = this.secrets.newSecret();
    try {
      const saved = await this.db.write(async (em) => {
        const e = await this.findOrFail(em, tenant.id, clientId);
        e.clientSecretSealed = this.sealSecret(e.clientId, secret);
        e.updatedAt = new Date().toISOString();
        await em.save(ClientEntity, e, { transaction: false, reload: false });
        return e;
      });
      return toClientResponse(saved, secret);
    } finally {
      this.invalidate(tenant.id, clientId);
    }
  }

  /**
   * Deletes a client and, in the same transaction, what names it (client grants). The system clients are
   * refused: the bootstrap admin client is the operator's way into the Management API, the dashboard
   * client the admins' way into the dashboard.
   */
  async delete(tenant: TenantContext, clientId: string): Promise<void> {
    try {
      await this.db.write(async (em) => {
        const e = await this.findOrFail(em, tenant.id, clientId);
        if (e.systemRole === 'dashboard') {
          throw ManagementError.badRequest(
            `The client "${e.name}" is the tenant's Tessera Dashboard client and cannot be deleted: the tenant's admins sign in to the dashboard through it.`,
            'operation_not_supported',
          );
        }
        if (e.isSystem) {
          throw ManagementError.badRequest(
            `The client "${e.name}" is the tenant's bootstrap admin client and cannot be deleted: it is the operator's way into the Management API. Create another admin client first if you need to retire it.`,
            'operation_not_supported',
          );
        }
        for (const listener of this.deleteListeners) {
          await listener(em, tenant.id, e.clientId);
        }
        await em.delete(ClientEntity, { tenantId: tenant.id, clientId: e.clientId });
      });
    } finally {
      this.invalidate(tenant.id, clientId);
    }
  }

  /** Lets modules that own rows naming a client (client grants) delete them in the same transaction. */
  onDelete(listener: DeleteListener): void {
    this.deleteListeners.push(listener);
  }

  /** Lets modules act in the transaction that creates a client through the Management API (enabling connections). */
  onCreate(listener: DeleteListener): void {
    this.createListeners.push(listener);
  }

  /** Reads a client inside a caller's transaction (client grant checks). */
  async findIn(em: EntityManager, tenantId: string, clientId: string): Promise<ClientEntity | null> {
    return em.findOne(ClientEntity, { where: { tenantId, clientId } });
  }

  /** Hot path: one indexed read the first time, memory afterwards. */
  findByClientId(tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
    return this.cache.get(tenantId, clientId);
  }

  /** The tenant's admin machine-to-machine client, created at bootstrap. */
  async createSystemAdminClient(em: EntityManager, tenantId: string, clientId: string, clientSecret: string): Promise<ClientEntity> {
    const now = new Date().toISOString();
    const e = new ClientEntity();
    Object.assign(e, {
      clientId,
      tenantId,
      name: 'Tessera Admin (Management API)',
      description: 'Machine-to-machine client created at bootstrap, granted every Management API scope.',
      appType: 'non_interactive',
      isFirstParty: true,
      oidcConformant: true,
      callbacks: [],
      allowedLogoutUrls: [],
      webOrigins: [],
      allowedOrigins: [],
      grantTypes: ['client_credentials'],
      tokenEndpointAuthMethod: 'client_secret_post',
      jwtConfiguration: { ...DEFAULT_JWT_CONFIGURATION },
      clientSecretSealed: this.sealSecret(clientId, clientSecret),
      isSystem: true,
      systemRole: 'admin',
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<ClientEntity>);
    await em.insert(ClientEntity, e);
    return e;
  }

  /**
   * Creates the tenant's Tessera Dashboard client (a public, first-party SPA for the authorization code
   * flow with PKCE) when it has none, or brings its URLs in line with the tenant's domains. Idempotent:
   * 'unchanged' means nothing was written.
   */
  async ensureDashboardClientIn(
    em: EntityManager,
    tenantId: string,
    urls: DashboardClientUrls,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const now = new Date().toISOString();
    const existing = await em.findOne(ClientEntity, { where: { tenantId, systemRole: 'dashboard' } });
    if (existing) {
      const same =
        sameList(existing.callbacks, urls.callbacks) &&
        sameList(existing.allowedLogoutUrls, urls.allowedLogoutUrls) &&
        sameList(existing.webOrigins, urls.webOrigins);
      if (same) {
        return 'unchanged';
      }
      await em.update(
        ClientEntity,
        { tenantId, clientId: existing.clientId },
        { callbacks: urls.callbacks, allowedLogoutUrls: urls.allowedLogoutUrls, webOrigins: urls.webOrigins, updatedAt: now },
      );
      return 'updated';
    }
    const clientId = this.secrets.newClientId();
    const e = new ClientEntity();
    Object.assign(e, {
      clientId,
      tenantId,
      name: DASHBOARD_CLIENT_NAME,
      description: "Sign-in to Tessera's dashboard for the tenant's users with the admin role.",
      ...DASHBOARD_CLIENT_FIXED,
      grantTypes: [...DASHBOARD_CLIENT_FIXED.grantTypes],
      oidcConformant: true,
      callbacks: urls.callbacks,
      allowedLogoutUrls: urls.allowedLogoutUrls,
      webOrigins: urls.webOrigins,
      allowedOrigins: [],
      jwtConfiguration: { ...DEFAULT_JWT_CONFIGURATION },
      // Public client: the secret is never used, but every client row has one (Auth0 returns it too).
      clientSecretSealed: this.sealSecret(clientId, this.secrets.newSecret()),
      isSystem: true,
      systemRole: 'dashboard',
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<ClientEntity>);
    await em.insert(ClientEntity, e);
    return 'created';
  }

  /** The tenant's Tessera Dashboard client, if it has one. */
  async findDashboardClient(tenantId: string): Promise<ClientEntity | undefined> {
    return (await this.repo.findOne({ where: { tenantId, systemRole: 'dashboard' } })) ?? undefined;
  }

  async countIn(em: EntityManager, tenantId: string): Promise<number> {
    return em.count(ClientEntity, { where: { tenantId } });
  }

  sealSecret(clientId: string, secret: string): string {
    return this.secrets.seal(secret, `client:${clientId}`);
  }

  openSecret(e: ClientEntity): string {
    return this.secrets.open(e.clientSecretSealed, `client:${e.clientId}`);
  }

  /** Every client's CORS origins in a tenant: a preflight names no client, so any client may allow it. */
  async allOrigins(tenantId: string): Promise<ClientOrigins[]> {
    return (await this.origins.get(tenantId, '')) ?? [];
  }

  invalidate(tenantId: string, clientId?: string): void {
    this.cache.invalidate(tenantId, clientId);
    this.origins.invalidate(tenantId);
  }

  private async findOrFail(em: EntityManager, tenantId: string, clientId: string): Promise<ClientEntity> {
    const row = await this.findIn(em, tenantId, clientId);
    if (!row) {
      throw notFound();
    }
    return row;
  }
}

function unsupported(what: string): ManagementError {
  return ManagementError.badRequest(`${what}: not supported by Tessera`, 'operation_not_supported');
}

/**
 * Auth0's custom login page (kept on the global client by auth0-deploy-cli's `pages`): Tessera serves its
 * own login page for every application, so turning one on is refused by name; "off" is accepted and dropped.
 */
function refuseCustomLoginPage(dto: { custom_login_page_on?: boolean; custom_login_page?: string }): void {
  if (dto.custom_login_page_on === true || (dto.custom_login_page ?? '') !== '') {
    throw unsupported('Custom login pages (custom_login_page, custom_login_page_on)');
  }
  delete dto.custom_login_page_on;
  delete dto.custom_login_page;
}

/** The bootstrap admin client must keep working for the client credentials grant with its secret. */
function assertAdminClientUsable(e: ClientEntity): void {
  if (!e.grantTypes.includes('client_credentials') || e.tokenEndpointAuthMethod === 'none') {
    throw ManagementError.badRequest(
      `The client "${e.name}" is the tenant's bootstrap admin client: it must keep the client_credentials grant and a client secret, or nobody could reach the Management API.`,
      'operation_not_supported',
    );
  }
}

/** The dashboard client keeps what its sign-in depends on; other fields (name, lifetimes) may change. */
function assertDashboardClientKept(e: ClientEntity, dto: UpdateClientDto): void {
  const current: Record<(typeof DASHBOARD_CLIENT_LOCKED_FIELDS)[number], unknown> = {
    app_type: e.appType,
    token_endpoint_auth_method: e.tokenEndpointAuthMethod,
    grant_types: e.grantTypes,
    is_first_party: e.isFirstParty,
    callbacks: e.callbacks,
    allowed_logout_urls: e.allowedLogoutUrls,
    web_origins: e.webOrigins,
  };
  const changed = DASHBOARD_CLIENT_LOCKED_FIELDS.filter(
    (f) => dto[f] !== undefined && JSON.stringify(dto[f]) !== JSON.stringify(current[f]),
  );
  if (changed.length > 0) {
    throw ManagementError.badRequest(
      `The client "${e.name}" is the tenant's Tessera Dashboard client: its ${changed.join(', ')} cannot be changed, since the dashboard signs users in with them. Tessera keeps its callbacks in line with the tenant's domains.`,
      'operation_not_supported',
    );
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function booleanFilter(value: string | string[] | undefined, name: string): boolean | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value !== 'true' && value !== 'false') {
    throw ManagementError.badRequest(`Query validation error: '${name}' must be true or false.`, 'invalid_query_string');
  }
  return value === 'true';
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>) : {};
}
