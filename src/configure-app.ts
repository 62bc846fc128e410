import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from './config/app-config.js';
import { PinoNestLogger } from './logging/logger.js';
import { instrumentRequests } from './logging/request-hook.js';
import { mountOpenApi } from './openapi/openapi.js';
import { mountTokenRoute } from './token-route.js';

/** Everything main.ts does to the app besides listening, shared with the e2e tests so they cannot drift. */
export function configureApp(app: NestExpressApplication, config: AppConfig): NestExpressApplication {
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false, parameterLimit: 200 });
  mountOpenApi(app);
  mountTokenRoute(app, config.bodyLimit);
  instrumentRequests(app.getHttpServer() as Server, app.get(PinoNestLogger).pino);
  // Slow clients may not hold a connection open: headers within headersTimeout, the whole request within
  // requestTimeout (Node answers 408 and closes). Headers are limited by Node's 16 KiB default (431).
  const server = app.getHttpServer() as Server;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = Math.max(config.requestTimeoutMs, config.headersTimeoutMs);
  server.keepAliveTimeout = 5000;
  return app;
}
