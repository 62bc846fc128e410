import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { requestPath } from '../common/request-path.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LogsService } from '../logs/logs.service.js';
import { rateLimitRefusals } from '../metrics/metrics.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import type { RateLimitConfig } from './rate-limit.config.js';
import { TokenBuckets, type BucketRule, type TakeResult } from './token-bucket.js';

/** Paths of the login form (submissions are limited per IP against password guessing). */
const LOGIN_PATHS = ['/u/login', '/login', '/authorize', '/authorize/login'];

function clientIdOf(req: TenantRequest): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body.client_id === 'string' && body.client_id.length <= 128) {
    return body.client_id;
  }
  const m = /^Basic +([A-Za-z0-9+/]+=*)/i.exec(req.headers.authorization ?? '');
  if (m) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 ? decoded.slice(0, Math.min(colon, 128)) : undefined;
  }
  return undefined;
}

/**
 * Token-bucket limits per client and per IP on /oauth/*, per IP on the Management API and on login form
 * submissions. Past a limit: 429 in the surface's error shape with `Retry-After`, and an `api_limit` log.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly buckets = new TokenBuckets();
  private readonly limits: RateLimitConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logs: LogsService,
  ) {
    this.limits = config.rateLimits;
  }

  get enabled(): boolean {
    return this.limits.enabled;
  }

  use(req: TenantRequest, res: Response, next: NextFunction): void {
    if (this.allow(req, res)) {
      next();
    }
  }

  /** True when the request may go on; otherwise the 429 has been written (the token route calls this directly). */
  allow(req: TenantRequest, res: Response): boolean {
    if (!this.limits.enabled) {
      return true;
    }
    const path = requestPath(req);
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const tenant = req.tenant?.id ?? '-';
    const checks: [string, BucketRule][] = [];
    let surface: 'oauth' | 'management' = 'oauth';
    if (path.startsWith('/oauth/')) {
      checks.push([`oauth-ip:${tenant}:${ip}`, this.limits.tokenPerIp]);
      const clientId = clientIdOf(req);
      if (clientId) {
        checks.push([`oauth-client:${tenant}:${clientId}`, this.limits.tokenPerClient]);
      }
    } else if (path.startsWith('/api/v2/')) {
      surface = 'management';
      checks.push([`mgmt-ip:${tenant}:${ip}`, this.limits.managementPerIp]);
    } else if (req.method === 'POST' && LOGIN_PATHS.includes(path)) {
      checks.push([`login-ip:${tenant}:${ip}`, this.limits.loginPerIp]);
    } else {
      return true;
    }

    let tightest: { result: TakeResult; rule: BucketRule } | undefined;
    for (const [key, rule] of checks) {
      const result = this.buckets.take(key, rule);
      if (!tightest || result.remaining < tightest.result.remaining || !result.allowed) {
        tightest = { result, rule };
      }
      if (!result.allowed) {
        break;
      }
    }
    const { result, rule } = tightest!;
    res.setHeader('X-RateLimit-Limit', String(rule.burst));
    res.setHeader('X-RateLimit-Remaining', String(result.remaining));
    res.setHeader('X-RateLimit-Reset', String(result.reset));
    if (result.allowed) {
      return true;
    }
    res.setHeader('Retry-After', String(result.retryAfter));
    rateLimitRefusals.labels(surface === 'oauth' && !path.startsWith('/oauth/') ? 'login' : surface).inc();
    const message = 'Too many requests. Check the Retry-After header.';
    if (req.tenant) {
      this.logs.record({
        tenantId: req.tenant.id,
        type: 'api_limit',
        description: `Rate limit exceeded on ${req.method} ${path}`,
        clientId: surface === 'oauth' ? clientIdOf(req) : undefined,
        ip,
        userAgent: req.headers['user-agent'],
      });
    }
    if (surface === 'management') {
      res.status(429).json({ statusCode: 429, error: 'Too Many Requests', message, errorCode: 'too_many_requests' });
    } else {
      res.setHeader('Cache-Control', 'no-store');
      res.status(429).json({ error: 'too_many_requests', error_description: message });
    }
    return false;
  }
}
