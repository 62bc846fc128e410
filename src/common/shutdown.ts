import type { IncomingMessage, Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';

const closingServers = new WeakSet<object>();

/** True once a graceful shutdown began on the server this request came in through. */
export function isClosing(req: IncomingMessage): boolean {
  const server = (req.socket as { server?: object } | null)?.server;
  return server !== undefined && closingServers.has(server);
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let requests in flight finish (their
 * responses say `Connection: close`), close idle keep-alive sockets at once instead of waiting for their
 * timeout, run the app's shutdown hooks (log flush, database close), then exit 0.
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
