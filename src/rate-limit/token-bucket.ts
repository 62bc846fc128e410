import type { BucketRule } from '../config/rate-limit.config.js';

export type { BucketRule };

export interface TakeResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until one request is allowed again (0 when allowed). */
  retryAfter: number;
  /** Epoch seconds at which the bucket is full again. */
  reset: number;
}

/** In-memory token buckets keyed by string; per process, so limits apply per worker. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Date.now();

  constructor(private readonly maxKeys = 100000) {}

  take(key: string, rule: BucketRule, now = Date.now()): TakeResult {
    this.sweep(now, rule);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rule.burst, at: now };
      if (this.buckets.size < this.maxKeys) {
        this.buckets.set(key, b);
      }
    } else {
      b.tokens = Math.min(rule.burst, b.tokens + ((now - b.at) / 1000) * rule.rate);
      b.at = now;
    }
    const reset = Math.ceil((now + ((rule.burst - b.tokens) / rule.rate) * 1000) / 1000);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfter: 0, reset };
    }
    return { allowed: false, remaining: 0, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / rule.rate)), reset };
  }

  /** Drops full buckets now and then so idle keys do not accumulate. */
  private sweep(now: number, rule: BucketRule): void {
    if (now - this.lastSweep < 10000) {
      return;
    }
    this.lastSweep = now;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * rule.rate >= rule.burst) {
        this.buckets.delete(k);
      }
    }
  }
}
