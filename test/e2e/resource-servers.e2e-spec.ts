import type { ManagementClient } from 'auth0';
import { MANAGEMENT_SCOPES } from '../../src/management/management-scopes.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The status and body the SDK's error carries, for whole-body assertions on SDK calls that must fail. */
async function sdkFailure(call: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await call;
  } catch (e) {
    const err = e as { statusCode?: number; body?: unknown };
    if (typeof err.statusCode === 'number') {
      return { status: err.statusCode, body: err.body };
    }
    throw e;
  }
  throw new Error('expected the SDK call to fail');
}

const ID = /^[0-9a-f]{24}$/;

/** Auth0's defaults for an API created with only an identifier and a name. */
function defaults(name: string, identifier: string) {
  return {
    id: expect.stringMatching(ID),
    name,
    identifier,
    is_system: false,
    scopes: [],
    signing_alg: 'RS256',
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
    token_dialect: 'access_token',
    enforce_policies: false,
  };
}

describe('/api/v2/resource-servers', () => {
  let t: TestApp;
  let token: string;
  let mgmt: ManagementClient;

  const path = (idOrIdentifier: string) => `/api/v2/resource-servers/${encodeURIComponent(idOrIdentifier)}`;
  const raw = (method: string, p: string, body?: unknown) => http(t.baseUrl, method, p, { token, body });
  const listAll = async () => (await raw('GET', '/api/v2/resource-servers?per_page=100')).body as any[];

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  describe('create', () => {
    it('creates an RS256 API with Auth0 defaults (SDK), answering 201 with the whole body', async () => {
      const created = await mgmt.resourceServers.create({ identifier: 'https://orders.example.com', name: 'Orders' }).withRawResponse();
      expect(created.rawResponse.status).toBe(201);
      expect(created.data).toEqual(defaults('Orders', 'https://orders.example.com'));
      expect(created.data).not.toHaveProperty('signing_secret');
      expect((await raw('GET', path(created.data.id!))).body).toEqual(created.data);
    });

    it('creates an HS256 API with a generated secret of at least 16 characters, returned on read', async () => {
      const created = await mgmt.resourceServers.create({ identifier: 'https://legacy.example.com', name: 'Legacy', signing_alg: 'HS256' });
      expect(created).toEqual({
        ...defaults('Legacy', 'https://legacy.example.com'),
        signing_alg: 'HS256',
        signing_secret: expect.any(String),
      });
      expect(created.signing_secret!.length).toBeGreaterThanOrEqual(16);
      const read = await mgmt.resourceServers.get(created.id!);
      expect(read).toEqual(created);
    });

    it('keeps a given HS256 secret and every given field (raw HTTP)', async () => {
      const body = {
        identifier: 'urn:billing',
        name: 'Billing',
        signing_alg: 'HS256',
        signing_secret: 'sixteen-chars-ok',
        scopes: [{ value: 'read:invoices', description: 'Read invoices' }, { value: 'write:invoices' }],
        allow_offline_access: true,
        skip_consent_for_verifiable_first_party_clients: true,
        token_lifetime: 3600,
        token_lifetime_for_web: 600,
        token_dialect: 'access_token_authz',
        enforce_policies: true,
      };
      const res = await raw('POST', '/api/v2/resource-servers', body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(ID), is_system: false, ...body });
      expect((await raw('GET', path('urn:billing'))).body).toEqual(res.body);
    });

    it('creates a PS256 API', async () => {
      const created = await mgmt.resourceServers.create({
        identifier: 'https://pay.example.com',
        name: 'Pay',
        signing_alg: 'PS256',
        token_dialect: 'rfc9068_profile_authz',
      });
      expect(created).toEqual({
        ...defaults('Pay', 'https://pay.example.com'),
        signing_alg: 'PS256',
        token_dialect: 'rfc9068_profile_authz',
      });
    });

    it('names an API after its identifier when no name is given', async () => {
      const res = await raw('POST', '/api/v2/resource-servers', { identifier: 'https://unnamed.example.com' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(defaults('https://unnamed.example.com', 'https://unnamed.example.com'));
    });

    it('keeps token_lifetime_for_web within a shorter token_lifetime when only token_lifetime is given', async () => {
      const res = await raw('POST', '/api/v2/resource-servers', {
        identifier: 'https://short.example.com',
        name: 'Short',
        token_lifetime: 600,
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...defaults('Short', 'https://short.example.com'), token_lifetime: 600, token_lifetime_for_web: 600 });
    });

    it('refuses a duplicate identifier with 409 and changes nothing (SDK)', async () => {
      const before = await listAll();
      const failure = await sdkFailure(mgmt.resourceServers.create({ identifier: 'https://orders.example.com', name: 'Orders again' }));
      expectManagementError(
        { status: failure.status, body: failure.body },
        409,
        'resource_server_conflict',
        'A resource server with the same identifier already exists',
      );
      expect(await listAll()).toEqual(before);
    });

    it("refuses the Management API's identifier as a duplicate, and the userinfo audience as reserved", async () => {
      const before = await listAll();
      expectManagementError(
        await raw('POST', '/api/v2/resource-servers', { identifier: t.managementAudience, name: 'Mine' }),
        409,
        'resource_server_conflict',
      );
      expectManagementError(
        await raw('POST', '/api/v2/resource-servers', { identifier: `${t.issuer}userinfo`, name: 'Userinfo' }),
        400,
        'invalid_body',
        `The identifier "${t.issuer}userinfo" is reserved for the tenant's /userinfo endpoint`,
      );
      expect(await listAll()).toEqual(before);
    });
  });

  describe('validation: every refusal is a 400 invalid_body and changes nothing', () => {
    const createCases: [string, unknown, string | RegExp][] = [
      [
        'an unknown field',
        { identifier: 'https://x.example', foo: 1 },
        "Payload validation error: 'Additional properties not allowed: foo'.",
      ],
      [
        'several unknown fields',
        { identifier: 'https://x.example', foo: 'abc', bar: true },
        "Payload validation error: 'Additional properties not allowed: foo,bar'.",
      ],
      [
        'is_system: true (read-only: only the value a GET shows, false, is taken back)',
        { identifier: 'https://x.example', id: 'abc', is_system: true },
        "Payload validation error: 'is_system is read-only: it can only be sent with the value the server holds (false)'.",
      ],
      ['a missing identifier', { name: 'X' }, "Payload validation error: 'Missing required property: identifier' on property identifier."],
      [
        'a null identifier',
        { identifier: null },
        "Payload validation error: 'Expected type string but found type null' on property identifier.",
      ],
      [
        'a numeric identifier',
        { identifier: 42 },
        "Payload validation error: 'Expected type string but found type integer' on property identifier.",
      ],
      [
        'an empty identifier',
        { identifier: '' },
        "Payload validation error: 'String is too short (0 chars), minimum 1' on property identifier.",
      ],
      ['an identifier with spaces', { identifier: 'https://a b.example' }, 'invalid identifier'],
      ['an identifier with a control character', { identifier: 'https://ab.example/\u0001' }, 'invalid identifier'],
      [
        'an identifier over 600 characters',
        { identifier: `https://x.example/${'a'.repeat(600)}` },
        "Payload validation error: 'String is too long (618 chars), maximum 600' on property identifier.",
      ],
      [
        'an empty name',
        { identifier: 'https://x.example', name: '' },
        "Payload validation error: 'String does not match pattern ^[^<>]+$' on property name.",
      ],
      [
        'a name with <',
        { identifier: 'https://x.example', name: 'a<b' },
        "Payload validation error: 'String does not match pattern ^[^<>]+$' on property name.",
      ],
      [
        'a name with >',
        { identifier: 'https://x.example', name: 'a>b' },
        "Payload validation error: 'String does not match pattern ^[^<>]+$' on property name.",
      ],
      [
        'a null name',
        { identifier: 'https://x.example', name: null },
        "Payload validation error: 'Expected type string but found type null' on property name.",
      ],
      [
        'a name over 200 characters',
        { identifier: 'https://x.example', name: 'n'.repeat(201) },
        "Payload validation error: 'String is too long (201 chars), maximum 200' on property name.",
      ],
      [
        'an unknown signing_alg',
        { identifier: 'https://x.example', signing_alg: 'HS512' },
        'Payload validation error: \'No enum match for: "HS512"\' on property signing_alg.',
      ],
      [
        'alg none',
        { identifier: 'https://x.example', signing_alg: 'none' },
        'Payload validation error: \'No enum match for: "none"\' on property signing_alg.',
      ],
      [
        'a short signing_secret',
        { identifier: 'https://x.example', signing_alg: 'HS256', signing_secret: 'short' },
        "Payload validation error: 'String is too short (5 chars), minimum 16' on property signing_secret.",
      ],
      [
        'token_lifetime 0',
        { identifier: 'https://x.example', token_lifetime: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property token_lifetime.",
      ],
      [
        'a negative token_lifetime',
        { identifier: 'https://x.example', token_lifetime: -5 },
        "Payload validation error: 'Value -5 is less than minimum 1' on property token_lifetime.",
      ],
      [
        'token_lifetime above 30 days',
        { identifier: 'https://x.example', token_lifetime: 2592001 },
        "Payload validation error: 'Value 2592001 is greater than maximum 2592000' on property token_lifetime.",
      ],
      [
        'a fractional token_lifetime',
        { identifier: 'https://x.example', token_lifetime: 3600.5 },
        "Payload validation error: 'Expected type integer but found type number' on property token_lifetime.",
      ],
      [
        'a string token_lifetime',
        { identifier: 'https://x.example', token_lifetime: '3600' },
        "Payload validation error: 'Expected type integer but found type string' on property token_lifetime.",
      ],
      [
        'token_lifetime_for_web 0',
        { identifier: 'https://x.example', token_lifetime_for_web: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property token_lifetime_for_web.",
      ],
      [
        'token_lifetime_for_web above token_lifetime',
        { identifier: 'https://x.example', token_lifetime: 3600, token_lifetime_for_web: 7200 },
        "Payload validation error: 'token_lifetime_for_web (7200) cannot be greater than token_lifetime (3600)'.",
      ],
      [
        'a string boolean',
        { identifier: 'https://x.example', allow_offline_access: 'true' },
        "Payload validation error: 'Expected type boolean but found type string' on property allow_offline_access.",
      ],
      [
        'a null boolean',
        { identifier: 'https://x.example', enforce_policies: null },
        "Payload validation error: 'Expected type boolean but found type null' on property enforce_policies.",
      ],
      [
        'an unknown token_dialect',
        { identifier: 'https://x.example', token_dialect: 'jwt' },
        'Payload validation error: \'No enum match for: "jwt"\' on property token_dialect.',
      ],
      [
        'scopes that are not an array',
        { identifier: 'https://x.example', scopes: 'read:a' },
        "Payload validation error: 'Expected type array but found type string' on property scopes.",
      ],
      [
        'a scope that is not an object',
        { identifier: 'https://x.example', scopes: ['read:a'] },
        "Payload validation error: 'Expected type object but found type string' on property scopes[0].",
      ],
      [
        'a scope without value',
        { identifier: 'https://x.example', scopes: [{ description: 'd' }] },
        "Payload validation error: 'Missing required property: value' on property scopes[0].value.",
      ],
      ['a scope with spaces', { identifier: 'https://x.example', scopes: [{ value: 'read a' }] }, 'pattern'],
      [
        'a scope with an unknown field',
        { identifier: 'https://x.example', scopes: [{ value: 'a', extra: 1 }] },
        "Payload validation error: 'Additional properties not allowed: extra' on property scopes[0].",
      ],
      [
        'duplicate scopes',
        { identifier: 'https://x.example', scopes: [{ value: 'a' }, { value: 'a' }] },
        'Payload validation error: \'scopes must have unique values; "a" appears more than once\'.',
      ],
    ];

    it.each(createCases)('refuses a create with %s', async (_what, body, message) => {
      const before = await listAll();
      const res = await raw('POST', '/api/v2/resource-servers', body);
      if (message === 'invalid identifier') {
        expectManagementError(res, 400, 'invalid_body', /String is not a valid identifier.* on property identifier\.$/);
      } else if (message === 'pattern') {
        expectManagementError(res, 400, 'invalid_body', /String does not match pattern .* on property scopes\[0\]\.value\.$/);
      } else {
        expectManagementError(res, 400, 'invalid_body', message);
      }
      expect(await listAll()).toEqual(before);
    });

    it('refuses a body that is a JSON array, or malformed JSON', async () => {
      const before = await listAll();
      expectManagementError(
        await raw('POST', '/api/v2/resource-servers', [{ identifier: 'https://x.example' }]),
        400,
        'invalid_body',
        "Payload validation error: 'Expected type object but found type array'.",
      );
      const bad = await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
        token,
        rawBody: '{"identifier": "https://x.example",',
        headers: { 'content-type': 'application/json' },
      });
      expectManagementError(bad, 400, 'invalid_body', 'Invalid request payload JSON format');
      expect(await listAll()).toEqual(before);
    });

    it('refuses an oversize body with 413 and changes nothing', async () => {
      const before = await listAll();
      const res = await raw('POST', '/api/v2/resource-servers', {
        identifier: 'https://big.example',
        name: 'Big',
        scopes: [{ value: 'a', description: 'x'.repeat(200 * 1024) }],
      });
      expectManagementError(res, 413, 'payload_too_large', `Payload content length greater than maximum allowed: ${t.config.bodyLimit}`);
      expect(await listAll()).toEqual(before);
    });

    const patchCases: [string, unknown, string | RegExp][] = [
      [
        'the identifier',
        { identifier: 'https://renamed.example' },
        `Payload validation error: 'identifier is read-only: it can only be sent with the value the server holds ("https://orders.example.com")'.`,
      ],
      [
        'the id',
        { id: 'x' },
        /^Payload validation error: 'id is read-only: it can only be sent with the value the server holds \("\w+"\)'\.$/,
      ],
      [
        'is_system',
        { is_system: true },
        "Payload validation error: 'is_system is read-only: it can only be sent with the value the server holds (false)'.",
      ],
      ['an empty name', { name: '' }, "Payload validation error: 'String does not match pattern ^[^<>]+$' on property name."],
      ['a name with < or >', { name: '<script>' }, "Payload validation error: 'String does not match pattern ^[^<>]+$' on property name."],
      ['a null name', { name: null }, "Payload validation error: 'Expected type string but found type null' on property name."],
      [
        'a null signing_alg',
        { signing_alg: null },
        "Payload validation error: 'Expected type string but found type null' on property signing_alg.",
      ],
      [
        'token_lifetime above 30 days',
        { token_lifetime: 2592001 },
        "Payload validation error: 'Value 2592001 is greater than maximum 2592000' on property token_lifetime.",
      ],
      [
        'token_lifetime_for_web above token_lifetime',
        { token_lifetime_for_web: 86401 },
        "Payload validation error: 'token_lifetime_for_web (86401) cannot be greater than token_lifetime (86400)'.",
      ],
      [
        'both lifetimes, web above',
        { token_lifetime: 100, token_lifetime_for_web: 200 },
        "Payload validation error: 'token_lifetime_for_web (200) cannot be greater than token_lifetime (100)'.",
      ],
      ['a null scopes list', { scopes: null }, "Payload validation error: 'Expected type array but found type null' on property scopes."],
    ];

    it.each(patchCases)('refuses a patch of %s and the API is unchanged', async (_what, body, message) => {
      const before = (await raw('GET', path('https://orders.example.com'))).body;
      expectManagementError(await raw('PATCH', path(before.id), body), 400, 'invalid_body', message);
      expect((await raw('GET', path(before.id))).body).toEqual(before);
    });
  });

  describe('read', () => {
    it('lists a plain array by default, the system Management API first', async () => {
      const res = await raw('GET', '/api/v2/resource-servers');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body[0]).toEqual({
        ...defaults('Auth0 Management API', t.managementAudience),
        is_system: true,
        scopes: expect.arrayContaining(MANAGEMENT_SCOPES),
      });
      expect(res.body.map((r: { identifier: string }) => r.identifier)).toEqual(
        expect.arrayContaining(['https://orders.example.com', 'urn:billing']),
      );
    });

    it('pages with page/per_page and answers {resource_servers, start, limit, total} with include_totals', async () => {
      const all = await listAll();
      const page1 = await raw('GET', '/api/v2/resource-servers?page=1&per_page=2&include_totals=true');
      expect(page1.status).toBe(200);
      expect(page1.body).toEqual({ resource_servers: all.slice(2, 4), start: 2, limit: 2, total: all.length });
      const plain = await raw('GET', '/api/v2/resource-servers?page=0&per_page=3');
      expect(plain.body).toEqual(all.slice(0, 3));
      const beyond = await raw('GET', '/api/v2/resource-servers?page=50&per_page=10&include_totals=true');
      expect(beyond.body).toEqual({ resource_servers: [], start: 500, limit: 10, total: all.length });
      const totalsOnly = await raw('GET', '/api/v2/resource-servers?include_totals=true');
      expect(totalsOnly.body).toEqual({ resource_servers: all, start: 0, limit: 50, total: all.length });
    });

    it('projects fields with fields/include_fields', async () => {
      const all = await listAll();
      const kept = await raw('GET', '/api/v2/resource-servers?fields=identifier,name&include_fields=true');
      expect(kept.body).toEqual(all.map((r) => ({ name: r.name, identifier: r.identifier })));
      const dropped = await raw('GET', `${path('https://orders.example.com')}?fields=scopes,token_dialect&include_fields=false`);
      const { scopes: _s, token_dialect: _d, ...rest } = all.find((r) => r.identifier === 'https://orders.example.com');
      expect(dropped.body).toEqual(rest);
    });

    it('filters by identifiers, as the SDK sends them', async () => {
      const page = await mgmt.resourceServers.list({ identifiers: ['https://orders.example.com', 'urn:billing'] });
      expect(page.data.map((r) => r.identifier).sort()).toEqual(['https://orders.example.com', 'urn:billing']);
    });

    it("pages through the SDK's Page (page.data, hasNextPage, and for-await iteration)", async () => {
      const all = await listAll();
      const first = await mgmt.resourceServers.list({ per_page: 2 });
      expect(first.data).toEqual(all.slice(0, 2));
      expect(first.hasNextPage()).toBe(true);
      const seen: string[] = [];
      for await (const rs of await mgmt.resourceServers.list({ per_page: 2 })) {
        seen.push(rs.id!);
      }
      expect(seen).toEqual(all.map((r) => r.id));
    });

    it('gets by id and by URL-encoded identifier, through the SDK and raw', async () => {
      const byIdentifier = await mgmt.resourceServers.get('https://orders.example.com');
      const byId = await mgmt.resourceServers.get(byIdentifier.id!);
      expect(byId).toEqual(byIdentifier);
      const rawRes = await raw('GET', `/api/v2/resource-servers/${encodeURIComponent('https://orders.example.com')}`);
      expect(rawRes.body).toEqual(byIdentifier);
      expect((await raw('GET', path(t.managementAudience))).body.is_system).toBe(true);
    });

    it('answers 404 inexistent_resource_server for an unknown id or identifier', async () => {
      expectManagementError(
        await raw('GET', path('0123456789abcdef01234567')),
        404,
        'inexistent_resource_server',
        'The resource server does not exist',
      );
      const failure = await sdkFailure(mgmt.resourceServers.get('https://nowhere.example'));
      expectManagementError(failure, 404, 'inexistent_resource_server', 'The resource server does not exist');
    });

    it('refuses unknown or malformed query parameters with 400 invalid_query_string', async () => {
      expectManagementError(
        await raw('GET', '/api/v2/resource-servers?foo=1'),
        400,
        'invalid_query_string',
        "Query validation error: 'Additional properties not allowed: foo'.",
      );
      expectManagementError(
        await raw('GET', '/api/v2/resource-servers?per_page=0'),
        400,
        'invalid_query_string',
        "Query validation error: 'per_page' must be an integer from 1 to 100.",
      );
      expectManagementError(await raw('GET', '/api/v2/resource-servers?per_page=101'), 400, 'invalid_query_string');
      expectManagementError(await raw('GET', '/api/v2/resource-servers?page=-1'), 400, 'invalid_query_string');
      expectManagementError(
        await raw('GET', '/api/v2/resource-servers?include_totals=yes'),
        400,
        'invalid_query_string',
        "Query validation error: 'include_totals' must be true or false.",
      );
      expectManagementError(
        await raw('GET', '/api/v2/resource-servers?take=10'),
        400,
        'invalid_query_string',
        "Query validation error: 'Additional properties not allowed: take'.",
      );
      expectManagementError(await raw('GET', `${path('urn:billing')}?page=1`), 400, 'invalid_query_string');
    });
  });

  describe('update', () => {
    it('patches fields through the SDK and a re-read shows exactly the patch', async () => {
      const before = await mgmt.resourceServers.get('https://orders.example.com');
      const patched = await mgmt.resourceServers.update(before.id!, {
        name: 'Orders v2',
        scopes: [{ value: 'read:orders', description: 'Read orders' }],
        allow_offline_access: true,
        token_lifetime: 43200,
        skip_consent_for_verifiable_first_party_clients: true,
        enforce_policies: true,
        token_dialect: 'rfc9068_profile',
      });
      const expected = {
        ...before,
        name: 'Orders v2',
        scopes: [{ value: 'read:orders', description: 'Read orders' }],
        allow_offline_access: true,
        token_lifetime: 43200,
        skip_consent_for_verifiable_first_party_clients: true,
        enforce_policies: true,
        token_dialect: 'rfc9068_profile',
      };
      expect(patched).toEqual(expected);
      expect(await mgmt.resourceServers.get(before.id!)).toEqual(expected);
    });

    it('patches by URL-encoded identifier; an empty patch changes nothing', async () => {
      const before = (await raw('GET', path('urn:billing'))).body;
      const res = await raw('PATCH', path('urn:billing'), { token_lifetime_for_web: 900 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, token_lifetime_for_web: 900 });
      const empty = await raw('PATCH', path('urn:billing'), {});
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ ...before, token_lifetime_for_web: 900 });
    });

    it('lowers token_lifetime_for_web with a token_lifetime below it', async () => {
      const before = (await raw('GET', path('https://pay.example.com'))).body;
      const res = await raw('PATCH', path(before.id), { token_lifetime: 300 });
      expect(res.body).toEqual({ ...before, token_lifetime: 300, token_lifetime_for_web: 300 });
    });

    it('generates a secret when an API moves to HS256, shows it while HS256 and keeps it', async () => {
      const before = (await raw('GET', path('https://pay.example.com'))).body;
      const hs = await raw('PATCH', path(before.id), { signing_alg: 'HS256' });
      expect(hs.body).toEqual({ ...before, signing_alg: 'HS256', signing_secret: expect.any(String) });
      const secret = hs.body.signing_secret as string;
      expect(secret.length).toBeGreaterThanOrEqual(16);
      const rs = await raw('PATCH', path(before.id), { signing_alg: 'RS256' });
      expect(rs.body).toEqual({ ...before, signing_alg: 'RS256' });
      const back = await raw('PATCH', path(before.id), { signing_alg: 'HS256' });
      expect(back.body.signing_secret).toBe(secret);
      const rotated = await raw('PATCH', path(before.id), { signing_secret: 'a-brand-new-secret-value' });
      expect(rotated.body).toEqual({ ...before, signing_alg: 'HS256', signing_secret: 'a-brand-new-secret-value' });
    });

    it('answers 404 for an unknown API', async () => {
      expectManagementError(await raw('PATCH', path('https://nowhere.example'), { name: 'X' }), 404, 'inexistent_resource_server');
    });
  });

  describe('delete', () => {
    it('deletes with 204 and an empty body; then the API is gone', async () => {
      const created = await mgmt.resourceServers.create({ identifier: 'https://doomed.example.com', name: 'Doomed' });
      const res = await raw('DELETE', path(created.id!));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectManagementError(await raw('GET', path(created.id!)), 404, 'inexistent_resource_server');
      expectManagementError(await raw('DELETE', path(created.id!)), 404, 'inexistent_resource_server');
      expect((await listAll()).some((r) => r.identifier === 'https://doomed.example.com')).toBe(false);
    });

    it('deletes by identifier through the SDK', async () => {
      await mgmt.resourceServers.create({ identifier: 'https://doomed2.example.com', name: 'Doomed too' });
      await mgmt.resourceServers.delete('https://doomed2.example.com');
      expect((await sdkFailure(mgmt.resourceServers.get('https://doomed2.example.com'))).status).toBe(404);
    });
  });

  describe('the system Management API', () => {
    it('can be neither patched nor deleted, and stays unchanged', async () => {
      const before = (await raw('GET', path(t.managementAudience))).body;
      expect(before).toMatchObject({ is_system: true, name: 'Auth0 Management API', identifier: t.managementAudience });
      expectManagementError(
        await raw('PATCH', path(before.id), { name: 'Mine now' }),
        400,
        'operation_not_supported',
        'The resource server "Auth0 Management API" is a system API and cannot be modified',
      );
      expectManagementError(await raw('PATCH', path(t.managementAudience), { signing_alg: 'HS256' }), 400, 'operation_not_supported');
      const failure = await sdkFailure(mgmt.resourceServers.delete(before.id));
      expectManagementError(
        failure,
        400,
        'operation_not_supported',
        'The resource server "Auth0 Management API" is a system API and cannot be deleted',
      );
      expect((await raw('GET', path(before.id))).body).toEqual(before);
      // The admin token still works, so nothing about the API changed underneath it.
      expect((await raw('GET', '/api/v2/resource-servers')).status).toBe(200);
    });
  });
});
