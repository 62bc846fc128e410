import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { ApiError } from '../errors/api-error.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { LogsService } from './logs.service.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Writes the tenant log for Management API changes: who, what, when, and whether it worked. Only
 * identifiers and outcomes are recorded, never bodies, secrets or tokens. Token exchanges are logged by
 * the token endpoint's own `log` step (src/tokens/token-pipeline.ts), through `TokenExchangeLog`.
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

    if (req.path.startsWith('/api/v2/') && req.method !== 'GET' && req.method !== 'HEAD') {
      const what = `${req.method} ${req.route ? String((req.route as { path: string }).path) : req.path}`;
      const who = () => ({ clientId: req.managementToken?.azp, userId: req.managementToken?.sub });
      const details = (status: number) => ({ request: { method: req.method, path: req.path }, response: { statusCode: status } });
      return next.handle().pipe(
        tap({
          next: () =>
            this.logs.record({
              ...common,
              ...who(),
              type: 'sapi',
              description: what,
              details: details(ctx.switchToHttp().getResponse<{ statusCode: number }>().statusCode),
            }),
          error: (e: unknown) =>
            this.logs.record({
              ...common,
              ...who(),
              type: 'fapi',
              description: `${what}: ${e instanceof ApiError ? e.message : 'failed'}`,
              details: details(e instanceof ApiError ? e.status : 500),
            }),
        }),
      );
    }
    return next.handle();
  }
}
