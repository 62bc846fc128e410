import type { IncomingMessage, ServerResponse } from 'node:http';
import { isClosing } from '../common/shutdown.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { TenantResolver } from '../tenants/tenant-resolver.js';
import { UserinfoService } from './userinfo.service.js';

/**
 * `GET /userinfo` with a bearer token, served before Express (mounted with the token route): once the user
 * and token family are in memory, Express and Nest's per-request work is most of what is left of the cost
 * (bench/RESULTS.md). Only the plain case comes here: exactly that path, no query, no body, no `Origin`
 * (CORS answers stay with UserinfoController), and only a 200 is written here; anything refused is handed,
 * untouched, to Express, whose controller answers it again and renders the error as always.
 */
export class UserinfoRoute {
  constructor(
    private readonly userinfo: UserinfoService,
    private readonly tenants: TenantResolver,
  ) {}

  /** Whether this route serves the request. */
  match(req: IncomingMessage): boolean {
    const h = req.headers;
    return (
      req.method === 'GET' &&
      req.url === '/userinfo' &&
      h.authorization !== undefined &&
      h.origin === undefined &&
      h['transfer-encoding'] === undefined &&
      (h['content-length'] === undefined || h['content-length'] === '0')
    );
  }

  /** Rejects only before anything is written, so the caller can hand over to Express. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    const tenant = this.tenants.cachedContextFor(host) ?? (await this.tenants.contextFor(host));
    const body = await this.userinfo.answerBody(tenant, req.headers.authorization ?? '');
    // Where Express routes would have it, for the request's log line.
    (req as TenantRequest).tenant = tenant;
    if (isClosing(req)) {
      res.setHeader('Connection', 'close');
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.bytes);
    res.end(body.json);
  }
}
