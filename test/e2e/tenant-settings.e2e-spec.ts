import type { Management, ManagementClient } from 'auth0';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { freePort, http, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The status and body of a failed SDK call (the SDK's errors carry both). */
async function sdkFailure(call: Promise<unknown>): Promise<{ status?: number; body?: unknown }> {
  try {
    await call;
  } catch (e) {
    const err = e as { statusCode?: number; body?: unknown };
    return { status: err.statusCode, body: err.body };
  }
  throw new Error('expected the SDK call to fail');
}

const DEFAULT_SETTINGS = {
  friendly_name: 'Tessera',
  picture_url: '',
  support_email: '',
  support_url: '',
  default_audience: '',
  default_directory: '',
  session_lifetime: 168,
  idle_session_lifetime: 72,
  allowed_logout_urls: [],
  enabled_locales: ['en'],
  flags: { actions_fetch: false },
};

const hsMessage = (name: string, identifier: string) =>
  `The API "${name}" (${identifier}) cannot be the default audience: HS256 tokens can hold only one audience, and tokens for the default audience also carry the userinfo audience when "openid" is requested; switch it to RS256 or PS256 first.`;

describe('/api/v2/tenants/settings', () => {
  let t: TestApp;
  let token: string;
  let mgmt: ManagementClient;

  const raw = (method: string, p: string, body?: unknown) => http(t.baseUrl, method, p, { token, body });
  const settings = async () => (await raw('GET', '/api/v2/tenants/settings')).body;
  const api = async (identifier: string) => (await raw('GET', `/api/v2/resource-servers/${encodeURIComponent(identifier)}`)).body;
  const createApi = async (identifier: string, signing_alg: 'HS256' | 'RS256' | 'PS256', name = identifier) => {
    const res = await raw('POST', '/api/v2/resource-servers', { identifier, name, signing_alg });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await createApi('https://rs.example.com', 'RS256', 'Orders');
    await createApi('https://ps.example.com', 'PS256', 'Payments');
    await createApi('https://hs.example.com', 'HS256', 'Legacy');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  afterEach(async () => {
    // Each test starts without a Default Audience.
    await raw('PATCH', '/api/v2/tenants/settings', { default_audience: '' });
  });

  describe('read and write', () => {
    it('reads the defaults (SDK and raw), with fields/include_fields', async () => {
      expect(await mgmt.tenants.settings.get()).toEqual(DEFAULT_SETTINGS);
      const res = await raw('GET', '/api/v2/tenants/settings');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(DEFAULT_SETTINGS);
      expect((await raw('GET', '/api/v2/tenants/settings?fields=friendly_name,session_lifetime')).body).toEqual({
        friendly_name: 'Tessera',
        session_lifetime: 168,
      });
      const { default_audience: _a, enabled_locales: _l, ...rest } = DEFAULT_SETTINGS;
      expect((await raw('GET', '/api/v2/tenants/settings?fields=default_audience,enabled_locales&include_fields=false')).body).toEqual(
        rest,
      );
      expectManagementError(
        await raw('GET', '/api/v2/tenants/settings?page=1'),
        400,
        'invalid_query_string',
        "Query validation error: 'Additional properties not allowed: page'.",
      );
    });

    it('patches every listed field (SDK); the answer and a re-read show exactly the patch', async () => {
      const patch: Management.UpdateTenantSettingsRequestContent = {
        friendly_name: 'Acme',
        picture_url: 'https://acme.example.com/logo.png',
        support_email: 'support@acme.example.com',
        support_url: 'https://acme.example.com/help',
        default_directory: 'Username-Password-Authentication',
        session_lifetime: 720,
        idle_session_lifetime: 24,
        allowed_logout_urls: ['https://acme.example.com/bye', 'https://*.acme.example.com/bye'],
        enabled_locales: ['en', 'fr-CA', 'es-419'],
      };
      const updated = await mgmt.tenants.settings.update(patch);
      expect(updated).toEqual({ ...DEFAULT_SETTINGS, ...patch });
      expect(await settings()).toEqual({ ...DEFAULT_SETTINGS, ...patch });

      // Empty strings clear the optional texts; the session lifetimes go to Auth0's bounds.
      const cleared = await raw('PATCH', '/api/v2/tenants/settings', {
        picture_url: '',
        support_email: '',
        support_url: '',
        default_directory: '',
        session_lifetime: 8760,
        idle_session_lifetime: 1,
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toEqual({
        ...DEFAULT_SETTINGS,
        ...patch,
        picture_url: '',
        support_email: '',
        support_url: '',
        default_directory: '',
        session_lifetime: 8760,
        idle_session_lifetime: 1,
      });
      // Put the defaults back for the other tests.
      await raw('PATCH', '/api/v2/tenants/settings', { ...DEFAULT_SETTINGS });
      expect(await settings()).toEqual(DEFAULT_SETTINGS);
    });

    it('turns the actions_fetch flag on and off (SDK); a patch without flags keeps it', async () => {
      // The SDK's flags type lists Auth0's flags only; Tessera's own flag goes through it all the same.
      const on = { flags: { actions_fetch: true } } as Management.UpdateTenantSettingsRequestContent;
      expect((await mgmt.tenants.settings.update(on)).flags).toEqual({ actions_fetch: true });
      await mgmt.tenants.settings.update({ friendly_name: 'Tessera' });
      await raw('PATCH', '/api/v2/tenants/settings', { flags: {} });
      expect((await mgmt.tenants.settings.get()).flags).toEqual({ actions_fetch: true });
      expect((await raw('GET', '/api/v2/tenants/settings?fields=flags')).body).toEqual({ flags: { actions_fetch: true } });
      await raw('PATCH', '/api/v2/tenants/settings', { flags: { actions_fetch: false } });
      expect(await settings()).toEqual(DEFAULT_SETTINGS);
    });

    it("takes Auth0's minute spellings of the session lifetimes (as auth0-deploy-cli sends them), in whole hours", async () => {
      const before = await settings();
      const res = await raw('PATCH', '/api/v2/tenants/settings', {
        session_lifetime_in_minutes: 4320,
        idle_session_lifetime_in_minutes: 1440,
      });
      expect(res.body).toMatchObject({ session_lifetime: 72, idle_session_lifetime: 24 });
      expect(await settings()).toEqual({ ...before, session_lifetime: 72, idle_session_lifetime: 24 });
      await raw('PATCH', '/api/v2/tenants/settings', {
        session_lifetime: before.session_lifetime,
        idle_session_lifetime: before.idle_session_lifetime,
      });
      expect(await settings()).toEqual(before);
    });

    // Auth0: session lifetimes are whole hours, at least 1; 365 days absolute and 100 days idle at most.
    const refusals: [string, unknown, string][] = [
      ['an empty patch', {}, "Payload validation error: 'Too few properties defined (0), minimum 1'."],
      [
        'a lifetime in minutes that is not whole hours',
        { session_lifetime_in_minutes: 90 },
        "Payload validation error: 'session_lifetime_in_minutes must be a whole number of hours (a multiple of 60): Tessera keeps session lifetimes in hours'.",
      ],
      [
        'a lifetime in both hours and minutes',
        { idle_session_lifetime: 2, idle_session_lifetime_in_minutes: 120 },
        "Payload validation error: 'idle_session_lifetime and idle_session_lifetime_in_minutes cannot be given together'.",
      ],
      [
        'an unknown field',
        { friendly_name: 'X', sandbox_version: '22' },
        "Payload validation error: 'Additional properties not allowed: sandbox_version'.",
      ],
      [
        'a flag Tessera does not know (even one of Auth0)',
        { flags: { actions_fetch: true, enable_sso: true } },
        "Payload validation error: 'Additional properties not allowed: enable_sso' on property flags.",
      ],
      [
        'a non-boolean flag',
        { flags: { actions_fetch: 'yes' } },
        "Payload validation error: 'Expected type boolean but found type string' on property flags.actions_fetch.",
      ],
      [
        'flags that are not an object',
        { flags: [true] },
        "Payload validation error: 'Expected type object but found type array' on property flags.",
      ],
      ['null flags', { flags: null }, "Payload validation error: 'Expected type object but found type null' on property flags."],
      [
        'session_lifetime 0',
        { session_lifetime: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property session_lifetime.",
      ],
      [
        'session_lifetime above 8760 hours',
        { session_lifetime: 8761 },
        "Payload validation error: 'Value 8761 is greater than maximum 8760' on property session_lifetime.",
      ],
      [
        'a fractional session_lifetime',
        { session_lifetime: 1.5 },
        "Payload validation error: 'Expected type integer but found type number' on property session_lifetime.",
      ],
      [
        'a string session_lifetime',
        { session_lifetime: '24' },
        "Payload validation error: 'Expected type integer but found type string' on property session_lifetime.",
      ],
      [
        'idle_session_lifetime 0',
        { idle_session_lifetime: 0 },
        "Payload validation error: 'Value 0 is less than minimum 1' on property idle_session_lifetime.",
      ],
      [
        'idle_session_lifetime above 2400 hours',
        { idle_session_lifetime: 2401 },
        "Payload validation error: 'Value 2401 is greater than maximum 2400' on property idle_session_lifetime.",
      ],
      [
        'a null idle_session_lifetime',
        { idle_session_lifetime: null },
        "Payload validation error: 'Expected type integer but found type null' on property idle_session_lifetime.",
      ],
      [
        'a null default_audience',
        { default_audience: null },
        "Payload validation error: 'Expected type string but found type null' on property default_audience.",
      ],
      [
        'a numeric friendly_name',
        { friendly_name: 7 },
        "Payload validation error: 'Expected type string but found type integer' on property friendly_name.",
      ],
      [
        'a bad support_email',
        { support_email: 'not-an-email' },
        "Payload validation error: 'Object didn't pass validation for format email-or-empty: not-an-email' on property support_email.",
      ],
      [
        'a relative picture_url',
        { picture_url: '/logo.png' },
        "Payload validation error: 'Object didn't pass validation for format absolute-uri-or-empty: /logo.png' on property picture_url.",
      ],
      [
        'a non-http support_url',
        { support_url: 'javascript:alert(1)' },
        "Payload validation error: 'Object didn't pass validation for format absolute-uri-or-empty: javascript:alert(1)' on property support_url.",
      ],
      [
        'a bad logout URL',
        { allowed_logout_urls: ['https://ok.example.com', 'not a url'] },
        "Payload validation error: 'Object didn't pass validation for format url-with-placeholders: not a url' on property allowed_logout_urls.",
      ],
      ['no locale', { enabled_locales: [] }, "Payload validation error: 'Array is too short (0), minimum 1' on property enabled_locales."],
      [
        'an unknown locale',
        { enabled_locales: ['en', 'xx'] },
        'Payload validation error: \'No enum match for: "xx"\' on property enabled_locales.',
      ],
      [
        'a non-string locale',
        { enabled_locales: [1] },
        "Payload validation error: 'Expected type string but found type integer' on property enabled_locales.",
      ],
    ];

    it.each(refusals)('refuses %s with 400 invalid_body and changes nothing', async (_what, body, message) => {
      const before = await settings();
      expectManagementError(await raw('PATCH', '/api/v2/tenants/settings', body), 400, 'invalid_body', message);
      expect(await settings()).toEqual(before);
    });
  });

  describe('the Default Audience and the HS256 rule', () => {
    it('accepts an RS256 or PS256 API and clears with ""', async () => {
      expect(await mgmt.tenants.settings.update({ default_audience: 'https://rs.example.com' })).toEqual({
        ...DEFAULT_SETTINGS,
        default_audience: 'https://rs.example.com',
      });
      expect((await settings()).default_audience).toBe('https://rs.example.com');
      const ps = await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://ps.example.com' });
      expect(ps.body).toEqual({ ...DEFAULT_SETTINGS, default_audience: 'https://ps.example.com' });
      const cleared = await raw('PATCH', '/api/v2/tenants/settings', { default_audience: '' });
      expect(cleared.body).toEqual(DEFAULT_SETTINGS);
      expect(await settings()).toEqual(DEFAULT_SETTINGS);
    });

    it('refuses an HS256 API, naming it and the fix, and changes nothing (SDK and raw)', async () => {
      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://rs.example.com' });
      const before = await settings();
      const res = await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://hs.example.com', friendly_name: 'Changed' });
      expectManagementError(res, 400, 'invalid_body', hsMessage('Legacy', 'https://hs.example.com'));
      expect(res.body.message).toMatch(/RS256 or PS256/);
      expect(await settings()).toEqual(before);

      const failure = await sdkFailure(mgmt.tenants.settings.update({ default_audience: 'https://hs.example.com' }));
      expect(failure.status).toBe(400);
      expect(failure.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: hsMessage('Legacy', 'https://hs.example.com'),
        errorCode: 'invalid_body',
      });
      expect(await settings()).toEqual(before);
    });

    it('refuses a default_audience that names no API, and changes nothing', async () => {
      const before = await settings();
      expectManagementError(
        await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://nowhere.example.com' }),
        400,
        'invalid_body',
        'default_audience "https://nowhere.example.com" does not name an API of this tenant; create the API first or send "" to clear it.',
      );
      expect(await settings()).toEqual(before);
    });

    it('refuses to switch the Default Audience API to HS256, and changes nothing', async () => {
      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://rs.example.com' });
      const before = await api('https://rs.example.com');
      const res = await raw('PATCH', `/api/v2/resource-servers/${before.id}`, { signing_alg: 'HS256', name: 'Orders renamed' });
      expectManagementError(
        res,
        400,
        'invalid_body',
        'The API "Orders" (https://rs.example.com) is the tenant\'s default audience: HS256 tokens can hold only one audience, and tokens for the default audience also carry the userinfo audience when "openid" is requested; keep it on RS256 or PS256, or change default_audience first.',
      );
      expect(await api('https://rs.example.com')).toEqual(before);
      expect((await settings()).default_audience).toBe('https://rs.example.com');
      // Other changes to the Default Audience API stay allowed, and so does PS256.
      const ps = await raw('PATCH', `/api/v2/resource-servers/${before.id}`, { signing_alg: 'PS256' });
      expect(ps.body).toEqual({ ...before, signing_alg: 'PS256' });
      expect((await raw('PATCH', `/api/v2/resource-servers/${before.id}`, { signing_alg: 'RS256' })).status).toBe(200);
    });

    it('allows HS256 on an API once it is no longer the Default Audience', async () => {
      await createApi('https://moving.example.com', 'RS256', 'Moving');
      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://moving.example.com' });
      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://rs.example.com' });
      const res = await raw('PATCH', `/api/v2/resource-servers/${encodeURIComponent('https://moving.example.com')}`, {
        signing_alg: 'HS256',
      });
      expect(res.status).toBe(200);
      expect(res.body.signing_alg).toBe('HS256');
    });

    it('refuses to delete the Default Audience API; after clearing it, the delete succeeds', async () => {
      const doomed = await createApi('https://doomed.example.com', 'RS256', 'Doomed');
      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: 'https://doomed.example.com' });
      const before = await settings();
      expectManagementError(
        await raw('DELETE', `/api/v2/resource-servers/${doomed.id}`),
        400,
        'invalid_body',
        'The API "Doomed" (https://doomed.example.com) is the tenant\'s default audience; change or clear default_audience in the tenant settings before deleting it.',
      );
      expect(await api('https://doomed.example.com')).toEqual(doomed);
      expect(await settings()).toEqual(before);

      await raw('PATCH', '/api/v2/tenants/settings', { default_audience: '' });
      expect((await raw('DELETE', `/api/v2/resource-servers/${doomed.id}`)).status).toBe(204);
    });

    it('keeps the rule under racing requests: each one fully applies or changes nothing', async () => {
      const n = 20;
      const ids = Array.from({ length: n }, (_, i) => `https://race-${i}.example.com`);
      for (const id of ids) {
        await createApi(id, 'RS256');
      }
      // For each API, fire "make it the Default Audience" and "switch it to HS256" at the same time.
      const results = await Promise.all(
        ids.flatMap((id) => [
          raw('PATCH', '/api/v2/tenants/settings', { default_audience: id }).then((r) => ({ kind: 'default' as const, id, r })),
          raw('PATCH', `/api/v2/resource-servers/${encodeURIComponent(id)}`, { signing_alg: 'HS256' }).then((r) => ({
            kind: 'hs256' as const,
            id,
            r,
          })),
        ]),
      );

      const final = await settings();
      const apis = new Map<string, { signing_alg: string }>();
      for (const id of ids) {
        apis.set(id, await api(id));
      }
      const successfulDefaults = new Set<string>();
      for (const { kind, id, r } of results) {
        expect([200, 400]).toContain(r.status);
        if (kind === 'hs256') {
          if (r.status === 200) {
            expect(r.body.signing_alg).toBe('HS256');
            expect(apis.get(id)!.signing_alg).toBe('HS256');
          } else {
            expectManagementError(r, 400, 'invalid_body', /is the tenant's default audience: HS256 tokens can hold only one audience/);
            expect(apis.get(id)!.signing_alg).toBe('RS256');
          }
        } else if (r.status === 200) {
          expect(r.body.default_audience).toBe(id);
          successfulDefaults.add(id);
        } else {
          expectManagementError(r, 400, 'invalid_body', /cannot be the default audience: HS256 tokens can hold only one audience/);
        }
      }
      // The invariant: the Default Audience never names an HS256 API.
      expect(successfulDefaults.has(final.default_audience)).toBe(true);
      expect(apis.get(final.default_audience)!.signing_alg).not.toBe('HS256');
      // Every pair resolved one way or the other: at least one of its two requests won.
      for (const id of ids) {
        const pair = results.filter((x) => x.id === id);
        expect(pair.some((x) => x.r.status === 200)).toBe(true);
      }
    });

    // Two instances on one database: PostgreSQL row locks, or SQLite's write lock taken up front (DbService).
    it('keeps the rule when the racing requests go to two server instances on one database', async () => {
      const other = await startTestApp(
        { PUBLIC_URL: t.config.publicUrl },
        { dir: t.dir, port: await freePort(), databaseUrl: t.databaseUrl },
      );
      try {
        // One pair per round, so both requests of a round succeeding could only be a write skew.
        for (let i = 0; i < 30; i++) {
          const id = `https://cross-${i}.example.com`;
          await createApi(id, 'RS256');
          const [setDefault, toHs256] = await Promise.all([
            raw('PATCH', '/api/v2/tenants/settings', { default_audience: id }),
            http(other.baseUrl, 'PATCH', `/api/v2/resource-servers/${encodeURIComponent(id)}`, { token, body: { signing_alg: 'HS256' } }),
          ]);
          expect([setDefault.status, toHs256.status].sort()).toEqual([200, 400]);
          const final = await settings();
          const alg = (await api(id)).signing_alg;
          if (setDefault.status === 200) {
            expect([final.default_audience, alg]).toEqual([id, 'RS256']);
          } else {
            expect(alg).toBe('HS256');
            expect(final.default_audience).not.toBe(id);
          }
        }
      } finally {
        await other.close();
      }
    });
  });
});
