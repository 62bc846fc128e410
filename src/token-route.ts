import type { ArgumentsHost } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readSimpleBody, simpleBodyKind, type SimpleBodyKind } from './common/request-body.js';
import { ApiErrorFilter } from './errors/api-error.filter.js';
import { TokenExchangeLog } from './logs/token-exchange-log.js';
import { RateLimitMiddleware } from './rate-limit/rate-limit.middleware.js';
import { isClosing } from './shutdown.js';
import type { TenantContext, TenantRequest } from './tenants/tenant-context.js';
import { TenantMiddleware } from './tenants/tenant.middleware.js';
import { TokenEndpoint } from './tokens/token-endpoint.js';

/**
 * `POST /oauth/token`, the hot path, served before Express: on one core, Express alone costs about a
 * third of the throughput of signing the token (bench/RESULTS.md), and this route needs nothing that
 * Express and Nest add (routing, guards, interceptors, pipes). It runs the steps of the Nest route in
 * the same order: body parsing (request-body.ts, equivalent to the app's parsers), `Connection: close`
 * during shutdown, the tenant from Host, rate limits, Cache-Control, then `TokenEndpoint`, the exchange
 * log, and errors rendered by ApiErrorFilter.
 *
 * It takes requests for exactly `/oauth/token` whose body it reads as Express would (form or JSON, UTF-8,
 * not compressed, Content-Length within the limit). Every other request goes to Express, and so to
 * TokenController (the same TokenEndpoint) for other spellings of the path or other bodies.
 */
export function mountTokenRoute(app: NestExpressApplication, bodyLimit: number): void {
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  const route = new TokenRoute(
    app.get(TokenEndpoint),
    app.get(TokenExchangeLog),
    app.get(TenantMiddleware),
    app.get(RateLimitMiddleware),
    new ApiErrorFilter(),
  );
  const server = app.getHttpServer() as Server;
  const [viaExpress] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeListener('request', viaExpress);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const kind = req.method === 'POST' && isTokenPath(req.url) ? simpleBodyKind(req.headers, bodyLimit) : undefined;
    if (kind === undefined) {
      viaExpress(req, res);
      return;
    }
    // What Express's app.handle does first, so code written for Express (req.ip, res.status) works alike.
    Object.setPrototypeOf(req, expressApp.request);
    Object.setPrototypeOf(res, expressApp.response);
    (req as Request).res = res as Response;
    (res as Response).req = req as Request;
    void route.serve(req as Request, res as Response, kind);
  });
}

function isTokenPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/oauth/token') && (url.length === 12 || url.charCodeAt(12) === 0x3f); // '?'
}

class TokenRoute {
  constructor(
    private readonly endpoint: TokenEndpoint,
    private readonly log: TokenExchangeLog,
    private readonly tenants: TenantMiddleware,
    private readonly rateLimits: RateLimitMiddleware,
    private readonly filter: ApiErrorFilter,
  ) {}

  async serve(req: TenantRequest, res: Response, kind: SimpleBodyKind): Promise<void> {
    let tenant: TenantContext;
    try {
      req.body = await readSimpleBody(req, kind);
      if (isClosing(req)) {
        res.setHeader('Connection', 'close');
      }
      req.tenant = tenant = await this.tenants.contextFor(req.headers.host);
      if (!this.rateLimits.allow(req, res)) {
        return;
      }
    } catch (e) {
      this.render(req, res, e);
      return;
    }

    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    let body: string;
    try {
      const response = await this.endpoint.exchange({
        tenant,
        body: req.body,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        ip: req.ip,
      });
      this.log.succeeded(req, response);
      body = JSON.stringify(response);
    } catch (e) {
      this.log.failed(req, e);
      this.render(req, res, e);
      return;
    }
    // What res.json() writes, without its content negotiation and freshness checks (none apply here).
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }

  private render(req: Request, res: Response, e: unknown): void {
    const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
    this.filter.catch(e, host);
  }
}
