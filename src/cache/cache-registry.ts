import { Injectable } from '@nestjs/common';
import { TenantCache } from './tenant-cache.js';

/**
 * A table whose writes must reach every process's caches: `count` and `stamp` are SQL aggregates over
 * `table` (rows matching `where`, when given) that move on every insert, update and delete and never come
 * back to a value they had (see the coherence check).
 */
export interface CachedTable {
  label: string;
  table: string;
  where?: string;
  count: string;
  stamp: string;
}

/** Something that holds rows in memory: what it reads, and how to drop it (one tenant's part, or all). */
export interface CacheParticipant {
  name: string;
  tables: CachedTable[];
  drop(tenantId?: string): void | Promise<void>;
}

/**
 * A table whose writes a trigger counts in `cache_versions` (added by the migration that makes the table
 * cached: `addCacheVersionTriggers`). The counter only grows, so "changed since last look" is exact.
 */
export function versionedTable(table: string): CachedTable {
  if (!/^[a-z_]+$/.test(table)) {
    throw new Error(`not a table name: ${table}`);
  }
  return {
    label: table,
    table: 'cache_versions',
    where: `name = '${table}'`,
    count: 'COUNT(*)',
    stamp: 'CAST(MAX(version) AS varchar(32))',
  };
}

/**
 * Every in-process cache registers here, with the tables it reads. The cross-process coherence check and
 * tenant deletion walk this one list, so a new cache cannot be forgotten by either.
 */
@Injectable()
export class CacheRegistry {
  private readonly participants: CacheParticipant[] = [];

  register(participant: CacheParticipant): void {
    this.participants.push(participant);
  }

  /** Creates a TenantCache that reads `tables` and registers it. */
  create<V>(
    name: string,
    tables: CachedTable[],
    load: (tenantId: string, key: string) => Promise<V | null>,
    maxMisses?: number,
    maxPerTenant?: number,
  ): TenantCache<V> {
    const cache = new TenantCache<V>(name, load, maxMisses, maxPerTenant);
    this.register({ name, tables, drop: (tenantId) => cache.invalidate(tenantId) });
    return cache;
  }

  /** Every table some cache reads, once each (label order is stable: registration order). */
  tables(): CachedTable[] {
    const seen = new Map<string, CachedTable>();
    for (const p of this.participants) {
      for (const t of p.tables) {
        seen.set(t.label, t);
      }
    }
    return [...seen.values()];
  }

  /** Drops every cache, or one tenant's part of each (caches not kept per tenant drop whole). */
  async drop(tenantId?: string): Promise<void> {
    for (const p of this.participants) {
      await p.drop(tenantId);
    }
  }

  /** Drops, whole, every cache that reads one of the tables labelled `labels` (another process wrote them). */
  async dropReading(labels: ReadonlySet<string>): Promise<void> {
    for (const p of this.participants) {
      if (p.tables.some((t) => labels.has(t.label))) {
        await p.drop();
      }
    }
  }
}
