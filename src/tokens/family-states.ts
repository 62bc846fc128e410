import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';
import { TokenFamilyEntity } from './token-family.entity.js';

/** Families kept per tenant: one entry is a boolean under a 22-character id. */
const FAMILIES_PER_TENANT = 100_000;

/**
 * Whether a token family is still active (not revoked, not deleted), as /userinfo asks for every opaque
 * token, kept in memory. A family only ever goes from active to revoked or gone: RefreshTokensService
 * forgets the family in this process when it revokes or deletes it, and other processes drop the whole
 * cache when the token_families cache version moves (a revocation or a delete; see the
 * UserinfoCacheVersions migration). An unknown family is not remembered.
 */
@Injectable()
export class FamilyStates {
  private readonly active: TenantCache<boolean>;

  constructor(@InjectRepository(TokenFamilyEntity) families: Repository<TokenFamilyEntity>, caches: CacheRegistry) {
    this.active = caches.create(
      'token family states',
      [versionedTable('token_families')],
      async (tenantId, id) => {
        const f = await families.findOne({ where: { id, tenantId }, select: { id: true, revokedAt: true } });
        return f ? f.revokedAt === null : null;
      },
      0,
      FAMILIES_PER_TENANT,
    );
  }

  async isActive(tenantId: string, familyId: string): Promise<boolean> {
    return (await this.active.get(tenantId, familyId)) === true;
  }

  /** `isActive` from memory only; undefined when the family's state is not held. */
  cachedIsActive(tenantId: string, familyId: string): boolean | undefined {
    const active = this.active.peek(tenantId, familyId);
    return active === undefined ? undefined : active === true;
  }

  /** After a family of the tenant (or, without an id, any number of them) was revoked or deleted. */
  forget(tenantId: string, familyId?: string): void {
    this.active.invalidate(tenantId, familyId);
  }
}
