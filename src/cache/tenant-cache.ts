import { countCacheLookup } from '../metrics/metrics.js';

/**
 * The one in-process cache for rows the hot path reads (tenants, APIs, clients, grants, ...): values
 * grouped by tenant, misses remembered up to a bound, and a generation that keeps a read which started
 * before an invalidation from refilling the cache with what it read.
 */
export class TenantCache<V> {
  private readonly byTenant = new Map<string, Map<string, V | null>>();
  private misses = 0;
  private generation = 0;

  /**
   * @param name what the cache holds, for diagnostics
   * @param load reads one value (null when there is none); called on a miss only
   * @param maxMisses how many "there is none" answers are remembered (unknown ids are cheap to ask for)
   */
  constructor(
    readonly name: string,
    private readonly load: (tenantId: string, key: string) => Promise<V | null>,
    private readonly maxMisses = 50_000,
  ) {}

  async get(tenantId: string, key: string): Promise<V | undefined> {
    const hit = this.byTenant.get(tenantId)?.get(key);
    countCacheLookup(this.name, hit !== undefined);
    if (hit !== undefined) {
      return hit ?? undefined;
    }
    const generation = this.generation;
    const value = await this.load(tenantId, key);
    if (generation === this.generation && (value !== null || this.misses < this.maxMisses)) {
      let entries = this.byTenant.get(tenantId);
      if (!entries) {
        entries = new Map();
        this.byTenant.set(tenantId, entries);
      }
      if (value === null) {
        this.misses++;
      }
      entries.set(key, value);
    }
    return value ?? undefined;
  }

  /** Drops one entry, one tenant's entries, or everything; reads in flight will not store what they read. */
  invalidate(tenantId?: string, key?: string): void {
    this.generation++;
    if (tenantId === undefined) {
      this.byTenant.clear();
      this.misses = 0;
    } else if (key === undefined) {
      this.byTenant.delete(tenantId);
    } else {
      this.byTenant.get(tenantId)?.delete(key);
    }
  }
}
