import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { pageQuery, projectFields, type FieldsQuery, type ListQuery } from '../management/list-query.js';
import { MANAGEMENT_SCOPES } from '../management/management-scopes.js';
import { singleAudienceReason, type AudienceApi } from '../rules/audience-rules.js';
import { managementApiIdentifier, userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { ResourceServerResponse } from './dto/resource-server-response.dto.js';
import type { CreateResourceServerDto, UpdateResourceServerDto } from './dto/resource-server.dto.js';
import { ResourceServerEntity } from './resource-server.entity.js';
import { toResourceServerResponse } from './resource-server.mapper.js';
import { normalizeScopes, resolveLifetimes } from './resource-server-rules.js';
import { encryptionKeyFromPem, type EncryptionKey } from '../keys/token-encryption.js';
import { assertFormatsCompatible, normalizeTokenEncryption } from './token-format.js';
import type { TokenEncryption } from './resource-server.entity.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';

/** What the token issuer needs of an API, with its secret already opened. Cached per process. */
export interface ApiRecord {
  entity: ResourceServerEntity;
  signingSecret?: string;
  scopeValues: Set<string>;
  /** The API's own public key when its tokens are encrypted (nested JWE). */
  encryptionKey?: EncryptionKey;
}

type DeleteListener = (em: EntityManager, tenantId: string, identifier: string) => Promise<void>;
type ScopesListener = (em: EntityManager, tenantId: string, identifier: string, scopes: ReadonlySet<string>) => Promise<void>;

const notFound = () => ManagementError.notFound('The resource server does not exist', 'inexistent_resource_server');
const duplicate = () => ManagementError.conflict('A resource server with the same identifier already exists', 'resource_server_conflict');

/** The audience-rule view of an API. */
export function audienceApi(e: ResourceServerEntity): AudienceApi {
  return { name: e.name, identifier: e.identifier, signingAlg: e.signingAlg, encrypted: Boolean(e.tokenEncryption) };
}

/** Resource servers (APIs): the Management API's CRUD and the rules that guard it, plus the issuer's cached reads. */
@Injectable()
export class ApisService {
  /** tenantId -> identifier -> record; filled on demand, dropped on every write of this process. */
  private readonly cache: TenantCache<ApiRecord>;
  private readonly deleteListeners: DeleteListener[] = [];
  private readonly scopesListeners: ScopesListener[] = [];

  constructor(
    @InjectRepository(ResourceServerEntity) private readonly repo: Repository<ResourceServerEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly tenants: TenantsService,
    caches: CacheRegistry,
  ) {
    this.cache = caches.create('apis', [versionedTable('resource_servers')], async (tenantId, identifier) => {
      const row = await this.repo.findOne({ where: { tenantId, identifier } });
      return row ? this.toRecord(row) : null;
    });
  }

  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    const qb = this.repo.createQueryBuilder('r').where('r.tenant_id = :tenantId', { tenantId: tenant.id });
    const identifiers = q.filters.identifiers;
    if (Array.isArray(identifiers) && identifiers.length > 0) {
      qb.andWhere('r.identifier IN (:...identifiers)', { identifiers });
    }
    qb.orderBy('r.created_at', 'ASC').addOrderBy('r.id', 'ASC');
    return pageQuery(qb, q, 'resource_servers', (rows) => rows.map((r) => this.toResponse(r)));
  }

  async get(tenant: TenantContext, idOrIdentifier: string, q?: FieldsQuery): Promise<Partial<ResourceServerResponse>> {
    const body = this.toResponse(await this.findOrFail(this.repo.manager, tenant.id, idOrIdentifier));
    return q ? projectFields(body, q) : body;
  }

  async create(tenant: TenantContext, dto: CreateResourceServerDto): Promise<ResourceServerResponse> {
    dropReadOnlyEchoes(dto, { is_system: false });
    if (dto.identifier === userinfoAudience(tenant.issuer)) {
      throw ManagementError.badRequest(`The identifier "${dto.identifier}" is reserved for the tenant's /userinfo endpoint`);
    }
    const now = new Date().toISOString();
    const e = new ResourceServerEntity();
    e.id = this.secrets.newId();
    e.tenantId = tenant.id;
    e.identifier = dto.identifier;
    // Auth0 names an API after its identifier when no name is given.
    e.name = dto.name ?? dto.identifier;
    e.isSystem = false;
    e.signingAlg = 'RS256';
    e.signingSecretSealed = null;
    e.allowOfflineAccess = false;
    e.skipConsentForVerifiableFirstPartyClients = false;
    e.scopes = [];
    e.tokenDialect = 'access_token';
    e.enforcePolicies = false;
    e.tokenEncryption = null;
    e.accessTokenFormat = 'jwt';
    e.tokenLifetime = 0;
    e.tokenLifetimeForWeb = 0;
    e.createdAt = now;
    e.updatedAt = now;
    this.applyFields(e, dto, undefined, await encryptionOf(dto));

    await this.db.write(async (em) => {
      if (await em.exists(ResourceServerEntity, { where: { tenantId: tenant.id, identifier: e.identifier } })) {
        throw duplicate();
      }
      try {
        await em.insert(ResourceServerEntity, e);
      } catch (err) {
        // Another process inserted the same identifier between the check and the insert: the unique index says so.
        throw isUniqueViolation(err) ? duplicate() : err;
      }
    });
    this.invalidate(tenant.id);
    return this.toResponse(e);
  }

  async update(tenant: TenantContext, idOrIdentifier: string, dto: UpdateResourceServerDto): Promise<ResourceServerResponse> {
    const encryption = await encryptionOf(dto);
    const saved = await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, idOrIdentifier, true);
      dropReadOnlyEchoes(dto, { id: e.id, identifier: e.identifier, is_system: e.isSystem });
      if (e.isSystem) {
        throw ManagementError.badRequest(
          `The resource server "${e.name}" is a system API and cannot be modified`,
          'operation_not_supported',
        );
      }
      const storedName = e.name;
      this.applyFields(e, dto, e, encryption);
      const t = await this.tenants.findForUpdate(em, tenant.id);
      if (t.defaultAudience === e.identifier) {
        assertStaysDefaultAudience(e, storedName);
      }
      e.updatedAt = new Date().toISOString();
      await em.save(ResourceServerEntity, e, { transaction: false, reload: false });
      if (dto.scopes !== undefined) {
        const values = new Set(e.scopes.map((s) => s.value));
        for (const listener of this.scopesListeners) {
          await listener(em, tenant.id, e.identifier, values);
        }
      }
      return e;
    });
    this.invalidate(tenant.id);
    return this.toResponse(saved);
  }

  /** Refuses to delete the Default Audience API: the tenant would then name an API that does not exist. */
  async delete(tenant: TenantContext, idOrIdentifier: string): Promise<void> {
    await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, idOrIdentifier, true);
      if (e.isSystem) {
        throw ManagementError.badRequest(
          `The resource server "${e.name}" is a system API and cannot be deleted`,
          'operation_not_supported',
        );
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

  /** Lets modules that own rows naming an API (client grants) delete them in the same transaction. */
  onDelete(listener: DeleteListener): void {
    this.deleteListeners.push(listener);
  }

  /** Lets modules that own rows naming an API's scopes (RBAC permissions) drop removed ones in the same transaction. */
  onScopesChanged(listener: ScopesListener): void {
    this.scopesListeners.push(listener);
  }

  /** Creates the system Management API for a new tenant. */
  async createSystemApi(
    em: EntityManager,
    tenantId: string,
    issuer: string,
    scopes: { value: string; description: string }[] = MANAGEMENT_SCOPES,
  ): Promise<void> {
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
      scopes,
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
  findByIdentifier(tenantId: string, identifier: string): Promise<ApiRecord | undefined> {
    return this.cache.get(tenantId, identifier);
  }

  /**
   * Reads an API inside a caller's write transaction, locking its row until the transaction ends (tenant
   * settings checks the Default Audience against it; a concurrent patch or delete of the API waits).
   */
  async findByIdentifierIn(em: EntityManager, tenantId: string, identifier: string): Promise<ResourceServerEntity | null> {
    return em.findOne(ResourceServerEntity, { where: { tenantId, identifier }, ...rowLock(em) });
  }

  invalidate(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  /**
   * Applies the settable fields of a create or a patch to `e`. `current` is the stored API for a patch;
   * for a create it is undefined and Auth0's defaults fill what the body leaves out.
   */
  private applyFields(
    e: ResourceServerEntity,
    dto: CreateResourceServerDto | UpdateResourceServerDto,
    current: ResourceServerEntity | undefined,
    encryption: TokenEncryption | null | undefined,
  ): void {
    if (dto.name !== undefined) {
      e.name = dto.name;
    }
    if (dto.scopes !== undefined) {
      e.scopes = normalizeScopes(dto.scopes);
    }
    if (dto.allow_offline_access !== undefined) {
      e.allowOfflineAccess = dto.allow_offline_access;
    }
    if (dto.skip_consent_for_verifiable_first_party_clients !== undefined) {
      e.skipConsentForVerifiableFirstPartyClients = dto.skip_consent_for_verifiable_first_party_clients;
    }
    if (dto.token_dialect !== undefined) {
      e.tokenDialect = dto.token_dialect;
    }
    if (dto.enforce_policies !== undefined) {
      e.enforcePolicies = dto.enforce_policies;
    }
    Object.assign(e, resolveLifetimes(current, dto));
    if (encryption !== undefined) {
      e.tokenEncryption = encryption;
    }
    if (dto.access_token_format !== undefined) {
      e.accessTokenFormat = dto.access_token_format;
    }
    assertFormatsCompatible(e.accessTokenFormat, e.tokenEncryption);
    if (dto.signing_alg !== undefined) {
      e.signingAlg = dto.signing_alg;
    }
    if (dto.signing_secret !== undefined) {
      e.signingSecretSealed = this.secrets.seal(dto.signing_secret, secretContext(e));
    } else if (e.signingAlg === 'HS256' && !e.signingSecretSealed) {
      // An HS256 API needs a secret to sign with: generate one, as Auth0 does.
      e.signingSecretSealed = this.secrets.seal(this.secrets.newSecret(), secretContext(e));
    }
  }

  private toRecord(e: ResourceServerEntity): ApiRecord {
    return {
      entity: e,
      signingSecret: e.signingSecretSealed ? this.secrets.open(e.signingSecretSealed, secretContext(e)) : undefined,
      scopeValues: new Set(e.scopes.map((s) => s.value)),
      encryptionKey: e.tokenEncryption ? encryptionKeyFromPem(e.tokenEncryption.encryption_key.pem) : undefined,
    };
  }

  private toResponse(e: ResourceServerEntity): ResourceServerResponse {
    const secret = e.signingSecretSealed ? this.secrets.open(e.signingSecretSealed, secretContext(e)) : undefined;
    return toResourceServerResponse(e, secret);
  }

  /** By id, or by identifier as Auth0 also accepts (the SDK URL-encodes it into the path). */
  private async findOrFail(em: EntityManager, tenantId: string, idOrIdentifier: string, forUpdate = false): Promise<ResourceServerEntity> {
    const lock = forUpdate ? rowLock(em) : {};
    const row =
      (await em.findOne(ResourceServerEntity, { where: { tenantId, id: idOrIdentifier }, ...lock })) ??
      (await em.findOne(ResourceServerEntity, { where: { tenantId, identifier: idOrIdentifier }, ...lock }));
    if (!row) {
      throw notFound();
    }
    return row;
  }
}

/** The validated `token_encryption` of a body: undefined when absent, null to turn encryption off. */
async function encryptionOf(dto: CreateResourceServerDto | UpdateResourceServerDto): Promise<TokenEncryption | null | undefined> {
  if (dto.token_encryption === undefined || dto.token_encryption === null) {
    return dto.token_encryption;
  }
  return normalizeTokenEncryption(dto.token_encryption);
}

/**
 * `SELECT ... FOR UPDATE` where the database has row locks. The Default Audience rule spans two rows (the
 * tenant's settings and the API); both writers lock the API row before reading the other one, so writers
 * in different processes cannot both pass their check (write skew). In-process writes are also queued
 * by DbService; SQLite has no row locks and serializes writers itself.
 */
function rowLock(em: EntityManager): { lock?: { mode: 'pessimistic_write' } } {
  return em.connection.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' } } : {};
}

/** AAD of a sealed signing secret: binds the envelope to its API's row. */
function secretContext(e: ResourceServerEntity): string {
  return `resource_server:${e.id}`;
}

/** Refuses a change that would leave the Default Audience API unable to carry the userinfo audience too. */
function assertStaysDefaultAudience(e: ResourceServerEntity, storedName: string): void {
  const reason = singleAudienceReason(audienceApi(e));
  if (!reason) {
    return;
  }
  const fix = e.signingAlg === 'HS256' ? 'keep it on RS256 or PS256' : 'keep its tokens unencrypted';
  throw ManagementError.badRequest(
    `The API "${storedName}" (${e.identifier}) is the tenant's default audience: ${reason}, and tokens for the default audience also carry the userinfo audience when "openid" is requested; ${fix}, or change default_audience first.`,
  );
}
