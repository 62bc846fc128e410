import { Injectable } from '@nestjs/common';
import { ApiError } from '../errors/api-error.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { LogsService } from './logs.service.js';

/** Auth0 event codes for /oauth/token, by grant type: [success, failure]. */
const EXCHANGE_TYPES: Record<string, [string, string]> = {
  client_credentials: ['seccft', 'feccft'],
  authorization_code: ['seacft', 'feacft'],
  refresh_token: ['sertft', 'fertft'],
  password: ['sepft', 'fepft'],
  'http://auth0.com/oauth/grant-type/password-realm': ['sepft', 'fepft'],
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The client named by HTTP Basic credentials (the id only; the secret is never read here). */
function basicClientId(header: string | undefined): string | undefined {
  const m = header ? /^Basic +([A-Za-z0-9+/]+=*)/i.exec(header) : null;
  if (!m) {
    return undefined;
  }
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  try {
    return colon > 0 ? decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tenant log of token exchanges (`seccft`, `feccft`, ...): who asked for what and whether it worked.
 * Only identifiers and outcomes are recorded, never bodies, secrets or tokens. Called by the token route
 * once the exchange has an outcome; requests refused before it (body parsing, rate limits) are not
 * exchanges.
 */
@Injectable()
export class TokenExchangeLog {
  constructor(private readonly logs: LogsService) {}

  succeeded(req: TenantRequest, response: { scope?: unknown }): void {
    const facts = this.facts(req);
    if (facts?.ok) {
      this.logs.record({ ...facts.common, type: facts.ok, description: `Exchange ${facts.grant} for Access Token`, scope: str(response.scope) });
    }
  }

  failed(req: TenantRequest, e: unknown): void {
    const facts = this.facts(req);
    if (facts) {
      this.logs.record({
        ...facts.common,
        type: facts.failed,
        description: e instanceof ApiError ? e.message : 'Failed exchange',
        details: { grant_type: facts.grant || undefined, status: e instanceof ApiError ? e.status : 500 },
      });
    }
  }

  private facts(req: TenantRequest) {
    const tenantId = req.tenant?.id;
    if (!tenantId) {
      return undefined;
    }
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const grant = str(body.grant_type) ?? '';
    const [ok, failed] = EXCHANGE_TYPES[grant] ?? ['', 'feccft'];
    return {
      grant,
      ok,
      failed,
      common: {
        tenantId,
        ip: req.ip,
        userAgent: str(req.headers['user-agent']),
        hostname: str(req.headers.host),
        clientId: str(body.client_id) ?? basicClientId(req.headers.authorization),
        audience: str(body.audience) ?? str(body.resource),
      },
    };
  }
}
