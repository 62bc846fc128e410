import { BadRequestException, Logger, NotFoundException, PayloadTooLargeException, type ArgumentsHost } from '@nestjs/common';
import { ApiErrorFilter } from './api-error.filter.js';
import { ManagementError, OAuthError } from './api-error.js';

interface Captured {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

/** Runs the filter on `exception` for a request to `path`; returns what it wrote. */
function render(exception: unknown, path: string): Captured {
  const out: Captured = { headers: {} };
  const res = {
    headersSent: false,
    setHeader(name: string, value: string) {
      out.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      out.status = code;
      return this;
    },
    json(body: unknown) {
      out.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ path }), getResponse: () => res }) } as unknown as ArgumentsHost;
  new ApiErrorFilter().catch(exception, host);
  return out;
}

describe('ApiErrorFilter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('turns any other error into a generic 500 that echoes nothing of it', () => {
    const secret = new Error('connect ECONNREFUSED postgres://admin:hunter2@db:5432 at /srv/tessera/src/x.ts:42');
    const mgmt = render(secret, '/api/v2/clients');
    expect(mgmt).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', errorCode: 'internal_error' },
      headers: {},
    });
    const oauth = render(secret, '/oauth/token');
    expect(oauth).toEqual({ status: 500, body: { error: 'server_error', error_description: 'Internal Server Error' }, headers: {} });
    expect(JSON.stringify([mgmt, oauth])).not.toMatch(/hunter2|ECONNREFUSED|src\/x\.ts/);
  });

  it('treats thrown non-errors and 5xx HTTP exceptions the same way', () => {
    expect(render('boom', '/api/v2/x').status).toBe(500);
    expect(render({ status: 503, message: 'db down' }, '/api/v2/x').body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal Server Error',
      errorCode: 'internal_error',
    });
  });

  it('renders ManagementError in Auth0 Management shape, with WWW-Authenticate on 401 only', () => {
    expect(
      render(new ManagementError(403, 'insufficient_scope', 'Insufficient scope, expected any of: read:clients'), '/api/v2/clients'),
    ).toEqual({
      status: 403,
      body: {
        statusCode: 403,
        error: 'Forbidden',
        message: 'Insufficient scope, expected any of: read:clients',
        errorCode: 'insufficient_scope',
      },
      headers: {},
    });
    expect(render(new ManagementError(401, 'invalid_token', 'Invalid token'), '/api/v2/clients')).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid token', errorCode: 'invalid_token' },
      headers: { 'www-authenticate': 'Bearer realm="tessera"' },
    });
  });

  it('renders OAuthError in the Authentication API shape with no-store and its WWW-Authenticate', () => {
    expect(render(OAuthError.invalidClient('Client authentication failed', true), '/oauth/token')).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed' },
      headers: { 'cache-control': 'no-store', 'www-authenticate': 'Basic realm="tessera", charset="UTF-8"' },
    });
  });

  it('maps framework errors to the shape of the surface', () => {
    expect(render(new NotFoundException('Cannot GET /api/v2/nope'), '/api/v2/nope').body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Not Found',
      errorCode: 'not_found',
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      statusCode: 413,
      expose: true,
      type: 'entity.too.large',
      limit: 1024,
    });
    expect(render(new PayloadTooLargeException('request entity too large', { cause: tooLarge }), '/api/v2/clients').body).toEqual({
      statusCode: 413,
      error: 'Request Entity Too Large',
      message: 'Payload content length greater than maximum allowed: 1024',
      errorCode: 'payload_too_large',
    });
    const parse = Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400, type: 'entity.parse.failed' });
    expect(render(new BadRequestException(parse.message, { cause: parse }), '/oauth/token').body).toEqual({
      error: 'invalid_request',
      error_description: 'Invalid request payload JSON format',
    });
  });
});
