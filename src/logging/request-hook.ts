import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import { httpDuration, managementRequests, userinfoRequests, type Tally } from '../metrics/metrics.js';
import type { TenantRequest } from '../tenants/tenant-context.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** An `X-Request-Id` we accept from the caller (a proxy's or a client's); anything else gets a new id. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * Wraps the server's one `request` listener (the token and well-known fast paths, then Express) so every
 * request, whichever path serves it, gets a request id (taken from `X-Request-Id` when it is a sane
 * token, else a new UUID; echoed in the response), one JSON log line when it ends, and its latency in the
 * route histogram. Per request this is one header, one listener and, at the end, one pino call: pino-http
 * builds two child loggers per request and serializes the whole request object, which the token route
 * would pay on every exchange. The line holds the path without its query (queries carry state, codes and
 * hints), never headers or bodies.
 */
export function instrumentRequests(server: Server, logger: Logger): void {
  const [inner] = server.listeners('request') as Listener[];
  server.removeListener('request', inner);
  const logLines = logger.isLevelEnabled('info');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    (req as IncomingMessage & { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    // 'close' is emitted once per response: `on` spares once()'s wrapper per request.
    res.on('close', () => {
      const ms = performance.now() - start;
      const path = pathOf(req);
      const route = routeOf(req, path);
      const status = res.writableFinished ? res.statusCode : 499;
      observe(req.method ?? 'GET', route, path, status, ms);
      if (logLines) {
        logger.info({
          reqId: id,
          tenant: (req as TenantRequest).tenant?.id,
          method: req.method,
          route,
          path,
          status,
          ms: Math.round(ms * 100) / 100,
          ip: req.socket.remoteAddress,
        });
      }
    });
    inner(req, res);
  });
}

/** What one `method route status` observes into: its histogram child, and its request counter's tally if any. */
interface RouteSeries {
  latency: Histogram.Internal<'method' | 'route' | 'status_code'>;
  count: Tally | undefined;
}

/** Pre-bound series by `method route status`: a map lookup instead of label hashing per request. */
const seriesByRoute = new Map<string, RouteSeries>();

function observe(method: string, route: string, path: string, status: number, ms: number): void {
  const code = String(status);
  const key = `${method} ${route} ${code} ${path === '/userinfo' ? 'u' : path.startsWith('/api/v2/') ? 'm' : ''}`;
  let series = seriesByRoute.get(key);
  if (!series) {
    series = {
      latency: httpDuration.labels(method, route, code),
      count: path.startsWith('/api/v2/')
        ? managementRequests.tally(method, code)
        : path === '/userinfo'
          ? userinfoRequests.tally(code)
          : undefined,
    };
    seriesByRoute.set(key, series);
  }
  series.latency.observe(ms / 1000);
  if (series.count) {
    series.count.n++;
  }
}

/**
 * The route pattern (bounded label values): Express's matched route for routed requests, the fixed path
 * for the fast paths (the route a URL maps to there is exact), `unmatched` for everything else (404s).
 */
function routeOf(req: IncomingMessage, path: string): string {
  const routed = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof routed === 'string') {
    return routed;
  }
  return FAST_PATHS.has(path) ? path : 'unmatched';
}

/** The paths served before Express (token-route.ts), which therefore carry no Express route. */
const FAST_PATHS = new Set(['/oauth/token', '/.well-known/jwks.json', '/.well-known/openid-configuration', '/userinfo']);

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)).slice(0, 512);
}
