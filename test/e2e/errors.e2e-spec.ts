import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Every error the server answers comes in one of Auth0's two shapes, with the right status and headers. */
describe('error bodies', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const apiCount = async () => ((await http(t.baseUrl, 'GET', '/api/v2/resource-servers', { token })).body as unknown[]).length;

  describe('Management API: {statusCode, error, message, errorCode}', () => {
    it('404 for an unknown route, without echoing the path', async () => {
      const res = await http(t.baseUrl, 'GET', '/api/v2/no-such-thing', { token });
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found', errorCode: 'not_found' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('400 for malformed JSON, an array body, or a body that is not JSON at all', async () => {
      const before = await apiCount();
      const malformed = await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
        token,
        rawBody: '{"identifier":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid request payload JSON format',
        errorCode: 'invalid_body',
      });
      const array = await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', { token, body: [] });
      expectManagementError(array, 400, 'invalid_body', "Payload validation error: 'Expected type object but found type array'.");
      const text = await http(t.baseUrl, 'POST', '/api/v2/resource-servers', {
        token,
        rawBody: 'identifier=x',
        headers: { 'content-type': 'text/plain' },
      });
      // Not read as an empty object and then validated: refused for what it is.
      expectManagementError(
        text,
        400,
        'invalid_body',
        'Invalid request payload: the Management API reads application/json bodies only (got "text/plain").',
      );
      expect(await apiCount()).toBe(before);
    });

    it('413 for a body over the limit', async () => {
      const res = await http(t.baseUrl, 'PATCH', '/api/v2/tenants/settings', {
        token,
        body: { friendly_name: 'x'.repeat(t.config.bodyLimit + 1) },
      });
      expect(res.body).toEqual({
        statusCode: 413,
        error: 'Request Entity Too Large',
        message: `Payload content length greater than maximum allowed: ${t.config.bodyLimit}`,
        errorCode: 'payload_too_large',
      });
    });

    it('400 invalid_uri for a path parameter that is not valid percent-encoding', async () => {
      const res = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/%E0%A4%A', { token });
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'URI malformed', errorCode: 'invalid_uri' });
    });

    it('401 carries WWW-Authenticate; 403 and 404 do not', async () => {
      const unauth = await http(t.baseUrl, 'GET', '/api/v2/tenants/settings');
      expect(unauth.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Missing authentication',
        errorCode: 'missing_authentication',
      });
      expect(unauth.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      const missing = await http(t.baseUrl, 'GET', '/api/v2/resource-servers/0123456789abcdef01234567', { token });
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'The resource server does not exist',
        errorCode: 'inexistent_resource_server',
      });
      expect(missing.headers.get('www-authenticate')).toBeNull();
    });
  });

  describe('Authentication API: {error, error_description}', () => {
    it('400 invalid_request with Cache-Control: no-store', async () => {
      const res = await http(t.baseUrl, 'POST', '/oauth/token', { body: { client_id: 'x' } });
      expectOAuthError(res, 400, 'invalid_request', 'Missing required parameter: grant_type');
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('malformed JSON and oversize bodies on /oauth/token', async () => {
      const malformed = await http(t.baseUrl, 'POST', '/oauth/token', {
        rawBody: '{"grant_type":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.body).toEqual({ error: 'invalid_request', error_description: 'Invalid request payload JSON format' });
      expect(malformed.status).toBe(400);
      const big = await http(t.baseUrl, 'POST', '/oauth/token', {
        body: { grant_type: 'client_credentials', scope: 'x'.repeat(t.config.bodyLimit + 1) },
      });
      expect(big.body).toEqual({
        error: 'invalid_request',
        error_description: `Payload content length greater than maximum allowed: ${t.config.bodyLimit}`,
      });
      expect(big.status).toBe(413);
    });

    it('401 invalid_client with WWW-Authenticate for bad Basic credentials (RFC 6749 §5.2)', async () => {
      const res = await http(t.baseUrl, 'POST', '/oauth/token', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` },
      });
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    it('404 for an unknown path outside the Management API', async () => {
      const res = await http(t.baseUrl, 'GET', '/no/such/path');
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Not Found' });
      expect(res.status).toBe(404);
    });
  });
});
