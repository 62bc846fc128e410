/** A token bucket's limits (applied by src/rate-limit/token-bucket.ts). */
export interface BucketRule {
  /** Requests per second, refilled continuously. */
  rate: number;
  /** Largest burst. */
  burst: number;
}

export interface RateLimitConfig {
  enabled: boolean;
  /** /oauth/* per client_id. Default 200/s, bursts of 500: well above 100 token requests/s per client. */
  tokenPerClient: BucketRule;
  /** /oauth/* per source IP (several clients may share one). */
  tokenPerIp: BucketRule;
  /** /api/v2/* per source IP. */
  managementPerIp: BucketRule;
  /** Login form submissions per source IP. */
  loginPerIp: BucketRule;
}

const DEFAULTS: Omit<RateLimitConfig, 'enabled'> = {
  tokenPerClient: { rate: 200, burst: 500 },
  tokenPerIp: { rate: 1000, burst: 2000 },
  managementPerIp: { rate: 200, burst: 1000 },
  loginPerIp: { rate: 10, burst: 50 },
};

const VARS: [keyof typeof DEFAULTS, string][] = [
  ['tokenPerClient', 'RATE_LIMIT_TOKEN_PER_CLIENT'],
  ['tokenPerIp', 'RATE_LIMIT_TOKEN_PER_IP'],
  ['managementPerIp', 'RATE_LIMIT_MANAGEMENT_PER_IP'],
  ['loginPerIp', 'RATE_LIMIT_LOGIN_PER_IP'],
];

/** Reads `RATE_LIMITS=off` and `RATE_LIMIT_*=<rate>/<burst>` (e.g. `200/500`); problems are returned, not thrown. */
export function parseRateLimits(env: Record<string, string | undefined>): { config: RateLimitConfig; problems: string[] } {
  const problems: string[] = [];
  const config: RateLimitConfig = { enabled: true, ...structuredClone(DEFAULTS) };
  if (env.RATE_LIMITS !== undefined && env.RATE_LIMITS !== '') {
    if (env.RATE_LIMITS !== 'on' && env.RATE_LIMITS !== 'off') {
      problems.push('RATE_LIMITS must be on or off');
    }
    config.enabled = env.RATE_LIMITS !== 'off';
  }
  for (const [key, name] of VARS) {
    const raw = env[name];
    if (!raw) {
      continue;
    }
    const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(raw);
    if (!m || Number(m[1]) <= 0 || Number(m[2]) < 1) {
      problems.push(`${name} must be <requests per second>/<burst>, e.g. 200/500`);
      continue;
    }
    config[key] = { rate: Number(m[1]), burst: Number(m[2]) };
  }
  return { config, problems };
}
