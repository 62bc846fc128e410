import { cacheLookups, type Tally } from '../metrics/metrics.js';

/**
 * The one in-process cache for rows the hot path reads (tenants, APIs, clients, grants, ...): values
 * grouped by tenant, misses remembered up to a bound, and a generation that keeps a read which started
 * before an invalidation from refilling the cache with what it read.
 */
export class TenantCache<V> {
  private readonly byTenant = new Map<string, Map<string, V | null>>();
  private misses = 0;
  private generation = 0;
  /** This cache's series of tessera_cache_lookups_total, taken on first use. */
  private hitTally?: Tally;
  private missTally?: Tally;

  /**
   * @param name what the cache holds, for diagnostics
   * @param load reads one value (null when there is none); called on a miss only
   * @param maxMisses how many "there is none" answers are remembered (unknown ids are cheap to ask for)
   * @param maxPerTenant how many entries one tenant keeps; past it the oldest stored goes (for rows a
   *   tenant has millions of, such as users)
   */
  constructor(
    readonly name: string,
    private readonly load: (tenantId: string, key: string) => Promise<V | null>,
    private readonly maxMisses = 50_000,
    private readonly maxPerTenant = Infinity,
  ) {}

  async get(tenantId: string, key: string): Promise<V | undefined> {
    const hit = this.peek(tenantId, key);
    if (hit !== undefined) {
      return hit ?? undefined;
    }
    return this.fill(tenantId, key);
  }

  /**
   * The value held for the key, without waiting: the value, null for a remembered "there is none", or
   * undefined when nothing is held (then `get` reads it). Counted as a hit when something is held; a
   * caller that falls back to `get` on undefined counts the miss there.
   */
  peek(tenantId: string, key: string): V | null | undefined {
    const hit = this.byTenant.get(tenantId)?.get(key);
    if (hit !== undefined) {
      (this.hitTally ??= cacheLookups.tally(this.name, 'hit')).n++;
    }
    return hit;
  }

  private async fill(tenantId: string, key: string): Promise<V | undefined> {
    (this.missTally ??= cacheLookups.tally(this.name, 'miss')).n++;
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
      if (entries.size >= this.maxPerTenant) {
        const oldest = entries.keys().next().value as string;
        if (entries.get(oldest) === null) {
          this.misses--;
        }
        entries.delete(oldest);
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
