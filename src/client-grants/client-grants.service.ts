import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { ApisService } from '../apis/apis.service.js';
import type { ResourceServerEntity } from '../apis/resource-server.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { pageQuery, type ListQuery } from '../management/list-query.js';
import { managementApiIdentifier, type TenantContext } from '../tenants/tenant-context.js';
import { ClientGrantEntity } from './client-grant.entity.js';
import { toClientGrantResponse } from './client-grant.mapper.js';
import type { ClientGrantResponse, CreateClientGrantDto, UpdateClientGrantDto } from './dto/client-grant.dto.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';

const notFound = () => ManagementError.notFound('The client grant does not exist', 'inexistent_client_grant');

@Injectable()
export class ClientGrantsService implements OnModuleInit {
  /** tenant -> `${client}\0${audience}` -> granted scopes, or null for "no grant". */
  private readonly cache: TenantCache<string[]>;

  constructor(
    @InjectRepository(ClientGrantEntity) private readonly repo: Repository<ClientGrantEntity>,
    private readonly db: DbService,
    private readonly apis: ApisService,
    private readonly clients: ClientsService,
    private readonly secrets: SecretsService,
    caches: CacheRegistry,
  ) {
    this.cache = caches.create(
      'client grants',
      [versionedTable('client_grants')],
      async (tenantId, key) => {
        const [clientId, audience] = key.split('\u0000');
        return (await this.repo.findOne({ where: { tenantId, clientId, audience } }))?.scope ?? null;
      },
      200_000,
    );
  }

