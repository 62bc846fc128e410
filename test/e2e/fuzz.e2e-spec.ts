import fc from 'fast-check';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { authorizeInBrowser } from '../helpers/user-flows.js';

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

const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data',
  undefined,
];

/** Any UTF-16 code unit, NUL and lone surrogates included: databases differ on what they store. */
const anyText = (maxLength: number) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }));

/** A path segment as sent: text percent-encoded (a URL carries UTF-8 bytes, so lone surrogates become U+FFFD), or raw bytes as they are. */
const segment = fc.oneof(
  anyText(30).map((s) => encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed())),
  fc.constantFrom('default', '..', '%2e%2e', '%00', '%ED%A0%80', '%FF', 'null', 'undefined', '0', '-1', 'a'.repeat(700), 'https%3A%2F%2Fx'),
);

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'name',
      'identifier',
      'signing_alg',
      'token_lifetime',
      'scopes',
      'grant_type',
      'client_id',
      'client_secret',
      'audience',
      'scope',
      'token',
      'default_audience',
      'email',
      'password',
      'callbacks',
      'app_type',
      'token_encryption',
      'friendly_name',
      'domain',
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText(50), fc.constantFrom('client_credentials', 'HS256', 'RS256', 'none', '', null)),
    { maxKeys: 6 },
  ),
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'),
  path: fc.constantFrom(...PATHS),
  id: segment,
  query: fc.dictionary(
    fc.constantFrom(
      'page',
      'per_page',
      'include_totals',
      'fields',
      'include_fields',
      'q',
      'from',
      'take',
      'x',
      'client_id',
      'response_type',
      'redirect_uri',
      'audience',
    ),
    anyText(20),
    { maxKeys: 4 },
  ),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  body: fc.oneof(
    jsonBody.map((b) => ({ kind: 'json' as const, b })),
    anyText(200).map((b) => ({ kind: 'raw' as const, b })),
  ),
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
              ? r.contentType === 'application/x-www-form-urlencoded' &&
                r.body.b &&
                typeof r.body.b === 'object' &&
                !Array.isArray(r.body.b)
                ? new URLSearchParams(
                    Object.entries(r.body.b).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
                  ).toString()
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
            const shaped = path.startsWith('/api/v2/')
              ? isManagementError(parsed, res.status)
              : isOAuthError(parsed) || isManagementError(parsed, res.status);
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

/** Any character a lenient base64 decoder might skip or accept, for the respelling generator. */
const LENIENT = ['=', '==', '+', '/', ' ', '\t', '\n', '\r', '.', '%3D', 'A', '\u00a0'];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Another spelling of `token`: padding, the `+/` alphabet, spare bits, whitespace or trailing bytes at a
 * random place. Always a different string (the identity is filtered out by the property).
 */
