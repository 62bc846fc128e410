import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration } from 'prom-client';

/**
 * Tessera's Prometheus metrics: one registry per process (a process serves one Tessera), updated where
 * things happen and read only when scraped. Counters and histograms are a map lookup and an add, cheap
 * enough for the token route. Label values come from fixed sets (grant types, error codes, route
 * patterns), never from request input, so the series count stays bounded.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const tokenExchanges = new Counter({
  name: 'tessera_token_exchanges_total',
  help: 'Token exchanges at /oauth/token by grant type, outcome (success or the OAuth error code) and access token format',
  labelNames: ['grant_type', 'outcome', 'token_format'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'tessera_http_request_duration_seconds',
  help: 'Time from request to response, by method, route pattern and status',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

/** One series of a TalliedCounter: counting is adding 1 to a number. */
export interface Tally {
  n: number;
}

/**
 * A counter for per-request paths: each series is a plain number, added to the prom-client counter when
 * the registry is read (a scrape, or a cluster worker's share), so a request pays an increment instead
 * of prom-client's label hashing and validation on every `inc()`.
 */
export class TalliedCounter<T extends string> {
  readonly counter: Counter<T>;
  private readonly series = new Map<string, { child: Counter.Internal; tally: Tally }>();

  constructor(config: Omit<CounterConfiguration<T>, 'collect'>) {
    this.counter = new Counter<T>({ ...config, collect: () => this.flush() });
  }

  /** The series of these label values (in `labelNames` order); keep it to count without a lookup. */
  tally(...values: string[]): Tally {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { child: this.counter.labels(...values), tally: { n: 0 } };
      this.series.set(key, s);
    }
    return s.tally;
  }

  private flush(): void {
    for (const { child, tally } of this.series.values()) {
      if (tally.n > 0) {
        child.inc(tally.n);
        tally.n = 0;
      }
    }
  }
}

export const userinfoRequests = new TalliedCounter({
  name: 'tessera_userinfo_requests_total',
  help: '/userinfo requests by status',
  labelNames: ['status_code'] as const,
  registers: [registry],
});

export const managementRequests = new TalliedCounter({
  name: 'tessera_management_requests_total',
  help: 'Management API (/api/v2) requests by method and status',
  labelNames: ['method', 'status_code'] as const,
  registers: [registry],
});

export const rateLimitRefusals = new Counter({
  name: 'tessera_rate_limit_refusals_total',
  help: 'Requests refused with 429 by the rate limiter, by surface',
  labelNames: ['surface'] as const,
  registers: [registry],
});

export const loginFailures = new Counter({
  name: 'tessera_login_failures_total',
  help: 'Failed user logins (password grant and login form)',
  registers: [registry],
});

export const loginLockouts = new Counter({
  name: 'tessera_login_lockouts_total',
  help: 'Users blocked from an IP after consecutive failed logins',
  registers: [registry],
});

export const cacheLookups = new TalliedCounter({
  name: 'tessera_cache_lookups_total',
  help: 'In-memory cache lookups by cache and result (hit or miss); the hit ratio is hit / (hit + miss)',
  labelNames: ['cache', 'result'] as const,
  registers: [registry],
});

export const auditQueueDepth = new Gauge({
  name: 'tessera_audit_log_queue_depth',
  help: 'Audit events buffered in memory, not yet written to the database',
  registers: [registry],
  collect() {
    this.set(auditQueueProbe());
  },
});

export const auditWriteLag = new Histogram({
  name: 'tessera_audit_log_write_lag_seconds',
  help: 'Age of the oldest event of each audit-log batch when the batch is stored',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const auditRetentionDeleted = new Counter({
  name: 'tessera_audit_log_retention_deleted_total',
  help: 'Audit events deleted by the retention sweep (LOG_RETENTION_DAYS)',
  registers: [registry],
});

export const logStreamDeliveries = new Counter({
  name: 'tessera_log_stream_deliveries_total',
  help: 'Batches POSTed to log stream sinks, by outcome (delivered, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const logStreamEvents = new Counter({
  name: 'tessera_log_stream_events_total',
  help: 'Audit events delivered to log stream sinks',
  registers: [registry],
});

let auditQueueProbe: () => number = () => 0;

/** The audit log registers how to read its queue depth (read at scrape time only). */
export function setAuditQueueProbe(probe: () => number): void {
  auditQueueProbe = probe;
}
