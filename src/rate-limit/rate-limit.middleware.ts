import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { requestPath } from '../common/request-path.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { limitedClientId, RateLimiter, type LimitedSurface } from './rate-limiter.js';

/** Paths of the login form (submissions are limited per IP against password guessing). */
const LOGIN_PATHS = ['/u/login', '/login', '/authorize', '/authorize/login'];

/** Marks a request the limiter has already counted, so the token endpoint's own rate-limit step skips it. */
export const RATE_LIMITED = Symbol('rate limit counted');

/** RateLimiter for requests that go through Express; a refusal goes to the error filter. */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  constructor(private readonly limiter: RateLimiter) {}

  use(req: TenantRequest & { [RATE_LIMITED]?: boolean }, res: Response, next: NextFunction): void {
    if (!this.limiter.enabled) {
      next();
      return;
    }
    const path = requestPath(req);
    const surface: LimitedSurface | undefined = path.startsWith('/oauth/')
      ? 'oauth'
      : path.startsWith('/api/v2/')
        ? 'management'
        : req.method === 'POST' && LOGIN_PATHS.includes(path)
          ? 'login'
          : undefined;
    if (!surface) {
      next();
      return;
    }
    const verdict = this.limiter.check({
      surface,
      tenantId: req.tenant?.id,
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      clientId: surface === 'oauth' ? limitedClientId(req.body, req.headers.authorization) : undefined,
      method: req.method,
      path,
      userAgent: req.headers['user-agent'],
    });
    req[RATE_LIMITED] = true;
    for (const [name, value] of Object.entries(verdict.headers)) {
      res.setHeader(name, value);
    }
    next(verdict.error);
  }
}
