import { isPrimary, runPrimary } from './cluster.js';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { installGracefulShutdown } from './shutdown.js';

async function serve(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  installGracefulShutdown(app);
  await app.listen(config.port);
  process.stdout.write(`Tessera listening on port ${config.port}; issuer ${config.issuer} (pid ${process.pid})\n`);
}

function main(): void {
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
