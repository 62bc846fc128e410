import { CacheRegistry, versionedTable } from './cache-registry.js';
import { registry } from '../metrics/metrics.js';
import { TenantCache } from './tenant-cache.js';

function counting(values: Record<string, string | null>) {
  const calls: string[] = [];
  const load = async (tenantId: string, key: string) => {
    calls.push(`${tenantId}/${key}`);
    return values[`${tenantId}/${key}`] ?? null;
  };
  return { calls, load };
}

describe('TenantCache', () => {
  it('reads once, then answers from memory, misses included', async () => {
    const { calls, load } = counting({ 't1/a': 'A' });
    const cache = new TenantCache('test', load);
    expect(await cache.get('t1', 'a')).toBe('A');
    expect(await cache.get('t1', 'a')).toBe('A');
    expect(await cache.get('t1', 'nope')).toBeUndefined();
    expect(await cache.get('t1', 'nope')).toBeUndefined();
    expect(calls).toEqual(['t1/a', 't1/nope']);
  });

  it('peeks without reading: the value, null for a remembered miss, undefined when nothing is held', async () => {
    const { calls, load } = counting({ 't1/a': 'A' });
    const cache = new TenantCache('peek test', load);
    expect(cache.peek('t1', 'a')).toBeUndefined();
    expect(cache.peek('t1', 'nope')).toBeUndefined();
    expect(calls).toEqual([]);
    await cache.get('t1', 'a');
    await cache.get('t1', 'nope');
    expect(cache.peek('t1', 'a')).toBe('A');
    expect(cache.peek('t1', 'nope')).toBeNull();
    cache.invalidate('t1', 'a');
    expect(cache.peek('t1', 'a')).toBeUndefined();
    expect(calls).toEqual(['t1/a', 't1/nope']);
    const lookups = await registry.getSingleMetricAsString('tessera_cache_lookups_total');
    expect(lookups).toContain('tessera_cache_lookups_total{cache="peek test",result="hit"} 2');
    expect(lookups).toContain('tessera_cache_lookups_total{cache="peek test",result="miss"} 2');
  });

  it('drops one entry, one tenant, or everything', async () => {
    const { calls, load } = counting({ 't1/a': 'A', 't1/b': 'B', 't2/a': 'A2' });
    const cache = new TenantCache('test', load);
    const readAll = () => Promise.all([cache.get('t1', 'a'), cache.get('t1', 'b'), cache.get('t2', 'a')]);
    await readAll();
    cache.invalidate('t1', 'a');
    await readAll();
    expect(calls.slice(3)).toEqual(['t1/a']);
    cache.invalidate('t1');
    await readAll();
    expect(calls.slice(4)).toEqual(['t1/a', 't1/b']);
    cache.invalidate();
    await readAll();
    expect(calls.slice(6)).toEqual(['t1/a', 't1/b', 't2/a']);
  });

  it('does not store what a read saw before an invalidation that happened meanwhile', async () => {
    let release!: () => void;
    let value = 'old';
    const cache = new TenantCache<string>('test', async () => {
      const seen = value;
      await new Promise<void>((r) => (release = r));
      return seen;
    });
    const slow = cache.get('t', 'k');
    value = 'new';
    cache.invalidate('t', 'k');
    release();
    expect(await slow).toBe('old');
    const fresh = cache.get('t', 'k');
    release();
    expect(await fresh).toBe('new');
  });

  it('remembers at most maxMisses misses', async () => {
    const { calls, load } = counting({});
    const cache = new TenantCache('test', load, 2);
    for (const key of ['a', 'b', 'c', 'a', 'b', 'c']) {
      await cache.get('t', key);
    }
    expect(calls).toEqual(['t/a', 't/b', 't/c', 't/c']);
  });

  it('keeps at most maxPerTenant entries of one tenant, dropping the oldest stored', async () => {
    const { calls, load } = counting({ 't/a': 'A', 't/b': 'B', 't/c': 'C', 'u/a': 'UA' });
    const cache = new TenantCache('test', load, 10, 2);
    for (const [tenant, key] of [
      ['t', 'a'],
      ['t', 'b'],
      ['u', 'a'],
      ['t', 'c'],
      ['t', 'b'],
      ['t', 'c'],
      ['u', 'a'],
      ['t', 'a'],
    ]) {
      await cache.get(tenant, key);
    }
    // `c` pushed out `a` (the oldest of t); u's entry counts apart.
    expect(calls).toEqual(['t/a', 't/b', 'u/a', 't/c', 't/a']);
  });
});

describe('CacheRegistry', () => {
  it('lists every cached table once and drops every participant', async () => {
    const registry = new CacheRegistry();
    const { calls, load } = counting({ 't/a': 'A' });
    const cache = registry.create('one', [versionedTable('things')], load);
    const dropped: (string | undefined)[] = [];
    registry.register({
      name: 'two',
      tables: [versionedTable('things'), versionedTable('others')],
      drop: (id) => void dropped.push(id),
    });
    expect(registry.tables()).toEqual([
      versionedTable('things'),
      { label: 'others', table: 'cache_versions', where: "name = 'others'", count: 'COUNT(*)', stamp: 'CAST(MAX(version) AS varchar(32))' },
    ]);
    await cache.get('t', 'a');
    await registry.drop('t');
    await cache.get('t', 'a');
    await registry.drop();
    expect(calls).toEqual(['t/a', 't/a']);
    expect(dropped).toEqual(['t', undefined]);
  });

  it('drops only the caches that read a table another process wrote', async () => {
    const registry = new CacheRegistry();
    const dropped: string[] = [];
    for (const [name, table] of [
      ['one', 'things'],
      ['two', 'others'],
    ]) {
      registry.register({ name, tables: [versionedTable(table)], drop: () => void dropped.push(name) });
    }
    await registry.dropReading(new Set(['others']));
    expect(dropped).toEqual(['two']);
  });
});
