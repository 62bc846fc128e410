import type { ArgumentsHost } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readSimpleBody, simpleBodyKind, type SimpleBodyKind } from './common/request-body.js';
import { CorsPolicy, requestClientId } from './cors/cors-policy.js';
import { DiscoveryService } from './discovery/discovery.service.js';
import { WellKnownRoute } from './discovery/well-known.route.js';
import { ApiErrorFilter } from './errors/api-error.filter.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import { TokenExchangeLog } from './logs/token-exchange-log.js';
import { RateLimitMiddleware } from './rate-limit/rate-limit.middleware.js';
import { isClosing } from './common/shutdown.js';
import type { TenantContext, TenantRequest } from './tenants/tenant-context.js';
import { TenantMiddleware } from './tenants/tenant.middleware.js';
import { TokenEndpoint } from './tokens/token-endpoint.js';

/**
 * `POST /oauth/token`, the hot path, served before Express: on one core, Express alone costs about a
 * third of the throughput of signing the token (bench/RESULTS.md), and this route needs nothing that
 * Express and Nest add (routing, guards, interceptors, pipes). It runs the steps of the Nest route in
 * the same order: body parsing (request-body.ts, equivalent to the app's parsers), `Connection: close`
 * during shutdown, the tenant from Host, rate limits, Cache-Control, CORS (CorsPolicy), then `TokenEndpoint`, the exchange
 * log, and errors rendered by ApiErrorFilter.
 *
 * It takes requests for exactly `/oauth/token` whose body it reads as Express would (form or JSON, UTF-8,
 * not compressed, Content-Length within the limit). Every other request goes to Express, and so to
 * TokenController (the same TokenEndpoint) for other spellings of the path or other bodies. The same
 * listener serves the two `/.well-known` documents (WellKnownRoute).
 */
export function mountTokenRoute(app: NestExpressApplication, bodyLimit: number): void {
  const tenants = app.get(TenantMiddleware);
  const filter = new ApiErrorFilter();
  const express = app.getHttpAdapter().getInstance() as Express;
  const cors = app.get(CorsPolicy);
  const route = new TokenRoute(express, app.get(TokenEndpoint), app.get(TokenExchangeLog), tenants, app.get(RateLimitMiddleware), filter, cors);
  const wellKnown = new WellKnownRoute(app.get(DiscoveryService), app.get(SigningKeysService), tenants);
  const server = app.getHttpServer() as Server;
  const [viaExpress] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeListener('request', viaExpress);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST') {
      const kind = isTokenPath(req.url) ? simpleBodyKind(req.headers, bodyLimit) : undefined;
      if (kind !== undefined) {
        void route.serve(req as TenantRequest, res, kind);
        return;
      }
    } else if (req.method === 'OPTIONS') {
      // CORS preflights of the endpoints browser apps call, for both this route and Express's.
      const path = CorsPolicy.pathOf(req.url);
      if (path !== undefined) {
        void tenants
          .contextFor(req.headers.host)
          .then((tenant) => cors.preflight(tenant.id, path, req.headers, res))
          .catch(() => viaExpress(req, res));
        return;
      }
    } else {
      const document = wellKnown.match(req);
      if (document !== undefined) {
        void wellKnown.serve(req, res, document).catch(() => viaExpress(req, res));
        return;
      }
    }
    viaExpress(req, res);
  });
}

function isTokenPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/oauth/token') && (url.length === 12 || url.charCodeAt(12) === 0x3f); // '?'
}

class TokenRoute {
  constructor(
    private readonly express: Express,
    private readonly endpoint: TokenEndpoint,
    private readonly log: TokenExchangeLog,
    private readonly tenants: TenantMiddleware,
    private readonly rateLimits: RateLimitMiddleware,
    private readonly filter: ApiErrorFilter,
    private readonly cors: CorsPolicy,
  ) {}

  async serve(req: TenantRequest, raw: ServerResponse, kind: SimpleBodyKind): Promise<void> {
    let tenant: TenantContext;
    try {
      req.body = await readSimpleBody(req, kind);
      if (isClosing(req)) {
        raw.setHeader('Connection', 'close');
      }
      req.tenant = tenant = await this.tenants.contextFor(req.headers.host);
      if (this.rateLimits.enabled && !this.rateLimits.allow(req, this.expressify(req, raw))) {
        return;
      }
    } catch (e) {
      this.render(req, raw, e);
      return;
    }

    raw.setHeader('Cache-Control', 'no-store');
    raw.setHeader('Pragma', 'no-cache');
    const ip = this.ipOf(req, raw);
    let body: string;
    try {
      if (req.headers.origin !== undefined) {
        await this.cors.admit({ tenantId: tenant.id, headers: req.headers, ip, clientId: requestClientId(req.body, req.headers.authorization) }, raw);
      }
      const response = await this.endpoint.exchange({
        tenant,
        body: req.body,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        ip,
      });
      this.log.succeeded(req, response, ip);
      body = JSON.stringify(response);
    } catch (e) {
      this.log.failed(req, e, ip);
      this.render(req, raw, e);
      return;
    }
    // What res.json() writes, without its content negotiation and freshness checks (none apply here).
    raw.statusCode = 200;
    raw.setHeader('Content-Type', 'application/json; charset=utf-8');
    raw.setHeader('Content-Length', Buffer.byteLength(body));
    raw.end(body);
  }

  /** Express's `req.ip`; without a `trust proxy` setting that is the socket's address. */
  private ipOf(req: TenantRequest, raw: ServerResponse): string | undefined {
    if (!this.express.enabled('trust proxy')) {
      return req.socket.remoteAddress;
    }
    this.expressify(req, raw);
    return req.ip;
  }

  /**
   * What Express's app.handle does first, for code written against Express (the rate limiter's 429, the
   * error filter): done only when such code runs, since it costs on every request.
   */
  private expressify(req: TenantRequest, raw: ServerResponse): Response {
    const res = raw as Response;
    if (Object.getPrototypeOf(req) !== this.express.request) {
      Object.setPrototypeOf(req, this.express.request);
      Object.setPrototypeOf(res, this.express.response);
      req.res = res;
      res.req = req;
    }
    return res;
  }

  private render(req: TenantRequest, raw: ServerResponse, e: unknown): void {
    const res = this.expressify(req, raw);
    const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
    this.filter.catch(e, host);
  }
}
