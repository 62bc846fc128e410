import fc from 'fast-check';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Property tests over every surface: random methods, paths, query strings, headers, content types and
 * bodies. Whatever comes in: never a 5xx, always the surface's error shape on a 4xx, and a refused request
 * leaves the database exactly as it was.
 */
const PATHS = [
  '/api/v2/resource-servers',
  '/api/v2/resource-servers/{id}',
  '/api/v2/tenants/settings',
  '/api/v2/clients',
  '/api/v2/clients/{id}',
  '/api/v2/clients/{id}/rotate-secret',
  '/api/v2/client-grants',
  '/api/v2/client-grants/{id}',
  '/api/v2/keys/signing',
  '/api/v2/keys/signing/{id}',
  '/api/v2/keys/signing/{id}/revoke',
  '/api/v2/users',
  '/api/v2/users/{id}',
  '/api/v2/users-by-email',
  '/api/v2/logs',
  '/api/v2/logs/{id}',
  '/api/v2/tessera/tenants',
  '/api/v2/tessera/tenants/{id}',
  '/oauth/token',
  '/oauth/introspect',
  '/oauth/revoke',
  '/userinfo',
  '/authorize',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
];

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data', undefined];

/** Any UTF-16 code unit, NUL and lone surrogates included: databases differ on what they store. */
const anyText = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }));

/** A path segment as sent: text percent-encoded (a URL carries UTF-8 bytes, so lone surrogates become U+FFFD), or raw bytes as they are. */
const segment = fc.oneof(
  anyText(30).map((s) => encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed())),
  fc.constantFrom('default', '..', '%2e%2e', '%00', '%ED%A0%80', '%FF', 'null', 'undefined', '0', '-1', 'a'.repeat(700), 'https%3A%2F%2Fx'),
);

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom('name', 'identifier', 'signing_alg', 'token_lifetime', 'scopes', 'grant_type', 'client_id', 'client_secret', 'audience', 'scope', 'token', 'default_audience', 'email', 'password', 'callbacks', 'app_type', 'token_encryption', 'friendly_name', 'domain'),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText(50), fc.constantFrom('client_credentials', 'HS256', 'RS256', 'none', '', null)),
    { maxKeys: 6 },
  ),
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'),
  path: fc.constantFrom(...PATHS),
  id: segment,
  query: fc.dictionary(fc.constantFrom('page', 'per_page', 'include_totals', 'fields', 'include_fields', 'q', 'from', 'take', 'x', 'client_id', 'response_type', 'redirect_uri', 'audience'), anyText(20), { maxKeys: 4 }),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  body: fc.oneof(jsonBody.map((b) => ({ kind: 'json' as const, b })), anyText(200).map((b) => ({ kind: 'raw' as const, b }))),
  auth: fc.constantFrom('admin', 'none', 'garbage', 'basic-garbage'),
});

function isManagementError(body: unknown, status: number): boolean {
  const b = body as Record<string, unknown> | undefined;
  return !!b && b.statusCode === status && typeof b.error === 'string' && typeof b.message === 'string';
}

function isOAuthError(body: unknown): boolean {
  const b = body as Record<string, unknown> | undefined;
  return !!b && typeof b.error === 'string' && typeof b.error_description === 'string';
}

describe('fuzzing every endpoint', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('never answers 5xx, always in Auth0 shape, and a refused request changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const path = r.path.replace('{id}', r.id);
        const qs = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        if (r.contentType) {
          headers['content-type'] = r.contentType;
        }
        if (r.auth === 'admin') {
          headers.authorization = `Bearer ${admin}`;
        } else if (r.auth === 'garbage') {
          headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.e30.';
        } else if (r.auth === 'basic-garbage') {
          headers.authorization = 'Basic !!!';
        }
        const body =
          r.method === 'GET' || r.method === 'DELETE'
            ? undefined
            : r.body.kind === 'json'
              ? r.contentType === 'application/x-www-form-urlencoded' && r.body.b && typeof r.body.b === 'object' && !Array.isArray(r.body.b)
                ? new URLSearchParams(Object.entries(r.body.b).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
                : JSON.stringify(r.body.b)
              : r.body.b;
        const before = await snapshotDatabase(t.app);
        const res = await fetch(`${t.baseUrl}${path}${qs ? `?${qs}` : ''}`, { method: r.method, headers, body, redirect: 'manual' });
        const text = await res.text();
        if (res.status >= 500) {
          throw new Error(`${r.method} ${path}?${qs} -> ${res.status} ${text}`);
        }
        if (res.status >= 400) {
          const isHtml = (res.headers.get('content-type') ?? '').startsWith('text/html');
          if (!isHtml) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              throw new Error(`${r.method} ${path} -> ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
            }
            const shaped = path.startsWith('/api/v2/') ? isManagementError(parsed, res.status) : isOAuthError(parsed) || isManagementError(parsed, res.status);
            if (!shaped) {
              throw new Error(`${r.method} ${path} -> ${res.status} not in Auth0's error shape: ${text.slice(0, 300)}`);
            }
          }
          const after = await snapshotDatabase(t.app);
          if (after !== before) {
            throw new Error(`${r.method} ${path} was refused with ${res.status} but changed the database`);
          }
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  }, 120000);
});
