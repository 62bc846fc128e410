import { setFlagsFromString } from 'node:v8';
import { isPrimary, runPrimary } from './cluster.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { installGracefulShutdown } from './common/shutdown.js';

async function serve(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  installGracefulShutdown(app);
  await app.listen(config.port);
  process.stdout.write(`Tessera listening on port ${config.port}; issuer ${config.issuer} (pid ${process.pid})\n`);
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
    process.stdout.write(`Tessera primary ${process.pid}: starting ${config.workers} workers\n`);
    runPrimary(config.workers);
    return;
  }
  void serve(config);
}

main();
