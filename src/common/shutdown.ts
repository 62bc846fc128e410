import type { IncomingMessage, Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';

const closingServers = new WeakSet<object>();

/** A shutdown hook that never settles must not keep a stopping process alive (orchestrators kill at ~30 s). */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** True once a graceful shutdown began on the server this request came in through. */
export function isClosing(req: IncomingMessage): boolean {
  const server = (req.socket as { server?: object } | null)?.server;
  return server !== undefined && closingServers.has(server);
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let requests in flight finish (their
 * responses say `Connection: close`), close idle keep-alive sockets at once instead of waiting for their
 * timeout, run the app's shutdown hooks (log flush, database close), then exit 0; exit 1 if that takes over 10 s.
 */
export function installGracefulShutdown(app: NestExpressApplication): void {
  let closing = false;
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    if (closing) {
      res.setHeader('Connection', 'close');
    }
    next();
  });
  const stop = async () => {
    if (closing) {
      return;
    }
    closing = true;
    const server = app.getHttpServer() as Server;
    closingServers.add(server);
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    setTimeout(() => {
      process.stderr.write(`graceful shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await app.close();
      process.exit(0);
    } catch {
      process.exit(1);
    } finally {
      clearInterval(idle);
    }
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
