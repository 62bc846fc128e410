import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
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
 * Writes the tenant log for token exchanges and Management API changes: who, what, when, and whether it
 * worked. Only identifiers and outcomes are recorded, never bodies, secrets or tokens.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly logs: LogsService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') {
      return next.handle();
    }
    const req = ctx.switchToHttp().getRequest<TenantRequest>();
    const tenantId = req.tenant?.id;
    if (!tenantId) {
      return next.handle();
    }
    const common = { tenantId, ip: req.ip, userAgent: str(req.headers['user-agent']), hostname: str(req.headers.host) };

    if (req.method === 'POST' && req.path === '/oauth/token') {
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const grant = str(body.grant_type) ?? '';
      const [ok, failed] = EXCHANGE_TYPES[grant] ?? ['', 'feccft'];
      const clientId = str(body.client_id) ?? basicClientId(req.headers.authorization);
      const audience = str(body.audience) ?? str(body.resource);
      return next.handle().pipe(
        tap({
          next: (res) => {
            if (ok) {
              const scope = str((res as { scope?: unknown } | undefined)?.scope);
              this.logs.record({ ...common, type: ok, description: `Exchange ${grant} for Access Token`, clientId, audience, scope });
            }
          },
          error: (e: unknown) => {
            this.logs.record({
              ...common,
              type: failed,
              description: e instanceof ApiError ? e.message : 'Failed exchange',
              clientId,
              audience,
              details: { grant_type: grant || undefined, status: e instanceof ApiError ? e.status : 500 },
            });
          },
        }),
      );
    }

    if (req.path.startsWith('/api/v2/') && req.method !== 'GET' && req.method !== 'HEAD') {
      const what = `${req.method} ${req.route ? String((req.route as { path: string }).path) : req.path}`;
      const who = () => ({ clientId: req.managementToken?.azp, userId: req.managementToken?.sub });
      const details = (status: number) => ({ request: { method: req.method, path: req.path }, response: { statusCode: status } });
      return next.handle().pipe(
        tap({
          next: () => this.logs.record({ ...common, ...who(), type: 'sapi', description: what, details: details(ctx.switchToHttp().getResponse<{ statusCode: number }>().statusCode) }),
          error: (e: unknown) =>
            this.logs.record({ ...common, ...who(), type: 'fapi', description: `${what}: ${e instanceof ApiError ? e.message : 'failed'}`, details: details(e instanceof ApiError ? e.status : 500) }),
        }),
      );
    }
    return next.handle();
  }
}
