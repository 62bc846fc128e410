import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { ApiError } from '../errors/api-error.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { LogsService } from './logs.service.js';
import { TokenExchangeLog } from './token-exchange-log.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Writes the tenant log for token exchanges and Management API changes: who, what, when, and whether it
 * worked. Only identifiers and outcomes are recorded, never bodies, secrets or tokens. Exchanges go
 * through `TokenExchangeLog`, which `src/token-route.ts` calls for the requests it serves outside Nest.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly logs: LogsService,
    private readonly exchanges: TokenExchangeLog,
  ) {}

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
      return next.handle().pipe(
        tap({
          next: (res) => this.exchanges.succeeded(req, (res ?? {}) as { scope?: unknown }),
          error: (e: unknown) => this.exchanges.failed(req, e),
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
