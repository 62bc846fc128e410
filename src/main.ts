import { setFlagsFromString } from 'node:v8';
import { DataSource } from 'typeorm';
import { isPrimary, runPrimary } from './cluster.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { createLogger, PinoNestLogger } from './logging/logger.js';
import { answerClusterScrapes, startMetricsServer } from './metrics/metrics-server.js';
import { installGracefulShutdown } from './common/shutdown.js';

async function serve(config: AppConfig): Promise<void> {
  if (config.workers > 1) {
    // Before the app boots, so a scrape never waits on a worker that cannot answer yet.
    answerClusterScrapes();
  }
  const app = await createApp(config);
  installGracefulShutdown(app);
  await app.listen(config.port);
  const log = app.get(PinoNestLogger).pino;
  const [{ n }] = (await app.get(DataSource).query('SELECT COUNT(*) AS n FROM "tenants"')) as { n: number | string }[];
  log.info(
    { port: config.port, issuer: config.issuer, tenants: Number(n) },
    `Tessera listening on port ${config.port}; issuer ${config.issuer}; ${Number(n)} tenant(s)`,
  );
  if (config.workers === 1 && config.metrics) {
    startMetricsServer(config.metrics, (at) => log.info(`metrics at ${at}`));
  }
}

function main(): void {
  // V8 lets the old generation grow to several times the live heap before a full collection; under load,
  // request objects promoted while they wait for a signature then pile up as garbage, and resident memory
  // passed 200 MB (bench/RESULTS.md). Collect once it has grown by half: a heuristic read at each full
  // collection, not a limit, so a large tenant still gets the memory it needs.
  setFlagsFromString('--heap-growing-percent=50');
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (config.workers > 1 && isPrimary()) {
    const log = createLogger(config);
    log.info(`Tessera primary ${process.pid}: starting ${config.workers} workers`);
    runPrimary(config.workers);
    if (config.metrics) {
      // Started once the workers exist, so the primary aggregates their registries.
      setImmediate(() => startMetricsServer(config.metrics!, (at) => log.info(`metrics at ${at} (all workers)`)));
    }
    return;
  }
  void serve(config);
}

main();
