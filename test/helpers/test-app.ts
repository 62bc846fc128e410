import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { createTestDatabase } from './test-database.js';

export const ADMIN_CLIENT_ID = 'tessera-test-admin';
export const ADMIN_CLIENT_SECRET = 'test-admin-secret-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  issuer: string;
  /** `<issuer>api/v2/` */
  managementAudience: string;
  dir: string;
  /** Pass back to `startTestApp(env, { dir, port, databaseUrl })` to restart on the same data. */
  databaseUrl: string;
  /** A Management API token for the bootstrap admin client, fetched through /oauth/token. */
  adminToken(): Promise<string>;
  /** Stops the server; the SQLite file stays (for restart tests) until `cleanup`. */
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Boots the real AppModule through the same createApp/configureApp as main.ts, on a SQLite file in a
 * fresh temp dir (migrations run at start), listening on 127.0.0.1.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  reuse?: { dir: string; port: number; databaseUrl?: string },
): Promise<TestApp> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const port = reuse?.port ?? (await freePort());
  const db = reuse?.databaseUrl ? { url: reuse.databaseUrl, drop: async () => undefined } : await createTestDatabase(dir);
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `${env.TLS_CERT_FILE ? 'https' : 'http'}://127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
    ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET,
    TESSERA_QUIET: '1',
    // Low scrypt cost for user passwords: tests create and check many.
    PASSWORD_HASH_COST: '4',
    // Request lines and start-up messages would bury jest's output; a test that reads them sets LOG_LEVEL.
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await createApp(config, { quiet: true });
  await app.listen(port, '127.0.0.1');
  const baseUrl = `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let cached: string | undefined;
  const t: TestApp = {
    app,
    config,
    baseUrl,
    issuer: config.issuer,
    managementAudience: `${config.issuer}api/v2/`,
    dir,
    databaseUrl: db.url,
    async adminToken() {
      if (!cached) {
        const res = await fetch(`${baseUrl}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            grant_type: 'client_credentials',
            client_id: ADMIN_CLIENT_ID,
            client_secret: ADMIN_CLIENT_SECRET,
            audience: `${config.issuer}api/v2/`,
          }),
        });
        if (res.status !== 200) {
          throw new Error(`admin token: ${res.status} ${await res.text()}`);
        }
        cached = ((await res.json()) as { access_token: string }).access_token;
      }
      return cached;
    },
    async close() {
      await app.close();
    },
    async cleanup() {
      await app.close().catch(() => undefined);
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Small JSON HTTP helper for raw-wire assertions (status, headers, whole bodies). */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) {
    headers.authorization = `Bearer ${opts.token}`;
  }
  let body: string | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** POST an application/x-www-form-urlencoded body, as OAuth clients do. */
export async function postForm(
  baseUrl: string,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
