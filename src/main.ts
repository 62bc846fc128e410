import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { installGracefulShutdown } from './shutdown.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = await createApp(config);
  installGracefulShutdown(app);
  await app.listen(config.port);
  process.stdout.write(`Tessera listening on port ${config.port}; issuer ${config.issuer}\n`);
}

void main();
