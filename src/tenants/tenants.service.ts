import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

export const DEFAULT_TENANT_ID = 'default';

/** The tenants table and its in-memory cache (tenant settings are read on every token request). */
@Injectable()
export class TenantsService {
  private readonly cache = new Map<string, TenantEntity>();

  constructor(@InjectRepository(TenantEntity) private readonly repo: Repository<TenantEntity>) {}

  async find(id: string): Promise<TenantEntity | undefined> {
    const hit = this.cache.get(id);
    if (hit) {
      return hit;
    }
    const row = await this.repo.findOne({ where: { id } });
    if (row) {
      this.cache.set(id, row);
    }
    return row ?? undefined;
  }

  async get(id: string): Promise<TenantEntity> {
    const t = await this.find(id);
    if (!t) {
      throw new Error(`Unknown tenant ${id}`);
    }
    return t;
  }

  async create(tenant: TenantEntity): Promise<TenantEntity> {
    const saved = await this.repo.save(tenant);
    this.cache.set(saved.id, saved);
    return saved;
  }

  /** Reads the row inside a transaction (the caller's check-then-write). */
  async findForUpdate(em: EntityManager, id: string): Promise<TenantEntity> {
    return em.findOneOrFail(TenantEntity, { where: { id } });
  }

  async saveIn(em: EntityManager, tenant: TenantEntity): Promise<void> {
    await em.save(TenantEntity, tenant);
  }

  /** Drops the cached copy after a committed write so the next read sees it. */
  invalidate(id: string): void {
    this.cache.delete(id);
  }
}
