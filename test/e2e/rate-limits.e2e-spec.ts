import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('rate limits', () => {
  describe('with tight limits', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        RATE_LIMIT_TOKEN_PER_CLIENT: '1/3',
        RATE_LIMIT_MANAGEMENT_PER_IP: '1/2',
      });
    });
    afterAll(async () => {
      await t.cleanup();
    });

    it('answers 429 with Retry-After on /oauth/token past the per-client burst', async () => {
      const form = {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: t.managementAudience,
      };
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof postForm>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await postForm(t.baseUrl, '/oauth/token', form);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expectOAuthError(last!, 429, 'too_many_requests');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
      // Another client is not throttled by this one's limit.
      const other = await postForm(t.baseUrl, '/oauth/token', { ...form, client_id: 'someone-else' });
      expectOAuthError(other, 401, 'invalid_client');
    });

    it('keys the per-client bucket on the client id as authentication decodes it, whatever its encoding', async () => {
      // RFC 6749 §2.3.1: Basic credentials are form-encoded, so these four name one client, `my-client`.
      const basic = (id: string) => `Basic ${Buffer.from(`${id}:wrong-secret`).toString('base64')}`;
      const spellings = [basic('my-client'), basic('my%2Dclient'), basic('my%2dclient'), basic('my%2D%63lient')];
      const statuses: number[] = [];
      for (const authorization of spellings) {
        statuses.push(
          (
            await postForm(
              t.baseUrl,
              '/oauth/token',
              { grant_type: 'client_credentials', audience: t.managementAudience },
              { authorization },
            )
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // The form field names the same bucket.
      const posted = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: 'my-client',
        client_secret: 'x',
      });
      expect(posted.status).toBe(429);
    });

    it('answers 429 in the Management shape past the per-IP burst, and logs it', async () => {
      const res = await Promise.all([1, 2, 3].map(() => http(t.baseUrl, 'GET', '/api/v2/resource-servers')));
      const limited = res.find((r) => r.status === 429)!;
      expectManagementError(limited, 429, 'too_many_requests' as never);
      expect(limited.body.error).toBe('Too Many Requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      // Once the bucket refills, the tenant log shows the limit hits (Auth0's api_limit events).
      await new Promise((r) => setTimeout(r, 2100));
      const logs = await http(t.baseUrl, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:api_limit')}`, { token: await t.adminToken() });
      expect(logs.status).toBe(200);
      expect(logs.body.map((l: { description: string }) => l.description)).toEqual(
        expect.arrayContaining(['Rate limit exceeded on GET /api/v2/resource-servers', 'Rate limit exceeded on POST /oauth/token']),
      );
    });
  });

  it('does not throttle a well-behaved burst of 150 token requests with the defaults', async () => {
    const t = await startTestApp();
    try {
      const form = {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
        audience: t.managementAudience,
      };
      const res = await Promise.all(Array.from({ length: 150 }, () => postForm(t.baseUrl, '/oauth/token', form)));
      expect(res.filter((r) => r.status !== 200).length).toBe(0);
    } finally {
      await t.cleanup();
    }
  });
});
