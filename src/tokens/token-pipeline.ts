import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { requestClientId } from '../common/basic-credentials.js';
import { CorsPolicy } from '../cors/cors-policy.js';
import { OAuthError } from '../errors/api-error.js';
import { renderError } from '../errors/error-renderer.js';
import { TokenExchangeLog } from '../logs/token-exchange-log.js';
import { limitedClientId, RateLimiter } from '../rate-limit/rate-limiter.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { TenantResolver } from '../tenants/tenant-resolver.js';
import type { TokenResponse } from './grants/grant-handler.js';
import { TokenEndpoint } from './token-endpoint.js';

/** The HTTP exchange under the token endpoint, whichever entry received it (token-route.ts or TokenController). */
export interface TokenHttp {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Express's `req.ip` (the socket's address, or as `trust proxy` says). */
  ip(): string | undefined;
  /** The parsed form or JSON body; rejects with body-parser's errors. */
  readBody(): Promise<unknown>;
  /** The Express rate-limit middleware has counted this request already. */
  readonly rateLimited: boolean;
  /** A graceful shutdown began: answer with `Connection: close`. */
  readonly closing: boolean;
  send(status: number, headers: Record<string, string>, body: string): void;
  /** Told the tenant once it is known (the fast path hands it to the request log line). */
  tenantResolved?(tenant: TenantContext): void;
}

/** One request on its way through the steps. */
interface TokenExchange {
  http: TokenHttp;
  /** Response headers gathered by the steps. */
  headers: Record<string, string>;
  body?: unknown;
  tenant?: TenantContext;
  ip?: string;
  /** The exchange itself ran (only then is the request logged as one). */
  exchanged: boolean;
  response?: TokenResponse;
  error?: unknown;
}

interface Step {
  name: string;
  /** Runs even after an earlier step failed. */
  always?: true;
  run(x: TokenExchange): void | Promise<void>;
}

/**
 * `POST /oauth/token` as one explicit list of named steps (in the manner of node-oidc-provider's endpoint
 * step lists). Both entries run it: the fast path before Express (src/token-route.ts) and TokenController
 * (every other spelling of the request). When a step throws, the rest are skipped but for the `always`
 * ones, which log the exchange and render the answer.
 */
@Injectable()
export class TokenPipeline {
  readonly steps: readonly Step[] = [
    { name: 'read body', run: (x) => this.readBody(x) },
    { name: 'resolve tenant', run: (x) => this.resolveTenant(x) },
    { name: 'rate limit', run: (x) => this.rateLimit(x) },
    { name: 'refuse NUL', run: (x) => this.refuseNul(x) },
    { name: 'CORS', run: (x) => this.cors(x) },
    { name: 'exchange', run: (x) => this.exchange(x) },
    { name: 'log', always: true, run: (x) => this.log(x) },
    { name: 'render', always: true, run: (x) => this.render(x) },
  ];

  constructor(
    private readonly tenants: TenantResolver,
    private readonly limiter: RateLimiter,
    private readonly endpoint: TokenEndpoint,
    private readonly exchanges: TokenExchangeLog,
    private readonly corsPolicy: CorsPolicy,
  ) {}

  async run(http: TokenHttp): Promise<void> {
    const x: TokenExchange = { http, headers: {}, exchanged: false };
    for (const step of this.steps) {
      if (x.error !== undefined && !step.always) {
        continue;
      }
      try {
        await step.run(x);
      } catch (e) {
        x.error ??= e;
      }
    }
  }

  private async readBody(x: TokenExchange): Promise<void> {
    x.body = await x.http.readBody();
    if (x.http.closing) {
      x.headers.Connection = 'close';
    }
  }

  /**
   * No OAuth value holds a NUL; PostgreSQL would refuse it deep in a query (the NUL guard's rule). The
   * path and query are checked here; body values by the OAuth parameter reader, which names the parameter
   * and so fails the exchange (logged as one).
   */
  private refuseNul(x: TokenExchange): void {
    const query = x.http.url.indexOf('?');
    const path = query < 0 ? x.http.url : x.http.url.slice(0, query);
    const where = /%00/i.test(path) ? 'path' : query >= 0 && /%00/i.test(x.http.url.slice(query)) ? 'query string' : undefined;
    if (where) {
      throw OAuthError.invalidRequest(`The request ${where} must not contain NUL characters`);
    }
  }

  private async resolveTenant(x: TokenExchange): Promise<void> {
    x.tenant = await this.tenants.contextFor(x.http.headers.host);
    x.http.tenantResolved?.(x.tenant);
  }

  private rateLimit(x: TokenExchange): void {
    if (x.http.rateLimited || !this.limiter.enabled) {
      return;
    }
    x.ip = x.http.ip();
    const verdict = this.limiter.check({
      surface: 'oauth',
      tenantId: x.tenant?.id,
      ip: x.ip ?? 'unknown',
      clientId: limitedClientId(x.body, x.http.headers.authorization),
      method: x.http.method,
      path: '/oauth/token',
      userAgent: x.http.headers['user-agent'],
    });
    Object.assign(x.headers, verdict.headers);
    if (verdict.error) {
      throw verdict.error;
    }
  }

  /**
   * A browser app's request (it carries `Origin`): refused before anything is spent when the origin is not
   * allowed for the client in the request, else the answer is made readable to it (CorsPolicy).
   */
  private cors(x: TokenExchange): void | Promise<void> {
    if (x.http.headers.origin === undefined) {
      return; // a server-side client: nothing to decide (and no promise on the hot path)
    }
    x.ip ??= x.http.ip();
    const clientId = requestClientId(x.body, x.http.headers.authorization);
    return this.corsPolicy.admit({ tenantId: x.tenant!.id, headers: x.http.headers, ip: x.ip, clientId }).then((headers) => {
      Object.assign(x.headers, headers);
    });
  }

  private async exchange(x: TokenExchange): Promise<void> {
    x.headers['Cache-Control'] = 'no-store';
    x.headers.Pragma = 'no-cache';
    x.ip ??= x.http.ip();
    x.exchanged = true;
    x.response = await this.endpoint.exchange({
      tenant: x.tenant!,
      body: x.body,
      authorization: x.http.headers.authorization,
      contentType: x.http.headers['content-type'],
      ip: x.ip,
      userAgent: x.http.headers['user-agent'],
    });
  }

  private log(x: TokenExchange): void {
    if (!x.exchanged || !x.tenant) {
      return;
    }
    const req = {
      tenantId: x.tenant.id,
      body: x.body,
      authorization: x.http.headers.authorization,
      ip: x.ip,
      userAgent: x.http.headers['user-agent'],
      host: x.http.headers.host,
    };
    if (x.error === undefined) {
      this.exchanges.succeeded(req, x.response!);
    } else {
      this.exchanges.failed(req, x.error);
    }
  }

  private render(x: TokenExchange): void {
    if (x.error === undefined) {
      x.http.send(200, x.headers, JSON.stringify(x.response));
      return;
    }
    const rendered = renderError(x.error, 'oauth');
    x.http.send(rendered.status, { ...x.headers, ...rendered.headers }, JSON.stringify(rendered.body));
  }
}
