import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

/** The message loadConfig throws for `env`, or undefined when it accepts it. */
function problemsOf(env: Record<string, string | undefined>): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.issuer).toBe('http://localhost:3000/');
    expect(c.database).toEqual({ type: 'sqlite', path: resolve('data/tessera.sqlite') });
    expect(c.encryptionKeyFile).toBe(resolve('data/tessera.key'));
    expect(c.adminClientId).toBeUndefined();
    expect(c.adminClientSecret).toBeUndefined();
    expect(c.bodyLimit).toBe(102400);
    expect(c.printBootstrapCredentials).toBe(true);
  });

  it('derives the issuer from PUBLIC_URL with exactly one trailing slash, and PUBLIC_URL from PORT', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080/');
    expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com' }).issuer).toBe('https://auth.example.com/');
    expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com///' }).issuer).toBe('https://auth.example.com/');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/auth/' }).issuer).toBe('https://example.com/auth/');
  });

  it('keeps the generated key beside the SQLite file unless ENCRYPTION_KEY_FILE says otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/tessera/db.sqlite' }).encryptionKeyFile).toBe('/var/lib/tessera/tessera.key');
    expect(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/tessera/db.sqlite' }).database).toEqual({
      type: 'sqlite',
      path: '/var/lib/tessera/db.sqlite',
    });
    expect(loadConfig({ ENCRYPTION_KEY_FILE: '/etc/tessera/key' }).encryptionKeyFile).toBe('/etc/tessera/key');
  });

  it('accepts admin credentials set together, and an ENCRYPTION_KEY of 32 bytes in base64 or base64url', () => {
    const key = Buffer.alloc(32, 7);
    const c = loadConfig({ ADMIN_CLIENT_ID: 'admin', ADMIN_CLIENT_SECRET: 'a-secret-of-16-ch', ENCRYPTION_KEY: key.toString('base64url') });
    expect([c.adminClientId, c.adminClientSecret, c.encryptionKey]).toEqual(['admin', 'a-secret-of-16-ch', key.toString('base64url')]);
    expect(loadConfig({ ENCRYPTION_KEY: key.toString('base64') }).encryptionKey).toBe(key.toString('base64'));
  });

  it.each([
    ['PORT', { PORT: 'eighty' }, 'PORT must be an integer from 0 to 65535 (got "eighty")'],
    ['PORT', { PORT: '65536' }, 'PORT must be an integer from 0 to 65535 (got "65536")'],
    ['PORT', { PORT: '0x50' }, 'PORT must be an integer from 0 to 65535 (got "0x50")'],
    ['PORT', { PORT: '-1' }, 'PORT must be an integer from 0 to 65535 (got "-1")'],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }, 'PUBLIC_URL is not a valid URL (got "not a url")'],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL must be an http or https URL'],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://example.com/?x=1' }, 'PUBLIC_URL must not have a query or fragment'],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://example.com/#top' }, 'PUBLIC_URL must not have a query or fragment'],
    ['PUBLIC_URL', { PUBLIC_URL: 'https://user:pw@example.com' }, 'PUBLIC_URL must not hold credentials'],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/tessera' }, 'DATABASE_URL must be sqlite:<path> or postgres://...'],
    ['DATABASE_URL', { DATABASE_URL: 'sqlite:' }, 'DATABASE_URL sqlite:<path> needs a path'],
    [
      'ADMIN_CLIENT_ID',
      { ADMIN_CLIENT_ID: 'has space', ADMIN_CLIENT_SECRET: 'a-secret-of-16-ch' },
      'ADMIN_CLIENT_ID may hold only letters, digits and -._~ (1 to 128 characters)',
    ],
    [
      'ADMIN_CLIENT_SECRET',
      { ADMIN_CLIENT_ID: 'admin', ADMIN_CLIENT_SECRET: 'short' },
      'ADMIN_CLIENT_SECRET must be at least 16 characters',
    ],
    ['ADMIN_CLIENT_*', { ADMIN_CLIENT_ID: 'admin' }, 'ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET must be set together'],
    ['ADMIN_CLIENT_*', { ADMIN_CLIENT_SECRET: 'a-secret-of-16-ch' }, 'ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET must be set together'],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: 'too-short' }, 'ENCRYPTION_KEY must be 32 bytes in base64 or base64url'],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: `${'A'.repeat(42)}!!` }, 'ENCRYPTION_KEY must be 32 bytes in base64 or base64url'],
    ['BODY_LIMIT', { BODY_LIMIT: '10' }, 'BODY_LIMIT must be a whole number of bytes, at least 1024'],
    ['BODY_LIMIT', { BODY_LIMIT: '1e6' }, 'BODY_LIMIT must be a whole number of bytes, at least 1024'],
  ])('refuses a bad %s', (_name, env, message) => {
    expect(problemsOf(env)).toBe(`Invalid configuration:\n- ${message}`);
  });

  it('lists every problem in one message', () => {
    expect(problemsOf({ PORT: 'x', PUBLIC_URL: 'ftp://a', DATABASE_URL: 'mysql://b', ADMIN_CLIENT_ID: 'admin' })).toBe(
      [
        'Invalid configuration:',
        '- PORT must be an integer from 0 to 65535 (got "x")',
        '- PUBLIC_URL must be an http or https URL',
        '- DATABASE_URL must be sqlite:<path> or postgres://...',
        '- ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET must be set together',
      ].join('\n'),
    );
  });

  it('treats empty variables as unset', () => {
    expect(
      loadConfig({ PORT: '', PUBLIC_URL: '', DATABASE_URL: '', ADMIN_CLIENT_ID: '', ADMIN_CLIENT_SECRET: '', ENCRYPTION_KEY: '' }).issuer,
    ).toBe('http://localhost:3000/');
  });

  it('reads the operations settings: logs, metrics, retention, log streams', () => {
    const c = loadConfig({});
    expect([c.logLevel, c.logFormat, c.metrics, c.logRetentionDays, c.logStreamMaxFailures]).toEqual(['info', 'json', undefined, 30, 10]);
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(loadConfig({ LOG_RETENTION_DAYS: '0', LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' })).toMatchObject({
      logRetentionDays: 0,
      logLevel: 'debug',
      logFormat: 'pretty',
    });
    const problems = problemsOf({
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'xml',
      METRICS_PORT: '3000',
      LOG_RETENTION_DAYS: '-1',
      LOG_STREAM_MAX_FAILURES: '0',
    });
    expect(problems).toContain('LOG_LEVEL must be one of');
    expect(problems).toContain('LOG_FORMAT must be json or pretty');
    expect(problems).toContain('METRICS_PORT must differ from PORT');
    expect(problems).toContain('LOG_RETENTION_DAYS must be');
    expect(problems).toContain('LOG_STREAM_MAX_FAILURES must be');
  });

  it('names the admin role "Tessera Admin" unless ADMIN_ROLE_NAME says otherwise, and refuses a name no role can have', () => {
    expect(loadConfig({}).adminRoleName).toBe('Tessera Admin');
    expect(loadConfig({ ADMIN_ROLE_NAME: 'Ops' }).adminRoleName).toBe('Ops');
    expect(() => loadConfig({ ADMIN_ROLE_NAME: ' Ops' })).toThrow(/ADMIN_ROLE_NAME/);
    expect(() => loadConfig({ ADMIN_ROLE_NAME: 'x'.repeat(51) })).toThrow(/ADMIN_ROLE_NAME/);
  });

  it('runs one password hashing thread per core, with a bounded queue and a bound on the expected wait', () => {
    expect(loadConfig({})).toMatchObject({
      passwordHashConcurrency: Math.max(1, availableParallelism()),
      passwordHashQueue: 32,
      passwordHashMaxWaitMs: 1000,
    });
    expect(loadConfig({ UV_THREADPOOL_SIZE: '8' }).passwordHashConcurrency).toBe(Math.max(1, availableParallelism()));
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: '2', PASSWORD_HASH_QUEUE: '0', PASSWORD_HASH_MAX_WAIT_MS: '0' })).toMatchObject({
      passwordHashConcurrency: 2,
      passwordHashQueue: 0,
      passwordHashMaxWaitMs: 0,
    });
    expect(problemsOf({ PASSWORD_HASH_CONCURRENCY: '0' })).toContain('PASSWORD_HASH_CONCURRENCY must be');
    expect(problemsOf({ PASSWORD_HASH_CONCURRENCY: '257' })).toContain('PASSWORD_HASH_CONCURRENCY must be');
    expect(problemsOf({ PASSWORD_HASH_QUEUE: '-1' })).toContain('PASSWORD_HASH_QUEUE must be');
    for (const bad of ['-1', '1.5', '60001', 'soon']) {
      expect(problemsOf({ PASSWORD_HASH_MAX_WAIT_MS: bad })).toContain('PASSWORD_HASH_MAX_WAIT_MS must be');
    }
  });

  it('reads ACTIONS_FETCH_ALLOWED_HOSTS as exact host:port pairs, empty by default', () => {
    expect(loadConfig({}).actionsFetchAllowedHosts).toEqual([]);
    expect(
      loadConfig({ ACTIONS_FETCH_ALLOWED_HOSTS: ' Users.Internal:8080 , 127.0.0.1:9000,[::1]:443,' }).actionsFetchAllowedHosts,
    ).toEqual(['users.internal:8080', '127.0.0.1:9000', '[::1]:443']);
    for (const bad of ['users.internal', 'users.internal:0', 'users.internal:70000', 'http://x:80', '*.internal:80', 'a b:80']) {
      expect(problemsOf({ ACTIONS_FETCH_ALLOWED_HOSTS: bad })).toMatch(
        /ACTIONS_FETCH_ALLOWED_HOSTS must be a comma-separated list of host:port/,
      );
    }
  });
});
