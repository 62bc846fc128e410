import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { pageOf, type ListQuery } from '../management/list-query.js';
import { MANAGEMENT_SCOPES } from '../management/management-scopes.js';
import { assertCanBeDefaultAudience, AudienceRuleError } from '../rules/audience-rules.js';
import { managementApiIdentifier, userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CreateResourceServerDto, UpdateResourceServerDto, type ResourceServerResponse } from './dto/resource-server.dto.js';
import { ResourceServerEntity } from './resource-server.entity.js';
import { toResourceServerResponse } from './resource-server.mapper.js';

/** What the token issuer needs of an API, with its secret already opened. Cached per process. */
export interface ApiRecord {
  entity: ResourceServerEntity;
  signingSecret?: string;
  scopeValues: Set<string>;
}

const notFound = () => ManagementError.notFound('The resource server does not exist', 'inexistent_resource_server');

@Injectable()
export class ApisService {
  /** tenantId -> identifier -> record; filled on demand, dropped on every write of this process. */
  private readonly cache = new Map<string, Map<string, ApiRecord | null>>();

  constructor(
    @InjectRepository(ResourceServerEntity) private readonly repo: Repository<ResourceServerEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly tenants: TenantsService,
  ) {}

  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    let rows = await this.repo.find({ where: { tenantId: tenant.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const identifiers = q.filters.identifiers;
    if (Array.isArray(identifiers) && identifiers.length > 0) {
      rows = rows.filter((r) => identifiers.includes(r.identifier));
    }
    return pageOf(
      rows.map((r) => this.toResponse(r)),
      q,
      'resource_servers',
    );
  }

  async get(tenant: TenantContext, idOrIdentifier: string): Promise<ResourceServerResponse> {
    return this.toResponse(await this.findOrFail(this.repo.manager, tenant.id, idOrIdentifier));
  }

  async create(tenant: TenantContext, dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    if (dto.identifier === userinfoAudience(tenant.issuer) || dto.identifier === managementApiIdentifier(tenant.issuer)) {
      throw ManagementError.badRequest(`The identifier "${dto.identifier}" is reserved by the tenant`);
    }
    const now = new Date().toISOString();
    const e = new ResourceServerEntity();
    e.id = this.secrets.newId();
    e.tenantId = tenant.id;
    e.identifier = dto.identifier;
    e.name = dto.name ?? dto.identifier;
    e.isSystem = false;
    e.signingAlg = dto.signing_alg ?? 'RS256';
    e.tokenLifetime = dto.token_lifetime ?? 86400;
    e.tokenLifetimeForWeb = dto.token_lifetime_for_web ?? Math.min(7200, e.tokenLifetime);
    e.allowOfflineAccess = dto.allow_offline_access ?? false;
    e.skipConsentForVerifiableFirstPartyClients = dto.skip_consent_for_verifiable_first_party_clients ?? false;
    e.scopes = normalizeScopes(dto.scopes ?? []);
    e.tokenDialect = dto.token_dialect ?? 'access_token';
    e.enforcePolicies = dto.enforce_policies ?? false;
    e.tokenEncryption = null;
    e.accessTokenFormat = 'jwt';
    e.createdAt = now;
    e.updatedAt = now;
    const secret = dto.signing_secret ?? (e.signingAlg === 'HS256' ? this.secrets.newSecret() : undefined);
    e.signingSecretSealed = secret === undefined ? null : this.secrets.seal(secret, `resource_server:${e.id}`);
    assertLifetimes(e);

    await this.db.write(async (em) => {
      if (await em.exists(ResourceServerEntity, { where: { tenantId: tenant.id, identifier: e.identifier } })) {
        throw ManagementError.conflict('A resource server with the same identifier already exists');
      }
      await em.insert(ResourceServerEntity, e);
    });
    this.invalidate(tenant.id);
    return this.toResponse(e);
  }

  async update(tenant: TenantContext, idOrIdentifier: string, dto: UpdateResourceServerDto): Promise<ResourceServerResponse> {
    const saved = await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, idOrIdentifier);
      if (e.isSystem) {
        throw ManagementError.badRequest(`The resource server "${e.name}" is a system API and cannot be modified`, 'operation_not_supported');
      }
      if (dto.name !== undefined) e.name = dto.name;
      if (dto.scopes !== undefined) e.scopes = normalizeScopes(dto.scopes);
      if (dto.allow_offline_access !== undefined) e.allowOfflineAccess = dto.allow_offline_access;
      if (dto.skip_consent_for_verifiable_first_party_clients !== undefined) {
        e.skipConsentForVerifiableFirstPartyClients = dto.skip_consent_for_verifiable_first_party_clients;
      }
      if (dto.token_dialect !== undefined) e.tokenDialect = dto.token_dialect;
      if (dto.enforce_policies !== undefined) e.enforcePolicies = dto.enforce_policies;
      if (dto.token_lifetime !== undefined) {
        e.tokenLifetime = dto.token_lifetime;
        if (dto.token_lifetime_for_web === undefined) {
          // Only the total lifetime was given: keep the web lifetime inside it rather than refuse.
          e.tokenLifetimeForWeb = Math.min(e.tokenLifetimeForWeb, e.tokenLifetime);
        }
      }
      if (dto.token_lifetime_for_web !== undefined) e.tokenLifetimeForWeb = dto.token_lifetime_for_web;
      assertLifetimes(e);
      if (dto.signing_alg !== undefined) e.signingAlg = dto.signing_alg;
      if (dto.signing_secret !== undefined) {
        e.signingSecretSealed = this.secrets.seal(dto.signing_secret, `resource_server:${e.id}`);
      } else if (e.signingAlg === 'HS256' && !e.signingSecretSealed) {
        e.signingSecretSealed = this.secrets.seal(this.secrets.newSecret(), `resource_server:${e.id}`);
      }
      const t = await this.tenants.findForUpdate(em, tenant.id);
      if (t.defaultAudience === e.identifier) {
        assertDefaultAudienceRule(e);
      }
      e.updatedAt = new Date().toISOString();
      await em.save(ResourceServerEntity, e, { transaction: false, reload: false });
      return e;
    });
    this.invalidate(tenant.id);
    return this.toResponse(saved);
  }

  /** Refuses to delete the Default Audience API: the tenant would then name an API that does not exist. */
  async delete(tenant: TenantContext, idOrIdentifier: string): Promise<void> {
    await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, idOrIdentifier);
      if (e.isSystem) {
        throw ManagementError.badRequest(`The resource server "${e.name}" is a system API and cannot be deleted`, 'operation_not_supported');
      }
      const t = await this.tenants.findForUpdate(em, tenant.id);
      if (t.defaultAudience === e.identifier) {
        throw ManagementError.badRequest(
          `The API "${e.name}" (${e.identifier}) is the tenant's default audience; change or clear default_audience in the tenant settings before deleting it.`,
        );
      }
      await em.delete(ResourceServerEntity, { id: e.id });
      for (const listener of this.deleteListeners) {
        await listener(em, tenant.id, e.identifier);
      }
    });
    this.invalidate(tenant.id);
  }

  private readonly deleteListeners: ((em: EntityManager, tenantId: string, identifier: string) => Promise<void>)[] = [];

  /** Lets modules that own rows naming an API (client grants) delete them in the same transaction. */
  onDelete(listener: (em: EntityManager, tenantId: string, identifier: string) => Promise<void>): void {
    this.deleteListeners.push(listener);
  }

  /** Creates the system Management API for a new tenant. */
  async createSystemApi(em: EntityManager, tenantId: string, issuer: string): Promise<void> {
    const now = new Date().toISOString();
    const e = new ResourceServerEntity();
    Object.assign(e, {
      id: this.secrets.newId(),
      tenantId,
      identifier: managementApiIdentifier(issuer),
      name: 'Auth0 Management API',
      isSystem: true,
      signingAlg: 'RS256',
      signingSecretSealed: null,
      tokenLifetime: 86400,
      tokenLifetimeForWeb: 7200,
      allowOfflineAccess: false,
      skipConsentForVerifiableFirstPartyClients: false,
      scopes: MANAGEMENT_SCOPES,
      tokenDialect: 'access_token',
      enforcePolicies: false,
      tokenEncryption: null,
      accessTokenFormat: 'jwt',
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<ResourceServerEntity>);
    await em.insert(ResourceServerEntity, e);
  }

  /** Hot path: the API a token is requested for, from memory after the first read. */
  async findForToken(tenantId: string, identifier: string): Promise<ApiRecord | undefined> {
    let perTenant = this.cache.get(tenantId);
    if (!perTenant) {
      perTenant = new Map();
      this.cache.set(tenantId, perTenant);
    }
    const hit = perTenant.get(identifier);
    if (hit !== undefined) {
      return hit ?? undefined;
    }
    const row = await this.repo.findOne({ where: { tenantId, identifier } });
    const record = row ? this.toRecord(row) : null;
    // Bounded negative caching: unknown audiences are cheap to ask for, so do not let them grow the map.
    if (record || perTenant.size < 50000) {
      perTenant.set(identifier, record);
    }
    return record ?? undefined;
  }

  /** Reads an API inside a caller's transaction (tenant settings checks). */
  async findByIdentifierIn(em: EntityManager, tenantId: string, identifier: string): Promise<ResourceServerEntity | null> {
    return em.findOne(ResourceServerEntity, { where: { tenantId, identifier } });
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private toRecord(e: ResourceServerEntity): ApiRecord {
    return {
      entity: e,
      signingSecret: e.signingSecretSealed ? this.secrets.open(e.signingSecretSealed, `resource_server:${e.id}`) : undefined,
      scopeValues: new Set(e.scopes.map((s) => s.value)),
    };
  }

  private toResponse(e: ResourceServerEntity): ResourceServerResponse {
    const secret = e.signingSecretSealed ? this.secrets.open(e.signingSecretSealed, `resource_server:${e.id}`) : undefined;
    return toResourceServerResponse(e, secret);
  }

  private async findOrFail(em: EntityManager, tenantId: string, idOrIdentifier: string): Promise<ResourceServerEntity> {
    const row =
      (await em.findOne(ResourceServerEntity, { where: { tenantId, id: idOrIdentifier } })) ??
      (await em.findOne(ResourceServerEntity, { where: { tenantId, identifier: idOrIdentifier } }));
    if (!row) {
      throw notFound();
    }
    return row;
  }
}

export function assertDefaultAudienceRule(e: ResourceServerEntity): void {
  try {
    assertCanBeDefaultAudience({ name: e.name, identifier: e.identifier, signingAlg: e.signingAlg, encrypted: Boolean(e.tokenEncryption) });
  } catch (err) {
    if (err instanceof AudienceRuleError) {
      throw ManagementError.badRequest(err.message);
    }
    throw err;
  }
}

function assertLifetimes(e: ResourceServerEntity): void {
  if (e.tokenLifetimeForWeb > e.tokenLifetime) {
    throw ManagementError.badRequest(
      `token_lifetime_for_web (${e.tokenLifetimeForWeb}) cannot be greater than token_lifetime (${e.tokenLifetime})`,
    );
  }
}

function normalizeScopes(scopes: { value: string; description?: string }[]): { value: string; description?: string }[] {
  const seen = new Set<string>();
  for (const s of scopes) {
    if (seen.has(s.value)) {
      throw ManagementError.badRequest(`Payload validation error: duplicate scope "${s.value}".`);
    }
    seen.add(s.value);
  }
  return scopes.map((s) => (s.description === undefined ? { value: s.value } : { value: s.value, description: s.description }));
}
