import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { readSimpleBody, simpleBodyKind, type SimpleBodyKind } from './common/request-body.js';
import { isClosing } from './common/shutdown.js';
import { CorsPolicy } from './cors/cors-policy.js';
import { DiscoveryService } from './discovery/discovery.service.js';
import { WellKnownRoute } from './discovery/well-known.route.js';
import { SigningKeysService } from './keys/signing-keys.service.js';
import type { TenantContext, TenantRequest } from './tenants/tenant-context.js';
import { TenantResolver } from './tenants/tenant-resolver.js';
import { TokenPipeline, type TokenHttp } from './tokens/token-pipeline.js';
import { UserinfoRoute } from './userinfo/userinfo.route.js';
import { UserinfoService } from './userinfo/userinfo.service.js';

/**
 * `POST /oauth/token`, the hot path, served before Express: on one core, Express alone costs about a
 * third of the throughput of signing the token (bench/RESULTS.md). It runs the token endpoint's one step
 * list (TokenPipeline), the same as TokenController, on the bare request.
 *
 * It takes requests for exactly `/oauth/token` whose body it reads as Express would (form or JSON, UTF-8,
 * not compressed, Content-Length within the limit; request-body.ts). Every other request goes to Express,
 * and so to TokenController for other spellings of the path or other bodies. The same listener serves the
 * two `/.well-known` documents (WellKnownRoute), the plain `GET /userinfo` (UserinfoRoute) and the CORS
 * preflights of the browser-facing endpoints.
 */
export function mountTokenRoute(app: NestExpressApplication, bodyLimit: number): void {
  const express = app.getHttpAdapter().getInstance() as Express;
  const pipeline = app.get(TokenPipeline);
  const tenants = app.get(TenantResolver);
  const cors = app.get(CorsPolicy);
  const wellKnown = new WellKnownRoute(app.get(DiscoveryService), app.get(SigningKeysService), tenants);
  const userinfo = new UserinfoRoute(app.get(UserinfoService), tenants);
  const server = app.getHttpServer() as Server;
  const [viaExpress] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeListener('request', viaExpress);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST') {
      const kind = isTokenPath(req.url) ? simpleBodyKind(req.headers, bodyLimit) : undefined;
      if (kind !== undefined) {
        void pipeline.run(new BareTokenHttp(req, res, kind, express));
        return;
      }
    } else if (req.method === 'OPTIONS') {
      // CORS preflights of the endpoints browser apps call, whichever entry serves the request itself.
      const path = CorsPolicy.pathOf(req.url);
      if (path !== undefined) {
        void tenants
          .contextFor(req.headers.host)
          .then((tenant) => cors.preflight(tenant.id, path, req.headers, res))
          .catch(() => viaExpress(req, res));
        return;
      }
    } else if (userinfo.match(req)) {
      void userinfo.serve(req, res).catch(() => viaExpress(req, res));
      return;
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

/** The token endpoint's view of a request that never entered Express. */
class BareTokenHttp implements TokenHttp {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rateLimited = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly kind: SimpleBodyKind,
    private readonly express: Express,
  ) {
    this.method = req.method!;
    this.url = req.url!;
    this.headers = req.headers;
  }

  get closing(): boolean {
    return isClosing(this.req);
  }

  /** Express's `req.ip`: the socket's address unless `trust proxy` is set. */
  ip(): string | undefined {
    if (!this.express.enabled('trust proxy')) {
      return this.req.socket.remoteAddress;
    }
    return proxyaddr(this.req, this.express.get('trust proxy fn') as (addr: string, i: number) => boolean);
  }

  readBody(): Promise<unknown> {
    return readSimpleBody(this.req, this.kind);
  }

  /** Where Express routes would have it (`req.tenant`), for the request's log line. */
  tenantResolved(tenant: TenantContext): void {
    (this.req as TenantRequest).tenant = tenant;
  }

  /** What res.json() writes, without its content negotiation and freshness checks (none apply here). */
  send(status: number, headers: Record<string, string>, body: string): void {
    const res = this.res;
    res.statusCode = status;
    for (const name in headers) {
      res.setHeader(name, headers[name]);
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }
}
