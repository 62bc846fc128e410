import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { BucketRule } from '../config/rate-limit.config.js';
import { RuleViolation, type ApiError } from '../errors/api-error.js';
import { LogsService } from '../logs/logs.service.js';
import { rateLimitRefusals } from '../metrics/metrics.js';
import { TokenBuckets, type TakeResult } from './token-bucket.js';
import { requestClientId } from '../common/basic-credentials.js';

/** Which limits apply: /oauth/* per IP and per client, the Management API, login forms and sign-up/reset requests per IP. */
export type LimitedSurface = 'oauth' | 'management' | 'login' | 'account';

/** What the limiter needs of a request, whatever serves it. */
export interface LimitedRequest {
  surface: LimitedSurface;
  tenantId?: string;
  ip: string;
  /** /oauth/* only: the client the request names (body `client_id` or HTTP Basic). */
  clientId?: string;
  method: string;
  path: string;
  userAgent?: string;
}

export interface LimitVerdict {
  /** `X-RateLimit-*` for every limited request, allowed or not. */
  headers: Record<string, string>;
  /** Set when the request is refused: a 429 in the surface's shape, with `Retry-After`. */
  error?: ApiError;
}

/**
 * Token-bucket limits per client and per IP on /oauth/*, per IP on the Management API and on login form
 * submissions. Past a limit: 429 with `Retry-After`, and an `api_limit` log event. Framework-free: the
 * Express middleware and the token endpoint's step list both ask it.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets = new TokenBuckets();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logs: LogsService,
  ) {}

  get enabled(): boolean {
    return this.config.rateLimits.enabled;
  }

  check(req: LimitedRequest): LimitVerdict {
    const limits = this.config.rateLimits;
    const tenant = req.tenantId ?? '-';
    const checks: [string, BucketRule][] = [];
    if (req.surface === 'oauth') {
      checks.push([`oauth-ip:${tenant}:${req.ip}`, limits.tokenPerIp]);
      if (req.clientId) {
        checks.push([`oauth-client:${tenant}:${req.clientId}`, limits.tokenPerClient]);
      }
    } else if (req.surface === 'management') {
      checks.push([`mgmt-ip:${tenant}:${req.ip}`, limits.managementPerIp]);
    } else if (req.surface === 'account') {
      checks.push([`account-ip:${tenant}:${req.ip}`, limits.loginPerIp]);
    } else {
      checks.push([`login-ip:${tenant}:${req.ip}`, limits.loginPerIp]);
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
    const headers = {
      'X-RateLimit-Limit': String(rule.burst),
      'X-RateLimit-Remaining': String(result.remaining),
      'X-RateLimit-Reset': String(result.reset),
    };
    if (result.allowed) {
      return { headers };
    }
    rateLimitRefusals.labels(req.surface).inc();
    if (req.tenantId) {
      this.logs.record({
        tenantId: req.tenantId,
        type: 'api_limit',
        description: `Rate limit exceeded on ${req.method} ${req.path}`,
        clientId: req.clientId,
        ip: req.ip,
        userAgent: req.userAgent,
      });
    }
    return { headers, error: RuleViolation.tooManyRequests(result.retryAfter) };
  }
}

/**
 * The client an /oauth/* request names, read as client authentication reads it (one parser of Basic
 * credentials, so `my%2Dclient` and `my-client` share a bucket); long ids are cut to bound the key.
 */
export function limitedClientId(body: unknown, authorization: string | undefined): string | undefined {
  return requestClientId(body, authorization)?.slice(0, 128);
}
