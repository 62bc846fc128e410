import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseRateLimits, type RateLimitConfig } from './rate-limit.config.js';

export interface AppConfig {
  port: number;
  publicUrl: string;
  /** `<PUBLIC_URL>/`, with exactly one trailing slash. */
  issuer: string;
  database: { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };
  adminClientId?: string;
  adminClientSecret?: string;
  /** 32-byte key for secrets at rest, base64 or base64url; generated beside the SQLite file when absent. */
  encryptionKey?: string;
  encryptionKeyFile: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Print generated bootstrap credentials on stdout (off in tests). */
  printBootstrapCredentials: boolean;
  /**
   * How often (ms) a process checks whether another process changed APIs, clients, grants, keys or tenant
   * settings, and drops its caches if so: the bound on cross-process staleness. 0 turns the check off.
   */
  cachePollMs: number;
  /** scrypt cost for user passwords as log2(N); low in tests, 15 (N = 32768) by default. */
  passwordHashCost: number;
  /**
   * Password hashes run at once, each on its own low-priority hashing thread (one per core by default;
   * libuv's pool is left to file and crypto work); `passwordHashQueue` more may wait, and past that, or
   * past `passwordHashMaxWaitMs` of expected wait, a login is refused with 429 before it gets slow.
   */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  passwordHashMaxWaitMs: number;
  /** Per-client and per-IP request limits (429 with Retry-After past them). */
  rateLimits: RateLimitConfig;
  /** Worker processes sharing the port (Node's cluster); `WORKERS=auto` means one per core. */
  workers: number;
  /** Consecutive failed logins for one user from one IP before that IP is blocked for the user; 0 turns it off. */
  loginLockoutAttempts: number;
  /** Most time a client may take to send the request headers, and the whole request (slow-loris guard). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Waits (ms) before each retry of a mail the SMTP relay did not take; after the last one the mail is given up (an `fn` log event). */
  emailRetryDelaysMs: number[];
  /** Serve HTTPS directly (PEM files); otherwise plain HTTP, e.g. behind a TLS-terminating proxy. */
  tls?: { certFile: string; keyFile: string };
  /** pino level (`LOG_LEVEL`); `LOG_FORMAT=pretty` prints human-readable lines through pino-pretty. */
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  /** Prometheus `/metrics` on its own listener; off when `METRICS_PORT` is unset. */
  metrics?: { port: number; host: string };
  /** Audit events older than this many days are deleted in the background; 0 keeps them forever. */
  logRetentionDays: number;
  /** How often the retention sweep runs. */
  logRetentionIntervalMs: number;
  /** How often log streams look for new events to deliver. */
  logStreamPollMs: number;
  /** Consecutive failed deliveries after which a log stream is suspended. */
  logStreamMaxFailures: number;
  /** The RBAC role whose members are a tenant's dashboard admins (created for every tenant at start). */
  adminRoleName: string;
  /** Largest users file a `users-imports` job accepts, in bytes. */
  usersImportMaxBytes: number;
  /** Rows of an import written per transaction (and per stored step of the job's progress). */
  jobBatchSize: number;
  /**
   * `host:port` pairs (lower case, IPv6 in brackets) an action's `fetch` may reach even when they resolve to
   * loopback or private addresses: the deployment's own internal services. Empty by default.
   */
  actionsFetchAllowedHosts: string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

/** Parses and validates the environment once, listing every bad variable in one message. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const problems: string[] = [];

  let port = 3000;
  if (env.PORT !== undefined && env.PORT !== '') {
    // Digits only: Number() would also read "0x50", "1e3" or " 80 ".
    port = /^\d{1,5}$/.test(env.PORT) ? Number(env.PORT) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(`PORT must be an integer from 0 to 65535 (got "${env.PORT}")`);
    }
  }

  let publicUrl = `http://localhost:${port}`;
  if (env.PUBLIC_URL) {
    try {
      const url = new URL(env.PUBLIC_URL);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        problems.push('PUBLIC_URL must be an http or https URL');
      } else if (url.search || url.hash) {
        problems.push('PUBLIC_URL must not have a query or fragment');
      } else if (url.username || url.password) {
        problems.push('PUBLIC_URL must not hold credentials');
      }
      publicUrl = url.href.replace(/\/+$/, '');
    } catch {
      problems.push(`PUBLIC_URL is not a valid URL (got "${env.PUBLIC_URL}")`);
    }
  }

  const dbUrl = env.DATABASE_URL || 'sqlite:./data/tessera.sqlite';
  let database: AppConfig['database'] = { type: 'sqlite', path: resolve('data/tessera.sqlite') };
  if (dbUrl.startsWith('sqlite:')) {
    const path = dbUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) {
      problems.push('DATABASE_URL sqlite:<path> needs a path');
    } else {
      database = { type: 'sqlite', path: resolve(path) };
    }
  } else if (/^postgres(ql)?:\/\//.test(dbUrl)) {
    database = { type: 'postgres', url: dbUrl };
  } else {
    problems.push('DATABASE_URL must be sqlite:<path> or postgres://...');
  }

  const adminClientId = env.ADMIN_CLIENT_ID || undefined;
  const adminClientSecret = env.ADMIN_CLIENT_SECRET || undefined;
  if (adminClientId && !/^[A-Za-z0-9_.~-]{1,128}$/.test(adminClientId)) {
    problems.push('ADMIN_CLIENT_ID may hold only letters, digits and -._~ (1 to 128 characters)');
  }
  if (adminClientSecret !== undefined && adminClientSecret.length < 16) {
    problems.push('ADMIN_CLIENT_SECRET must be at least 16 characters');
  }
  if (Boolean(adminClientId) !== Boolean(adminClientSecret)) {
    problems.push('ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET must be set together');
  }

  const encryptionKey = env.ENCRYPTION_KEY || undefined;
  // 32 bytes are 43 base64url characters (44 with base64's padding); Buffer.from would skip stray characters.
  if (encryptionKey && !/^[A-Za-z0-9+/_-]{43}=?$/.test(encryptionKey)) {
    problems.push('ENCRYPTION_KEY must be 32 bytes in base64 or base64url');
  }

  let bodyLimit = 100 * 1024;
  if (env.BODY_LIMIT) {
    bodyLimit = /^\d{1,12}$/.test(env.BODY_LIMIT) ? Number(env.BODY_LIMIT) : NaN;
    if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) {
      problems.push('BODY_LIMIT must be a whole number of bytes, at least 1024');
    }
  }

  let cachePollMs = 1000;
  if (env.CACHE_POLL_MS) {
    cachePollMs = Number(env.CACHE_POLL_MS);
    if (!Number.isInteger(cachePollMs) || cachePollMs < 0 || cachePollMs > 3600000) {
      problems.push('CACHE_POLL_MS must be a whole number of milliseconds from 0 to 3600000');
    }
  }

  let passwordHashCost = 15;
  if (env.PASSWORD_HASH_COST) {
    passwordHashCost = Number(env.PASSWORD_HASH_COST);
    if (!Number.isInteger(passwordHashCost) || passwordHashCost < 1 || passwordHashCost > 20) {
      problems.push('PASSWORD_HASH_COST must be a whole number from 1 to 20 (log2 of the scrypt N parameter)');
    }
  }

  let passwordHashConcurrency = Math.max(1, availableParallelism());
  if (env.PASSWORD_HASH_CONCURRENCY) {
    passwordHashConcurrency = Number(env.PASSWORD_HASH_CONCURRENCY);
    if (!Number.isInteger(passwordHashConcurrency) || passwordHashConcurrency < 1 || passwordHashConcurrency > 256) {
      problems.push('PASSWORD_HASH_CONCURRENCY must be a whole number from 1 to 256 (password hashing threads)');
    }
  }
  let passwordHashQueue = 32;
  if (env.PASSWORD_HASH_QUEUE) {
    passwordHashQueue = Number(env.PASSWORD_HASH_QUEUE);
    if (!Number.isInteger(passwordHashQueue) || passwordHashQueue < 0 || passwordHashQueue > 100000) {
      problems.push('PASSWORD_HASH_QUEUE must be a whole number from 0 to 100000 (hashes waiting for a thread)');
    }
  }
  let passwordHashMaxWaitMs = 1000;
  if (env.PASSWORD_HASH_MAX_WAIT_MS) {
    passwordHashMaxWaitMs = Number(env.PASSWORD_HASH_MAX_WAIT_MS);
    if (!/^\d+$/.test(env.PASSWORD_HASH_MAX_WAIT_MS) || passwordHashMaxWaitMs > 60000) {
      problems.push(
        'PASSWORD_HASH_MAX_WAIT_MS must be a whole number of milliseconds from 0 to 60000 (longest expected wait for a hashing thread before a login is refused with 429)',
      );
    }
  }

  let workers = 1;
  if (env.WORKERS) {
    workers = env.WORKERS === 'auto' ? availableParallelism() : Number(env.WORKERS);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      problems.push('WORKERS must be auto or a whole number from 1 to 64');
    }
  }

  let loginLockoutAttempts = 10;
  if (env.LOGIN_LOCKOUT_ATTEMPTS) {
    loginLockoutAttempts = Number(env.LOGIN_LOCKOUT_ATTEMPTS);
    if (!/^\d+$/.test(env.LOGIN_LOCKOUT_ATTEMPTS) || loginLockoutAttempts > 1000) {
      problems.push('LOGIN_LOCKOUT_ATTEMPTS must be a whole number from 0 (off) to 1000');
    }
  }

  const ms = (name: string, dflt: number, min: number): number => {
    const raw = env[name];
    if (!raw) {
      return dflt;
    }
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > 3600000) {
      problems.push(`${name} must be a whole number of milliseconds from ${min} to 3600000`);
    }
    return value;
  };
  const headersTimeoutMs = ms('HEADERS_TIMEOUT_MS', 10000, 100);
  const requestTimeoutMs = ms('REQUEST_TIMEOUT_MS', 30000, 100);

  let emailRetryDelaysMs = [5000, 30000, 120000, 600000];
  if (env.EMAIL_RETRY_DELAYS_MS) {
    emailRetryDelaysMs = env.EMAIL_RETRY_DELAYS_MS.split(',').map((v) => Number(v.trim()));
    if (emailRetryDelaysMs.length > 10 || emailRetryDelaysMs.some((v) => !Number.isInteger(v) || v < 0 || v > 3600000)) {
      problems.push('EMAIL_RETRY_DELAYS_MS must be up to 10 comma-separated whole numbers of milliseconds from 0 to 3600000');
    }
  }

  let tls: AppConfig['tls'];
  if (env.TLS_CERT_FILE || env.TLS_KEY_FILE) {
    if (!env.TLS_CERT_FILE || !env.TLS_KEY_FILE) {
      problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
    } else if (!existsSync(env.TLS_CERT_FILE) || !existsSync(env.TLS_KEY_FILE)) {
      problems.push('TLS_CERT_FILE and TLS_KEY_FILE must name readable PEM files');
    } else {
      tls = { certFile: resolve(env.TLS_CERT_FILE), keyFile: resolve(env.TLS_KEY_FILE) };
    }
  }

  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = env.LOG_FORMAT || 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') {
    problems.push('LOG_FORMAT must be json or pretty');
  }

  let metrics: AppConfig['metrics'];
  if (env.METRICS_PORT) {
    const metricsPort = Number(env.METRICS_PORT);
    if (!/^\d{1,5}$/.test(env.METRICS_PORT) || metricsPort > 65535) {
      problems.push('METRICS_PORT must be an integer from 0 to 65535');
    } else if (metricsPort === port && port !== 0) {
      problems.push('METRICS_PORT must differ from PORT: metrics are never served on the public port');
    }
    metrics = { port: metricsPort, host: env.METRICS_HOST || '127.0.0.1' };
  }

  let logRetentionDays = 30;
  if (env.LOG_RETENTION_DAYS) {
    logRetentionDays = Number(env.LOG_RETENTION_DAYS);
    if (!/^\d+(\.\d+)?$/.test(env.LOG_RETENTION_DAYS) || logRetentionDays > 36500) {
      problems.push('LOG_RETENTION_DAYS must be a number of days from 0 (keep forever) to 36500');
    }
  }
  const logRetentionIntervalMs = ms('LOG_RETENTION_INTERVAL_MS', 60000, 100);
  const logStreamPollMs = ms('LOG_STREAM_POLL_MS', 1000, 10);
  const wholeNumber = (name: string, dflt: number, min: number, max: number): number => {
    const raw = env[name];
    if (!raw) {
      return dflt;
    }
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const usersImportMaxBytes = wholeNumber('USERS_IMPORT_MAX_BYTES', 16 * 1024 * 1024, 1024, 512 * 1024 * 1024);
  const jobBatchSize = wholeNumber('JOB_BATCH_SIZE', 500, 1, 5000);
  let logStreamMaxFailures = 10;
  if (env.LOG_STREAM_MAX_FAILURES) {
    logStreamMaxFailures = Number(env.LOG_STREAM_MAX_FAILURES);
    if (!/^\d+$/.test(env.LOG_STREAM_MAX_FAILURES) || logStreamMaxFailures < 1 || logStreamMaxFailures > 1000) {
      problems.push('LOG_STREAM_MAX_FAILURES must be a whole number from 1 to 1000');
    }
  }

  const adminRoleName = env.ADMIN_ROLE_NAME === undefined || env.ADMIN_ROLE_NAME === '' ? 'Tessera Admin' : env.ADMIN_ROLE_NAME;
  if (adminRoleName.length > 50 || adminRoleName.trim() !== adminRoleName) {
    problems.push('ADMIN_ROLE_NAME must be a role name of at most 50 characters, without leading or trailing spaces');
  }

  const actionsFetchAllowedHosts = (env.ACTIONS_FETCH_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const h of actionsFetchAllowedHosts) {
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):(\d{1,5})$/.exec(h);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      problems.push(`ACTIONS_FETCH_ALLOWED_HOSTS must be a comma-separated list of host:port (got "${h}")`);
    }
  }

  const rateLimits = parseRateLimits(env);
  problems.push(...rateLimits.problems);

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  }

  const keyDir = database.type === 'sqlite' ? dirname(database.path) : resolve('data');
  return {
    port,
    publicUrl,
    issuer: `${publicUrl}/`,
    database,
    adminClientId,
    adminClientSecret,
    encryptionKey,
    encryptionKeyFile: env.ENCRYPTION_KEY_FILE ? resolve(env.ENCRYPTION_KEY_FILE) : resolve(keyDir, 'tessera.key'),
    bodyLimit,
    printBootstrapCredentials: env.TESSERA_QUIET !== '1',
    cachePollMs,
    passwordHashCost,
    passwordHashConcurrency,
    passwordHashQueue,
    passwordHashMaxWaitMs,
    rateLimits: rateLimits.config,
    workers,
    loginLockoutAttempts,
    headersTimeoutMs,
    requestTimeoutMs,
    emailRetryDelaysMs,
    tls,
    logLevel,
    logFormat: logFormat as AppConfig['logFormat'],
    metrics,
    logRetentionDays,
    logRetentionIntervalMs,
    logStreamPollMs,
    logStreamMaxFailures,
    adminRoleName,
    usersImportMaxBytes,
    jobBatchSize,
    actionsFetchAllowedHosts,
  };
}