  onModuleInit(): void {
    // Auth0 deletes an API's grants with the API, and a client's grants with the client; so do we, in the
    // same transaction as the delete.
    this.apis.onDelete(async (em, tenantId, identifier) => {
      await em.delete(ClientGrantEntity, { tenantId, audience: identifier });
      this.invalidate();
    });
    this.clients.onDelete(async (em, tenantId, clientId) => {
      await em.delete(ClientGrantEntity, { tenantId, clientId });
      this.invalidate();
    });
  }

  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    const qb = this.repo.createQueryBuilder('g').where('g.tenant_id = :tenantId', { tenantId: tenant.id });
    if (typeof q.filters.audience === 'string') {
      qb.andWhere('g.audience = :audience', { audience: q.filters.audience });
    }
    if (typeof q.filters.client_id === 'string') {
      qb.andWhere('g.client_id = :clientId', { clientId: q.filters.client_id });
    }
    // Every Tessera grant is a client (machine-to-machine) grant usable without organizations.
    if ((q.filters.subject_type !== undefined && q.filters.subject_type !== 'client') || q.filters.allow_any_organization === 'true') {
      qb.andWhere('1=0');
    }
    qb.orderBy('g.created_at', 'ASC').addOrderBy('g.id', 'ASC');
    return pageQuery(qb, q, 'client_grants', async (rows) => {
      const system = await this.systemGrantIds(tenant, rows);
      return rows.map((r) => toClientGrantResponse(r, system.has(r.id)));
    });
  }

  async get(tenant: TenantContext, id: string): Promise<ClientGrantResponse> {
    const row = await this.repo.findOne({ where: { tenantId: tenant.id, id } });
    if (!row) {
      throw notFound();
    }
    return toClientGrantResponse(row, (await this.systemGrantIds(tenant, [row])).has(row.id));
  }

  /** The client must exist, the audience must be one of the tenant's APIs, and every scope one of its scopes. */
  async create(tenant: TenantContext, dto: CreateClientGrantDto): Promise<ClientGrantResponse> {
    dropReadOnlyEchoes(dto, { is_system: false });
    const scope = dto.scope ?? [];
    try {
      const saved = await this.db.write(async (em) => {
        if (!(await this.clients.findIn(em, tenant.id, dto.client_id))) {
          throw ManagementError.notFound('The client does not exist', 'inexistent_client');
        }
        const api = await this.apis.findByIdentifierIn(em, tenant.id, dto.audience);
        if (!api) {
          throw ManagementError.notFound(`No resource with identifier ${dto.audience}`, 'inexistent_resource_server');
        }
        assertScopesOfApi(scope, api);
        if (await em.exists(ClientGrantEntity, { where: { tenantId: tenant.id, clientId: dto.client_id, audience: dto.audience } })) {
          throw ManagementError.conflict('A client grant for this client and audience already exists', 'client_grant_conflict');
        }
        return this.createIn(em, tenant.id, dto.client_id, dto.audience, scope);
      });
      return toClientGrantResponse(saved, false);
    } finally {
      this.invalidate();
    }
  }

  /** Replaces the grant's scopes (each one of the API's scopes). */
  async update(tenant: TenantContext, id: string, dto: UpdateClientGrantDto): Promise<ClientGrantResponse> {
    try {
      const saved = await this.db.write(async (em) => {
        const e = await this.findOrFail(em, tenant.id, id);
        await this.assertNotSystem(em, tenant, e, 'modified');
        dropReadOnlyEchoes(dto, { id: e.id, client_id: e.clientId, audience: e.audience, is_system: false });
        if (dto.scope !== undefined) {
          const api = await this.apis.findByIdentifierIn(em, tenant.id, e.audience);
          if (!api) {
            throw ManagementError.notFound(`No resource with identifier ${e.audience}`, 'inexistent_resource_server');
          }
          assertScopesOfApi(dto.scope, api);
          e.scope = dto.scope;
        }
        e.updatedAt = new Date().toISOString();
        await em.save(ClientGrantEntity, e, { transaction: false, reload: false });
        return e;
      });
      return toClientGrantResponse(saved, false);
    } finally {
      this.invalidate();
    }
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    try {
      await this.db.write(async (em) => {
        const e = await this.findOrFail(em, tenant.id, id);
        await this.assertNotSystem(em, tenant, e, 'deleted');
        await em.delete(ClientGrantEntity, { tenantId: tenant.id, id: e.id });
      });
    } finally {
      this.invalidate();
    }
  }

  /** Hot path: the scopes `clientId` holds on `audience`, or undefined when it holds no grant. */
  grantedScopes(tenantId: string, clientId: string, audience: string): Promise<string[] | undefined> {
    return this.cache.get(tenantId, `${clientId}\u0000${audience}`);
  }

  /** Inserts a grant inside the caller's transaction (bootstrap, tenant provisioning, create). */
  async createIn(em: EntityManager, tenantId: string, clientId: string, audience: string, scope: string[]): Promise<ClientGrantEntity> {
    const now = new Date().toISOString();
    const e = new ClientGrantEntity();
    Object.assign(e, {
      id: `cgr_${this.secrets.newClientId().slice(0, 16)}`,
      tenantId,
      clientId,
      audience,
      scope,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(ClientGrantEntity, e);
    this.invalidate();
    return e;
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  /**
   * The bootstrap admin client's grant on the Management API is Auth0's `is_system` kind: it cannot be
   * changed or deleted, so the operator cannot lock themselves out of the Management API.
   */
  private async assertNotSystem(em: EntityManager, tenant: TenantContext, e: ClientGrantEntity, verb: string): Promise<void> {
    if (e.audience !== managementApiIdentifier(tenant.issuer)) {
      return;
    }
    const client = await this.clients.findIn(em, tenant.id, e.clientId);
    if (client?.systemRole === 'admin') {
      throw ManagementError.badRequest(
        `The client grant ${e.id} gives the bootstrap admin client its Management API scopes; it is a system grant and cannot be ${verb}.`,
        'operation_not_supported',
      );
    }
  }

  private async systemGrantIds(tenant: TenantContext, rows: ClientGrantEntity[]): Promise<Set<string>> {
    const management = managementApiIdentifier(tenant.issuer);
    const candidates = rows.filter((r) => r.audience === management);
    const ids = new Set<string>();
    for (const r of candidates) {
      if ((await this.clients.findIn(this.repo.manager, tenant.id, r.clientId))?.systemRole === 'admin') {
        ids.add(r.id);
      }
    }
    return ids;
  }

  private async findOrFail(em: EntityManager, tenantId: string, id: string): Promise<ClientGrantEntity> {
    const row = await em.findOne(ClientGrantEntity, { where: { tenantId, id } });
    if (!row) {
      throw notFound();
    }
    return row;
  }
}

function assertScopesOfApi(scope: string[], api: ResourceServerEntity): void {
  const defined = new Set(api.scopes.map((s) => s.value));
  const unknown = scope.filter((s) => !defined.has(s));
  if (unknown.length > 0) {
    throw ManagementError.badRequest(
      `Scope${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not defined on the resource server "${api.identifier}".`,
    );
  }
}
