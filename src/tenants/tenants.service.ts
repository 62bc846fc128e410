import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { TenantDomainEntity } from './tenant-domain.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import { TenantCache } from '../cache/tenant-cache.js';

export const DEFAULT_TENANT_ID = 'default';

/** Lower-cases a Host header value; undefined when it is not a plausible host[:port]. */
export function normalizeHost(host: string | undefined): string | undefined {
  if (!host || host.length > 255) {
    return undefined;
  }
  const h = host.trim().toLowerCase();
  return /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(h) ? h : undefined;
}

/** The tenants table, their domains, and in-memory caches of both (read on every request). */
@Injectable()
export class TenantsService {
  /** Tenant rows by id (each tenant's part holds its own row, under the key ''). */
  private readonly rows: TenantCache<TenantEntity>;
  /** Host -> tenant id, for hosts some tenant claims as its domain or an alias. */
  private readonly hosts: TenantCache<string>;

  constructor(
    @InjectRepository(TenantEntity) private readonly repo: Repository<TenantEntity>,
    @InjectRepository(TenantDomainEntity) private readonly domainRepo: Repository<TenantDomainEntity>,
    caches: CacheRegistry,
  ) {
    const tables = [versionedTable('tenants'), versionedTable('tenant_domains')];
    this.rows = caches.create('tenants', tables, async (id) => this.repo.findOne({ where: { id } }));
    this.hosts = new TenantCache('tenant hosts', async (_, host) => {
      const primary = await this.repo.findOne({ select: { id: true }, where: { domain: host } });
      return primary?.id ?? (await this.domainRepo.findOne({ where: { domain: host } }))?.tenantId ?? null;
    });
    // A domain moves between tenants: whichever part is dropped, the host map drops whole.
    caches.register({ name: 'tenant hosts', tables, drop: () => this.hosts.invalidate() });
  }

  find(id: string): Promise<TenantEntity | undefined> {
    return this.rows.get(id, '');
  }

  async get(id: string): Promise<TenantEntity> {
    const t = await this.find(id);
    if (!t) {
      throw new Error(`Unknown tenant ${id}`);
    }
    return t;
  }

  /** The tenant answering on `host`, or undefined when no tenant claims it. */
  async resolveHost(host: string): Promise<TenantEntity | undefined> {
    const id = await this.hosts.get('', host);
    return id ? this.find(id) : undefined;
  }

  /** `resolveHost` from memory only: the tenant, null when none claims the host, undefined when not held. */
  cachedResolveHost(host: string): TenantEntity | null | undefined {
    const id = this.hosts.peek('', host);
    if (id === undefined) {
      return undefined;
    }
    if (!id) {
      return null;
    }
    return this.rows.peek(id, '');
  }

  async list(): Promise<TenantEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async aliasesOf(tenantId: string): Promise<string[]> {
    return (await this.domainRepo.find({ where: { tenantId }, order: { domain: 'ASC' } })).map((d) => d.domain);
  }

  /** The tenant's alias domains, read inside a caller's transaction. */
  async aliasesIn(em: EntityManager, tenantId: string): Promise<string[]> {
    return (await em.find(TenantDomainEntity, { where: { tenantId }, order: { domain: 'ASC' } })).map((d) => d.domain);
  }

  /** True when some tenant already answers on `domain` (primary or alias). */
  async domainTakenIn(em: EntityManager, domain: string, exceptTenantId?: string): Promise<boolean> {
    const primary = await em.findOne(TenantEntity, { where: { domain } });
    const alias = await em.findOne(TenantDomainEntity, { where: { domain } });
    const owner = primary?.id ?? alias?.tenantId;
    return owner !== undefined && owner !== exceptTenantId;
  }

  async insertIn(em: EntityManager, tenant: TenantEntity, aliases: string[]): Promise<void> {
    await em.insert(TenantEntity, tenant);
    await this.replaceAliasesIn(em, tenant.id, aliases);
  }

  async replaceAliasesIn(em: EntityManager, tenantId: string, aliases: string[]): Promise<void> {
    await em.delete(TenantDomainEntity, { tenantId });
    const now = new Date().toISOString();
    for (const domain of aliases) {
      await em.insert(TenantDomainEntity, { domain, tenantId, createdAt: now });
    }
  }

  async findIn(em: EntityManager, id: string): Promise<TenantEntity | null> {
    return em.findOne(TenantEntity, { where: { id } });
  }

  /** Reads the row inside a transaction (the caller's check-then-write). */
  async findForUpdate(em: EntityManager, id: string): Promise<TenantEntity> {
    return em.findOneOrFail(TenantEntity, { where: { id } });
  }

  async saveIn(em: EntityManager, tenant: TenantEntity): Promise<void> {
    await em.save(TenantEntity, tenant, { transaction: false, reload: false });
  }

  /** Drops the cached copy (one tenant, or all) after a committed write so the next read sees it. */
  invalidate(id?: string): void {
    this.rows.invalidate(id);
    this.hosts.invalidate();
  }
}
