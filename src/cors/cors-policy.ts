import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ClientsService } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { LogsService } from '../logs/logs.service.js';
import { clientAllowsOrigin, isSameOrigin } from '../rules/browser-origins.js';

/** The endpoints browser apps call cross-origin, and the methods each takes. */
const CORS_PATHS: Record<string, string> = {
  '/oauth/token': 'POST, OPTIONS',
  '/oauth/revoke': 'POST, OPTIONS',
  '/userinfo': 'GET, POST, OPTIONS',
  '/.well-known/openid-configuration': 'GET, HEAD, OPTIONS',
  '/.well-known/jwks.json': 'GET, HEAD, OPTIONS',
};
/** What Auth0's SDKs send: a JSON or form body, their telemetry header, a bearer token. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Auth0-Client, Auth0-Forwarded-For, X-Requested-With';
const PUBLIC_DOCUMENTS = new Set(['/.well-known/openid-configuration', '/.well-known/jwks.json']);

/** A request's CORS standing: not cross-origin, allowed for the client in the request, or refused. */
export type CorsDecision = { kind: 'none' } | { kind: 'allowed'; origin: string } | { kind: 'refused'; origin: string; reason: string };

export interface CorsRequest {
  tenantId: string;
  headers: IncomingHttpHeaders;
  ip?: string;
  /** The client the request is made for (body `client_id`, Basic credentials, the token's `azp`). */
  clientId?: string;
}

/**
 * CORS for the endpoints single-page apps call (`/oauth/token`, `/oauth/revoke`, `/userinfo`; the public
 * `/.well-known` documents allow every origin). A response is readable by an origin only when the
 * client in the request allows it (rules/browser-origins.ts); a preflight, which names no client, is
 * answered for an origin that some client of the tenant allows. A refused origin gets no CORS headers,
 * so the browser blocks the response, and an `fcoa` log event says why.
 */
@Injectable()
export class CorsPolicy {
  constructor(
    private readonly clients: ClientsService,
    private readonly logs: LogsService,
  ) {}

  /** The CORS path a URL is for, if any (query ignored). */
  static pathOf(url: string | undefined): string | undefined {
    const path = url?.split('?', 1)[0];
    return path !== undefined && path in CORS_PATHS ? path : undefined;
  }

  async decide(req: CorsRequest): Promise<CorsDecision> {
    const origin = singleHeader(req.headers.origin);
    if (origin === undefined || isSameOrigin(origin, req.headers.host)) {
      return { kind: 'none' };
    }
    const client = req.clientId ? await this.clients.findByClientId(req.tenantId, req.clientId) : undefined;
    if (client && clientAllowsOrigin(client.entity, origin)) {
      return { kind: 'allowed', origin };
    }
    const reason = client
      ? `Origin ${origin} is not in the allowed origins, web origins or callback URLs of the client`
      : 'Cross-origin request without a known client';
    this.logs.record({
      tenantId: req.tenantId,
      type: 'fcoa',
      description: reason,
      clientId: req.clientId,
      clientName: client?.entity.name,
      ip: req.ip,
      userAgent: singleHeader(req.headers['user-agent']),
      hostname: singleHeader(req.headers.host),
      details: { origin },
    });
    return { kind: 'refused', origin, reason };
  }

  /**
   * The CORS step of a request that changes something (a token exchange, a revocation): refused with
   * `403 access_denied` before anything is spent when the origin is not allowed for the client; else the
   * response headers to add.
   */
  async admit(req: CorsRequest): Promise<Record<string, string>> {
    const decision = await this.decide(req);
    if (decision.kind === 'refused') {
      throw OAuthError.accessDenied(decision.reason);
    }
    return CorsPolicy.headersFor(decision);
  }

  /** The response's CORS headers: for an allowed origin only. */
  static headersFor(decision: CorsDecision): Record<string, string> {
    return decision.kind === 'allowed' ? { 'Access-Control-Allow-Origin': decision.origin, Vary: 'Origin' } : {};
  }

  /**
   * `OPTIONS` for a CORS path: 204, with the methods and headers when the origin may call it. An origin
   * no client allows gets a bare 204, which the browser treats as a refusal.
   */
  async preflight(tenantId: string, path: string, headers: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
    const origin = singleHeader(headers.origin);
    res.setHeader('Vary', 'Origin, Access-Control-Request-Headers');
    const publicDocument = PUBLIC_DOCUMENTS.has(path);
    if (origin !== undefined && (publicDocument || (await this.anyClientAllows(tenantId, origin)))) {
      res.setHeader('Access-Control-Allow-Origin', publicDocument ? '*' : origin);
      res.setHeader('Access-Control-Allow-Methods', CORS_PATHS[path]);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '86400');
    }
    res.setHeader('Allow', CORS_PATHS[path]);
    res.statusCode = 204;
    res.end();
  }

  private async anyClientAllows(tenantId: string, origin: string): Promise<boolean> {
    return (await this.clients.allOrigins(tenantId)).some((c) => clientAllowsOrigin(c, origin));
  }
}

function singleHeader(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
