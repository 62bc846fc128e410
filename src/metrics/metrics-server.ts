import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { AppConfig } from '../config/app-config.js';
import { registry } from './metrics.js';

/**
 * `/metrics` on its own listener (METRICS_PORT, 127.0.0.1 unless METRICS_HOST says otherwise), never on
 * the public port. In a cluster's primary, one scrape asks every worker for its registry over the
 * cluster's IPC channel and answers their sum (prom-client's AggregatorRegistry); elsewhere it answers
 * this process's registry.
 */
export function startMetricsServer(metrics: NonNullable<AppConfig['metrics']>, onListening: (address: string) => void): Server {
  const aggregator = cluster.isPrimary && Object.keys(cluster.workers ?? {}).length > 0 ? new AggregatorRegistry() : undefined;
  const server = createServer((req, res) => {
    const path = req.url?.split('?', 1)[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: metrics are at GET /metrics\n');
      return;
    }
    const scrape = aggregator ? aggregator.clusterMetrics() : registry.metrics();
    scrape.then(
      (body) => {
        res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  server.listen(metrics.port, metrics.host, () => {
    const a = server.address();
    onListening(typeof a === 'object' && a ? `http://${a.address}:${a.port}/metrics` : String(a));
  });
  return server;
}

/** In a cluster worker: answer the primary's scrape requests from this process's registry. */
export function answerClusterScrapes(): void {
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries([registry]);
    // Constructing one installs the worker's IPC listener that answers the primary.
    new AggregatorRegistry();
  }
}
