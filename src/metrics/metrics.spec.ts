import { registry, TalliedCounter } from './metrics.js';

describe('TalliedCounter', () => {
  it('adds its tallies to the counter when the registry is read, once each', async () => {
    const c = new TalliedCounter({ name: 'test_tallied_total', help: 'test', labelNames: ['a', 'b'] as const, registers: [registry] });
    const x = c.tally('1', '2');
    expect(c.tally('1', '2')).toBe(x);
    x.n++;
    x.n++;
    c.tally('3', '4').n++;
    const read = () => registry.getSingleMetricAsString('test_tallied_total');
    expect(await read()).toContain('test_tallied_total{a="1",b="2"} 2');
    expect(await read()).toContain('test_tallied_total{a="3",b="4"} 1');
    x.n++;
    expect(await read()).toContain('test_tallied_total{a="1",b="2"} 3');
    expect((await registry.getMetricsAsJSON()).find((m) => m.name === 'test_tallied_total')?.values).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { a: '1', b: '2' }, value: 3 })]),
    );
  });
});
