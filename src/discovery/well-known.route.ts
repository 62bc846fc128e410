import type { IncomingMessage, ServerResponse } from 'node:http';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { isClosing } from '../common/shutdown.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { TenantResolver } from '../tenants/tenant-resolver.js';
import { DiscoveryService } from './discovery.service.js';

/**
 * Cache lifetimes of the two public documents. The JWKS is cached for less time than the metadata: a
 * revoked key should leave verifiers' caches soon, and the `next` key is published ahead of a rotation.
 */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';
export const JWKS_CACHE_CONTROL = 'public, max-age=60';

/**
 * `GET`/`HEAD` of `/.well-known/jwks.json` and `/.well-known/openid-configuration`, served before Express
 * (mounted with the token route): both are prebuilt strings, and Express's per-request garbage alone
 * forced a full collection about three times a second at load, the JWKS's p99 several times its median
 * (bench/RESULTS.md). Same headers and bodies as DiscoveryController, which serves every other spelling.
 */
export class WellKnownRoute {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly keys: SigningKeysService,
    private readonly tenants: TenantResolver,
  ) {}

  /** The document this request asks for, if this route serves it. */
  match(req: IncomingMessage): WellKnownDocument | undefined {
    return req.method === 'GET' || req.method === 'HEAD' ? documentOf(req.url) : undefined;
  }

  /** Rejects only before anything is written (the tenant lookup), so the caller can hand over to Express. */
  async serve(req: IncomingMessage, res: ServerResponse, document: WellKnownDocument): Promise<void> {
    const tenant = await this.tenants.contextFor(req.headers.host);
    // Where Express routes would have it, for the request's log line.
    (req as TenantRequest).tenant = tenant;
    const jwks = document === 'jwks';
    const body = jwks ? this.keys.jwksJson(tenant.id, tenant.issuer) : this.discovery.documentJson(tenant.issuer);
    if (isClosing(req)) {
      res.setHeader('Connection', 'close');
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', jwks ? JWKS_CACHE_CONTROL : DISCOVERY_CACHE_CONTROL);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

export type WellKnownDocument = 'jwks' | 'discovery';

function documentOf(url: string | undefined): WellKnownDocument | undefined {
  const path = url?.split('?', 1)[0];
  return path === '/.well-known/jwks.json' ? 'jwks' : path === '/.well-known/openid-configuration' ? 'discovery' : undefined;
}
