import { DataSource } from 'typeorm';
import { registry } from '../../src/metrics/metrics.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('health (/health/live, /health/ready)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Tight limits: health checks must not be rate limited however often a balancer asks.
    t = await startTestApp({ RATE_LIMIT_MANAGEMENT_PER_IP: '1/3' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers live and ready while the database serves, with no secrets and no rate limit', async () => {
    for (let i = 0; i < 5; i++) {
      const live = await http(t.baseUrl, 'GET', '/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      expect(live.headers.get('cache-control')).toBe('no-store');
    }
    const ready = await http(t.baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' }, signing_keys: { status: 'up' } },
    });
    expect(ready.text).not.toMatch(/sqlite:|postgres:|secret|password/i);
  });

  it('counts Management calls by status, rate-limit refusals, and latency by route pattern', async () => {
    const value = async (name: string, labels: Record<string, string>, series = name) => {
      const metric = await registry.getSingleMetric(name)!.get();
      const hit = metric.values.find(
        (v) =>
          ((v as { metricName?: string }).metricName ?? name) === series &&
          Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
      );
      return hit?.value ?? 0;
    };
    const token = await t.adminToken();
    const refused0 = await value('tessera_rate_limit_refusals_total', { surface: 'management' });
    const notFound0 = await value('tessera_management_requests_total', { method: 'GET', status_code: '404' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await http(t.baseUrl, 'GET', '/api/v2/clients/nope', { token })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await value('tessera_rate_limit_refusals_total', { surface: 'management' })) - refused0).toBe(
      statuses.filter((s) => s === 429).length,
    );
    expect((await value('tessera_management_requests_total', { method: 'GET', status_code: '404' })) - notFound0).toBe(
      statuses.filter((s) => s === 404).length,
    );
    const latency = { route: '/api/v2/clients/:id', status_code: '404' };
    expect(await value('tessera_http_request_duration_seconds', latency, 'tessera_http_request_duration_seconds_count')).toBe(
      statuses.filter((s) => s === 404).length,
    );
  });

  it('reports 503 with the failing check named when the database goes away; live stays 200', async () => {
    await t.app.get(DataSource).destroy();
    const ready = await http(t.baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('error');
    expect(ready.body.error.database.status).toBe('down');
    expect((await http(t.baseUrl, 'GET', '/health/live')).status).toBe(200);
  });
});