const respelling = fc.record({
  kind: fc.constantFrom('insert', 'append', 'alphabet', 'spare-bits'),
  at: fc.nat(),
  text: fc.array(fc.constantFrom(...LENIENT), { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
});

function respell(token: string, r: { kind: string; at: number; text: string }): string {
  switch (r.kind) {
    case 'insert': {
      const i = r.at % (token.length + 1);
      return token.slice(0, i) + r.text + token.slice(i);
    }
    case 'append':
      return token + r.text;
    case 'alphabet': {
      const spots = [...token].flatMap((c, i) => (c === '-' || c === '_' ? [i] : []));
      if (spots.length === 0) {
        return token + r.text;
      }
      const i = spots[r.at % spots.length];
      return token.slice(0, i) + (token[i] === '-' ? '+' : '/') + token.slice(i + 1);
    }
    default: {
      // The last character of a random segment whose length leaves bits the decoder ignores.
      const parts = token.split('.');
      const candidates = parts.flatMap((p, i) => (p.length % 4 === 2 || p.length % 4 === 3 ? [i] : []));
      if (candidates.length === 0) {
        return token + r.text;
      }
      const i = candidates[r.at % candidates.length];
      const seg = parts[i];
      const flipped = B64URL[B64URL.indexOf(seg.at(-1)!) ^ 1];
      return parts.map((p, j) => (j === i ? seg.slice(0, -1) + flipped : p)).join('.');
    }
  }
}

describe('fuzzing the spellings of tokens and the content types of Management writes', () => {
  let t: TestApp;
  let admin: string;
  let web: { client_id: string; client_secret: string };
  let tokens: { userinfo: string; refresh: string; idToken: string; opaque: string; jws: string };
  let code: string;
  let verifier: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMITS: 'off' });
    admin = await t.adminToken();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${t.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as Record<string, any>;
    };
    web = (await api('POST', '/api/v2/clients', {
      name: 'Fuzzed web app',
      app_type: 'regular_web',
      callbacks: ['http://127.0.0.1:9/callback'],
      allowed_logout_urls: ['http://127.0.0.1:9/bye'],
      grant_types: ['authorization_code', 'refresh_token', 'http://auth0.com/oauth/grant-type/password-realm', 'client_credentials'],
    })) as typeof web;
    const user = await api('POST', '/api/v2/users', {
      connection: 'Username-Password-Authentication',
      email: 'fuzz@example.com',
      password: 'Correct-Horse-9',
    });
    await api('POST', '/api/v2/resource-servers', { name: 'Opaque', identifier: 'https://opaque.fuzz', access_token_format: 'opaque' });
    await api('POST', '/api/v2/resource-servers', { name: 'Signed', identifier: 'https://rs.fuzz' });
    const grant = await api('POST', '/api/v2/client-grants', { client_id: web.client_id, audience: 'https://opaque.fuzz', scope: [] });
    await api('POST', '/api/v2/client-grants', { client_id: web.client_id, audience: 'https://rs.fuzz', scope: [] });
    const form = (fields: Record<string, string>) =>
      fetch(`${t.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      }).then((r) => r.json() as Promise<Record<string, string>>);
    const login = await form({
      grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
      realm: 'Username-Password-Authentication',
      username: 'fuzz@example.com',
      password: 'Correct-Horse-9',
      scope: 'openid offline_access',
      client_id: web.client_id,
      client_secret: web.client_secret,
    });
    const opaque = await form({
      grant_type: 'client_credentials',
      audience: 'https://opaque.fuzz',
      client_id: web.client_id,
      client_secret: web.client_secret,
    });
    const jws = await form({
      grant_type: 'client_credentials',
      audience: 'https://rs.fuzz',
      client_id: web.client_id,
      client_secret: web.client_secret,
    });
    tokens = {
      userinfo: login.access_token,
      refresh: login.refresh_token,
      idToken: login.id_token,
      opaque: opaque.access_token,
      jws: jws.access_token,
    };
    expect(Object.values(tokens).every((v) => typeof v === 'string' && v.length > 20)).toBe(true);
    // One authorization code, never redeemed by its own spelling until the end.
    const run = await authorizeInBrowser(
      t,
      { id: web.client_id, secret: web.client_secret },
      { scope: 'openid', email: 'fuzz@example.com' },
    );
    code = run.callback!.searchParams.get('code')!;
    verifier = run.verifier;
    const signingKeys = (await api('GET', '/api/v2/keys/signing')) as unknown as { kid: string; current?: boolean }[];
    ids = {
      client: web.client_id,
      rs: 'https%3A%2F%2Fopaque.fuzz',
      grant: grant.id,
      user: encodeURIComponent(user.user_id),
      kid: signingKeys.find((k) => !k.current)?.kid ?? 'no-such-kid',
      tenant: 'no-such-tenant',
    };
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  const clientAuth = () => ({ client_id: web.client_id, client_secret: web.client_secret });

  /** Each token-reading endpoint: sends a spelling of its token, and says whether it was refused. */
  const READERS: Record<string, (spelled: string) => Promise<boolean>> = {
    'Management API bearer': async (s) => {
      const res = await fetch(`${t.baseUrl}/api/v2/clients`, { headers: { authorization: `Bearer ${s}` } }).catch(() => undefined);
      return res === undefined || res.status === 401 || res.status === 400;
    },
    '/userinfo bearer header': async (s) => {
      const res = await fetch(`${t.baseUrl}/userinfo`, { headers: { authorization: `Bearer ${s}` } }).catch(() => undefined);
      return res === undefined || res.status === 401 || res.status === 400;
    },
    '/userinfo form access_token': async (s) => {
      const res = await form('/userinfo', { access_token: s });
      return res.status === 401 || res.status === 400;
    },
    'introspection of a JWS': async (s) =>
      ((await (await form('/oauth/introspect', { token: s, ...clientAuth() })).json()) as { active?: boolean }).active !== true,
    'introspection of an opaque token': async (s) =>
      ((await (await form('/oauth/introspect', { token: s, ...clientAuth() })).json()) as { active?: boolean }).active !== true,
    'revocation of an opaque token': async (s) => {
      await form('/oauth/revoke', { token: s, ...clientAuth() });
      // Revoking another spelling must not touch the token: it stays active under its one spelling.
      return (
        ((await (await form('/oauth/introspect', { token: tokens.opaque, ...clientAuth() })).json()) as { active?: boolean }).active ===
        true
      );
    },
    'revocation of a refresh token': async (s) => {
      await form('/oauth/revoke', { token: s, ...clientAuth() });
      return ((await (await form('/userinfo', { access_token: tokens.userinfo })).json()) as { sub?: string }).sub !== undefined;
    },
    'refresh_token grant': async (s) => {
      const res = await form('/oauth/token', { grant_type: 'refresh_token', refresh_token: s, ...clientAuth() });
      return res.status === 403 || res.status === 400;
    },
    'authorization_code grant': async (s) => {
      const res = await form('/oauth/token', {
        grant_type: 'authorization_code',
        code: s,
        redirect_uri: 'http://127.0.0.1:9/callback',
        code_verifier: verifier,
        ...clientAuth(),
      });
      return res.status === 403 || res.status === 400;
    },
    'id_token_hint at /oidc/logout': async (s) => {
      const res = await fetch(
        `${t.baseUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: s, post_logout_redirect_uri: 'http://127.0.0.1:9/bye' })}`,
        { redirect: 'manual' },
      );
      return res.status === 400;
    },
  };
  const TOKEN_OF: Record<string, () => string> = {
    'Management API bearer': () => admin,
    '/userinfo bearer header': () => tokens.userinfo,
    '/userinfo form access_token': () => tokens.userinfo,
    'introspection of a JWS': () => tokens.jws,
    'introspection of an opaque token': () => tokens.opaque,
    'revocation of an opaque token': () => tokens.opaque,
    'revocation of a refresh token': () => tokens.refresh,
    'refresh_token grant': () => tokens.refresh,
    'authorization_code grant': () => code,
    'id_token_hint at /oidc/logout': () => tokens.idToken,
  };

  it('refuses every other spelling of a token at every endpoint that reads one, and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(READERS)), respelling, async (reader, r) => {
        const token = TOKEN_OF[reader]();
        const spelled = respell(token, r);
        // Whitespace around a header's value is not part of it (RFC 9110 §5.5): HTTP itself strips it.
        const sent = reader.includes('header') || reader.includes('bearer') ? spelled.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') : spelled;
        if (sent === token) {
          return;
        }
        const before = await snapshotDatabase(t.app);
        if (!(await READERS[reader](spelled))) {
          throw new Error(
            `${reader} accepted ${JSON.stringify(spelled.slice(-12))} for a token ending ${JSON.stringify(token.slice(-12))}`,
          );
        }
        if ((await snapshotDatabase(t.app)) !== before) {
          throw new Error(`${reader} changed the database for a respelled token`);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) / 2, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // The tokens still work under their one spelling: the refusals above were about the spelling only.
    expect((await fetch(`${t.baseUrl}/api/v2/clients`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
    const redeemed = await form('/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:9/callback',
      code_verifier: verifier,
      ...clientAuth(),
    });
    expect(redeemed.status).toBe(200);
    expect(((await (await form('/oauth/introspect', { token: tokens.jws, ...clientAuth() })).json()) as { active: boolean }).active).toBe(
      true,
    );
    expect((await form('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh, ...clientAuth() })).status).toBe(200);
  }, 180000);

  const WRITES: [string, string][] = [
    ['POST', '/api/v2/clients'],
    ['PATCH', '/api/v2/clients/{client}'],
    ['POST', '/api/v2/clients/{client}/rotate-secret'],
    ['POST', '/api/v2/resource-servers'],
    ['PATCH', '/api/v2/resource-servers/{rs}'],
    ['POST', '/api/v2/client-grants'],
    ['PATCH', '/api/v2/client-grants/{grant}'],
    ['POST', '/api/v2/users'],
    ['PATCH', '/api/v2/users/{user}'],
    ['POST', '/api/v2/keys/signing/rotate'],
    ['PUT', '/api/v2/keys/signing/{kid}/revoke'],
    ['PATCH', '/api/v2/tenants/settings'],
    ['POST', '/api/v2/tessera/tenants'],
    ['PATCH', '/api/v2/tessera/tenants/{tenant}'],
  ];
  const token68 = fc.stringMatching(/^[a-z][a-z0-9+.-]{0,15}$/);
  const contentType = fc
    .oneof(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'text/xml',
        'multipart/form-data; boundary=xyz',
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/x-www-form-urlencoded',
        'application/jsonx',
        'application/ld+json',
        'text/json',
        'application/octet-stream',
      ),
      fc
        .tuple(
          fc.constantFrom('text', 'application', 'multipart', 'image', 'x-json'),
          token68,
          fc.option(fc.constantFrom('; charset=utf-8', ';q=1')),
        )
        .map(([a, b, p]) => `${a}/${b}${p ?? ''}`),
    )
    .filter((ct) => !/^application\/json\s*(;|$)/i.test(ct));
  const anyBody = fc.oneof(
    fc.constant(
      JSON.stringify({
        name: 'Changed',
        friendly_name: 'Changed',
        scope: [],
        email: 'changed@example.com',
        password: 'Correct-Horse-9',
        connection: 'Username-Password-Authentication',
        identifier: 'https://changed.example',
        client_id: 'x',
        audience: 'https://x',
      }),
    ),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc.string({ minLength: 1, maxLength: 100 }),
  );

  it('refuses a body that is not JSON at every Management write endpoint with 400 invalid_body, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WRITES),
        fc.option(contentType, { nil: undefined }),
        anyBody,
        async ([method, template], type, body) => {
          const path = template.replace(/\{(\w+)\}/, (_, k: string) => ids[k]);
          const before = await snapshotDatabase(t.app);
          const headers: Record<string, string> = { authorization: `Bearer ${admin}` };
          if (type !== undefined) {
            headers['content-type'] = type;
          }
          // Bytes, so fetch adds no Content-Type of its own when the case is "none".
          const res = await fetch(`${t.baseUrl}${path}`, { method, headers, body: new TextEncoder().encode(body) });
          const parsed = (await res.json()) as Record<string, unknown>;
          if (res.status !== 400 || parsed.errorCode !== 'invalid_body' || !isManagementError(parsed, 400)) {
            throw new Error(`${method} ${path} with ${String(type)} -> ${res.status} ${JSON.stringify(parsed).slice(0, 200)}`);
          }
          if ((await snapshotDatabase(t.app)) !== before) {
            throw new Error(`${method} ${path} with ${String(type)} changed the database`);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) / 2, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
  }, 180000);
});
