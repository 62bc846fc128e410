import { Injectable } from '@nestjs/common';
import { requestClientId } from '../common/basic-credentials.js';
import { ApiError, OAuthError, RuleViolation } from '../errors/api-error.js';
import { tokenExchanges } from '../metrics/metrics.js';
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

  succeeded(req: ExchangeRequest, response: { scope?: unknown; access_token?: unknown }): void {
    const body = bodyOf(req);
    const grant = str(body.grant_type) ?? '';
    const ok = EXCHANGE_TYPES[grant]?.[0];
    tokenExchanges.labels(grantLabel(grant), 'success', tokenFormat(response.access_token)).inc();
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
    tokenExchanges
      .labels(grantLabel(grant), e instanceof OAuthError ? e.error : e instanceof RuleViolation ? e.oauthCode : 'server_error', 'none')
      .inc();
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

/** Metric label for a grant type: the ones Tessera knows, else `other` (labels never echo input). */
function grantLabel(grant: string): string {
  return EXCHANGE_TYPES[grant] || grant === 'urn:ietf:params:oauth:grant-type:token-exchange' ? grant : 'other';
}

/** Compact JWS has two dots, compact JWE four; anything else Tessera issues is an opaque reference. */
function tokenFormat(token: unknown): string {
  if (typeof token !== 'string') {
    return 'none';
  }
  let dots = 0;
  for (let i = token.indexOf('.'); i !== -1 && dots < 5; i = token.indexOf('.', i + 1)) {
    dots++;
  }
  return dots === 2 ? 'jwt' : dots === 4 ? 'jwe' : 'opaque';
}

function bodyOf(req: ExchangeRequest): Record<string, unknown> {
  return (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
}
