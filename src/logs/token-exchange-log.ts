import { Injectable } from '@nestjs/common';
import { requestClientId } from '../common/basic-credentials.js';
import { ApiError } from '../errors/api-error.js';
import { LogsService } from './logs.service.js';

/** Auth0 event codes for /oauth/token, by grant type: [success, failure]. */
const EXCHANGE_TYPES: Record<string, [string, string]> = {
  client_credentials: ['seccft', 'feccft'],
  authorization_code: ['seacft', 'feacft'],
  refresh_token: ['sertft', 'fertft'],
  password: ['sepft', 'fepft'],
  'http://auth0.com/oauth/grant-type/password-realm': ['sepft', 'fepft'],
};

/** What the log needs of a token request, whatever served it. */
export interface ExchangeRequest {
  tenantId: string;
  body: unknown;
  authorization?: string;
  ip?: string;
  userAgent?: string;
  host?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * The tenant log of token exchanges (`seccft`, `feccft`, ...): who asked for what and whether it worked.
 * Only identifiers and outcomes are recorded, never bodies, secrets or tokens. The token endpoint's `log`
 * step calls it once the exchange has an outcome; requests refused before it (body parsing, rate limits)
 * are not exchanges.
 */
@Injectable()
export class TokenExchangeLog {
  constructor(private readonly logs: LogsService) {}

  succeeded(req: ExchangeRequest, response: { scope?: unknown }): void {
    const body = bodyOf(req);
    const grant = str(body.grant_type) ?? '';
    const ok = EXCHANGE_TYPES[grant]?.[0];
    if (ok) {
      this.logs.record({
        tenantId: req.tenantId,
        type: ok,
        description: `Exchange ${grant} for Access Token`,
        clientId: requestClientId(body, req.authorization),
        audience: str(body.audience) ?? str(body.resource),
        scope: str(response.scope),
        ip: req.ip,
        userAgent: str(req.userAgent),
        hostname: str(req.host),
      });
    }
  }

  failed(req: ExchangeRequest, e: unknown): void {
    const body = bodyOf(req);
    const grant = str(body.grant_type) ?? '';
    this.logs.record({
      tenantId: req.tenantId,
      type: EXCHANGE_TYPES[grant]?.[1] ?? 'feccft',
      description: e instanceof ApiError ? e.message : 'Failed exchange',
      clientId: requestClientId(body, req.authorization),
      audience: str(body.audience) ?? str(body.resource),
      ip: req.ip,
      userAgent: str(req.userAgent),
      hostname: str(req.host),
      details: { grant_type: grant || undefined, status: e instanceof ApiError ? e.status : 500 },
    });
  }
}

function bodyOf(req: ExchangeRequest): Record<string, unknown> {
  return (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
}
